/** Date formats as a mapping writes them (dd/MM/yyyy || ISO || excel), compiled once into fast readers. */
import { DateTime } from 'luxon';

/** A format with no separators (yyMMdd): its values are plain numbers too, so none is taken for an Excel date. */
const DIGITS_ALONE = /^[A-Za-z]+$/;

export interface WrittenDateTime {
	year?: number;
	month?: number;
	day?: number;
	hour?: number;
	minute?: number;
	second?: number;
	/** The hour was written on a 12-hour clock with AM/PM. */
	twelveHour?: boolean;
}

export type DateUnit = 'year' | 'month' | 'day' | 'hour' | 'twelveHour' | 'minute' | 'second';

export interface LuxonFormat {
	kind: 'luxon';
	format: string;
	parser: ReturnType<typeof DateTime.buildFormatParser>;
	/** The format's layout with every number captured, to tell an impossible date from a value in another layout. */
	shape: RegExp;
	shapeUnits: (DateUnit | undefined)[];
	twelveHour: boolean;
	/** Only numbers and literals: read straight from `shape`, without Luxon's general parser. */
	numericOnly: boolean;
	/** The same layout read without a regular expression, where that reads it the same. */
	scan: ScanStep[] | undefined;
}

/** A literal to match, or a number of `fewest` to `most` digits. */
export interface ScanStep {
	literal: string | undefined;
	fewest: number;
	most: number;
	unit: DateUnit | undefined;
}

export type DateFormat = { kind: 'iso' } | { kind: 'excel' } | LuxonFormat;

export interface DateFormats {
	formats: DateFormat[];
	/** How the formats read in a message: "dd/MM/yyyy or dd/MM/yyyy HH:mm". */
	description: string;
	problem?: string;
	isoOnly: boolean;
	/** A number written in a text file (45292) may be an Excel date: no format given reads a number that way. */
	serialsInText: boolean;
}

export const FORMAT_LOCALE = { locale: 'en-US' } as const;
/** Luxon's numeric tokens: the fewest and most digits each reads, and what it is. */
export const NUMERIC_TOKENS: Record<string, [number, number, DateUnit | undefined]> = {
	y: [1, 6, 'year'],
	yy: [2, 4, 'year'],
	yyyy: [4, 4, 'year'],
	yyyyy: [4, 6, 'year'],
	yyyyyy: [6, 6, 'year'],
	M: [1, 2, 'month'],
	MM: [2, 2, 'month'],
	L: [1, 2, 'month'],
	LL: [2, 2, 'month'],
	d: [1, 2, 'day'],
	dd: [2, 2, 'day'],
	H: [1, 2, 'hour'],
	HH: [2, 2, 'hour'],
	h: [1, 2, 'twelveHour'],
	hh: [2, 2, 'twelveHour'],
	m: [1, 2, 'minute'],
	mm: [2, 2, 'minute'],
	s: [1, 2, 'second'],
	ss: [2, 2, 'second'],
	S: [1, 3, undefined],
	SSS: [3, 3, undefined],
	u: [1, 9, undefined],
	uu: [1, 2, undefined],
	uuu: [1, 1, undefined],
	o: [1, 3, undefined],
	ooo: [3, 3, undefined],
	q: [1, 2, undefined],
	qq: [2, 2, undefined],
	W: [1, 2, undefined],
	WW: [2, 2, undefined],
	kk: [2, 4, undefined],
	kkkk: [4, 4, undefined],
	E: [1, 1, undefined],
	c: [1, 1, undefined],
};
export const WORD_TOKENS = new Set([
	'MMM',
	'MMMM',
	'LLL',
	'LLLL',
	'EEE',
	'EEEE',
	'ccc',
	'cccc',
	'a',
	'G',
	'GG',
	'Z',
	'ZZ',
	'ZZZ',
	'z',
]);
export const FORMAT_SEPARATOR = ' || ';
export const formatCache = new Map<string, DateFormats>();

export interface FormatToken {
	text: string;
	literal: boolean;
}

