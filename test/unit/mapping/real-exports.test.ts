/**
 * The cases real exports showed up (issue 17), each on a file that reproduces it: no order goes out
 * short of a line, and a mapping that does not fit the file stops as one mapping fault instead of
 * thousands of rows blamed on the till.
 */
import { inspectSample } from '../../../lib/files';
import {
	MappingError,
	applyMappings,
	mappingFromFieldList,
	mappingProblems,
	presetById,
	type CanonicalRecord,
	type Feed,
	type FieldListEntry,
	type Mapping,
	type Rejection,
} from '../../../lib/mapping';
import { MIN_ROWS_ALL, MIN_ROWS_MAJORITY, isFault } from '../../../lib/mapping/faults';
import { random, superstoreLike } from './generated';
import { csvRows, mapCsv } from './run-mapping';

const RETAIL_HEADER =
	'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

async function mappingErrorOf(run: Promise<unknown>): Promise<MappingError> {
	const error = await run.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	if (!(error instanceof MappingError))
		throw new Error(`expected a MappingError, got ${String(error)}`);
	return error;
}

describe('1. never a half order', () => {
	// Three invoices of two lines each; one line of 536366 has a stray quote, one of 536367 an extra field.
	const csv = [
		RETAIL_HEADER,
		'536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom',
		'536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom',
		'536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850,United Kingdom',
		'536366,22632,HAND WARMER 12" RED,6,12/1/2010 8:28,1.85,17850,United Kingdom',
		'536367,84879,ASSORTED BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom',
		"536367,22745,POPPY'S PLAYHOUSE, BEDROOM,6,12/1/2010 8:34,2.10,13047,United Kingdom",
		'',
	].join('\n');

	test('an unreadable row and a row with too many fields hold their whole orders back, every rejection naming the order', async () => {
		const { records, rejected, summary } = await mapCsv(
			csv,
			presetById('online-retail').mapping(),
			'online-retail.csv',
		);
		expect(records.map((record) => record.order_id)).toEqual(['536365']);
		expect(records[0].lines).toHaveLength(2);
		expect(
			rejected
				.map(({ line, rule, order_id }) => ({ line, rule, order_id }))
				.sort((a, b) => a.line - b.line),
		).toEqual([
			{ line: 4, rule: 'order.incomplete', order_id: '536366' },
			{ line: 5, rule: 'row.unreadable', order_id: '536366' },
			{ line: 6, rule: 'order.incomplete', order_id: '536367' },
			{ line: 7, rule: 'row.field_count', order_id: '536367' },
		]);
		expect(rejected.find((rejection) => rejection.line === 4)!.message).toContain(
			'held back because its row on line 5 was rejected',
		);
		expect(summary).toMatchObject({
			rows_read: 6,
			records: 1,
			rows_in_records: 2,
			rejected: 4,
			balanced: true,
		});
	});

	test('generated files: no order ever goes out without every one of its rows, and the counts balance', async () => {
		const next = random(17);
		for (let round = 0; round < 30; round++) {
			const lines = [RETAIL_HEADER];
			const damaged = new Set<string>();
			const rowsOf = new Map<string, number>();
			const orders = 2 + Math.floor(next() * 12);
			for (let order = 0; order < orders; order++) {
				const invoice = String(540000 + order);
				const rows = 1 + Math.floor(next() * 4);
				rowsOf.set(invoice, rows);
				for (let row = 0; row < rows; row++) {
					const roll = next();
					let line = `${invoice},SKU${row},ITEM ${row},${1 + row},12/1/2010 9:${String(order % 60).padStart(2, '0')},1.25,17850,United Kingdom`;
					if (roll < 0.08) line = line.replace(`ITEM ${row}`, `ITEM ${row} 12" BOX`);
					else if (roll < 0.16) line = line.replace(`ITEM ${row}`, `ITEM ${row}, LARGE`);
					else if (roll < 0.22) line = line.replace(',1.25,', ',one pound,');
					if (roll < 0.22) damaged.add(invoice);
					lines.push(line);
				}
			}
			const { records, rejected, summary } = await mapCsv(
				`${lines.join('\n')}\n`,
				presetById('online-retail').mapping(),
				'generated.csv',
			).catch((error: unknown) => {
				// A file where one rule rejects most rows is a mapping fault: nothing goes out at all.
				if (error instanceof MappingError)
					return { records: [], rejected: [], summary: { balanced: true } };
				throw error;
			});
			for (const record of records) {
				expect(damaged.has(String(record.order_id))).toBe(false);
				expect((record.lines as unknown[]).length).toBe(rowsOf.get(String(record.order_id)));
			}
			for (const rejection of rejected) expect(rejection.order_id).toBeDefined();
			expect(summary.balanced).toBe(true);
		}
	});
});

