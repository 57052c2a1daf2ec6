import {
	mappingFromFieldList,
	type CanonicalRecord,
	type FieldListEntry,
	type MappingSettings,
} from '../../../lib/mapping';
import { mapCsv } from './run-mapping';

const LINE_FIELDS: FieldListEntry[] = [
	{ target: 'order_id', source: 'Receipt' },
	{ target: 'purchase_date', source: 'Date', format: 'dd/MM/yyyy HH:mm' },
	{ target: 'customer_id', source: 'Customer' },
	{ target: 'lines.sku', source: 'SKU' },
	{ target: 'lines.name', source: 'Item' },
	{ target: 'lines.qty', source: 'Qty' },
	{ target: 'lines.unit_price', source: 'Price' },
	{ target: 'lines.discount', source: 'Discount' },
	{ target: 'lines.tax', source: 'VAT' },
];

/** Orders by order number: the tests do not depend on when the engine lets an order go. */
function byOrderId(records: CanonicalRecord[]): CanonicalRecord[] {
	return [...records].sort((a, b) => String(a.order_id).localeCompare(String(b.order_id)));
}

function transactions(
	settings: Partial<MappingSettings> = {},
	fields: FieldListEntry[] = LINE_FIELDS,
) {
	return mappingFromFieldList('transaction', fields, [], {
		timeZone: 'Europe/London',
		...settings,
	});
}

const HEADER = 'Receipt,Date,Customer,SKU,Item,Qty,Price,Discount,VAT';

