/** Text values: trimming, case, full names split into their parts, value maps. */
import type { CellValue } from '../../files';
import {
	BLANK,
	accept,
	quoteValue,
	reject,
	type Coerced,
	type SplitName,
	type TextCase,
} from './result';

export function coerceText(raw: CellValue, textCase: TextCase | undefined): string {
	const text =
		typeof raw === 'string'
			? raw.trim()
			: typeof raw === 'number'
				? numberToPlainText(raw)
				: String(raw);
	switch (textCase) {
		case undefined:
		case 'none':
			return text;
		case 'upper':
			return text.toUpperCase();
		case 'lower':
			return text.toLowerCase();
		case 'title':
			return titleCase(text);
		default:
			throw new RangeError(
				`The text case must be none, upper, lower or title, not "${String(textCase)}"`,
			);
	}
}

/** A workbook number as a person would type it: no exponent, and no binary noise past Excel's 15 significant digits. */
export function numberToPlainText(value: number): string {
	if (Number.isInteger(value)) {
		return Math.abs(value) < 1e21
			? String(value)
			: value.toLocaleString('en-US', { useGrouping: false });
	}
	if (!Number.isFinite(value)) return String(value);
	const text = String(Number(value.toPrecision(15)));
	if (!text.includes('e')) return text;
	return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

export const WORD_START = /(^|[\s-])(\p{L})/gu;
export const ONE_LETTER_PREFIX = /(^|[\s-])(\p{L})(['’])(\p{L})/gu;

/**
 * Capitalises each word after a space or hyphen, and after the apostrophe of a one-letter prefix (O'Brien, D'Arcy),
 * so that "men's" stays "Men's". Everything else becomes lower case.
 */
export function titleCase(text: string): string {
	return text
		.toLowerCase()
		.replace(WORD_START, (_match, before: string, letter: string) => before + letter.toUpperCase())
		.replace(
			ONE_LETTER_PREFIX,
			(_match, before: string, prefix: string, apostrophe: string, letter: string) =>
				before + prefix + apostrophe + letter.toUpperCase(),
		);
}

export const NAME_TITLES = new Map(
	['Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Dr', 'Prof', 'Sir', 'Dame', 'Rev'].map((title) => [
		title.toLowerCase(),
		title,
	]),
);
export const SURNAME_PARTICLES = new Set([
	...[
		'al',
		'bin',
		'da',
		'das',
		'de',
		'del',
		'della',
		'der',
		'des',
		'di',
		'do',
		'dos',
		'du',
		'el',
		'ibn',
	],
	...['la', 'le', 'st', 'st.', 'ten', 'ter', 'van', 'von'],
]);
export const NAME_SUFFIXES = new Set(['jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv']);
export const WHITESPACE_RUN = /\s+/;

export function nameTitle(token: string | undefined): string | undefined {
	if (token === undefined) return undefined;
	const bare = token.endsWith('.') ? token.slice(0, -1) : token;
	return NAME_TITLES.get(bare.toLowerCase());
}

export function nameTokens(text: string): string[] {
	const trimmed = text.trim();
	return trimmed === '' ? [] : trimmed.split(WHITESPACE_RUN);
}

/**
 * Splits a full name into title, first and last name. "Smith, John" is last name first. A title with a single
 * name ("Mr Smith") gives a last name; a single name alone ("Cher") gives a first name. The last name starts at the
 * first surname particle ("van der Berg") or is the last word, with a Jr/Sr/II suffix kept on it.
 */
export function splitFullName(full: string): SplitName {
	let tokens = nameTokens(full);
	const title = nameTitle(tokens[0]);
	if (title !== undefined) tokens = tokens.slice(1);
	const result: SplitName = {};
	if (title !== undefined) result.title = title;

	const joined = tokens.join(' ');
	const comma = joined.indexOf(',');
	if (comma >= 0) {
		const before = joined.slice(0, comma).trim();
		const after = joined.slice(comma + 1).replace(/,/g, ' ');
		const afterTokens = nameTokens(after);
		if (afterTokens.length === 1 && NAME_SUFFIXES.has(afterTokens[0].toLowerCase())) {
			tokens = nameTokens(`${before} ${afterTokens[0]}`);
		} else {
			const afterTitle = result.title === undefined ? nameTitle(afterTokens[0]) : undefined;
			if (afterTitle !== undefined) {
				result.title = afterTitle;
				afterTokens.shift();
			}
			if (afterTokens.length > 0) result.first_name = afterTokens.join(' ');
			if (before !== '') result.last_name = before;
			return result;
		}
	}

	if (tokens.length === 0) return result;
	if (tokens.length === 1) {
		if (result.title !== undefined) result.last_name = tokens[0];
		else result.first_name = tokens[0];
		return result;
	}
	let lastStart = tokens.length - 1;
	if (tokens.length >= 3 && NAME_SUFFIXES.has(tokens[lastStart].toLowerCase())) lastStart--;
	for (let index = 1; index < lastStart; index++) {
		if (SURNAME_PARTICLES.has(tokens[index].toLowerCase())) {
			lastStart = index;
			break;
		}
	}
	result.first_name = tokens.slice(0, lastStart).join(' ');
	result.last_name = tokens.slice(lastStart).join(' ');
	return result;
}

export interface NormalisedMap {
	size: number;
	lookup: Map<string, string>;
}

export const normalisedMaps = new WeakMap<ReadonlyMap<string, string>, NormalisedMap>();

export function normalisedLookup(map: ReadonlyMap<string, string>): Map<string, string> {
	const cached = normalisedMaps.get(map);
	if (cached !== undefined && cached.size === map.size) return cached.lookup;
	const lookup = new Map<string, string>();
	for (const [key, value] of map) {
		const normalised = key.trim().toLowerCase();
		if (!lookup.has(normalised)) lookup.set(normalised, value);
	}
	normalisedMaps.set(map, { size: map.size, lookup });
	return lookup;
}

export function mappedTo(value: string): Coerced {
	return value === '' ? BLANK : accept(value);
}

/**
 * Translates a value through a mapping's value map, matching keys trimmed and case-insensitively.
 * A key that maps to '' gives a blank. A blank value with no key for it gives a blank whatever `unmatched` says.
 */
export function mapValue(
	value: string,
	map: ReadonlyMap<string, string>,
	unmatched: 'keep' | 'blank' | 'reject',
): Coerced {
	const exact = map.get(value);
	if (exact !== undefined) return mappedTo(exact);
	const key = value.trim().toLowerCase();
	const found = normalisedLookup(map).get(key);
	if (found !== undefined) return mappedTo(found);
	if (key === '') return BLANK;
	switch (unmatched) {
		case 'keep':
			return accept(value.trim());
		case 'blank':
			return BLANK;
		default: {
			const known = [...map.keys()];
			const listed = known.slice(0, 10).join(', ') + (known.length > 10 ? ', …' : '');
			return reject(
				'map.unmatched',
				`${quoteValue(value)} is not in the value map for this field (it knows: ${listed})`,
			);
		}
	}
}
