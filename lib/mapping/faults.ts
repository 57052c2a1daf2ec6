/**
 * Tells a mapping that does not fit a file from a shop's bad rows. When one rule rejects most of a
 * file on one field, the till did not get a thousand rows wrong: the mapping reads the column the
 * wrong way (a day-first date read month-first, a decimal comma read as a point) or reads the wrong
 * column. That is one mapping fault, named with the rule, the column, sample values and what would
 * read them, and nothing of the file is sent.
 */
import type { FieldType, ValueOptions } from './values';
import { coerceValue } from './values';

/**
 * The threshold: a rule is a mapping fault when it rejects every row of a file of MIN_ROWS_ALL or
 * more rows, or more than half the rows of a file of MIN_ROWS_MAJORITY or more. Below that a file
 * is too small to tell a wrong mapping from a few bad rows.
 */
export const MIN_ROWS_ALL = 2;
export const MIN_ROWS_MAJORITY = 10;

/** Rules about a row as a whole, which say nothing about how a field is mapped. */
const ROW_RULES = new Set(['row.unreadable', 'row.field_count', 'order.incomplete']);

const SAMPLES_KEPT = 20;
const SAMPLES_SHOWN = 3;

export interface FieldReading {
	type: FieldType;
	options: ValueOptions;
}

interface Tally {
	field: string;
	column: string;
	/** The rule, or for dates the rules (a date read the wrong way is ambiguous in some rows, a mismatch in others). */
	rule: string;
	rows: number;
	samples: Set<string>;
}

export class RuleTallies {
	private readonly tallies = new Map<string, Tally>();

	/** Notes one rejected row's problem. */
	note(problem: { field: string; column: string; rule: string; value: string }): void {
		if (ROW_RULES.has(problem.rule)) return;
		const family = problem.rule.startsWith('date.') ? 'date.*' : problem.rule;
		const key = `${problem.field}\u0000${family}`;
		let tally = this.tallies.get(key);
		if (!tally)
			this.tallies.set(
				key,
				(tally = {
					field: problem.field,
					column: problem.column,
					rule: problem.rule,
					rows: 0,
					samples: new Set(),
				}),
			);
		else if (!tally.rule.split(' / ').includes(problem.rule)) tally.rule += ` / ${problem.rule}`;
		tally.rows++;
		if (tally.samples.size < SAMPLES_KEPT && problem.value !== '') tally.samples.add(problem.value);
	}

	/** The rules that reject so much of a file of `rowsRead` rows that the mapping is at fault, described. */
	faults(rowsRead: number, readingOf: (field: string) => FieldReading | undefined): string[] {
		const faults: string[] = [];
		for (const tally of this.tallies.values()) {
			if (!isFault(tally.rows, rowsRead)) continue;
			faults.push(describeFault(tally, rowsRead, readingOf(tally.field)));
		}
		return faults;
	}
}

export function isFault(rejected: number, rowsRead: number): boolean {
	return (
		(rejected === rowsRead && rowsRead >= MIN_ROWS_ALL) ||
		(rowsRead >= MIN_ROWS_MAJORITY && rejected * 2 > rowsRead)
	);
}

function describeFault(tally: Tally, rowsRead: number, reading: FieldReading | undefined): string {
	const samples = [...tally.samples];
	const shown = samples
		.slice(0, SAMPLES_SHOWN)
		.map((value) => `"${value.length > 40 ? `${value.slice(0, 39)}…` : value}"`);
	const share =
		tally.rows === rowsRead ? `all ${rowsRead} rows` : `${tally.rows} of ${rowsRead} rows`;
	const column = tally.column ? ` from the column "${tally.column}"` : '';
	const values = shown.length ? ` (for example ${shown.join(', ')})` : ' (the cells are blank)';
	const advice = reading ? adviceFor(tally, samples, reading) : undefined;
	return (
		`the rule ${tally.rule} rejected ${share} of ${tally.field}${column}${values}. ` +
		'So many rows failing one rule means the mapping does not fit the file, so nothing from it was sent' +
		(advice
			? `: ${advice}`
			: `: check that this column is the one for ${tally.field} and that its type suits it`)
	);
}

