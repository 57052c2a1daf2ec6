import { readFileSync } from 'node:fs';

import * as XLSX from 'xlsx';

import { readRows } from '../../../lib/files';
import { PRESETS, presetById, type CanonicalRecord } from '../../../lib/mapping';
import { SQUARE_SAMPLE, mapCsv, runMapping } from './run-mapping';

interface Line {
	sku?: string;
	name?: string;
	category?: string;
	qty: number;
	unit_price?: number;
	discount?: number;
	tax?: number;
	line_total?: number;
}

const linesOf = (record: CanonicalRecord) => record.lines as Line[];
const cents = (amount: number) => Math.round(amount * 100);

describe('the preset list', () => {
	test('offers Square Item Detail and Online Retail, and says which ids exist when one is unknown', () => {
		expect(PRESETS.map((preset) => [preset.id, preset.feed])).toEqual([
			['square-item-detail', 'transaction'],
			['online-retail', 'transaction'],
		]);
		expect(() => presetById('lightspeed')).toThrow(
			'There is no preset "lightspeed"; the presets are square-item-detail, online-retail',
		);
	});

	test('settings given to a preset override its own', () => {
		const mapping = presetById('online-retail').mapping({ timeZone: 'UTC', currency: 'EUR' });
		expect(mapping.settings).toMatchObject({
			timeZone: 'UTC',
			currency: 'EUR',
			refundPrefix: 'C',
			rowGrain: 'line',
			orderKey: 'order_id',
		});
		expect(presetById('online-retail').mapping().settings).toMatchObject({
			timeZone: 'Europe/London',
			currency: 'GBP',
		});
	});
});