describe('line-item rows grouped into orders', () => {
	const csv = [
		HEADER,
		'R-1,27/06/2026 13:01,C10023,TSHIRT-RED-M,Organic T-shirt,2,£20.00,£4.00,£6.00',
		'R-2,27/06/2026 13:05,,MUG,Mug,1,£8.50,,£1.70',
		'R-1,27/06/2026 13:01,C10023,SOCKS,Socks,3,£2.00,,£1.20',
		'',
	].join('\n');

	test('rows with the same order number become one order with its lines, even when not next to each other', async () => {
		const { records, rejected, summary } = await mapCsv(csv, transactions(), 'sales.csv');
		expect(rejected).toEqual([]);
		expect(byOrderId(records)).toEqual([
			{
				order_id: 'R-1',
				customer_id: 'C10023',
				purchase_date: '2026-06-27T13:01:00+01:00',
				currency: 'GBP',
				order_subtotal: 42,
				discount_total: 4,
				tax_total: 7.2,
				order_total: 49.2,
				is_refund: false,
				lines: [
					{
						sku: 'TSHIRT-RED-M',
						name: 'Organic T-shirt',
						qty: 2,
						unit_price: 20,
						discount: 4,
						tax: 6,
						line_total: 36,
					},
					{ sku: 'SOCKS', name: 'Socks', qty: 3, unit_price: 2, tax: 1.2, line_total: 6 },
				],
				_source: { file: 'sales.csv', lines: [2, 4] },
			},
			{
				order_id: 'R-2',
				purchase_date: '2026-06-27T13:05:00+01:00',
				currency: 'GBP',
				order_subtotal: 8.5,
				tax_total: 1.7,
				order_total: 10.2,
				is_refund: false,
				lines: [{ sku: 'MUG', name: 'Mug', qty: 1, unit_price: 8.5, tax: 1.7, line_total: 8.5 }],
				_source: { file: 'sales.csv', lines: [3] },
			},
		]);
		expect(summary).toEqual({
			file: 'sales.csv',
			feed: 'transaction',
			rows_read: 3,
			records: 2,
			rejected: 0,
			rows_in_records: 3,
			rejected_by_rule: {},
			missing_optional_fields: [],
			renamed_columns: [],
			merged_rows: 0,
			balanced: true,
		});
	});

	test('with "prices include tax" the order total does not add the tax again', async () => {
		const { records } = await mapCsv(csv, transactions({ pricesIncludeTax: true }));
		expect(
			byOrderId(records).map(({ order_id, order_subtotal, tax_total, order_total }) => ({
				order_id,
				order_subtotal,
				tax_total,
				order_total,
			})),
		).toEqual([
			{ order_id: 'R-1', order_subtotal: 42, tax_total: 7.2, order_total: 42 },
			{ order_id: 'R-2', order_subtotal: 8.5, tax_total: 1.7, order_total: 8.5 },
		]);
	});

	test('totals the export gives are kept rather than worked out', async () => {
		const fields: FieldListEntry[] = [
			...LINE_FIELDS,
			{ target: 'order_total', source: 'Paid' },
			{ target: 'delivery_total', source: 'Delivery' },
		];
		const { records } = await mapCsv(
			`${HEADER},Paid,Delivery\nR-9,01/07/2026 10:00,,A,Apron,1,12.00,,2.40,17.39,3.00\n`,
			transactions({ currency: 'GBP' }, fields),
		);
		expect(records[0]).toMatchObject({
			order_subtotal: 12,
			tax_total: 2.4,
			delivery_total: 3,
			order_total: 17.39,
			currency: 'GBP',
		});
	});

	test('the delivery charge is added to a worked-out total', async () => {
		const fields: FieldListEntry[] = [
			...LINE_FIELDS,
			{ target: 'delivery_total', source: 'Delivery' },
		];
		const { records } = await mapCsv(
			`${HEADER},Delivery\nR-9,01/07/2026 10:00,,A,Apron,1,12.00,,2.40,3.95\n`,
			transactions({}, fields),
		);
		expect(records[0]).toMatchObject({
			order_subtotal: 12,
			tax_total: 2.4,
			delivery_total: 3.95,
			order_total: 18.35,
		});
	});

	test('money written without a symbol takes the currency setting', async () => {
		const { records } = await mapCsv(
			`${HEADER}\nR-9,01/07/2026 10:00,,A,Apron,1,12.00,,2.40\n`,
			transactions({ currency: 'EUR' }),
		);
		expect(records[0].currency).toBe('EUR');
	});

	test('the unit price is worked out from the gross amount and quantity when the export has no unit price', async () => {
		const fields: FieldListEntry[] = [
			{ target: 'order_id', source: 'Receipt' },
			{ target: 'purchase_date', source: 'Date', format: 'dd/MM/yyyy HH:mm' },
			{ target: 'lines.name', source: 'Item' },
			{ target: 'lines.qty', source: 'Qty' },
			{ target: 'lines.gross_amount', source: 'Gross' },
			{ target: 'lines.discount', source: 'Discount' },
		];
		const { records } = await mapCsv(
			'Receipt,Date,Item,Qty,Gross,Discount\nR-1,01/07/2026 10:00,Cold Brew,3.0,$21.00,-$1.00\n',
			transactions({}, fields),
		);
		expect(records[0]).toMatchObject({
			currency: 'USD',
			order_subtotal: 20,
			discount_total: 1,
			order_total: 20,
			lines: [{ name: 'Cold Brew', qty: 3, unit_price: 7, discount: 1, line_total: 20 }],
		});
	});

	test('a row with neither a SKU nor an item name is rejected: the item sold is unknown', async () => {
		const { records, rejected, summary } = await mapCsv(
			`${HEADER}\nR-5,01/07/2026 10:00,,,,1,5.00,,\n`,
			transactions(),
		);
		expect(records).toEqual([]);
		expect(rejected).toEqual([
			{
				file: 'export.csv',
				line: 2,
				order_id: 'R-5',
				field: 'lines.sku',
				column: '',
				rule: 'line.no_product',
				value: '',
				message: 'The row has neither a SKU nor an item name, so the item sold is unknown',
				owner: 'till data',
			},
		]);
		expect(summary.balanced).toBe(true);
	});
});

