/** What reading a cell gives: the value, or the rule it broke and why; and the options that read it. */
import type { CellValue } from '../../files';

export type FieldType =
	| 'text'
	| 'email'
	| 'phone'
	| 'integer'
	| 'number'
	| 'money'
	| 'percent'
	| 'date'
	| 'datetime'
	| 'boolean';
export type TextCase = 'none' | 'upper' | 'lower' | 'title';

export interface ValueOptions {
	/** Dates: Luxon formats separated by ' || ', each one may also be 'ISO' or 'excel'. */
	format?: string;
	decimalSeparator?: '.' | ',';
	/** Phones: ISO 3166 alpha-2 country for numbers written without a country code. */
	defaultCountry?: string;
	/** Dates: the IANA zone the POS wrote local times in. */
	timeZone?: string;
	textCase?: TextCase;
}

export type Coerced =
	| { ok: true; value: string | number | boolean | null; currency?: string }
	| { ok: false; rule: string; message: string };

export interface ExcelDateTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

export interface SplitName {
	title?: string;
	first_name?: string;
	last_name?: string;
}

export const NO_OPTIONS: ValueOptions = Object.freeze({});
export const BLANK: Coerced = Object.freeze({ ok: true, value: null });
export const TRUE: Coerced = Object.freeze({ ok: true, value: true });
export const FALSE: Coerced = Object.freeze({ ok: true, value: false });

export function accept(value: string | number | boolean): Coerced {
	return { ok: true, value };
}

export function reject(rule: string, message: string): Coerced {
	return { ok: false, rule, message };
}

export const QUOTED_VALUE_LIMIT = 100;

/** The raw value in quotes for a message, cut short when a cell holds a whole essay. */
export function quoteValue(raw: CellValue): string {
	const text = typeof raw === 'string' ? raw : String(raw);
	return text.length > QUOTED_VALUE_LIMIT
		? `"${text.slice(0, QUOTED_VALUE_LIMIT - 1)}…"`
		: `"${text}"`;
}

export function isBlank(raw: unknown): boolean {
	if (raw === null || raw === undefined) return true;
	if (typeof raw !== 'string') return false;
	if (raw.length === 0) return true;
	const first = raw.charCodeAt(0);
	if (first > 32 && first !== 0xa0 && first < 0x1680) return false;
	return raw.trim().length === 0;
}