function adviceFor(tally: Tally, samples: string[], reading: FieldReading): string | undefined {
	const { type, options } = reading;
	if (tally.rule === 'required.missing')
		return `the column is blank in those rows; check that it is the right column for ${tally.field}`;
	if ((type === 'date' || type === 'datetime') && tally.rule.startsWith('date.'))
		return dateAdvice(samples, type, options);
	if (type === 'money' || type === 'number' || type === 'integer') {
		const other = options.decimalSeparator === ',' ? '.' : ',';
		if (
			samples.length &&
			samples.every(
				(sample) => coerceValue(sample, type, { ...options, decimalSeparator: other }).ok,
			)
		) {
			return `every sample reads with a decimal ${
				other === ','
					? 'comma: set Decimal separator to "Comma (12,50)"'
					: 'point: set Decimal separator to "Point (12.50)"'
			}`;
		}
	}
	return undefined;
}

export type DateOrder = 'day first' | 'month first' | 'year first';

const TIMES = [
	'',
	' H:mm',
	' H:mm:ss',
	' h:mm a',
	' h:mm:ss a',
	"'T'HH:mm:ss",
	' H:mm:ss ZZZ',
	' H:mm ZZZ',
	' h:mm a z',
	' H:mm z',
];

/** Date layouts tried on samples: every order of day, month and year, with the separators the samples use. */
function candidateFormats(samples: string[]): Array<{ format: string; order: DateOrder }> {
	const separators = ['/', '-', '.'].filter((separator) =>
		samples.some((sample) => sample.includes(separator)),
	);
	const candidates: Array<{ format: string; order: DateOrder }> = [];
	for (const separator of separators.length ? separators : ['/']) {
		for (const year of ['yyyy', 'yy']) {
			const layouts: Array<[string, DateOrder]> = [
				[`d${separator}M${separator}${year}`, 'day first'],
				[`M${separator}d${separator}${year}`, 'month first'],
				[`${year}${separator}M${separator}d`, 'year first'],
			];
			for (const [date, order] of layouts)
				for (const time of TIMES) candidates.push({ format: `${date}${time}`, order });
		}
	}
	// A month written as a word (16-Dec-2023, Dec 16, 2023): the order is plain from the words.
	if (samples.some((sample) => /\p{L}{3}/u.test(sample))) {
		const named: Array<[string, DateOrder]> = [
			['d-MMM-yyyy', 'day first'],
			['d-MMM-yy', 'day first'],
			['d MMM yyyy', 'day first'],
			['MMM d, yyyy', 'month first'],
			['MMM d yyyy', 'month first'],
		];
		for (const [date, order] of named)
			for (const time of TIMES) candidates.push({ format: `${date}${time}`, order });
	}
	return candidates;
}

/** The common date layouts that read every sample, each with its order of day, month and year. */
export function formatsReadingAll(
	samples: readonly string[],
	type: 'date' | 'datetime',
	options: ValueOptions,
): Array<{ format: string; order: DateOrder }> {
	return candidateFormats([...samples]).filter(({ format }) =>
		samples.every((sample) => coerceValue(sample, type, { ...options, format }).ok),
	);
}

/**
 * The format that reads every sample, or why none can be chosen: the samples fit more than one
 * order of day and month (every day is 12 or less), or no layout reads them all.
 */
export function dateAdvice(
	samples: string[],
	type: 'date' | 'datetime',
	options: ValueOptions,
): string {
	if (!samples.length) return 'set the date format the till uses';
	const reading = formatsReadingAll(samples, type, options);
	const orders = [...new Set(reading.map(({ order }) => order))];
	if (orders.length === 1)
		return `the date format ${reading[0].format} reads every sample: set it as the field's Format (or the Date format setting)`;
	if (orders.length > 1) {
		const choices = orders.map(
			(order) => `${reading.find((candidate) => candidate.order === order)!.format} (${order})`,
		);
		return (
			`every sample could be read as ${choices.join(' or as ')}, ` +
			"so the format cannot be chosen from these values; set the one the till uses as the field's Format"
		);
	}
	return "no common date layout reads every sample; set the date format the till uses as the field's Format";
}
