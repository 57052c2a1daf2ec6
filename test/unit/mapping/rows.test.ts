import * as XLSX from 'xlsx';

import { readRows } from '../../../lib/files';
import {
	MappingError,
	mappingFromFieldList,
	rowsFromObjects,
	type FieldListEntry,
	type MappingSettings,
} from '../../../lib/mapping';
import { mapCsv, runMapping } from './run-mapping';

function customers(entries: FieldListEntry[] = [], settings: Partial<MappingSettings> = {}) {
	const contact: FieldListEntry[] = entries.some((entry) => entry.target === 'email')
		? []
		: [{ target: 'email', source: 'Email', mayBeAbsent: true }];
	return mappingFromFieldList(
		'customer',
		[
			{ target: 'customer_id', source: 'ID' },
			{ target: 'first_name', source: 'Name' },
			{ target: 'town', source: 'Town' },
			...contact,
			...entries,
		],
		[],
		settings,
	);
}

async function errorOf(run: Promise<unknown>): Promise<unknown> {
	return run.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
}

describe('rows with the wrong number of fields', () => {
	test('a row with fewer or more values than the header is rejected with row.field_count; blank extra values are tolerated', async () => {
		const csv = 'ID,Name,Town\nC1,Jo\nC2,Al,Bath,Somerset\nC3,Sam,York,,\nC4,Kim,Leeds\n';
		const { records, rejected, summary } = await mapCsv(csv, customers(), 'customers.csv');
		expect(records.map((record) => [record.customer_id, record._source.lines])).toEqual([
			['C3', [4]],
			['C4', [5]],
		]);
		expect(rejected).toEqual([
			{
				file: 'customers.csv',
				line: 2,
				field: '(whole row)',
				column: '',
				rule: 'row.field_count',
				value: 'C1,Jo',
				message:
					'The row has 2 values but the header has 3 columns, so its values may be in the wrong columns',
				owner: 'till data',
			},
			{
				file: 'customers.csv',
				line: 3,
				field: '(whole row)',
				column: '',
				rule: 'row.field_count',
				value: 'C2,Al,Bath,Somerset',
				message:
					'The row has 4 values but the header has 3 columns, so its values may be in the wrong columns',
				owner: 'till data',
			},
		]);
		expect(summary).toMatchObject({
			rows_read: 4,
			records: 2,
			rows_in_records: 2,
			rejected: 2,
			rejected_by_rule: { 'row.field_count': 2 },
			balanced: true,
		});
	});
});

describe('rows that cannot be read', () => {
	test('a stray quote rejects its row as row.unreadable, and the rows after it are still mapped', async () => {
		const csv = 'ID,Name,Town\nC1,Jo,Bath\nC2,Al "The Ace",York\nC3,Sam,Leeds\n';
		const { records, rejected, summary, order } = await mapCsv(csv, customers(), 'customers.csv');
		expect(records.map((record) => record.customer_id)).toEqual(['C1', 'C3']);
		expect(rejected).toEqual([
			{
				file: 'customers.csv',
				line: 3,
				field: '(whole row)',
				column: '',
				rule: 'row.unreadable',
				value: expect.stringMatching(/^C2,Al "/) as unknown as string,
				message:
					'The row could not be read: column 2 ("Name") has a quote (") in a value that is not enclosed in quotes',
				owner: 'till data',
			},
		]);
		// Customer records wait for the end of the file, where rows of the same customer are merged.
		expect(order).toEqual(['rejected', 'record', 'record']);
		expect(summary).toMatchObject({
			rows_read: 3,
			records: 2,
			rejected: 1,
			rejected_by_rule: { 'row.unreadable': 1 },
			balanced: true,
		});
	});

	test('an unreadable line of an order does not stop the other orders', async () => {
		const mapping = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Receipt' },
				{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
				{ target: 'lines.name', source: 'Item' },
			],
			[],
		);
		const csv =
			'Receipt,Date,Item\nR1,2026-07-01,Apron\nR2,2026-07-01,6" plate "blue\nR3,2026-07-01,Cap\n';
		const { records, rejected, summary } = await mapCsv(csv, mapping);
		expect(records.map((record) => record.order_id)).toEqual(['R1', 'R3']);
		expect(rejected.map(({ line, rule }) => ({ line, rule }))).toEqual([
			{ line: 3, rule: 'row.unreadable' },
		]);
		expect(summary).toMatchObject({
			rows_read: 3,
			rows_in_records: 2,
			rejected: 1,
			balanced: true,
		});
	});
});