describe('Square Item Detail preset on the real Square export', () => {
	const mapping = presetById('square-item-detail').mapping({ timeZone: 'America/New_York' });
	let run: Awaited<ReturnType<typeof runMapping>>;

	beforeAll(async () => {
		run = await runMapping(
			readRows(SQUARE_SAMPLE, { fileName: 'items-2026-06-21-2026-06-30.csv' }),
			mapping,
			'items-2026-06-21-2026-06-30.csv',
		);
	});

	test('reads 417 rows into 296 orders with nothing rejected, and the counts balance', () => {
		expect(run.rejected).toEqual([]);
		expect(run.summary).toEqual({
			file: 'items-2026-06-21-2026-06-30.csv',
			feed: 'transaction',
			rows_read: 417,
			records: 296,
			rejected: 0,
			rows_in_records: 417,
			rejected_by_rule: {},
			missing_optional_fields: [],
			renamed_columns: [],
			merged_rows: 0,
			balanced: true,
		});
		expect(new Set(run.records.map((record) => record.order_id)).size).toBe(296);
		expect(run.records.flatMap((record) => record._source.lines).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 417 }, (_, index) => index + 2),
		);
	});

	test('the first transaction is a $8 Matcha Latte and a $2 sticker: tax 0.76, total 10.76, in New York time', () => {
		expect(run.records[0]).toEqual({
			order_id: 'MCSBDFvo0AGL8yevyAGwmht8sxcZY',
			customer_id: 'YS5AN0ZVNMSQCGP979B94FG4A8',
			store_code: 'Sunrise Social Club LLC',
			purchase_date: '2026-06-27T13:01:09-04:00',
			currency: 'USD',
			order_subtotal: 10,
			discount_total: 0,
			tax_total: 0.76,
			order_total: 10.76,
			payment_method: 'Visa',
			is_refund: false,
			lines: [
				{
					sku: 'Matcha Latte',
					name: 'Matcha Latte',
					category: 'None',
					qty: 1,
					unit_price: 8,
					discount: 0,
					tax: 0.62,
					line_total: 8,
				},
				{
					sku: 'sticker',
					name: 'sticker',
					category: 'None',
					qty: 1,
					unit_price: 2,
					discount: 0,
					tax: 0.14,
					line_total: 2,
				},
			],
			custom: { device_name: 'Square Terminal 2274', channel: 'Sunrise Social Club LLC' },
			_source: { file: 'items-2026-06-21-2026-06-30.csv', lines: [2, 3] },
		});
	});

	test('a line of two items gets its unit price from the gross sales', () => {
		const order = run.records.find(
			(record) => record.order_id === 'G5dI3VJMxz1R3uBm7Cy9JCarsfNZY',
		)!;
		expect(linesOf(order)).toEqual([
			{
				sku: 'Cold Brew',
				name: 'Cold Brew',
				category: 'None',
				qty: 2,
				unit_price: 6,
				discount: 0,
				tax: 0.93,
				line_total: 12,
			},
		]);
		expect(order).toMatchObject({
			order_subtotal: 12,
			tax_total: 0.93,
			order_total: 12.93,
			purchase_date: '2026-06-27T12:21:07-04:00',
		});
	});

	test('the largest order has its four lines, and the customer name goes under custom when the export has one', () => {
		const largest = run.records.find(
			(record) => record.order_id === 'KPDuxsVIbxy9Rqy8WgUJsTEVd37YY',
		)!;
		expect(linesOf(largest).map((line) => [line.name, line.line_total, line.tax])).toEqual([
			['Aaron', 4, 0.31],
			['Cold Brew', 7, 0.54],
			['Cold Brew', 7, 0.55],
			['Matcha Latte', 8, 0.62],
		]);
		expect(largest).toMatchObject({ order_subtotal: 26, tax_total: 2.02, order_total: 28.02 });

		const named = run.records.find(
			(record) => record.order_id === '6DpgqxWT7rkGc1EOci0B1jaF3rSZY',
		)!;
		expect(named).toMatchObject({
			customer_id: '9T5SDT4R8MMG6JJBNS2FP1165G',
			purchase_date: '2026-06-27T09:44:38-04:00',
		});
		expect(named.custom).toEqual({
			customer_name: 'Jaydon Livingston',
			device_name: 'Square Terminal 2274',
			channel: 'Sunrise Social Club LLC',
		});
	});

	test('the orders add up to the export: net sales 3,176.00, tax 245.94, collected 3,421.94', () => {
		const sum = (key: string) =>
			run.records.reduce((total, record) => total + cents(record[key] as number), 0) / 100;
		expect(sum('order_subtotal')).toBe(3176);
		expect(sum('tax_total')).toBe(245.94);
		expect(sum('order_total')).toBe(3421.94);
		expect(run.records.reduce((count, record) => count + linesOf(record).length, 0)).toBe(417);
	});

	test('the sample holds only Payment events: no order is a refund, and orders with no customer leave customer_id out', () => {
		expect(run.records.filter((record) => record.is_refund !== false)).toEqual([]);
		const withoutCustomer = run.records.filter((record) => !('customer_id' in record));
		expect(withoutCustomer.length).toBeGreaterThan(0);
		expect(withoutCustomer.every((record) => record.customer_id === undefined)).toBe(true);
		expect(run.records.length - withoutCustomer.length).toBe(
			new Set(run.records.filter((record) => record.customer_id).map((record) => record.order_id))
				.size,
		);
	});

	test('a refund row (Event Type Refund, negative quantity and money in brackets) becomes a refund order', async () => {
		const text = readFileSync(SQUARE_SAMPLE, 'utf8');
		const [header, first] = text.split(/\r?\n/);
		const refund = first
			.replace('MCSBDFvo0AGL8yevyAGwmht8sxcZY', 'RFND0001')
			.replace(',1.0,', ',-1.0,')
			.replace('$8.00,$0.00,$8.00,$0.62', '($8.00),$0.00,($8.00),($0.62)')
			.replace(',Payment,', ',Refund,');
		expect(refund).not.toBe(first);
		const { records, rejected } = await mapCsv(
			`${header}\n${first}\n${refund}\n`,
			mapping,
			'refund.csv',
		);
		expect(rejected).toEqual([]);
		expect(
			records.map(({ order_id, is_refund, order_subtotal, tax_total, order_total }) => ({
				order_id,
				is_refund,
				order_subtotal,
				tax_total,
				order_total,
			})),
		).toEqual([
			{
				order_id: 'MCSBDFvo0AGL8yevyAGwmht8sxcZY',
				is_refund: false,
				order_subtotal: 8,
				tax_total: 0.62,
				order_total: 8.62,
			},
			{
				order_id: 'RFND0001',
				is_refund: true,
				order_subtotal: -8,
				tax_total: -0.62,
				order_total: -8.62,
			},
		]);
		expect(linesOf(records[1])).toEqual([
			{
				sku: 'Matcha Latte',
				name: 'Matcha Latte',
				category: 'None',
				qty: -1,
				unit_price: 8,
				discount: 0,
				tax: -0.62,
				line_total: -8,
			},
		]);
	});

	test('the Event Type column alone marks a refund', async () => {
		const text = readFileSync(SQUARE_SAMPLE, 'utf8');
		const [header, first] = text.split(/\r?\n/);
		const { records } = await mapCsv(
			`${header}\n${first.replace(',Payment,', ',Refund,')}\n`,
			mapping,
		);
		expect(records[0].is_refund).toBe(true);
	});
});