describe('2. a mapping that does not fit the file stops before anything is sent', () => {
	/** An Online Retail extract written day first, as the public UK copy is: 1/12/2010 is 1 December. */
	const dayFirst = [
		RETAIL_HEADER,
		...[
			'13/12/2010 8:26',
			'14/12/2010 9:02',
			'21/12/2010 10:15',
			'22/12/2010 11:40',
			'23/12/2010 12:01',
		].flatMap((date, index) => [
			`${581000 + index},85123A,WHITE HANGING HEART,6,${date},2.55,17850,United Kingdom`,
			`${581000 + index},71053,WHITE METAL LANTERN,6,${date},3.39,17850,United Kingdom`,
		]),
		'',
	].join('\n');

	test('day-first dates under a month-first preset: one mapping fault naming the rule, the column, three samples and the format that reads them', async () => {
		const error = await mappingErrorOf(
			mapCsv(dayFirst, presetById('online-retail').mapping(), 'online-retail-uk.csv'),
		);
		expect(error.problems).toHaveLength(1);
		const [problem] = error.problems;
		expect(problem).toContain(
			'the rule date.impossible rejected all 10 rows of purchase_date from the column "InvoiceDate"',
		);
		expect(problem).toContain(
			'(for example "13/12/2010 8:26", "14/12/2010 9:02", "21/12/2010 10:15")',
		);
		expect(problem).toContain('the date format d/M/yyyy H:mm reads every sample');
		expect(problem).toContain('nothing from it was sent');
		expect(error.origin).toBe('the "Online Retail (invoice lines)" preset');
	});

	test("the Date format setting overrides the preset's own formats, and then every row reads", async () => {
		const { records, rejected } = await mapCsv(
			dayFirst,
			presetById('online-retail').mapping({ dateFormat: 'd/M/yyyy H:mm' }),
			'online-retail-uk.csv',
		);
		expect(rejected).toEqual([]);
		expect(records.map((record) => record.purchase_date)).toEqual([
			'2010-12-13T08:26:00+00:00',
			'2010-12-14T09:02:00+00:00',
			'2010-12-21T10:15:00+00:00',
			'2010-12-22T11:40:00+00:00',
			'2010-12-23T12:01:00+00:00',
		]);
	});

	test('when every sample reads both day first and month first, the fault says so instead of choosing', async () => {
		const mapping = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Receipt' },
				{ target: 'purchase_date', source: 'Date' },
			],
			[],
		);
		const error = await mappingErrorOf(
			mapCsv('Receipt,Date\nR1,01/02/2026\nR2,03/04/2026\nR3,05/06/2026\n', mapping),
		);
		expect(error.problems[0]).toContain(
			'date.ambiguous rejected all 3 rows of purchase_date from the column "Date"',
		);
		expect(error.problems[0]).toContain(
			'every sample could be read as d/M/yyyy (day first) or as M/d/yyyy (month first), so the format cannot be chosen from these values',
		);
	});

	test('a decimal comma read with a decimal point: one fault that names the setting to change', async () => {
		const mapping = mappingFromFieldList(
			'product',
			[
				{ target: 'sku', source: 'Artikelnummer' },
				{ target: 'price', source: 'Preis (brutto)' },
			],
			[],
		);
		const rows = Array.from({ length: 12 }, (_, index) =>
			`A${index};${index + 1},${(index * 7) % 100}`.replace(/,(\d)$/, ',0$1'),
		);
		const error = await mappingErrorOf(
			mapCsv(`Artikelnummer;Preis (brutto)\n${rows.join('\n')}\n`, mapping, 'sumup.csv'),
		);
		expect(error.problems[0]).toMatch(
			/^the rule money\.invalid rejected all 12 rows of price from the column "Preis \(brutto\)" \(for example "1,00", "2,07", "3,14"\)/,
		);
		expect(error.problems[0]).toContain(
			'every sample reads with a decimal comma: set Decimal separator to "Comma (12,50)"',
		);
	});

	test("a few bad rows in a file stay the till's to fix: the rows are rejected, owned by till data, and the rest go out", async () => {
		const mapping = mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'ID' },
				{ target: 'email', source: 'Email' },
			],
			[],
		);
		const rows = Array.from(
			{ length: 10 },
			(_, index) => `C${index},${index < 4 ? `not-an-email-${index}` : `c${index}@example.com`}`,
		);
		const { records, rejected } = await mapCsv(`ID,Email\n${rows.join('\n')}\n`, mapping);
		expect(records).toHaveLength(6);
		expect(rejected.map((rejection) => [rejection.rule, rejection.owner])).toEqual(
			Array.from({ length: 4 }, () => ['email.invalid', 'till data']),
		);
	});

	test('generated files: the mapping stops exactly when one rule rejects every row (2 or more) or over half of 10 or more', async () => {
		const next = random(42);
		const mapping = mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'ID' },
				{ target: 'email', source: 'Email' },
			],
			[],
		);
		expect([isFault(1, 1), isFault(2, 2), isFault(5, 9), isFault(5, 10), isFault(6, 10)]).toEqual([
			false,
			true,
			false,
			false,
			true,
		]);
		expect([MIN_ROWS_ALL, MIN_ROWS_MAJORITY]).toEqual([2, 10]);
		for (let round = 0; round < 40; round++) {
			const total = 1 + Math.floor(next() * 30);
			const bad = Math.floor(next() * (total + 1));
			const rows = Array.from(
				{ length: total },
				(_, index) => `C${index},${index < bad ? `bad${index}` : `c${index}@example.com`}`,
			);
			const outcome = await mapCsv(`ID,Email\n${rows.join('\n')}\n`, mapping).then(
				(run) => run,
				(error: unknown) => error,
			);
			const stopped = outcome instanceof MappingError;
			expect(stopped).toBe((bad === total && total >= 2) || (total >= 10 && bad * 2 > total));
			if (!stopped) expect((outcome as { rejected: unknown[] }).rejected).toHaveLength(bad);
		}
	});
});