describe('the header row setting', () => {
	test('with a title row above the header, header row 2 reads the column names from the second row', async () => {
		const csv = 'Customer export for Sunrise Social Club,,\nID,Name,Town\nC1,Jo,Bath\nC2,Al,York\n';
		const { records, summary } = await mapCsv(
			csv,
			customers([], { headerRow: 2 }),
			'customers.csv',
		);
		expect(records).toEqual([
			{
				customer_id: 'C1',
				first_name: 'Jo',
				town: 'Bath',
				_source: { file: 'customers.csv', lines: [3] },
			},
			{
				customer_id: 'C2',
				first_name: 'Al',
				town: 'York',
				_source: { file: 'customers.csv', lines: [4] },
			},
		]);
		expect(summary).toMatchObject({ rows_read: 2, records: 2, balanced: true });
	});

	test('the header row counts non-blank rows, so blank lines above it do not matter', async () => {
		const csv = 'Report,\n\nPrinted 27/06/2026,\n\nID,Name,Town\nC1,Jo,Bath\n';
		const { records } = await mapCsv(csv, customers([], { headerRow: 3 }));
		expect(records).toEqual([
			{
				customer_id: 'C1',
				first_name: 'Jo',
				town: 'Bath',
				_source: { file: 'export.csv', lines: [6] },
			},
		]);
	});

	test('without the setting, a title row is taken for the header and the missing columns are named', async () => {
		const error = await errorOf(
			mapCsv(
				'Customer export,,\nID,Name,Town\nC1,Jo,Bath\n',
				customers([{ target: 'email', source: 'Email', required: true }]),
			),
		);
		expect(error).toBeInstanceOf(MappingError);
		expect((error as MappingError).problems).toEqual(
			['ID', 'Name', 'Town', 'Email'].map((column) =>
				expect.stringMatching(new RegExp(`^"${column}" is missing for `)),
			),
		);
	});

	test('a header row past the end of the file is a mapping error, not an empty result', async () => {
		const error = await errorOf(
			mapCsv('ID,Name,Town\nC1,Jo,Bath\n', customers([], { headerRow: 5 }), 'customers.csv'),
		);
		expect(error).toBeInstanceOf(MappingError);
		expect((error as MappingError).message).toBe(
			'the header row is set to row 5, but "customers.csv" has only 2 non-blank rows',
		);
	});

	test('a header row that cannot be read is a mapping error naming the row and the reason', async () => {
		const error = await errorOf(
			mapCsv(
				'Customer export,,\nID,"Name" (first),Town\nC1,Jo,Bath\n',
				customers([], { headerRow: 2 }),
				'customers.csv',
			),
		);
		expect(error).toBeInstanceOf(MappingError);
		expect((error as MappingError).message).toMatch(
			/^the header row \(row 2\) of "customers\.csv" cannot be read: .*quote/,
		);
	});

	test('a file of blank lines gives an empty, balanced summary', async () => {
		const { records, rejected, summary } = await mapCsv('\r\n\r\n', customers(), 'empty.csv');
		expect(records).toEqual([]);
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ rows_read: 0, records: 0, rejected: 0, balanced: true });
	});

	test('header row 2 in an Excel export, with numbers and dates kept as the cells hold them', async () => {
		const sheet = XLSX.utils.aoa_to_sheet([
			['Weekly customers'],
			['ID', 'Name', 'Town', 'Joined', 'Visits'],
			[10023, 'Jo', 'Bath', 46200, 12],
		]);
		const workbook = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(workbook, sheet, 'Export');
		const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
		const mapping = customers(
			[
				{ target: 'created_at', source: 'Joined' },
				{ target: 'custom.visits', source: 'Visits', type: 'integer' },
			],
			{ headerRow: 2, timeZone: 'Europe/London' },
		);
		const { records, rejected } = await runMapping(
			readRows(bytes, { fileName: 'customers.xlsx' }),
			mapping,
			'customers.xlsx',
		);
		expect(rejected).toEqual([]);
		expect(records).toEqual([
			{
				customer_id: '10023',
				first_name: 'Jo',
				town: 'Bath',
				created_at: '2026-06-27T00:00:00+01:00',
				custom: { visits: 12 },
				_source: { file: 'customers.xlsx', lines: [3] },
			},
		]);
	});
});

