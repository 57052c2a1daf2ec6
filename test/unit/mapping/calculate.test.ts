import {
	MappingError,
	mappingFromFieldList,
	type CanonicalRecord,
	type FieldListEntry,
} from '../../../lib/mapping';
import { mulberry32 } from '../../helpers/random';
import { mapCsv } from './run-mapping';

/** Sales lines that give a line total and a quantity but no unit price, as Superstore does. */
const FIELDS: FieldListEntry[] = [
	{ target: 'order_id', source: 'Order' },
	{ target: 'purchase_date', source: 'Date', format: 'yyyy-MM-dd' },
	{ target: 'lines.sku', source: 'SKU' },
	{ target: 'lines.qty', source: 'Qty' },
	{ target: 'lines.line_total', source: 'Sales', type: 'money' },
	{
		target: 'lines.unit_price',
		source: '',
		type: 'money',
		transform: 'calculate',
		format: '[Sales] / [Qty]',
	},
];

function sales(fields: FieldListEntry[] = FIELDS) {
	return mappingFromFieldList('transaction', fields, [], {
		timeZone: 'Europe/London',
		currency: 'GBP',
	});
}

function linesOf(record: CanonicalRecord): Array<Record<string, unknown>> {
	return record.lines as Array<Record<string, unknown>>;
}