describe('basket rows', () => {
	test('each basket row becomes one order, with no lines', async () => {
		const fields: FieldListEntry[] = [
			{ target: 'order_id', source: 'Payment ID' },
			{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd HH:mm:ss' },
			{ target: 'order_total', source: 'Total Collected' },
			{ target: 'tax_total', source: 'Tax' },
			{ target: 'payment_method', source: 'Card Brand' },
		];
		const mapping = transactions({ rowGrain: 'basket', timeZone: 'America/New_York' }, fields);
		const csv =
			'Payment ID,Date,Total Collected,Tax,Card Brand\nP1,2026-06-27 13:01:09,$10.76,$0.76,Visa\nP2,2026-06-27 13:05:00,$5.39,$0.39,MasterCard\nP1,2026-06-27 14:00:00,$3.00,$0.00,Visa\n';
		const { records, summary } = await mapCsv(csv, mapping, 'payments.csv');
		expect(records).toEqual([
			{
				order_id: 'P1',
				purchase_date: '2026-06-27T13:01:09-04:00',
				currency: 'USD',
				tax_total: 0.76,
				order_total: 10.76,
				payment_method: 'Visa',
				is_refund: false,
				_source: { file: 'payments.csv', lines: [2] },
			},
			{
				order_id: 'P2',
				purchase_date: '2026-06-27T13:05:00-04:00',
				currency: 'USD',
				tax_total: 0.39,
				order_total: 5.39,
				payment_method: 'MasterCard',
				is_refund: false,
				_source: { file: 'payments.csv', lines: [3] },
			},
			{
				order_id: 'P1',
				purchase_date: '2026-06-27T14:00:00-04:00',
				currency: 'USD',
				tax_total: 0,
				order_total: 3,
				payment_method: 'Visa',
				is_refund: false,
				_source: { file: 'payments.csv', lines: [4] },
			},
		]);
		expect(summary).toMatchObject({
			rows_read: 3,
			records: 3,
			rows_in_records: 3,
			rejected: 0,
			balanced: true,
		});
	});

	test('a basket row with a negative total is a refund', async () => {
		const fields: FieldListEntry[] = [
			{ target: 'order_id', source: 'Payment ID' },
			{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
			{ target: 'order_total', source: 'Total' },
		];
		const { records } = await mapCsv(
			'Payment ID,Date,Total\nP1,2026-06-27,($33.62)\nP2,2026-06-27,$33.62\n',
			transactions({ rowGrain: 'basket' }, fields),
		);
		expect(
			records.map(({ order_id, order_total, is_refund }) => ({ order_id, order_total, is_refund })),
		).toEqual([
			{ order_id: 'P1', order_total: -33.62, is_refund: true },
			{ order_id: 'P2', order_total: 33.62, is_refund: false },
		]);
	});
});

describe('refunds', () => {
	test('an order with a negative quantity is flagged as a refund', async () => {
		const { records } = await mapCsv(
			`${HEADER}\nR-1,01/07/2026 10:00,,MUG,Mug,-1,8.50,,\nR-2,01/07/2026 10:01,,MUG,Mug,1,8.50,,\n`,
			transactions(),
		);
		expect(
			records.map(({ order_id, order_total, is_refund }) => ({ order_id, order_total, is_refund })),
		).toEqual([
			{ order_id: 'R-1', order_total: -8.5, is_refund: true },
			{ order_id: 'R-2', order_total: 8.5, is_refund: false },
		]);
	});

	test('order numbers starting with the refund prefix are refunds', async () => {
		const csv = `${HEADER}\nC-100,01/07/2026 10:00,,MUG,Mug,1,8.50,,\nR-100,01/07/2026 10:01,,MUG,Mug,1,8.50,,\n`;
		const flagged = await mapCsv(csv, transactions({ refundPrefix: 'C-' }));
		expect(flagged.records.map(({ order_id, is_refund }) => ({ order_id, is_refund }))).toEqual([
			{ order_id: 'C-100', is_refund: true },
			{ order_id: 'R-100', is_refund: false },
		]);
		const unflagged = await mapCsv(csv, transactions());
		expect(unflagged.records.map((record) => record.is_refund)).toEqual([false, false]);
	});

	test('a mapped refund column sets is_refund', async () => {
		const fields: FieldListEntry[] = [...LINE_FIELDS, { target: 'is_refund', source: 'Refund' }];
		const { records } = await mapCsv(
			`${HEADER},Refund\nR-1,01/07/2026 10:00,,MUG,Mug,1,8.50,,,Y\nR-2,01/07/2026 10:00,,MUG,Mug,1,8.50,,,N\n`,
			transactions({}, fields),
		);
		expect(records.map((record) => record.is_refund)).toEqual([true, false]);
	});
});

describe('an order with a rejected line', () => {
	const csv = [
		HEADER,
		'R-1,01/07/2026 10:00,,A,Apron,1,12.00,,',
		'R-2,01/07/2026 10:05,,B,Bag,1,5.00,,',
		'R-1,01/07/2026 10:00,,C,Cap,one,7.00,,',
		'R-1,01/07/2026 10:00,,D,Dish,2,3.00,,',
		'R-3,01/07/2026 10:09,,E,Egg cup,1,2.00,,',
		'',
	].join('\n');

	test('the other lines of the order are rejected with it, so no half order is sent, and the counts still balance', async () => {
		const { records, rejected, summary } = await mapCsv(csv, transactions(), 'sales.csv');
		expect(byOrderId(records).map((record) => record.order_id)).toEqual(['R-2', 'R-3']);
		const byLine = [...rejected].sort((a, b) => a.line - b.line);
		expect(
			byLine.map(({ line, rule, order_id, field }) => ({ line, rule, order_id, field })),
		).toEqual([
			{ line: 2, rule: 'order.incomplete', order_id: 'R-1', field: 'order_id' },
			{ line: 4, rule: 'number.invalid', order_id: 'R-1', field: 'lines.qty' },
			{ line: 5, rule: 'order.incomplete', order_id: 'R-1', field: 'order_id' },
		]);
		expect(byLine[0]).toEqual({
			file: 'sales.csv',
			line: 2,
			order_id: 'R-1',
			field: 'order_id',
			column: '',
			rule: 'order.incomplete',
			value: 'R-1',
			message:
				'Order R-1 is held back because its row on line 4 was rejected ("one" is not a number); fix that row and the whole order goes through',
			owner: 'till data',
		});
		expect(summary).toMatchObject({
			rows_read: 5,
			records: 2,
			rows_in_records: 2,
			rejected: 3,
			rejected_by_rule: { 'number.invalid': 1, 'order.incomplete': 2 },
			balanced: true,
		});
		expect(summary.rows_read).toBe(summary.rows_in_records + summary.rejected);
	});

	test('when the first row of an order is the bad one, the later rows are still held back', async () => {
		const text = `${HEADER}\nR-1,01/07/2026 10:00,,A,Apron,x,12.00,,\nR-1,01/07/2026 10:00,,B,Bag,1,5.00,,\nR-1,01/07/2026 10:00,,C,Cap,1,7.00,,\n`;
		const { records, rejected, summary } = await mapCsv(text, transactions());
		expect(records).toEqual([]);
		expect(rejected.map(({ line, rule }) => ({ line, rule }))).toEqual([
			{ line: 2, rule: 'number.invalid' },
			{ line: 3, rule: 'order.incomplete' },
			{ line: 4, rule: 'order.incomplete' },
		]);
		expect(summary).toMatchObject({
			rows_read: 3,
			rows_in_records: 0,
			rejected: 3,
			balanced: true,
		});
	});

	test('a row with no order number is rejected on its own', async () => {
		const text = `${HEADER}\n,01/07/2026 10:00,,A,Apron,1,12.00,,\nR-1,01/07/2026 10:00,,B,Bag,1,5.00,,\n`;
		const { records, rejected, summary } = await mapCsv(text, transactions());
		expect(records.map((record) => record.order_id)).toEqual(['R-1']);
		expect(
			rejected.map(({ line, rule, field, message }) => ({ line, rule, field, message })),
		).toEqual([
			{ line: 2, rule: 'required.missing', field: 'order_id', message: 'order_id is empty' },
		]);
		expect(summary.balanced).toBe(true);
	});
});

describe('every row in exactly one place', () => {
	test('an order whose rows are thousands of orders apart still accounts for every line once', async () => {
		const lines = [HEADER, 'A-1,01/07/2026 10:00,,A,Apron,1,12.00,,'];
		for (let order = 0; order < 5000; order++)
			lines.push(`B-${order},01/07/2026 10:00,,B,Bag,1,5.00,,`);
		lines.push('A-1,01/07/2026 10:00,,C,Cap,1,7.00,,', '');
		const { records, rejected, summary } = await mapCsv(lines.join('\n'), transactions());

		expect(summary.rows_read).toBe(5002);
		expect(summary.rows_in_records + summary.rejected).toBe(5002);
		expect(summary.balanced).toBe(true);
		const placed = [
			...records.flatMap((record) => record._source.lines),
			...rejected.map((rejection) => rejection.line),
		].sort((a, b) => a - b);
		expect(placed).toEqual(Array.from({ length: 5002 }, (_, index) => index + 2));
		expect(rejected).toEqual([]);
		const apron = records.filter((record) => record.order_id === 'A-1');
		expect(apron).toHaveLength(1);
		expect((apron[0].lines as Array<{ sku: string }>).map((line) => line.sku)).toEqual(['A', 'C']);
		expect(apron[0].order_total).toBe(19);
		expect(apron[0]._source.lines).toEqual([2, 5003]);
	});

	test('a bad row thousands of orders after the rest of its order still holds the whole order back', async () => {
		const lines = [HEADER, 'A-1,01/07/2026 10:00,,A,Apron,1,12.00,,'];
		for (let order = 0; order < 3000; order++)
			lines.push(`B-${order},01/07/2026 10:00,,B,Bag,1,5.00,,`);
		lines.push('A-1,01/07/2026 10:00,,C,Cap,one,7.00,,', '');
		const { records, rejected, summary } = await mapCsv(lines.join('\n'), transactions());

		expect(records.some((record) => record.order_id === 'A-1')).toBe(false);
		expect(
			rejected.map((rejection) => [rejection.line, rejection.order_id, rejection.rule]).sort(),
		).toEqual(
			[
				[2, 'A-1', 'order.incomplete'],
				[3003, 'A-1', 'number.invalid'],
			].sort(),
		);
		expect(records).toHaveLength(3000);
		expect(summary.balanced).toBe(true);
	});
});

describe('the order key', () => {
	test('the order key setting can group by another field', async () => {
		const fields: FieldListEntry[] = [
			{ target: 'order_id', source: 'Line ID' },
			{ target: 'customer_id', source: 'Basket' },
			{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
			{ target: 'lines.name', source: 'Item' },
		];
		const { records } = await mapCsv(
			'Line ID,Basket,Date,Item\nL1,B1,2026-07-01,Apron\nL2,B1,2026-07-01,Bag\nL3,B2,2026-07-01,Cap\n',
			transactions({ orderKey: 'customer_id' }, fields),
		);
		expect(
			records.map(({ order_id, customer_id, lines, _source }) => ({
				order_id,
				customer_id,
				names: (lines as Array<{ name: string }>).map((line) => line.name),
				lines: _source.lines,
			})),
		).toEqual([
			{ order_id: 'L1', customer_id: 'B1', names: ['Apron', 'Bag'], lines: [2, 3] },
			{ order_id: 'L3', customer_id: 'B2', names: ['Cap'], lines: [4] },
		]);
	});

	test('a custom field can be the order key', async () => {
		const fields: FieldListEntry[] = [
			{ target: 'order_id', source: 'Line ID' },
			{ target: 'custom.basket', source: 'Basket' },
			{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
			{ target: 'lines.name', source: 'Item' },
		];
		const { records, rejected, summary } = await mapCsv(
			'Line ID,Basket,Date,Item\nL1,B1,2026-07-01,Apron\nL2,B1,2026-07-01,Bag\nL3,B2,2026-07-01,Cap\nL4,,2026-07-01,Dish\n',
			transactions({ orderKey: 'custom.basket' }, fields),
		);
		expect(
			records.map(({ order_id, custom, _source }) => ({ order_id, custom, lines: _source.lines })),
		).toEqual([
			{ order_id: 'L1', custom: { basket: 'B1' }, lines: [2, 3] },
			{ order_id: 'L3', custom: { basket: 'B2' }, lines: [4] },
		]);
		expect(rejected.map(({ line, rule, field }) => ({ line, rule, field }))).toEqual([
			{ line: 5, rule: 'required.missing', field: 'custom.basket' },
		]);
		expect(summary.balanced).toBe(true);
	});
});
