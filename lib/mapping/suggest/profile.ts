/**
 * What a column's values look like, from a sample of rows: the share of values that read as
 * emails, phone numbers, postcodes, money, rates, yes/no, identifiers…, whether its values repeat,
 * the currency symbols it carries and the date layouts that read all of it. Every reading uses the
 * mapping's own value readers, so "reads as money" here means Apply Mapping will read it as money.
 */
import type { CellValue } from '../../files';
import { EMAIL } from '../values/contact';
import { coerceValue } from '../values';
import type { DecimalSeparator } from '../values/numbers';
import { CURRENCY_BY_MARK } from '../values/numbers';
import { chooseDateFormat, type DateChoice } from './dates';

export interface ColumnProfile {
	index: number;
	header: string;
	/** Rows sampled, and the non-blank values among them, as text. */
	rows: number;
	values: string[];
	/** Distinct non-blank values. */
	distinct: number;
	/** Each share is of the non-blank values (0 when there are none). */
	share: Record<ValueKind, number>;
	/** Currency codes of the symbols its values carry, with counts. */
	currencies: Map<string, number>;
	/** Rows with the same value are next to each other (an order's lines). */
	repeatsAdjacent: boolean;
	/** A sample of the values, for the why column: at most three, shortened. */
	examples: string[];
	date(type: 'date' | 'datetime'): DateChoice;
}

export const VALUE_KINDS = [
	'email',
	'phone',
	'postcode',
	'money',
	'number',
	'integer',
	'rate',
	'boolean',
	'time',
	'url',
	'letters',
	'identifier',
	'barcode',
	'isoCurrency',
] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

const PHONE = /^\+?[\d\s().\-/]{7,20}$/;
const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i;
const OTHER_POSTCODE = /^(?=.*\d)[A-Z\d][A-Z\d -]{2,9}$/i;
const TIME = /^\d{1,2}:\d{2}(:\d{2})?(\s?[ap]\.?m\.?)?$/i;
/** A code, not a word: no spaces, and a digit, a separator or capitals only (C10023, TEE-CRW-M, #1001, MCSBDF0AGL8). */
const IDENTIFIER = /^(?=.*[\d\-_./#]|[A-Z]+$)[#A-Za-z\d][\w\-./#:]{1,59}$/;
const BARCODE = /^\d{8}$|^\d{12,14}$/;

export function profileColumns(
	header: readonly string[],
	rows: readonly CellValue[][],
	decimalSeparator: DecimalSeparator,
): ColumnProfile[] {
	return header.map((name, index) =>
		profileColumn(
			index,
			name,
			rows.map((row) => row[index]),
			decimalSeparator,
		),
	);
}

function profileColumn(
	index: number,
	header: string,
	cells: Array<CellValue | undefined>,
	decimalSeparator: DecimalSeparator,
): ColumnProfile {
	const values = cells.map(textOf).filter((value) => value !== '');
	const counts = Object.fromEntries(VALUE_KINDS.map((kind) => [kind, 0])) as Record<
		ValueKind,
		number
	>;
	const currencies = new Map<string, number>();
	const options = { decimalSeparator };
	let allInUnitRange = true;
	let someFraction = false;
	for (const value of values) {
		const money = coerceValue(value, 'money', options);
		const number = coerceValue(value, 'number', options);
		if (EMAIL.test(value)) counts.email++;
		if (PHONE.test(value) && digits(value) >= 7 && digits(value) <= 15) counts.phone++;
		if (UK_POSTCODE.test(value) || OTHER_POSTCODE.test(value)) counts.postcode++;
		if (money.ok) {
			counts.money++;
			if (money.currency) currencies.set(money.currency, (currencies.get(money.currency) ?? 0) + 1);
		}
		if (number.ok) {
			counts.number++;
			const amount = number.value as number;
			if (Number.isInteger(amount)) counts.integer++;
			if (amount < 0 || amount > 1) allInUnitRange = false;
			if (amount > 0 && amount < 1) someFraction = true;
		} else allInUnitRange = false;
		if (/^\s*[+-]?\d+([.,]\d+)?\s*%\s*$/.test(value)) counts.rate++;
		if (coerceValue(value, 'boolean').ok) counts.boolean++;
		if (TIME.test(value)) counts.time++;
		if (/^https?:\/\/\S+$/i.test(value)) counts.url++;
		if (/\p{L}/u.test(value) && !EMAIL.test(value) && !/^https?:/i.test(value)) counts.letters++;
		if (IDENTIFIER.test(value)) counts.identifier++;
		if (BARCODE.test(value)) counts.barcode++;
		if (/^[A-Z]{3}$/.test(value) && Object.values(CURRENCY_BY_MARK).includes(value))
			counts.isoCurrency++;
	}
	if (values.length && counts.number === values.length && allInUnitRange && someFraction)
		counts.rate = values.length;
	const distinctValues = new Set(values);
	// Yes/no columns have two values at most; a quantity column of 1s and 0s is not one.
	if (distinctValues.size > 2) counts.boolean = 0;
	const share = Object.fromEntries(
		VALUE_KINDS.map((kind) => [kind, values.length ? counts[kind] / values.length : 0]),
	) as Record<ValueKind, number>;
	const dates = new Map<string, DateChoice>();
	return {
		index,
		header,
		rows: cells.length,
		values,
		distinct: distinctValues.size,
		share,
		currencies,
		repeatsAdjacent: repeatsAreAdjacent(cells.map(textOf)),
		examples: [...distinctValues]
			.slice(0, 3)
			.map((value) => (value.length > 24 ? `${value.slice(0, 23)}…` : value)),
		date(type) {
			let choice = dates.get(type);
			if (!choice) dates.set(type, (choice = chooseDateFormat(values, cells, type)));
			return choice;
		},
	};
}

function textOf(cell: CellValue | undefined): string {
	return cell === undefined ? '' : String(cell).trim();
}

function digits(text: string): number {
	return text.replace(/\D/g, '').length;
}

/** Whether every value that repeats does so in one run of rows (blank rows between are allowed). */
function repeatsAreAdjacent(values: string[]): boolean {
	const finished = new Set<string>();
	let current = '';
	for (const value of values) {
		if (value === '' || value === current) continue;
		if (finished.has(value)) return false;
		if (current) finished.add(current);
		current = value;
	}
	return true;
}

/** The decimal separator the export writes: a comma when more numbers read only with a comma than only with a point. */
export function decimalSeparatorOf(rows: readonly CellValue[][]): {
	separator: DecimalSeparator;
	evidence: string;
} {
	let commaOnly = 0;
	let pointOnly = 0;
	for (const row of rows) {
		for (const cell of row) {
			if (typeof cell !== 'string' || !/\d/.test(cell) || /[a-z]{2}|:|\/|-\d\d-/i.test(cell))
				continue;
			const point = coerceValue(cell, 'money', { decimalSeparator: '.' }).ok;
			const comma = coerceValue(cell, 'money', { decimalSeparator: ',' }).ok;
			if (comma && !point) commaOnly++;
			else if (point && !comma) pointOnly++;
		}
	}
	if (commaOnly > pointOnly)
		return {
			separator: ',',
			evidence: `${commaOnly} numbers read only with a decimal comma (12,50), ${pointOnly} only with a point`,
		};
	return {
		separator: '.',
		evidence: pointOnly
			? `${pointOnly} numbers read only with a decimal point (12.50), ${commaOnly} only with a comma`
			: 'no number in the sample needs a decimal comma',
	};
}
