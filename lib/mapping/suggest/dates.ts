/**
 * The date format of a column, chosen so that every sampled value reads, or said to be ambiguous
 * when day-first and month-first (or year-first) layouts all read every value: never a guess.
 */
import type { CellValue } from '../../files';
import { formatsReadingAll, type DateOrder } from '../faults';
import { coerceValue } from '../values';

export type DateChoice =
	/** ISO dates (2026-06-27) or Excel date cells: read without a format. */
	| { kind: 'plain'; format: ''; hasTime: boolean; description: string }
	| { kind: 'format'; format: string; order: DateOrder; hasTime: boolean; description: string }
	| {
			kind: 'ambiguous';
			readings: Array<{ format: string; order: DateOrder }>;
			hasTime: boolean;
			description: string;
	  }
	| { kind: 'unreadable'; description: string };

const EXCEL_SERIALS = { from: 10_000, to: 80_000 };

/** Two days: a till a time zone ahead of the server, or an export written just after midnight. */
const FUTURE_MARGIN_MS = 2 * 24 * 3600 * 1000;

export function chooseDateFormat(
	values: readonly string[],
	cells: ReadonlyArray<CellValue | undefined>,
	type: 'date' | 'datetime',
	now = Date.now(),
): DateChoice {
	if (!values.length)
		return { kind: 'unreadable', description: 'the sample has no values in this column' };
	const numbers = cells.filter((cell): cell is number => typeof cell === 'number');
	if (numbers.length) {
		const serials = numbers.every((cell) => cell >= EXCEL_SERIALS.from && cell <= EXCEL_SERIALS.to);
		if (serials && numbers.length === values.length) {
			return {
				kind: 'plain',
				format: '',
				hasTime: numbers.some((cell) => !Number.isInteger(cell)),
				description: `${values.length}/${values.length} values are Excel dates`,
			};
		}
		return { kind: 'unreadable', description: 'the column holds numbers that are not Excel dates' };
	}
	if (!values.some((value) => /\d/.test(value) && /[-/.T:\s]/.test(value)))
		return { kind: 'unreadable', description: 'no value looks like a date' };
	const hasTime = values.some((value) => /\d:\d\d/.test(value));
	if (
		values.every((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && coerceValue(value, type, {}).ok)
	) {
		return {
			kind: 'plain',
			format: '',
			hasTime,
			description: `${values.length}/${values.length} values are ISO dates (like ${values[0]}), read without a format`,
		};
	}
	const all = formatsReadingAll(values, type, {});
	// Every date the mapping reads has happened (a sale, a sign-up, a birthday): a reading that puts one
	// in the future is not how the till wrote it. 08-11-16 is 8 November 2016, not 16 November 2008,
	// when another row's 27-08-14 would be read as the year 2027.
	const latest = now + FUTURE_MARGIN_MS;
	const inFuture = (format: string) =>
		values.some((value) => {
			const read = coerceValue(value, type, { format });
			return read.ok && typeof read.value === 'string' && Date.parse(read.value) > latest;
		});
	const readings = all.filter(({ format }) => !inFuture(format));
	const dropped = [
		...new Set(all.filter((reading) => !readings.includes(reading)).map(({ order }) => order)),
	].filter((order) => !readings.some((reading) => reading.order === order));
	const because = dropped.length ? `; ${dropped.join(' and ')} would put dates in the future` : '';
	const orders = [...new Set(readings.map(({ order }) => order))];
	if (orders.length === 1) {
		return {
			kind: 'format',
			format: readings[0].format,
			order: orders[0],
			hasTime,
			description: `${readings[0].format} (${orders[0]}) reads all ${values.length} values${because}`,
		};
	}
	if (orders.length > 1) {
		const firstOfEach = orders.map((order) => readings.find((reading) => reading.order === order)!);
		return {
			kind: 'ambiguous',
			readings: firstOfEach,
			hasTime,
			description:
				`ambiguous: ${orders.join(' and ')} both read all ${values.length} samples ` +
				`(${firstOfEach.map(({ format }) => format).join(' or ')}), so the format is left for you to set`,
		};
	}
	return {
		kind: 'unreadable',
		description: `no common date layout reads all ${values.length} values (for example "${values[0]}")`,
	};
}
