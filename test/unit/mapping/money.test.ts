/**
 * Money in decimal arithmetic: line totals rounded once to the currency's minor unit, and order
 * totals that are the sum of the lines they show, to the penny (issue 17, case 6).
 */
import { mappingFromFieldList, type CanonicalRecord } from '../../../lib/mapping';
import {
	add,
	decimalOf,
	divide,
	minorDigits,
	multiply,
	roundTo,
	toNumber,
} from '../../../lib/mapping/money';
import { mapCsv } from './run-mapping';

function random(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Thousandths rounded to hundredths, half away from zero, in integers: the reference. */
function centsOfThousandths(thousandths: number): number {
	const magnitude = Math.abs(thousandths);
	const cents = Math.floor(magnitude / 10) + (magnitude % 10 >= 5 ? 1 : 0);
	return thousandths < 0 ? -cents : cents;
}

const cents = (amount: unknown) => (amount as number).toFixed(2);

describe('decimal arithmetic', () => {
	test('sums and products are exact where binary floating point drifts', () => {
		expect(toNumber(add(decimalOf(0.1), decimalOf(0.2)))).toBe(0.3);
		expect(toNumber(multiply(decimalOf(1.15), decimalOf(3)))).toBe(3.45);
		expect(toNumber(roundTo(decimalOf(1.005), 2))).toBe(1.01);
		expect(toNumber(roundTo(decimalOf(-0.125), 2))).toBe(-0.13);
		expect(toNumber(divide(decimalOf(10), decimalOf(3), 2)!)).toBe(3.33);
		expect(divide(decimalOf(1), decimalOf(0), 2)).toBeUndefined();
		expect(toNumber(decimalOf(1e-7))).toBe(1e-7);
	});

	test('the minor unit comes from the currency: pence, yen, fils', () => {
		expect([
			minorDigits('GBP'),
			minorDigits('JPY'),
			minorDigits('KWD'),
			minorDigits(undefined),
			minorDigits('XX1'),
		]).toEqual([2, 0, 3, 2, 2]);
	});

	test('generated amounts: rounding agrees with integer arithmetic on every one', () => {
		const next = random(6);
		for (let index = 0; index < 2000; index++) {
			const thousandths = Math.floor((next() - 0.3) * 10_000_000);
			expect(toNumber(roundTo(decimalOf(thousandths / 1000), 2))).toBe(
				centsOfThousandths(thousandths) / 100,
			);
		}
	});
});

describe('order totals from 3-decimal line values (Superstore writes Sales as 907.152)', () => {
	const mapping = () =>
		mappingFromFieldList(
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

	test('907.152 + 18.504: lines of 907.15 and 18.50, and an order total of 925.65, the sum of the lines shown', async () => {
		const csv =
			'Order ID,Order Date,Product ID,Quantity,Sales\nCA-2016-152156,11/8/2016,FUR-BO-10001798,3,907.152\nCA-2016-152156,11/8/2016,FUR-CH-10000454,3,18.504\n';
		const { records } = await mapCsv(csv, mapping(), 'superstore.csv');
		expect(records[0]).toMatchObject({
			order_subtotal: 925.65,
			order_total: 925.65,
			lines: [{ line_total: 907.15 }, { line_total: 18.5 }],
		});
	});

	test('generated orders: every line total has whole cents and every order total is the sum of its lines, to the cent', async () => {
		const next = random(2016);
		const rows = ['Order ID,Order Date,Product ID,Quantity,Sales'];
		const expected = new Map<string, number[]>();
		for (let order = 0; order < 300; order++) {
			const id = `CA-2016-${100000 + order}`;
			const lines = 1 + Math.floor(next() * 6);
			const lineCents: number[] = [];
			for (let line = 0; line < lines; line++) {
				const thousandths = Math.floor(next() * 2_000_000) - (next() < 0.05 ? 1_000_000 : 0);
				lineCents.push(centsOfThousandths(thousandths));
				rows.push(
					`${id},11/8/2016,SKU-${line},${1 + Math.floor(next() * 9)},${(thousandths / 1000).toFixed(3)}`,
				);
			}
			expected.set(id, lineCents);
		}
		const { records, rejected } = await mapCsv(
			`${rows.join('\n')}\n`,
			mapping(),
			'superstore-like.csv',
		);
		expect(rejected).toEqual([]);
		expect(records).toHaveLength(300);
		for (const record of records as CanonicalRecord[]) {
			const lineCents = expected.get(String(record.order_id))!;
			const lines = record.lines as Array<{ line_total: number }>;
			expect(lines.map((line) => cents(line.line_total))).toEqual(
				lineCents.map((value) => (value / 100).toFixed(2)),
			);
			expect(lines.every((line) => Number(cents(line.line_total)) === line.line_total)).toBe(true);
			const total = lineCents.reduce((sum, value) => sum + value, 0);
			expect(record.order_total).toBe(total / 100);
			expect(record.order_subtotal).toBe(total / 100);
		}
	});

	test('in yen, lines and totals are whole yen', async () => {
		const csv =
			'Order ID,Order Date,Product ID,Quantity,Sales\nJ1,11/8/2016,A,1,1200.6\nJ1,11/8/2016,B,1,300.4\n';
		const { records } = await mapCsv(
			csv,
			mappingFromFieldList(
				'transaction',
				[...mapping().fields.map(({ target, source, format }) => ({ target, source, format }))],
				[],
				{ currency: 'JPY' },
			),
		);
		expect(records[0]).toMatchObject({
			currency: 'JPY',
			order_total: 1501,
			lines: [{ line_total: 1201 }, { line_total: 300 }],
		});
	});

	test('a line worked out from unit price and quantity is rounded once: 3 × £1.155 less £0.10 is £3.37', async () => {
		const transactions = mappingFromFieldList(
			'transaction',
			[
				{ target: 'order_id', source: 'Receipt' },
				{ target: 'purchase_date', source: 'Date' },
				{ target: 'lines.sku', source: 'SKU' },
				{ target: 'lines.qty', source: 'Qty' },
				{ target: 'lines.unit_price', source: 'Price' },
				{ target: 'lines.discount', source: 'Discount' },
			],
			[],
			{ currency: 'GBP' },
		);
		const { records } = await mapCsv(
			'Receipt,Date,SKU,Qty,Price,Discount\nR1,2026-06-27,A,3,1.155,0.10\nR1,2026-06-27,B,1,0.1,\nR1,2026-06-27,C,1,0.2,\n',
			transactions,
		);
		expect(records[0]).toMatchObject({
			order_subtotal: 3.67,
			discount_total: 0.1,
			order_total: 3.67,
			lines: [{ line_total: 3.37 }, { line_total: 0.1 }, { line_total: 0.2 }],
		});
	});
});