/** Splits a Luxon format the way Luxon does: runs of one letter are tokens, 'quoted text' and other characters literal. */
export function formatTokens(format: string): FormatToken[] {
	const tokens: FormatToken[] = [];
	let index = 0;
	while (index < format.length) {
		const character = format[index];
		if (character === "'") {
			const end = format.indexOf("'", index + 1);
			const text = end < 0 ? format.slice(index + 1) : format.slice(index + 1, end);
			tokens.push({ text: text === '' ? "'" : text, literal: true });
			index = end < 0 ? format.length : end + 1;
		} else if (/[A-Za-z]/.test(character)) {
			let end = index + 1;
			while (format[end] === character) end++;
			tokens.push({ text: format.slice(index, end), literal: false });
			index = end;
		} else {
			tokens.push({ text: character, literal: true });
			index++;
		}
	}
	return tokens;
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\\-/]/g, '\\$&');
}

export function compileLuxonFormat(format: string): LuxonFormat | string {
	const pieces: string[] = [];
	const shapeUnits: (DateUnit | undefined)[] = [];
	const units = new Set<string>();
	let numericOnly = true;
	for (const token of formatTokens(format)) {
		if (token.literal) {
			pieces.push(escapeRegExp(token.text));
			continue;
		}
		const numeric = NUMERIC_TOKENS[token.text];
		if (numeric !== undefined) {
			const [fewest, most, unit] = numeric;
			pieces.push(fewest === most ? `(\\d{${most}})` : `(\\d{${fewest},${most}})`);
			shapeUnits.push(unit);
			units.add(token.text[0]);
		} else if (WORD_TOKENS.has(token.text)) {
			numericOnly = false;
			pieces.push('(.+?)');
			shapeUnits.push(undefined);
			units.add(token.text[0]);
		} else {
			return (
				`The date format "${format}" has "${token.text}", which Luxon does not read: use d or dd for the day, ` +
				`M or MM for the month, yy or yyyy for the year, H or HH for hours, mm for minutes (quote other letters like 'T')`
			);
		}
	}
	if (!units.has('y') || !(units.has('M') || units.has('L')) || !units.has('d')) {
		return `The date format "${format}" needs a day (d or dd), a month (M, MM or MMM) and a year (yy or yyyy)`;
	}
	if (units.has('h') && !units.has('a')) {
		return `The date format "${format}" has a 12-hour hour (h) but no AM/PM (a): use H or HH for a 24-hour clock`;
	}
	return {
		kind: 'luxon',
		format,
		parser: DateTime.buildFormatParser(format, FORMAT_LOCALE),
		shape: new RegExp(`^${pieces.join('')}$`, 'i'),
		shapeUnits,
		twelveHour: units.has('h'),
		numericOnly: numericOnly && shapeUnits.every((unit) => unit !== undefined),
		scan: numericOnly ? scanSteps(formatTokens(format)) : undefined,
	};
}

/**
 * Steps that read a numbers-only layout character by character, as `shape` would, or undefined
 * when reading digits greedily could differ from the regular expression: a number of varying
 * width followed by another number, or literals that are not plain ASCII.
 */
export function scanSteps(tokens: FormatToken[]): ScanStep[] | undefined {
	const steps: ScanStep[] = [];
	for (const [index, token] of tokens.entries()) {
		if (token.literal) {
			if (!/^[\x20-\x7e]+$/.test(token.text) || /^\d/.test(token.text)) return undefined;
			steps.push({ literal: token.text, fewest: 0, most: 0, unit: undefined });
			continue;
		}
		const [fewest, most, unit] = NUMERIC_TOKENS[token.text];
		if (
			unit === undefined ||
			(fewest !== most && index + 1 < tokens.length && !tokens[index + 1].literal)
		)
			return undefined;
		steps.push({ literal: undefined, fewest, most, unit });
	}
	return steps;
}

