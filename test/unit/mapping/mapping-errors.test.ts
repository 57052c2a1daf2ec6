import {
	MappingError,
	closestColumns,
	mappingFromFieldList,
	mappingProblems,
	presetById,
	type FieldListEntry,
	type Mapping,
	type MappingSettings,
} from '../../../lib/mapping';
import type { RowResult } from '../../../lib/files';
import { mapCsv, runMapping } from './run-mapping';

function transactions(entries: FieldListEntry[], settings: Partial<MappingSettings> = {}): Mapping {
	return mappingFromFieldList('transaction', entries, [], settings);
}

/** What a mapping run throws; fails the test when it throws nothing or something else. */
async function mappingErrorOf(run: Promise<unknown>): Promise<MappingError> {
	const error = await run.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	if (!(error instanceof MappingError))
		throw new Error(`expected a MappingError, got ${String(error)}`);
	return error;
}

/** Rows that count how many data rows were pulled from them. */
function countingRows(
	header: string[],
	count: number,
): { rows: Iterable<RowResult>; pulled: () => number } {
	let pulled = 0;
	function* rows(): Generator<RowResult> {
		yield { kind: 'header', values: header };
		for (let line = 2; line < count + 2; line++) {
			pulled++;
			yield { kind: 'row', line, values: header.map(() => 'x') };
		}
	}
	return { rows: rows(), pulled: () => pulled };
}