describe('3. repeated header names keep every column', () => {
	test('email,name,name,amount,Amount: the second name and Amount are kept as "name (2)" and "Amount (2)", and reported', async () => {
		const mapping: Mapping = mappingFromFieldList(
			'customer',
			[
				{ target: 'email', source: 'email' },
				{ target: 'first_name', source: 'name' },
				{ target: 'last_name', source: 'name (2)' },
				{ target: 'custom.amount', source: 'amount' },
				{ target: 'custom.amount_2', source: 'Amount (2)' },
			],
			[],
		);
		const { records, summary } = await mapCsv(
			'email,name,name,amount,Amount\njo@example.com,Jo,Bloggs,10,12\n',
			mapping,
		);
		expect(records[0]).toMatchObject({
			email: 'jo@example.com',
			first_name: 'Jo',
			last_name: 'Bloggs',
			custom: { amount: '10', amount_2: '12' },
		});
		expect(summary.renamed_columns).toEqual(['name (2)', 'Amount (2)']);
	});

	test('kept as unmapped columns, the repeats come out under their own names', async () => {
		const mapping = mappingFromFieldList('customer', [{ target: 'email', source: 'email' }], [], {
			keepUnmappedColumns: true,
		});
		const { records } = await mapCsv(
			'email,name,name,amount,Amount\njo@example.com,Jo,Bloggs,10,12\n',
			mapping,
		);
		expect(records[0].custom).toEqual({
			name: 'Jo',
			name_2: 'Bloggs',
			amount: '10',
			amount_2: '12',
		});
	});
});