describe('unmapped columns', () => {
	test('with "keep unmapped columns" the columns no field reads go under custom in snake case; blank cells are left out', async () => {
		const csv =
			'ID,Name,Town,Loyalty Tier,Café Notes,Tier,Points\nC1,Jo,Bath,Gold, likes oat milk ,,\nC2,Al,York,,,,40\n';
		const mapping = customers([{ target: 'custom.tier', source: 'Tier' }], {
			keepUnmappedColumns: true,
		});
		const { records } = await mapCsv(csv, mapping);
		expect(records.map((record) => record.custom)).toEqual([
			{ loyalty_tier: 'Gold', cafe_notes: 'likes oat milk' },
			{ points: '40' },
		]);
	});

	test('without it, unmapped columns are dropped', async () => {
		const { records } = await mapCsv('ID,Name,Town,Loyalty Tier\nC1,Jo,Bath,Gold\n', customers());
		expect(records).toEqual([
			{
				customer_id: 'C1',
				first_name: 'Jo',
				town: 'Bath',
				_source: { file: 'export.csv', lines: [2] },
			},
		]);
	});

	test('a kept column whose snake-case name is already a custom field is not kept twice; a repeated header is kept as its (2)', async () => {
		const mapping = customers([{ target: 'custom.loyalty_tier', source: 'Tier' }], {
			keepUnmappedColumns: true,
		});
		const { records, summary } = await mapCsv(
			'ID,Name,Town,Tier,Loyalty Tier,LOYALTY-TIER\nC1,Jo,Bath,Gold,Silver,Bronze\n',
			mapping,
		);
		expect(records[0].custom).toEqual({ loyalty_tier: 'Gold', loyalty_tier_2: 'Bronze' });
		expect(summary.renamed_columns).toEqual(['LOYALTY-TIER (2)']);
	});
});

describe('JSON rows', () => {
	test('items become rows: a header of every key in order of first appearance, lines numbered from 1', () => {
		const rows = [
			...rowsFromObjects([
				{ ID: 'C1', Name: 'Jo' },
				{
					Town: 'Bath',
					ID: 'C2',
					Joined: new Date('2026-06-27T12:00:00Z'),
					Tags: ['vip'],
					Visits: 3,
					Opt: true,
					Gone: null,
				},
			]),
		];
		expect(rows).toEqual([
			{ kind: 'header', values: ['ID', 'Name', 'Town', 'Joined', 'Tags', 'Visits', 'Opt', 'Gone'] },
			{ kind: 'row', line: 1, values: ['C1', 'Jo', '', '', '', '', '', ''] },
			{
				kind: 'row',
				line: 2,
				values: ['C2', '', 'Bath', '2026-06-27T12:00:00.000Z', '["vip"]', 3, true, ''],
			},
		]);
	});

	test('items map like a file, numbers and booleans typed as they came', async () => {
		const mapping = customers(
			[
				{ target: 'marketing_opt_in', source: 'Opt' },
				{ target: 'custom.visits', source: 'Visits', type: 'integer' },
				{ target: 'updated_at', source: 'Changed' },
			],
			{ timeZone: 'Europe/London' },
		);
		const items = [
			{ ID: 'C1', Name: 'Jo', Town: 'Bath', Opt: true, Visits: 3, Changed: '2026-06-27T13:01:09Z' },
			{ ID: 'C2', Name: 'Al', Opt: 'N', Visits: '7' },
			{ ID: 'C3', Visits: 2.5 },
		];
		const { records, rejected, summary } = await runMapping(
			rowsFromObjects(items),
			mapping,
			'items from Postgres',
		);
		expect(records).toEqual([
			{
				customer_id: 'C1',
				first_name: 'Jo',
				town: 'Bath',
				marketing_opt_in: true,
				updated_at: '2026-06-27T14:01:09+01:00',
				custom: { visits: 3 },
				_source: { file: 'items from Postgres', lines: [1] },
			},
			{
				customer_id: 'C2',
				first_name: 'Al',
				marketing_opt_in: false,
				custom: { visits: 7 },
				_source: { file: 'items from Postgres', lines: [2] },
			},
		]);
		expect(rejected.map(({ line, rule, field }) => ({ line, rule, field }))).toEqual([
			{ line: 3, rule: 'integer.not_whole', field: 'custom.visits' },
		]);
		expect(summary).toMatchObject({ rows_read: 3, records: 2, rejected: 1, balanced: true });
	});

	test('no items give an empty, balanced summary', async () => {
		const { summary } = await runMapping(rowsFromObjects([]), customers(), 'items');
		expect(summary).toMatchObject({ rows_read: 0, records: 0, rejected: 0, balanced: true });
	});
});