describe('a required column missing from the export', () => {
	test('gives one MappingError naming the column and the closest header the export has', async () => {
		const mapping = presetById('online-retail').mapping();
		const csv =
			'InvoiceNo,StockCode,Description,Quantity,Invoice Dt,UnitPrice,CustomerID,Country\n536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n';
		const error = await mappingErrorOf(mapCsv(csv, mapping, 'online.csv'));

		expect(error.problems).toEqual([
			'"InvoiceDate" is missing for purchase_date; found "Invoice Dt" (in online.csv)',
		]);
		expect(error.message).toBe(error.problems[0]);
		expect(error.message).toContain('"InvoiceDate" is missing');
		expect(error.message).toContain('found "Invoice Dt"');
		expect(error.origin).toBe('the "Online Retail (invoice lines)" preset');
	});

	test('is found from the header, before a single data row is read', async () => {
		const mapping = transactions([
			{ target: 'order_id', source: 'Receipt' },
			{ target: 'purchase_date', source: 'Date' },
		]);
		const source = countingRows(['Receipt No', 'Date'], 1000);
		const error = await mappingErrorOf(runMapping(source.rows, mapping));
		expect(error.problems).toEqual([
			'"Receipt" is missing for order_id; found "Receipt No" (in export.csv)',
		]);
		expect(source.pulled()).toBe(0);
	});

	test('several missing columns are all listed in one error', async () => {
		const mapping = transactions([
			{ target: 'order_id', source: 'Transaction ID' },
			{ target: 'purchase_date', source: 'Date + Time' },
			{ target: 'email', source: 'Email', required: true },
			{ target: 'status', source: 'Status' },
		]);
		const csv =
			'TransactionNo,Date,Tme,E-mail Address,Other\nT1,2026-06-27,13:01,jo@example.com,x\n';
		const error = await mappingErrorOf(mapCsv(csv, mapping, 'sales.csv'));
		expect(error.problems).toEqual([
			'"Transaction ID" is missing for order_id; found "TransactionNo" (in sales.csv)',
			'"Time" is missing for purchase_date; found "Tme" (in sales.csv)',
			'"Email" is missing for email; found "E-mail Address" (in sales.csv)',
			'"Status" is missing for status; the export\'s columns are "TransactionNo", "Date", "Tme", "E-mail Address", "Other" (in sales.csv)',
		]);
		expect(error.message).toBe(`4 problems in the node's field list: ${error.problems.join('; ')}`);
	});

	test('when nothing looks like the wanted column, the message lists the columns the export has', async () => {
		const mapping = transactions([
			{ target: 'order_id', source: 'Receipt' },
			{ target: 'purchase_date', source: 'Date' },
		]);
		const error = await mappingErrorOf(
			mapCsv('Datum,Transaktionsnummer,Preis (brutto)\n2026-06-27,1,2\n', mapping, 'sumup.csv'),
		);
		expect(error.problems).toEqual([
			'"Receipt" is missing for order_id; the export\'s columns are "Datum", "Transaktionsnummer", "Preis (brutto)" (in sumup.csv)',
			'"Date" is missing for purchase_date; found "Datum" (in sumup.csv)',
		]);
	});

	test('a missing optional column stops the mapping too, naming the closest header, as a misspelt column would leave a field empty in every row', async () => {
		const customers = mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'ID' },
				{ target: 'email', source: 'Emial' },
			],
			[],
		);
		const error = await mappingErrorOf(
			mapCsv('ID,Email\nC1,jo@example.com\n', customers, 'customers.csv'),
		);
		expect(error.problems).toEqual([
			'"Emial" is missing for email; found "Email" (in customers.csv)',
		]);
	});

	test('a column marked "may be absent" leaves its field empty and is listed in the summary', async () => {
		const mapping = transactions([
			{ target: 'order_id', source: 'Receipt' },
			{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
			{ target: 'store_code', source: 'Store', mayBeAbsent: true },
			{ target: 'customer_id', source: 'Customer', defaultValue: 'WALK-IN', mayBeAbsent: true },
		]);
		const { records, summary } = await mapCsv('Receipt,Date\nR1,2026-06-27\n', mapping);
		expect(records[0]).toMatchObject({
			order_id: 'R1',
			customer_id: 'WALK-IN',
			purchase_date: '2026-06-27T00:00:00+00:00',
		});
		expect('store_code' in records[0]).toBe(false);
		expect(summary.missing_optional_fields).toEqual(['store_code', 'customer_id']);
	});

	test('a required field cannot be absent, whatever the mapping says', async () => {
		const mapping = transactions([
			{ target: 'order_id', source: 'Receipt Id', mayBeAbsent: true },
			{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
		]);
		const error = await mappingErrorOf(mapCsv('Receipt No.,Date\nR1,2026-06-27\n', mapping));
		expect(error.problems).toEqual([
			'"Receipt Id" is missing for order_id (it is required, so it cannot be absent); found "Receipt No." (in export.csv)',
		]);
	});

	test('a customer mapping with neither email nor mobile stops before reading: no customer could become a Dotdigital contact', async () => {
		const customers = mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'Customer ID' },
				{ target: 'first_name', source: 'First Name' },
			],
			[],
		);
		expect(mappingProblems(customers)).toEqual([
			"neither email nor mobile is mapped, so no customer can become a Dotdigital contact: map the export's email or mobile column",
		]);
		const error = await mappingErrorOf(mapCsv('Customer ID,First Name\nC1,Jo\n', customers));
		expect(error.message).toContain('no customer can become a Dotdigital contact');
	});

	test('column names match whatever their case, spaces, underscores or punctuation: "Invoice No" is InvoiceNo', async () => {
		const mapping = transactions([
			{ target: 'order_id', source: 'InvoiceNo' },
			{ target: 'purchase_date', source: 'invoice_date', format: 'yyyy-MM-dd' },
			{ target: 'customer_id', source: 'Customer-ID' },
		]);
		const { records } = await mapCsv(
			'Invoice No,Invoice Date,Customer ID.\n536365,2010-12-01,17850\n',
			mapping,
		);
		expect(records.map((record) => [record.order_id, record.customer_id])).toEqual([
			['536365', '17850'],
		]);
	});

	test('column names match whatever their case, spacing or a BOM', async () => {
		const mapping = transactions([
			{ target: 'order_id', source: 'transaction id' },
			{ target: 'purchase_date', source: 'DATE', format: 'yyyy-MM-dd' },
		]);
		const { records } = await runMapping(
			[
				{ kind: 'header', values: ['\uFEFFTransaction  ID ', ' Date'] },
				{ kind: 'row', line: 2, values: ['T1', '2026-06-27'] },
			],
			mapping,
		);
		expect(records.map((record) => record.order_id)).toEqual(['T1']);
	});
});

describe('closest column suggestions', () => {
	test('the same letters come first, then a header containing the name, then a typo away', () => {
		expect(
			closestColumns(
				['InvoiceDate'],
				['Invoice No', 'Invoice Date', 'InvoiceDate (UTC)', 'Invoce Date', 'Country'],
			),
		).toEqual(['Invoice Date', 'InvoiceDate (UTC)', 'Invoce Date']);
		expect(closestColumns(['Email'], ['Phone', 'Country'])).toEqual([]);
	});
});