describe('4. one line over a million characters', () => {
	test('is rejected with its true reason, holds back its order, and the rest of the file goes out', async () => {
		const long = `536366,22633,${'HAND WARMER '.repeat(100_000)},6,12/1/2010 8:28,1.85,17850,United Kingdom`;
		const csv = [
			RETAIL_HEADER,
			'536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom',
			long,
			'536366,22632,HAND WARMER RED,6,12/1/2010 8:28,1.85,17850,United Kingdom',
			'536367,84879,ASSORTED BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom',
			'',
		].join('\n');
		const { records, rejected, summary } = await mapCsv(
			csv,
			presetById('online-retail').mapping(),
			'online-retail.csv',
		);
		expect(records.map((record) => record.order_id)).toEqual(['536365', '536367']);
		expect(
			rejected.map(({ line, rule, order_id, message }) => ({ line, rule, order_id, message })),
		).toEqual([
			{
				line: 3,
				rule: 'row.unreadable',
				order_id: '536366',
				message: `The row could not be read: the line is ${long.length.toLocaleString('en-GB')} bytes long, more than the 1,000,000 a row may have, so it is not read`,
			},
			{
				line: 4,
				rule: 'order.incomplete',
				order_id: '536366',
				message: expect.stringContaining('held back because its row on line 3 was rejected'),
			},
		]);
		expect(summary).toMatchObject({ rows_read: 4, balanced: true });
	});
});

describe("5. Excel's sep= first line", () => {
	test('"sep=;" names the delimiter and is not read as the header; lines keep their numbers', async () => {
		const mapping = mappingFromFieldList(
			'product',
			[
				{ target: 'sku', source: 'SKU' },
				{ target: 'name', source: 'Name' },
				{ target: 'price', source: 'Price' },
			],
			[],
			{ decimalSeparator: ',' },
		);
		const { records, summary } = await mapCsv(
			'sep=;\r\nSKU;Name;Price\r\nA1;Apron, blue;12,50\r\nB2;Bag;3,00\r\n',
			mapping,
			'excel-de.csv',
		);
		expect(
			records.map(({ sku, name, price, _source }) => ({ sku, name, price, lines: _source.lines })),
		).toEqual([
			{ sku: 'A1', name: 'Apron, blue', price: 12.5, lines: [3] },
			{ sku: 'B2', name: 'Bag', price: 3, lines: [4] },
		]);
		expect(summary).toMatchObject({ rows_read: 2, balanced: true });
	});

	test('inspecting such a file gives the delimiter and the real header', () => {
		const inspection = inspectSample(
			Buffer.from('\uFEFFsep=,\nSKU,Name\nA1,Apron\n'),
			'excel.csv',
			true,
		);
		expect(inspection).toMatchObject({ delimiter: ',', header: ['SKU', 'Name'] });
	});
});

