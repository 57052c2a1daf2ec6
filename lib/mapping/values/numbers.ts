/** Whole numbers, numbers, money and percentages as tills write them, and yes/no values. */
import type { CellValue } from '../../files';
import { FALSE, TRUE, accept, quoteValue, reject, type Coerced, type ValueOptions } from './result';

export type DecimalSeparator = '.' | ',';

export interface DecimalSyntax {
	plain: RegExp;
	grouped: RegExp;
	groupCharacters: RegExp;
}

export const DECIMAL_SYNTAX: Record<DecimalSeparator, DecimalSyntax> = {
	'.': {
		plain: /^[+-]?(?:\d+\.?\d*|\.\d+)$/,
		grouped: /^[+-]?\d{1,3}([, '\u00a0\u202f])\d{3}(?:\1\d{3})*(?:\.\d*)?$/,
		groupCharacters: /[, '\u00a0\u202f]/g,
	},
	',': {
		plain: /^[+-]?(?:\d+,?\d*|,\d+)$/,
		grouped: /^[+-]?\d{1,3}([. '\u00a0\u202f])\d{3}(?:\1\d{3})*(?:,\d*)?$/,
		groupCharacters: /[. '\u00a0\u202f]/g,
	},
};

/** A number written with the given decimal separator and no grouping, or NaN. */
export function parsePlainDecimal(text: string, separator: DecimalSeparator): number {
	if (!DECIMAL_SYNTAX[separator].plain.test(text)) return NaN;
	return Number(separator === '.' ? text : text.replace(',', '.'));
}

/** A number written with the given decimal separator and optional thousands grouping, or NaN. */
export function parseDecimalText(text: string, separator: DecimalSeparator): number {
	const plain = parsePlainDecimal(text, separator);
	if (!Number.isNaN(plain)) return plain;
	const syntax = DECIMAL_SYNTAX[separator];
	if (!syntax.grouped.test(text)) return NaN;
	const digits = text.replace(syntax.groupCharacters, '');
	return Number(separator === '.' ? digits : digits.replace(',', '.'));
}

export function otherSeparator(separator: DecimalSeparator): DecimalSeparator {
	return separator === '.' ? ',' : '.';
}

export function separatorHint(text: string, separator: DecimalSeparator): string {
	const other = otherSeparator(separator);
	if (Number.isNaN(parseDecimalText(text, other))) return '';
	return other === ','
		? ": if the file writes decimals with a comma, set the decimal separator to ',' in the mapping"
		: ": if the file writes decimals with a point, set the decimal separator to '.' in the mapping";
}

export function decimalSeparatorMessage(separator: unknown): string {
	return `The decimal separator must be '.' or ',', not "${String(separator)}"`;
}

export function decimalSeparatorOf(options: ValueOptions): DecimalSeparator {
	const separator = options.decimalSeparator ?? '.';
	if (separator !== '.' && separator !== ',')
		throw new RangeError(decimalSeparatorMessage(separator));
	return separator;
}

export function withoutNegativeZero(value: number): number {
	return value === 0 ? 0 : value;
}

export function coerceInteger(raw: CellValue, separator: DecimalSeparator): Coerced {
	let value: number;
	if (typeof raw === 'number') value = raw;
	else if (typeof raw === 'string') {
		const text = raw.trim();
		value = parseDecimalText(text, separator);
		if (Number.isNaN(value)) {
			return reject(
				'integer.invalid',
				`${quoteValue(raw)} is not a whole number${separatorHint(text, separator)}`,
			);
		}
	} else return reject('integer.invalid', `${quoteValue(raw)} is not a whole number`);
	if (!Number.isFinite(value))
		return reject('integer.invalid', `${quoteValue(raw)} is not a whole number`);
	if (!Number.isInteger(value))
		return reject('integer.not_whole', `${quoteValue(raw)} is not a whole number`);
	if (!Number.isSafeInteger(value)) {
		return reject(
			'integer.out_of_range',
			`${quoteValue(raw)} is too large to keep exactly as a whole number`,
		);
	}
	return accept(withoutNegativeZero(value));
}

export function coerceNumber(raw: CellValue, separator: DecimalSeparator): Coerced {
	if (typeof raw === 'number') {
		return Number.isFinite(raw)
			? accept(withoutNegativeZero(raw))
			: reject('number.invalid', `${quoteValue(raw)} is not a number`);
	}
	if (typeof raw !== 'string')
		return reject('number.invalid', `${quoteValue(raw)} is not a number`);
	const text = raw.trim();
	const value = parseDecimalText(text, separator);
	if (Number.isFinite(value)) return accept(withoutNegativeZero(value));
	return reject(
		'number.invalid',
		`${quoteValue(raw)} is not a number${separatorHint(text, separator)}`,
	);
}

export const CURRENCY_BY_MARK: Record<string, string> = {
	$: 'USD',
	'£': 'GBP',
	'€': 'EUR',
	'¥': 'JPY',
	usd: 'USD',
	gbp: 'GBP',
	eur: 'EUR',
	jpy: 'JPY',
};
export const MARK = '(GBP|USD|EUR|JPY|[$£€¥])';
export const SIGN = '([+\\-\\u2212])';
export const AMOUNT = "(\\d[\\d.,' \\u00a0\\u202f]*|[.,]\\d+)";
/** (bracket) sign currency sign amount currency (bracket), every part but the amount optional. */
export const MONEY = new RegExp(
	`^(\\()?\\s*${SIGN}?\\s*${MARK}?\\s*${SIGN}?\\s*${AMOUNT}\\s*${MARK}?\\s*(\\))?$`,
	'i',
);

export function roundMoneyNumber(value: number): number {
	const cents = value * 100;
	const wholeCents = Math.round(cents);
	if (Math.abs(cents - wholeCents) < 1e-6) return withoutNegativeZero(wholeCents / 100);
	return roundToFourPlaces(value);
}

export function roundToFourPlaces(value: number): number {
	const magnitude = Math.abs(value);
	if (magnitude < 0.00005) return 0;
	if (magnitude >= 1e15) return value;
	const rounded = Number(`${Math.round(Number(`${magnitude}e4`))}e-4`);
	return withoutNegativeZero(value < 0 ? -rounded : rounded);
}

export function decimalPlaces(body: string, separator: DecimalSeparator): number {
	const at = body.lastIndexOf(separator);
	return at < 0 ? 0 : body.length - at - 1;
}

export function coerceMoney(raw: CellValue, separator: DecimalSeparator): Coerced {
	if (typeof raw === 'number') {
		return Number.isFinite(raw)
			? accept(roundMoneyNumber(raw))
			: reject('money.invalid', `${quoteValue(raw)} is not an amount of money`);
	}
	if (typeof raw !== 'string')
		return reject('money.invalid', `${quoteValue(raw)} is not an amount of money`);
	const text = raw.trim();
	const plain = parsePlainDecimal(text, separator);
	if (!Number.isNaN(plain))
		return accept(
			decimalPlaces(text, separator) > 4 ? roundToFourPlaces(plain) : withoutNegativeZero(plain),
		);
	const parts = MONEY.exec(text);
	if (parts === null)
		return reject('money.invalid', `${quoteValue(raw)} is not an amount of money`);
	const [, open, signBefore, markBefore, signAfter, body, markAfter, close] = parts;
	const bracketed = open !== undefined;
	const signed = signBefore !== undefined || signAfter !== undefined;
	const currencyBefore =
		markBefore === undefined ? undefined : CURRENCY_BY_MARK[markBefore.toLowerCase()];
	const currencyAfter =
		markAfter === undefined ? undefined : CURRENCY_BY_MARK[markAfter.toLowerCase()];
	if (
		bracketed !== (close !== undefined) ||
		(signBefore !== undefined && signAfter !== undefined) ||
		(bracketed && signed) ||
		(currencyBefore !== undefined &&
			currencyAfter !== undefined &&
			currencyBefore !== currencyAfter)
	) {
		return reject('money.invalid', `${quoteValue(raw)} is not an amount of money`);
	}
	const amount = parseDecimalText(body.trimEnd(), separator);
	if (!Number.isFinite(amount)) {
		return reject(
			'money.invalid',
			`${quoteValue(raw)} is not an amount of money${separatorHint(body.trimEnd(), separator)}`,
		);
	}
	const negative = bracketed || (signBefore ?? signAfter ?? '+') !== '+';
	const rounded = decimalPlaces(body.trimEnd(), separator) > 4 ? roundToFourPlaces(amount) : amount;
	const value = withoutNegativeZero(negative ? -rounded : rounded);
	const currency = currencyBefore ?? currencyAfter;
	return currency === undefined ? { ok: true, value } : { ok: true, value, currency };
}

/**
 * A rate: `20%` and `0.2` are both 0.2. A plain number above 1 is percentage points (`20` is 20%),
 * as tills write VAT rates; a rate is never more than 100%.
 */
export function coercePercent(raw: CellValue, separator: DecimalSeparator): Coerced {
	const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	const written = /^(.*?)\s*%$/.exec(text);
	const number =
		typeof raw === 'number' ? raw : parseDecimalText(written ? written[1] : text, separator);
	if (!Number.isFinite(number) || typeof raw === 'boolean') {
		return reject(
			'percent.invalid',
			`${quoteValue(raw)} is not a percentage (write 20%, 0.2 or 20)${Number.isNaN(number) ? separatorHint(text.replace(/%$/, '').trim(), separator) : ''}`,
		);
	}
	const rate = written || Math.abs(number) > 1 ? number / 100 : number;
	if (Math.abs(rate) > 1)
		return reject('percent.out_of_range', `${quoteValue(raw)} is more than 100%`);
	return accept(withoutNegativeZero(roundToFourPlaces(rate)));
}

export const BOOLEAN_WORDS = new Map<string, boolean>([
	['y', true],
	['yes', true],
	['true', true],
	['t', true],
	['on', true],
	['1', true],
	['-1', true],
	['n', false],
	['no', false],
	['false', false],
	['f', false],
	['off', false],
	['0', false],
]);

export function coerceBoolean(raw: CellValue): Coerced {
	if (typeof raw === 'boolean') return raw ? TRUE : FALSE;
	if (typeof raw === 'number') {
		if (raw === 1 || raw === -1) return TRUE;
		if (raw === 0) return FALSE;
	} else {
		const word = BOOLEAN_WORDS.get(raw) ?? BOOLEAN_WORDS.get(raw.trim().toLowerCase());
		if (word !== undefined) return word ? TRUE : FALSE;
	}
	return reject(
		'boolean.invalid',
		`${quoteValue(raw)} is not a yes/no value (use Y/N, yes/no, true/false or 1/0)`,
	);
}