describe('mapping problems found before reading the export', () => {
	test('every problem of a bad mapping is listed at once', () => {
		const mapping = transactions([
			{ target: 'purchase_date', source: 'Date', type: 'date-time' as never },
			{ target: 'colour', source: 'Colour' },
			{ target: 'custom.Loyalty Tier', source: 'Tier' },
			{ target: 'status', source: 'Status', transform: 'map', valueMap: 'Statuses' },
			{ target: 'status', source: 'State' },
			{ target: 'store_code', source: '' },
		]);
		expect(mappingProblems(mapping)).toEqual([
			'"purchase_date": unknown type "date-time" (use text, email, phone, integer, number, money, percent, date, datetime, boolean)',
			'"colour" is not a transactions field; use one of the fields listed in the template, or custom.<name>',
			'"custom.Loyalty Tier": custom field names are lower case letters, digits and _ (for example custom.loyalty_tier)',
			'"status" uses the value map "Statuses", which the mapping does not define',
			'"status" is mapped twice',
			'"store_code" has neither a source column nor a default',
			'the order key "order_id" is not mapped to a column',
		]);
	});

	test('an unmapped order number is reported once, as the order key', async () => {
		const mapping = transactions([{ target: 'purchase_date', source: 'Date' }]);
		const source = countingRows(['Date'], 10);
		const error = await mappingErrorOf(runMapping(source.rows, mapping));
		expect(error.problems).toEqual(['the order key "order_id" is not mapped to a column']);
		expect(error.message).toBe('the order key "order_id" is not mapped to a column');
		expect(error.origin).toBe("the node's field list");
		expect(source.pulled()).toBe(0);
	});

	test('line fields are refused outside transactions, and the order key cannot be a line field', () => {
		const customer = mappingFromFieldList(
			'customer',
			[
				{ target: 'customer_id', source: 'ID' },
				{ target: 'email', source: 'Email' },
				{ target: 'lines.sku', source: 'SKU' },
			],
			[],
		);
		expect(mappingProblems(customer)).toEqual([
			'"lines.sku" is not a customers field; use one of the fields listed in the template, or custom.<name>',
			'"lines.sku" only applies to transactions',
		]);
		const byLine = transactions(
			[
				{ target: 'order_id', source: 'Receipt' },
				{ target: 'purchase_date', source: 'Date' },
				{ target: 'lines.sku', source: 'SKU' },
			],
			{ orderKey: 'lines.sku' },
		);
		expect(mappingProblems(byLine)).toEqual([
			'the order key "lines.sku" is a line field; use an order field such as order_id',
		]);
	});

	test('a header row below 1 is refused', () => {
		const mapping = transactions(
			[
				{ target: 'order_id', source: 'Receipt' },
				{ target: 'purchase_date', source: 'Date' },
			],
			{ headerRow: 0 },
		);
		expect(mappingProblems(mapping)).toEqual([
			'the header row must be a whole number from 1 (got 0)',
		]);
	});

	test('a value map line without "=" is reported with its map and line', () => {
		let error: unknown;
		try {
			mappingFromFieldList(
				'customer',
				[
					{ target: 'customer_id', source: 'ID' },
					{ target: 'email', source: 'Email' },
				],
				[
					{ name: 'Stores', pairs: 'LDN01 = London\nMAN02 Manchester' },
					{ name: ' ', pairs: 'A = B' },
				],
			);
		} catch (thrown) {
			error = thrown;
		}
		expect(error).toBeInstanceOf(MappingError);
		expect((error as MappingError).problems).toEqual([
			'value map "Stores", line 2: write each pair as From = To',
			'a value map has no name',
		]);
	});

	test('two value maps with the same name are a mapping problem, not a crash', () => {
		let error: unknown;
		try {
			mappingFromFieldList(
				'customer',
				[
					{ target: 'customer_id', source: 'ID' },
					{ target: 'email', source: 'Email' },
				],
				[
					{ name: 'Stores', pairs: 'LDN01 = London' },
					{ name: ' Stores ', pairs: 'MAN02 = Manchester' },
					{ name: '__proto__', pairs: 'A = B' },
					{ name: '__proto__', pairs: 'C = D' },
				],
			);
		} catch (thrown) {
			error = thrown;
		}
		expect(error).toBeInstanceOf(MappingError);
		expect((error as MappingError).problems).toEqual([
			'the value map "Stores" is defined twice; put all its pairs in one map',
			'the value map "__proto__" is defined twice; put all its pairs in one map',
		]);
	});
});