describe('7. Excel date numbers in a text file', () => {
	test('"45292" in a CSV date column is 1 January 2024 when no format is given, and with a format that cannot read a plain number', async () => {
		const mapping = (format?: string) =>
			mappingFromFieldList(
				'customer',
				[
					{ target: 'email', source: 'Email' },
					{ target: 'birth_date', source: 'Born', format },
					{ target: 'created_at', source: 'Joined', format },
				],
				[],
				{ timeZone: 'Europe/London' },
			);
		const csv =
			'Email,Born,Joined\njo@example.com,45292,45292.5\nsam@example.com,01/02/1990,45474.75\n';
		const plain = await mapCsv(csv.replace('01/02/1990', '1990-02-01'), mapping());
		expect(plain.records.map(({ birth_date, created_at }) => [birth_date, created_at])).toEqual([
			['2024-01-01', '2024-01-01T12:00:00+00:00'],
			['1990-02-01', '2024-07-01T18:00:00+01:00'],
		]);
		const formatted = await mapCsv(csv, mapping('dd/MM/yyyy || dd/MM/yyyy HH:mm'));
		expect(formatted.rejected).toEqual([]);
		expect(formatted.records.map(({ birth_date }) => birth_date)).toEqual([
			'2024-01-01',
			'1990-02-01',
		]);
	});

	test('a format of digits alone (yyyyMMdd) keeps its own reading: a five-digit number is not taken for a date number', async () => {
		const mapping = mappingFromFieldList(
			'customer',
			[
				{ target: 'email', source: 'Email' },
				{ target: 'birth_date', source: 'Born', format: 'yyMMdd' },
			],
			[],
			{},
		);
		const { records, rejected } = await mapCsv(
			'Email,Born\njo@example.com,900201\nsam@example.com,45292\nal@example.com,900202\n',
			mapping,
		);
		expect(records.map(({ birth_date }) => birth_date)).toEqual(['1990-02-01', '1990-02-02']);
		expect(rejected.map(({ rule, value }) => [rule, value])).toEqual([
			['date.format_mismatch', '45292'],
		]);
	});
});

describe('9. per-sale rows: one record per customer and per product', () => {
	const file = superstoreLike(400);

	test('customers merge by customer ID: one record each, every line named, the Summary counting the merged rows', async () => {
		const mapping = mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'Customer ID' },
				{ target: 'email', source: 'Email', mayBeAbsent: true },
				{ target: 'full_name', source: 'Customer Name' },
				{ target: 'town', source: 'City' },
				{ target: 'postcode', source: 'Postal Code' },
			],
			[],
		);
		const { records, rejected, summary } = await mapCsv(file.csv, mapping, 'superstore.csv');
		expect(rejected).toEqual([]);
		expect(records.map((record) => record.customer_id).sort()).toEqual([...file.customers].sort());
		expect(records.flatMap((record) => record._source.lines).sort((a, b) => a - b)).toEqual(
			Array.from({ length: file.rows }, (_, index) => index + 2),
		);
		expect(records.every((record) => record.postcode === '42420')).toBe(true);
		expect(summary).toMatchObject({
			rows_read: file.rows,
			records: file.customers.size,
			merged_rows: file.rows - file.customers.size,
			rows_in_records: file.rows,
			balanced: true,
		});
	});

	test('products merge by SKU', async () => {
		const mapping = mappingFromFieldList(
			'product',
			[
				{ target: 'sku', source: 'Product ID' },
				{ target: 'name', source: 'Product Name' },
				{ target: 'category', source: 'Category' },
			],
			[],
		);
		const { records, summary } = await mapCsv(file.csv, mapping, 'superstore.csv');
		expect(records.map((record) => record.sku).sort()).toEqual([...file.products].sort());
		expect(summary).toMatchObject({
			records: file.products.size,
			merged_rows: file.rows - file.products.size,
			balanced: true,
		});
	});

	test('customers without an ID merge by email; later filled-in values win and a blank never erases one', async () => {
		const mapping = mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'ID' },
				{ target: 'email', source: 'Email' },
				{ target: 'first_name', source: 'First' },
				{ target: 'town', source: 'Town' },
			],
			[],
		);
		const csv =
			'ID,Email,First,Town\n,jo@example.com,Jo,Bath\n,JO@example.com,,York\nC9,sam@example.com,Sam,\n,al@example.com,Al,Leeds\nC9,sam@example.com,Samuel,Hull\n';
		const { records, summary } = await mapCsv(csv, mapping);
		expect(
			records.map(({ customer_id, email, first_name, town, _source }) => ({
				customer_id,
				email,
				first_name,
				town,
				lines: _source.lines,
			})),
		).toEqual([
			{
				customer_id: undefined,
				email: 'jo@example.com',
				first_name: 'Jo',
				town: 'York',
				lines: [2, 3],
			},
			{
				customer_id: 'C9',
				email: 'sam@example.com',
				first_name: 'Samuel',
				town: 'Hull',
				lines: [4, 6],
			},
			{
				customer_id: undefined,
				email: 'al@example.com',
				first_name: 'Al',
				town: 'Leeds',
				lines: [5],
			},
		]);
		expect(summary).toMatchObject({
			rows_read: 5,
			records: 3,
			merged_rows: 2,
			rows_in_records: 5,
			balanced: true,
		});
	});
});

