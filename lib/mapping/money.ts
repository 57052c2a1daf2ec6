/**
 * Money in decimal arithmetic. Values arrive as the numbers the cells hold (907.152, 0.1); adding
 * or multiplying them as binary floating point drifts (0.1 + 0.2), so totals are worked out on the
 * decimal digits as written, in integers, and rounded once to the currency's minor unit.
 */

/** units ÷ 10^scale. */
export interface Decimal {
	units: bigint;
	scale: number;
}

export const ZERO: Decimal = Object.freeze({ units: 0n, scale: 0 });

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const POWERS_OF_TEN = Array.from({ length: 48 }, (_, power) => 10n ** BigInt(power));

function tenTo(power: number): bigint {
	return POWERS_OF_TEN[power] ?? 10n ** BigInt(power);
}

/** The decimal a number is written as (its shortest round-trip form: 907.152, not 907.15199…). */
export function decimalOf(value: number): Decimal {
	if (!Number.isFinite(value)) throw new RangeError(`${value} is not an amount`);
	// Most amounts have at most 4 places: then value × 10⁴ is a whole number, read without text.
	const tenThousandths = Math.round(value * 10_000);
	if (Number.isSafeInteger(tenThousandths) && tenThousandths / 10_000 === value)
		return { units: BigInt(tenThousandths), scale: 4 };
	let text = String(value);
	if (/e/i.test(text)) text = value.toFixed(20).replace(/\.?0+$/, '');
	const negative = text.startsWith('-');
	const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
	const units = BigInt(whole + fraction);
	return { units: negative ? -units : units, scale: fraction.length };
}

function scaled(value: Decimal, scale: number): bigint {
	return scale === value.scale ? value.units : value.units * tenTo(scale - value.scale);
}

export function add(...values: Decimal[]): Decimal {
	const scale = Math.max(0, ...values.map((value) => value.scale));
	return { units: values.reduce((total, value) => total + scaled(value, scale), 0n), scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
	return add(a, { units: -b.units, scale: b.scale });
}

export function multiply(a: Decimal, b: Decimal): Decimal {
	return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** a ÷ b to `digits` decimal places, half away from zero; undefined when b is zero. */
export function divide(a: Decimal, b: Decimal, digits: number): Decimal | undefined {
	if (b.units === 0n) return undefined;
	// a/b = (a.units × 10^(digits + 1 + b.scale − a.scale)) / b.units, in units of 10^-(digits + 1).
	const shift = digits + 1 + b.scale - a.scale;
	const numerator = shift >= 0 ? a.units * tenTo(shift) : a.units / tenTo(-shift);
	return roundTo({ units: numerator / b.units, scale: digits + 1 }, digits);
}

/** Rounded to `digits` decimal places, half away from zero (£0.125 → £0.13, −£0.125 → −£0.13). */
export function roundTo(value: Decimal, digits: number): Decimal {
	if (value.scale <= digits) return value;
	const divisor = tenTo(value.scale - digits);
	const magnitude = value.units < 0n ? -value.units : value.units;
	let rounded = magnitude / divisor;
	if ((magnitude % divisor) * 2n >= divisor) rounded += 1n;
	return { units: value.units < 0n ? -rounded : rounded, scale: digits };
}

export function toNumber(value: Decimal): number {
	if (value.units === 0n) return 0;
	// A whole number of units within 2⁵³, divided by a power of ten, is the double nearest the decimal.
	if (value.scale <= 22 && value.units <= MAX_SAFE && value.units >= -MAX_SAFE)
		return Number(value.units) / 10 ** value.scale;
	const negative = value.units < 0n;
	const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
	const text = value.scale
		? `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`
		: digits;
	return Number(negative ? `-${text}` : text);
}

const minorDigitsByCurrency = new Map<string, number>();

/** The decimal places of a currency's minor unit: 2 for GBP, 0 for JPY, 3 for KWD; 2 when unknown. */
export function minorDigits(currency: string | undefined): number {
	const code = (currency ?? '').trim().toUpperCase();
	let digits = minorDigitsByCurrency.get(code);
	if (digits === undefined) {
		try {
			digits = /^[A-Z]{3}$/.test(code)
				? (new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
						.maximumFractionDigits ?? 2)
				: 2;
		} catch {
			digits = 2;
		}
		minorDigitsByCurrency.set(code, digits);
	}
	return digits;
}