describe('a field calculated from other columns', () => {
	test('the unit price is the line total divided by the quantity, in exact decimals', async () => {
		const csv =
			'Order,Date,SKU,Qty,Sales\nA-1,2026-07-01,CHAIR,3,907.152\nA-1,2026-07-01,PEN,7,18.504\n';
		const { records, rejected, summary } = await mapCsv(csv, sales());

		expect(rejected).toEqual([]);
		expect(linesOf(records[0])).toEqual([
			{ sku: 'CHAIR', qty: 3, unit_price: 302.384, line_total: 907.15 },
			{ sku: 'PEN', qty: 7, unit_price: 2.6434, line_total: 18.5 },
		]);
		expect(records[0].order_total).toBe(925.65);
		expect(summary.balanced).toBe(true);
	});

	test('numbers and brackets in a formula: a price before a 20% VAT is taken off', async () => {
		const fields = [
			...FIELDS.slice(0, 5),
			{
				target: 'custom.net',
				source: '',
				type: 'money' as const,
				transform: 'calculate' as const,
				format: '([Sales] - 0.5) / 1.2',
			},
		];
		const { records } = await mapCsv(
			'Order,Date,SKU,Qty,Sales\nA-1,2026-07-01,CHAIR,1,12.50\n',
			sales(fields),
		);
		expect(records[0].custom).toEqual({ net: 10 });
	});

	test('a blank column leaves the field blank; a word or a zero divisor rejects the row, naming the column and the till as the fix', async () => {
		const csv =
			'Order,Date,SKU,Qty,Sales\nA-1,2026-07-01,CHAIR,,10\nB-2,2026-07-01,PEN,two,10\nC-3,2026-07-01,CUP,0,10\n';
		const { records, rejected, summary } = await mapCsv(csv, sales());

		expect(records.map((record) => [record.order_id, linesOf(record)[0].unit_price])).toEqual([
			['A-1', 10],
		]);
		expect(
			rejected.map(({ line, order_id, column, rule, owner }) => ({
				line,
				order_id,
				column,
				rule,
				owner,
			})),
		).toEqual([
			{ line: 3, order_id: 'B-2', column: 'Qty', rule: 'number.invalid', owner: 'till data' },
			{
				line: 4,
				order_id: 'C-3',
				column: 'Qty',
				rule: 'calculate.divide_by_zero',
				owner: 'till data',
			},
		]);
		expect(rejected[1].message).toBe(
			'Qty is 0, so lines.unit_price ([Sales] / [Qty]) cannot be worked out',
		);
		expect(summary.balanced).toBe(true);
	});

	test('a column that is not a number is named when only the formula reads it', async () => {
		const fields = FIELDS.filter((field) => field.target !== 'lines.qty').concat({
			target: 'lines.qty',
			source: '',
			transform: 'calculate',
			format: '[Sales] / [Each]',
			type: 'number',
		});
		const { rejected } = await mapCsv(
			'Order,Date,SKU,Each,Sales\nA-1,2026-07-01,CHAIR,n/a,10\n',
			sales(fields.filter((field) => field.target !== 'lines.unit_price')),
		);
		expect(
			rejected.map(({ column, rule, value, message }) => ({ column, rule, value, message })),
		).toEqual([
			{
				column: 'Each',
				rule: 'calculate.not_a_number',
				value: 'n/a',
				message:
					'"n/a" in Each is not a number, so lines.qty ([Sales], [Each]) cannot be worked out',
			},
		]);
	});

	test('a formula that cannot be read, a text type or a column the export lacks stops the mapping before any row is read', async () => {
		const broken = (format: string, type: FieldListEntry['type'] = 'money') =>
			sales([
				...FIELDS.slice(0, 5),
				{ target: 'lines.unit_price', source: '', type, transform: 'calculate', format },
			]);
		const problemsOf = async (mapping: ReturnType<typeof sales>) => {
			const error = await mapCsv(
				'Order,Date,SKU,Qty,Sales\nA-1,2026-07-01,CHAIR,1,10\n',
				mapping,
			).then(
				() => undefined,
				(thrown: unknown) => thrown,
			);
			expect(error).toBeInstanceOf(MappingError);
			return (error as MappingError).problems;
		};
		expect(await problemsOf(broken('[Sales] / '))).toEqual([
			'"lines.unit_price": the formula in Format cannot be read: the formula ends too soon at character 11 of "[Sales] / "',
		]);
		expect(await problemsOf(broken('Sales / Qty'))).toEqual([
			'"lines.unit_price": the formula in Format cannot be read: "S" is not a column in [brackets], a number or + - * / at character 1 of "Sales / Qty"',
		]);
		expect(await problemsOf(broken('[Sales] / [Qty]', 'text'))).toEqual([
			'"lines.unit_price": a calculated field is a number, so its type must be number, integer, money, percent (not text)',
		]);
		expect(await problemsOf(broken(''))).toEqual([
			'"lines.unit_price": Calculate needs a formula in Format, for example [Line Total] / [Quantity]',
		]);
		expect(await problemsOf(broken('[Sale] / [Qty]'))).toEqual([
			'"Sale" is missing for lines.unit_price; found "Sales", "Date" (in export.csv)',
		]);
	});

	test('property: for random line totals and quantities, the unit price is the exact quotient rounded once to 4 places', async () => {
		const random = mulberry32(20261206);
		const rows: string[] = [];
		const expected: Array<{ cents: number; total: number; qty: number }> = [];
		for (let index = 0; index < 2000; index++) {
			const qty = 1 + Math.floor(random() * 999);
			const cents = Math.floor(random() * 10_000_000) - 1_000_000;
			const total = cents / 100;
			expected.push({ cents, total, qty });
			rows.push(`O-${index},2026-07-01,SKU-${index},${qty},${total.toFixed(2)}`);
		}
		const { records, rejected } = await mapCsv(
			`Order,Date,SKU,Qty,Sales\n${rows.join('\n')}\n`,
			sales(),
		);
		expect(rejected).toEqual([]);
		const byOrder = new Map(records.map((record) => [record.order_id, linesOf(record)[0]]));
		expected.forEach(({ cents, total, qty }, index) => {
			const line = byOrder.get(`O-${index}`)!;
			// In ten-thousandths: cents × 100 ÷ qty, rounded half away from zero, in whole numbers.
			const magnitude = Math.floor((2 * Math.abs(cents) * 100 + qty) / (2 * qty));
			expect(line.unit_price).toBe((Math.sign(cents) * magnitude) / 10_000 || 0);
			expect(line.line_total).toBe(total);
		});
	});
});