describe('9. one export, several feeds', () => {
	const file = superstoreLike(300, 2017);
	const mappings = () => [
		mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'Customer ID' },
				{ target: 'email', source: 'Email', mayBeAbsent: true },
				{ target: 'full_name', source: 'Customer Name' },
				{ target: 'postcode', source: 'Postal Code' },
			],
			[],
			{ currency: 'USD' },
		),
		mappingFromFieldList(
			'product',
			[
				{ target: 'sku', source: 'Product ID' },
				{ target: 'name', source: 'Product Name' },
			],
			[],
			{ currency: 'USD' },
		),
		mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Order ID' },
				{ target: 'purchase_date', source: 'Order Date', format: 'M/d/yyyy' },
				{ target: 'customer_id', source: 'Customer ID' },
				{ target: 'lines.sku', source: 'Product ID' },
				{ target: 'lines.qty', source: 'Quantity' },
				{ target: 'lines.line_total', source: 'Sales' },
			],
			[],
			{ currency: 'USD' },
		),
	];

	test('a Superstore-like export gives customers and products once each and exact orders, from one read, each feed reconciled', async () => {
		let reads = 0;
		async function* countedRows() {
			reads++;
			yield* csvRows(file.csv, 'superstore.csv');
		}
		const records: CanonicalRecord[] = [];
		const rejected: Rejection[] = [];
		const run = applyMappings(countedRows(), mappings(), 'superstore.csv');
		let step = await run.next();
		for (; !step.done; step = await run.next())
			for (const outcome of step.value)
				outcome.kind === 'record' ? records.push(outcome.record) : rejected.push(outcome.rejection);
		const summaries = step.value;

		expect(reads).toBe(1);
		expect(rejected).toEqual([]);
		const ofFeed = (feed: string) => records.filter((record) => record._source.feed === feed);
		expect(
			ofFeed('customer')
				.map((record) => record.customer_id)
				.sort(),
		).toEqual([...file.customers].sort());
		expect(
			ofFeed('product')
				.map((record) => record.sku)
				.sort(),
		).toEqual([...file.products].sort());
		expect(ofFeed('transaction')).toHaveLength(300);
		for (const order of ofFeed('transaction')) {
			const lineCents = (order.lines as Array<{ line_total: number }>).map((line) =>
				Math.round(line.line_total * 100),
			);
			expect(
				(order.lines as Array<{ line_total: number }>).every(
					(line) => Number(line.line_total.toFixed(2)) === line.line_total,
				),
			).toBe(true);
			expect(order.order_total).toBe(lineCents.reduce((sum, value) => sum + value, 0) / 100);
		}
		expect(
			summaries.map(
				({
					file: source,
					feed,
					rows_read,
					records: count,
					rows_in_records,
					rejected: none,
					balanced,
				}) => ({ source, feed, rows_read, count, rows_in_records, none, balanced }),
			),
		).toEqual([
			{
				source: 'superstore.csv (customers)',
				feed: 'customer',
				rows_read: file.rows,
				count: file.customers.size,
				rows_in_records: file.rows,
				none: 0,
				balanced: true,
			},
			{
				source: 'superstore.csv (products)',
				feed: 'product',
				rows_read: file.rows,
				count: file.products.size,
				rows_in_records: file.rows,
				none: 0,
				balanced: true,
			},
			{
				source: 'superstore.csv (transactions)',
				feed: 'transaction',
				rows_read: file.rows,
				count: 300,
				rows_in_records: file.rows,
				none: 0,
				balanced: true,
			},
		]);
		expect(new Set(records.map((record) => record._source.file))).toEqual(
			new Set([
				'superstore.csv (customers)',
				'superstore.csv (products)',
				'superstore.csv (transactions)',
			]),
		);
	});

	test('a column missing for any feed stops all of them, each problem named with its feed', async () => {
		const [customers, products, transactions] = mappings();
		const broken = {
			...products,
			fields: products.fields.map((field) =>
				field.target === 'name' ? { ...field, source: 'Product Nme' } : field,
			),
		};
		const error = await mappingErrorOf(runMappings([customers, broken, transactions]));
		expect(error.problems).toEqual([
			'Products: "Product Nme" is missing for name; found "Product Name", "Product ID" (in superstore.csv (products))',
		]);

		async function runMappings(list: Mapping[]) {
			const run = applyMappings(csvRows(file.csv, 'superstore.csv'), list, 'superstore.csv');
			for (let step = await run.next(); !step.done; step = await run.next());
		}
	});
});