describe('Online Retail preset on UCI invoice lines', () => {
	const csv = [
		'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
		'536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom',
		'536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom',
		'536365,84406B,CREAM CUPID HEARTS COAT HANGER,8,12/1/2010 8:26,2.75,17850,United Kingdom',
		'536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850,United Kingdom',
		'536366,22632,HAND WARMER RED POLKA DOT,6,12/1/2010 8:28,1.85,17850,United Kingdom',
		'C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom',
		'C536383,35004C,SET OF 3 COLOURED  FLYING DUCKS,-1,12/1/2010 9:49,4.65,15311,United Kingdom',
		'581587,22138,BAKING SET 9 PIECE RETROSPOT ,3,12/9/2011 12:50,4.95,12680,France',
		'573585,15058A,BLUE POLKADOT GARDEN PARASOL,1,10/31/2011 14:41,15.79,,United Kingdom',
		'558638,22423,REGENCY CAKESTAND 3 TIER,1,7/1/2011 15:49,12.75,,United Kingdom',
		'',
	].join('\n');
	const mapping = presetById('online-retail').mapping();

	test('invoice lines group into invoices with totals in pounds and London times (GMT and BST), and C invoices are cancellations', async () => {
		const { records, rejected, summary } = await mapCsv(csv, mapping, 'Online Retail.csv');
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({
			rows_read: 10,
			records: 7,
			rows_in_records: 10,
			rejected: 0,
			balanced: true,
		});
		expect(records[0]).toEqual({
			order_id: '536365',
			customer_id: '17850',
			purchase_date: '2010-12-01T08:26:00+00:00',
			currency: 'GBP',
			order_subtotal: 57.64,
			order_total: 57.64,
			is_refund: false,
			lines: [
				{
					sku: '85123A',
					name: 'WHITE HANGING HEART T-LIGHT HOLDER',
					qty: 6,
					unit_price: 2.55,
					line_total: 15.3,
				},
				{ sku: '71053', name: 'WHITE METAL LANTERN', qty: 6, unit_price: 3.39, line_total: 20.34 },
				{
					sku: '84406B',
					name: 'CREAM CUPID HEARTS COAT HANGER',
					qty: 8,
					unit_price: 2.75,
					line_total: 22,
				},
			],
			custom: { country: 'United Kingdom' },
			_source: { file: 'Online Retail.csv', lines: [2, 3, 4] },
		});
		expect(
			records.map(({ order_id, purchase_date, order_total, is_refund, customer_id }) => ({
				order_id,
				purchase_date,
				order_total,
				is_refund,
				customer_id,
			})),
		).toEqual([
			{
				order_id: '536365',
				purchase_date: '2010-12-01T08:26:00+00:00',
				order_total: 57.64,
				is_refund: false,
				customer_id: '17850',
			},
			{
				order_id: '536366',
				purchase_date: '2010-12-01T08:28:00+00:00',
				order_total: 22.2,
				is_refund: false,
				customer_id: '17850',
			},
			{
				order_id: 'C536379',
				purchase_date: '2010-12-01T09:41:00+00:00',
				order_total: -27.5,
				is_refund: true,
				customer_id: '14527',
			},
			{
				order_id: 'C536383',
				purchase_date: '2010-12-01T09:49:00+00:00',
				order_total: -4.65,
				is_refund: true,
				customer_id: '15311',
			},
			{
				order_id: '581587',
				purchase_date: '2011-12-09T12:50:00+00:00',
				order_total: 14.85,
				is_refund: false,
				customer_id: '12680',
			},
			{
				order_id: '573585',
				purchase_date: '2011-10-31T14:41:00+00:00',
				order_total: 15.79,
				is_refund: false,
				customer_id: undefined,
			},
			{
				order_id: '558638',
				purchase_date: '2011-07-01T15:49:00+01:00',
				order_total: 12.75,
				is_refund: false,
				customer_id: undefined,
			},
		]);
		expect(linesOf(records[2])).toEqual([
			{ sku: 'D', name: 'Discount', qty: -1, unit_price: 27.5, line_total: -27.5 },
		]);
		expect(records[4].custom).toEqual({ country: 'France' });
		expect(linesOf(records[4])[0].name).toBe('BAKING SET 9 PIECE RETROSPOT');
		expect('customer_id' in records[5]).toBe(false);
	});

	test('the Excel copy of the dataset, with real date cells and numeric invoice and customer numbers, maps the same', async () => {
		const serial = (days: number, hour: number, minute: number) =>
			days + (hour * 60 + minute) / 1440;
		const sheet = XLSX.utils.aoa_to_sheet([
			[
				'InvoiceNo',
				'StockCode',
				'Description',
				'Quantity',
				'InvoiceDate',
				'UnitPrice',
				'CustomerID',
				'Country',
			],
			[
				536365,
				'85123A',
				'WHITE HANGING HEART T-LIGHT HOLDER',
				6,
				serial(40513, 8, 26),
				2.55,
				17850,
				'United Kingdom',
			],
			[
				536365,
				71053,
				'WHITE METAL LANTERN',
				6,
				serial(40513, 8, 26),
				3.39,
				17850,
				'United Kingdom',
			],
			['C536379', 'D', 'Discount', -1, serial(40513, 9, 41), 27.5, 14527, 'United Kingdom'],
			[
				558638,
				22423,
				'REGENCY CAKESTAND 3 TIER',
				1,
				serial(40725, 15, 49),
				12.75,
				'',
				'United Kingdom',
			],
		]);
		for (const row of [2, 3, 4, 5]) sheet[`E${row}`].z = 'm/d/yyyy h:mm';
		const workbook = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(workbook, sheet, 'Online Retail');
		const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;

		const { records, rejected, summary } = await runMapping(
			readRows(bytes, { fileName: 'Online Retail.xlsx' }),
			mapping,
			'Online Retail.xlsx',
		);
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ rows_read: 4, records: 3, rows_in_records: 4, balanced: true });
		expect(
			records.map(({ order_id, customer_id, purchase_date, order_total, is_refund }) => ({
				order_id,
				customer_id,
				purchase_date,
				order_total,
				is_refund,
			})),
		).toEqual([
			{
				order_id: '536365',
				customer_id: '17850',
				purchase_date: '2010-12-01T08:26:00+00:00',
				order_total: 35.64,
				is_refund: false,
			},
			{
				order_id: 'C536379',
				customer_id: '14527',
				purchase_date: '2010-12-01T09:41:00+00:00',
				order_total: -27.5,
				is_refund: true,
			},
			{
				order_id: '558638',
				customer_id: undefined,
				purchase_date: '2011-07-01T15:49:00+01:00',
				order_total: 12.75,
				is_refund: false,
			},
		]);
		expect(linesOf(records[0]).map((line) => line.sku)).toEqual(['85123A', '71053']);
	});

	test('the C prefix alone marks a cancellation, even with a positive quantity', async () => {
		const text =
			'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\nC536391,22556,PLASTERS IN TIN CIRCUS PARADE ,12,12/1/2010 10:24,1.65,17548,United Kingdom\n';
		const { records } = await mapCsv(text, mapping);
		expect(
			records.map(({ order_id, is_refund, order_total }) => ({ order_id, is_refund, order_total })),
		).toEqual([{ order_id: 'C536391', is_refund: true, order_total: 19.8 }]);
	});

	test('two-digit years and the Invoice/Price column names of the 2009-2011 edition are read too', async () => {
		const text =
			'Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,12/1/09 7:45,6.95,13085,United Kingdom\n';
		const { records, rejected } = await mapCsv(text, mapping);
		expect(rejected).toEqual([]);
		expect(records[0]).toMatchObject({
			order_id: '489434',
			customer_id: '13085',
			purchase_date: '2009-12-01T07:45:00+00:00',
			order_total: 83.4,
		});
	});

	test('a quantity that is not a whole number rejects the line and holds back its invoice', async () => {
		const text =
			'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n536365,71053,LANTERN,1.5,12/1/2010 8:26,3.39,17850,United Kingdom\n';
		const { records, rejected, summary } = await mapCsv(text, mapping);
		expect(records).toEqual([]);
		expect(rejected.map(({ line, rule }) => ({ line, rule }))).toEqual([
			{ line: 3, rule: 'integer.not_whole' },
			{ line: 2, rule: 'order.incomplete' },
		]);
		expect(summary).toMatchObject({
			rows_read: 2,
			rows_in_records: 0,
			rejected: 2,
			balanced: true,
		});
	});
});
