/**
 * Order lines and totals: the values one row gives, completed from each other (a unit price from
 * the line's gross or total, a discount or tax given as a rate), a list written in one cell made
 * into one line per item, and the order's totals from its lines.
 */
import {
	ZERO,
	add,
	decimalOf,
	divide,
	minorDigits,
	multiply,
	roundTo,
	subtract,
	toNumber,
	type Decimal,
} from './money';

/** Line fields given as rates are kept under these keys until the line is finished. */
export const RATE_KEYS: Readonly<Record<string, string>> = {
	discount: 'discount_rate',
	tax: 'tax_rate',
};

/**
 * A line's quantity, unit price, discount, tax and total, in decimal arithmetic. A total the
 * export gives is rounded to `digits` places; one worked out is rounded once, after the sum.
 */
export function finishLine(line: Record<string, unknown>, digits: number): Record<string, unknown> {
	const gross = takeNumber(line, 'gross_amount');
	const discountRate = takeNumber(line, RATE_KEYS.discount);
	const taxRate = takeNumber(line, RATE_KEYS.tax);
	const qty = typeof line.qty === 'number' ? line.qty : 1;
	line.qty = qty;
	if (typeof line.discount === 'number') line.discount = Math.abs(line.discount);
	const given =
		typeof line.line_total === 'number' ? roundTo(decimalOf(line.line_total), digits) : undefined;
	let before =
		gross !== undefined
			? decimalOf(gross)
			: typeof line.unit_price === 'number'
				? multiply(decimalOf(line.unit_price), decimalOf(qty))
				: undefined;

	if (discountRate !== undefined && line.discount === undefined) {
		const rate = decimalOf(Math.abs(discountRate));
		if (before) line.discount = toNumber(roundTo(multiply(before, rate), digits));
		else if (given && discountRate < 1) {
			// The export gives the total after the discount (Superstore's Sales): the gross is total ÷ (1 − rate).
			before = divide(given, subtract(decimalOf(1), rate), digits);
			if (before) line.discount = toNumber(subtract(before, given));
		}
	}
	if (given) line.line_total = toNumber(given);
	else if (before)
		line.line_total = toNumber(roundTo(subtract(before, decimalOrZero(line.discount)), digits));
	if (line.unit_price === undefined && qty !== 0) {
		const beforeDiscount =
			before ??
			(typeof line.line_total === 'number'
				? add(decimalOf(line.line_total), decimalOrZero(line.discount))
				: undefined);
		if (beforeDiscount)
			line.unit_price = optionalNumber(divide(beforeDiscount, decimalOf(qty), digits));
	}
	if (taxRate !== undefined && line.tax === undefined && typeof line.line_total === 'number') {
		line.tax = toNumber(roundTo(multiply(decimalOf(line.line_total), decimalOf(taxRate)), digits));
	}
	return line;
}

/** The items of a list written in one cell: `['Ketchup', 'Milk']`, `["A","B"]` or `Ketchup, Milk`. */
export function parseList(text: string): string[] {
	const inner = text.trim().replace(/^\[(.*)\]$/s, '$1');
	const items: string[] = [];
	let current = '';
	let quote: string | undefined;
	for (const character of inner) {
		if (quote) {
			if (character === quote) quote = undefined;
			else current += character;
		} else if (character === '"' || character === "'") quote = character;
		else if (character === ',' || character === ';') {
			items.push(current);
			current = '';
		} else current += character;
	}
	items.push(current);
	return items.map((item) => item.trim()).filter(Boolean);
}

/** The lines a row gives: one, or one per item when a field held a list (quantity 1 each). */
export function expandLine(line: Record<string, unknown>): Array<Record<string, unknown>> {
	const listed = Object.keys(line).find((key) => Array.isArray(line[key]));
	if (listed === undefined) return [line];
	return (line[listed] as unknown[]).map((item) => ({ ...line, [listed]: item, qty: 1 }));
}

const ORDER_MONEY = [
	'order_subtotal',
	'discount_total',
	'tax_total',
	'delivery_total',
	'order_total',
] as const;

/**
 * Finishes an order's lines and fills in the totals the export does not give. Money is worked out
 * in decimals and rounded once to the currency's minor unit: each line's total, then each order
 * total from the rounded line totals, so the order total is the sum of the lines it shows plus tax
 * (unless prices include it) and delivery, to the penny. Returns the finished lines.
 */
export function completeOrderMoney(
	order: Record<string, unknown>,
	rawLines: Array<Record<string, unknown>>,
	pricesIncludeTax: boolean,
): Array<Record<string, unknown>> {
	const digits = minorDigits(typeof order.currency === 'string' ? order.currency : undefined);
	const lines = rawLines.map((line) => finishLine(line, digits));
	const sum = (key: string) =>
		lines.some((line) => typeof line[key] === 'number')
			? roundTo(add(...lines.map((line) => decimalOrZero(line[key]))), digits)
			: undefined;
	for (const key of ORDER_MONEY)
		if (typeof order[key] === 'number')
			order[key] = toNumber(roundTo(decimalOf(order[key]), digits));
	if (order.order_subtotal === undefined) setNumber(order, 'order_subtotal', sum('line_total'));
	if (order.discount_total === undefined) setNumber(order, 'discount_total', sum('discount'));
	if (order.tax_total === undefined) setNumber(order, 'tax_total', sum('tax'));
	if (order.order_total === undefined && typeof order.order_subtotal === 'number') {
		const tax = pricesIncludeTax ? ZERO : decimalOrZero(order.tax_total);
		order.order_total = toNumber(
			add(decimalOrZero(order.order_subtotal), tax, decimalOrZero(order.delivery_total)),
		);
	}
	return lines;
}

function setNumber(record: Record<string, unknown>, key: string, value: Decimal | undefined): void {
	if (value !== undefined) record[key] = toNumber(value);
}

function takeNumber(line: Record<string, unknown>, key: string): number | undefined {
	const value = line[key];
	if (value !== undefined) delete line[key];
	return typeof value === 'number' ? value : undefined;
}

function decimalOrZero(value: unknown): Decimal {
	return typeof value === 'number' ? decimalOf(value) : ZERO;
}

function optionalNumber(value: Decimal | undefined): number | undefined {
	return value === undefined ? undefined : toNumber(value);
}