describe('9. transforms real exports need', () => {
	test('ZIP codes that lost their leading zeros are padded to the length in Format; other values are kept', async () => {
		const mapping = mappingFromFieldList(
			'customer',
			[
				{ target: 'email', source: 'Email' },
				{ target: 'postcode', source: 'ZIP', transform: 'pad_zeros', format: '5' },
			],
			[],
		);
		const { records } = await mapCsv(
			'Email,ZIP\na@example.com,2134\nb@example.com,501\nc@example.com,90210\nd@example.com,02134-1234\n',
			mapping,
		);
		expect(records.map((record) => record.postcode)).toEqual([
			'02134',
			'00501',
			'90210',
			'02134-1234',
		]);
		expect(
			mappingProblemsOf([
				{ target: 'email', source: 'Email' },
				{ target: 'postcode', source: 'ZIP', transform: 'pad_zeros' },
			]),
		).toEqual([
			'"postcode": padding with zeros needs the length in Format, a whole number from 1 to 50 (5 for a US ZIP code)',
		]);
	});

	test('a unit price is worked out from the line total and the quantity when the export has none', async () => {
		const mapping = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Order ID' },
				{ target: 'purchase_date', source: 'Order Date', format: 'M/d/yyyy' },
				{ target: 'lines.sku', source: 'Product ID' },
				{ target: 'lines.qty', source: 'Quantity' },
				{ target: 'lines.line_total', source: 'Sales' },
			],
			[],
			{ currency: 'USD' },
		);
		const { records } = await mapCsv(
			'Order ID,Order Date,Product ID,Quantity,Sales\nCA-1,11/8/2016,A,3,261.96\nCA-1,11/8/2016,B,7,22.368\n',
			mapping,
		);
		expect(records[0].lines).toEqual([
			{ sku: 'A', qty: 3, unit_price: 87.32, line_total: 261.96 },
			{ sku: 'B', qty: 7, unit_price: 3.2, line_total: 22.37 },
		]);
	});

	test('a discount given as a rate is a percentage of the line, not money: 20% of 2 × £10 is £4', async () => {
		const mapping = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Receipt' },
				{ target: 'purchase_date', source: 'Date' },
				{ target: 'lines.sku', source: 'SKU' },
				{ target: 'lines.qty', source: 'Qty' },
				{ target: 'lines.unit_price', source: 'Price' },
				{ target: 'lines.discount', source: 'Discount', type: 'percent' },
			],
			[],
			{ currency: 'GBP' },
		);
		const { records, rejected } = await mapCsv(
			'Receipt,Date,SKU,Qty,Price,Discount\nR1,2026-06-27,A,2,10.00,0.2\nR1,2026-06-27,B,1,5.00,15%\nR1,2026-06-27,C,1,5.00,\nR2,2026-06-27,A,1,10.00,lots\n',
			mapping,
		);
		expect(records[0]).toMatchObject({
			order_subtotal: 25.25,
			discount_total: 4.75,
			lines: [
				{ sku: 'A', qty: 2, unit_price: 10, discount: 4, line_total: 16 },
				{ sku: 'B', qty: 1, unit_price: 5, discount: 0.75, line_total: 4.25 },
				{ sku: 'C', qty: 1, unit_price: 5, line_total: 5 },
			],
		});
		expect(rejected.map(({ rule, value }) => [rule, value])).toEqual([['percent.invalid', 'lots']]);
	});

	test("Superstore's Sales are after its Discount rate: the gross, the discount and the unit price are worked back from them", async () => {
		const mapping = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Order ID' },
				{ target: 'purchase_date', source: 'Order Date', format: 'M/d/yyyy' },
				{ target: 'lines.sku', source: 'Product ID' },
				{ target: 'lines.qty', source: 'Quantity' },
				{ target: 'lines.line_total', source: 'Sales' },
				{ target: 'lines.discount', source: 'Discount', type: 'percent' },
			],
			[],
			{ currency: 'USD' },
		);
		const { records } = await mapCsv(
			'Order ID,Order Date,Product ID,Quantity,Sales,Discount\nUS-2015-108966,10/11/2015,FUR-TA-10000577,5,957.5775,0.45\n',
			mapping,
		);
		// 957.58 ÷ (1 − 0.45) = 1741.05; less 957.58 is a discount of 783.47; 1741.05 ÷ 5 = 348.21.
		expect(records[0].lines).toEqual([
			{ sku: 'FUR-TA-10000577', qty: 5, discount: 783.47, line_total: 957.58, unit_price: 348.21 },
		]);
		expect(records[0]).toMatchObject({ order_total: 957.58, discount_total: 783.47 });
	});

	test('a basket whose products are a list in one cell gives one order line per item', async () => {
		const mapping = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Transaction_ID' },
				{ target: 'purchase_date', source: 'Date' },
				{ target: 'lines.name', source: 'Product', transform: 'split_list' },
				{ target: 'order_total', source: 'Total_Cost' },
			],
			[],
			{ rowGrain: 'basket', currency: 'USD' },
		);
		const csv =
			"Transaction_ID,Date,Product,Total_Cost\n1000000000,2022-01-21 06:27:29,\"['Ketchup', 'Shaving Cream', 'Light Bulbs']\",71.65\n1000000001,2023-03-01 13:01:21,\"['Ice Cream']\",25.93\n1000000002,2024-03-21 15:37:04,\"[]\",10.00\n";
		const { records, rejected } = await mapCsv(csv, mapping);
		expect(
			records.map(({ order_id, order_total, lines }) => ({ order_id, order_total, lines })),
		).toEqual([
			{
				order_id: '1000000000',
				order_total: 71.65,
				lines: [
					{ name: 'Ketchup', qty: 1 },
					{ name: 'Shaving Cream', qty: 1 },
					{ name: 'Light Bulbs', qty: 1 },
				],
			},
			{ order_id: '1000000001', order_total: 25.93, lines: [{ name: 'Ice Cream', qty: 1 }] },
		]);
		expect(rejected.map(({ line, rule }) => [line, rule])).toEqual([[4, 'line.no_product']]);
	});

	test('a list split into lines cannot take per-line amounts: the mapping says to map them to the order', () => {
		expect(
			mappingProblemsOf(
				[
					{ target: 'order_id', source: 'Transaction_ID' },
					{ target: 'purchase_date', source: 'Date' },
					{ target: 'lines.name', source: 'Product', transform: 'split_list' },
					{ target: 'lines.unit_price', source: 'Total_Cost' },
				],
				'transaction',
			),
		).toEqual([
			'"lines.name" is split into one line per item, so lines.unit_price cannot be read per line: map the basket\'s amounts to order fields (order_total, discount_total…)',
		]);
	});
});

function mappingProblemsOf(entries: FieldListEntry[], feed: Feed = 'customer'): string[] {
	return mappingProblems(mappingFromFieldList(feed, entries, []));
}