/** The fields of a date written in a numbers-only layout, read with its scan steps; undefined when it does not fit. */
export function scanFields(steps: ScanStep[], text: string): WrittenDateTime | undefined {
	const fields: WrittenDateTime = {
		year: undefined,
		month: undefined,
		day: undefined,
		hour: undefined,
		minute: undefined,
		second: undefined,
		twelveHour: false,
	};
	let position = 0;
	for (const step of steps) {
		if (step.literal !== undefined) {
			if (!startsWithIgnoringCase(text, position, step.literal)) return undefined;
			position += step.literal.length;
			continue;
		}
		let value = 0;
		let digits = 0;
		while (digits < step.most && position < text.length) {
			const code = text.charCodeAt(position);
			if (code < 48 || code > 57) break;
			value = value * 10 + code - 48;
			digits++;
			position++;
		}
		if (digits < step.fewest) return undefined;
		setWrittenField(fields, step.unit!, value, digits);
	}
	return position === text.length ? fields : undefined;
}

export function startsWithIgnoringCase(text: string, position: number, literal: string): boolean {
	if (position + literal.length > text.length) return false;
	for (let index = 0; index < literal.length; index++) {
		const actual = text.charCodeAt(position + index);
		const expected = literal.charCodeAt(index);
		if (actual !== expected && !(isAsciiLetter(expected) && (actual | 0x20) === (expected | 0x20)))
			return false;
	}
	return true;
}

export function isAsciiLetter(code: number): boolean {
	return (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
}

export function setWrittenField(
	fields: WrittenDateTime,
	unit: DateUnit,
	value: number,
	digits: number,
): void {
	switch (unit) {
		case 'year':
			fields.year = digits <= 2 ? twoDigitYear(value) : value;
			break;
		case 'month':
			fields.month = value;
			break;
		case 'day':
			fields.day = value;
			break;
		case 'twelveHour':
			fields.twelveHour = true;
			fields.hour = value;
			break;
		case 'hour':
			fields.hour = value;
			break;
		case 'minute':
			fields.minute = value;
			break;
		case 'second':
			fields.second = value;
			break;
	}
}

export function compileDateFormats(format: string | undefined): DateFormats {
	const key = format ?? '';
	let compiled = formatCache.get(key);
	if (compiled !== undefined) return compiled;
	const formats: DateFormat[] = [];
	const names: string[] = [];
	let problem: string | undefined;
	const alternatives =
		key.trim() === '' ? ['ISO'] : key.split(FORMAT_SEPARATOR).map((part) => part.trim());
	for (const alternative of alternatives) {
		if (alternative === '') continue;
		const special = alternative.toLowerCase();
		if (special === 'iso') {
			formats.push({ kind: 'iso' });
			names.push('ISO (like 2026-06-27)');
		} else if (special === 'excel') {
			formats.push({ kind: 'excel' });
			names.push('an Excel date number');
		} else {
			const luxon = compileLuxonFormat(alternative);
			if (typeof luxon === 'string') problem ??= luxon;
			else {
				formats.push(luxon);
				names.push(alternative);
			}
		}
	}
	if (formats.length === 0) problem ??= `The date format "${key}" has no formats in it`;
	compiled = {
		formats,
		description: names.join(' or '),
		problem,
		isoOnly: key.trim() === '',
		serialsInText: !formats.some(
			(candidate) => candidate.kind === 'luxon' && DIGITS_ALONE.test(candidate.format),
		),
	};
	formatCache.set(key, compiled);
	return compiled;
}

/** The fields a value written in the format holds, when it has the format's layout. */
export function writtenFields(format: LuxonFormat, text: string): WrittenDateTime | undefined {
	if (format.scan !== undefined) return scanFields(format.scan, text);
	const match = format.shape.exec(text);
	if (match === null) return undefined;
	const fields: WrittenDateTime = {
		year: undefined,
		month: undefined,
		day: undefined,
		hour: undefined,
		minute: undefined,
		second: undefined,
		twelveHour: false,
	};
	for (let index = 0; index < format.shapeUnits.length; index++) {
		const unit = format.shapeUnits[index];
		if (unit !== undefined)
			setWrittenField(fields, unit, Number(match[index + 1]), match[index + 1].length);
	}
	return fields;
}

/** Luxon's reading of a two-digit year (its default cutoff: 61 to 99 are 19xx). */
export function twoDigitYear(year: number): number {
	return year > 60 ? 1900 + year : 2000 + year;
}
