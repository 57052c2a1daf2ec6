/** Dates and date-times: Excel serial numbers, ISO, the mapping's formats, read in the shop's time zone. */
import {
	DateTime,
	FixedOffsetZone,
	IANAZone,
	Zone,
	type ZoneOffsetFormat,
	type ZoneOffsetOptions,
} from 'luxon';

import type { CellValue } from '../../files';
import {
	FORMAT_LOCALE,
	compileDateFormats,
	writtenFields,
	type LuxonFormat,
	type WrittenDateTime,
} from './date-formats';
import {
	accept,
	quoteValue,
	reject,
	type Coerced,
	type ExcelDateTime,
	type ValueOptions,
} from './result';

export const MONTH_NAMES = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December',
];
export const EXCEL_LAST_SERIAL = 2958465;
export const DAY_MS = 86_400_000;
export const EXCEL_EPOCH_BEFORE_LEAP_BUG = Date.UTC(1899, 11, 31);
export const EXCEL_EPOCH_AFTER_LEAP_BUG = Date.UTC(1899, 11, 30);

/**
 * Excel's 1900 date system: serial 1 is 1 January 1900, and serial 60 is the 29 February 1900 Lotus 1-2-3 invented,
 * returned as such so callers can refuse it. The fraction is the time of day, to the nearest second.
 */
export function excelSerialToDateTime(serial: number): ExcelDateTime {
	let days = Math.floor(serial);
	let seconds = Math.round((serial - days) * 86_400);
	if (seconds === 86_400) {
		days++;
		seconds = 0;
	}
	const hour = Math.floor(seconds / 3600);
	const minute = Math.floor((seconds % 3600) / 60);
	const second = seconds % 60;
	if (days === 60) return { year: 1900, month: 2, day: 29, hour, minute, second };
	const date = new Date(
		(days < 60 ? EXCEL_EPOCH_BEFORE_LEAP_BUG : EXCEL_EPOCH_AFTER_LEAP_BUG) + days * DAY_MS,
	);
	return {
		year: date.getUTCFullYear(),
		month: date.getUTCMonth() + 1,
		day: date.getUTCDate(),
		hour,
		minute,
		second,
	};
}

export function isLeapYear(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
	if (month === 2) return isLeapYear(year) ? 29 : 28;
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function ordinal(day: number): string {
	const lastTwo = day % 100;
	if (lastTwo >= 11 && lastTwo <= 13) return `${day}th`;
	switch (day % 10) {
		case 1:
			return `${day}st`;
		case 2:
			return `${day}nd`;
		case 3:
			return `${day}rd`;
		default:
			return `${day}th`;
	}
}

export type { WrittenDateTime } from './date-formats';

/** Why the written fields name no real moment ("no 31st in February"), or undefined when they all fit. */
export function impossibility(fields: WrittenDateTime): string | undefined {
	const { year, month, day, hour, minute, second } = fields;
	if (month !== undefined && (month < 1 || month > 12)) return `there is no month ${month}`;
	if (day !== undefined) {
		if (day < 1) return `there is no day ${day}`;
		if (month !== undefined && year !== undefined && day > daysInMonth(year, month)) {
			if (month === 2 && day === 29) return `no 29th in February ${year}`;
			return `no ${ordinal(day)} in ${MONTH_NAMES[month - 1]}`;
		}
		if (day > 31) return `no month has a ${ordinal(day)}`;
	}
	if (hour !== undefined) {
		if (fields.twelveHour === true && (hour < 1 || hour > 12))
			return `${hour} is not an hour on a 12-hour clock`;
		if (hour > 23) return `there is no hour ${hour}`;
	}
	if (minute !== undefined && minute > 59) return `there is no minute ${minute}`;
	if (second !== undefined && second > 59) return `there is no second ${second}`;
	return undefined;
}

export function impossibleDate(raw: CellValue, reason: string | undefined): Coerced {
	const because = reason === undefined ? '' : ` (${reason})`;
	return reject('date.impossible', `${quoteValue(raw)} is not a real date${because}`);
}

export const pad2 = (value: number): string => (value < 10 ? `0${value}` : String(value));

export function pad4(value: number): string {
	if (value >= 1000) return String(value);
	return value >= 0 ? String(value).padStart(4, '0') : `-${String(-value).padStart(4, '0')}`;
}

export function formatDate(year: number, month: number, day: number): string {
	return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

export function formatOffset(offsetMinutes: number): string {
	const sign = offsetMinutes < 0 ? '-' : '+';
	const magnitude = Math.abs(offsetMinutes);
	return `${sign}${pad2(Math.trunc(magnitude / 60))}:${pad2(Math.trunc(magnitude % 60))}`;
}

/** ISO 8601 to the second with the zone's offset, '+00:00' for UTC. */
export function formatDateTime(moment: DateTime): string {
	const time = `${pad2(moment.hour)}:${pad2(moment.minute)}:${pad2(moment.second)}`;
	return `${formatDate(moment.year, moment.month, moment.day)}T${time}${formatOffset(moment.offset)}`;
}

export function dateOutput(moment: DateTime, type: 'date' | 'datetime', zone: Zone): Coerced {
	if (type === 'date') return accept(formatDate(moment.year, moment.month, moment.day));
	return accept(formatDateTime(moment.setZone(zone)));
}

export const HOUR_MS = 3_600_000;
export const OFFSET_MEMO_LIMIT = 100_000;
export const OFFSET_CHANGES_WITHIN_HOUR = Infinity;

/**
 * An IANA zone that remembers its offset for each hour of UTC: luxon asks Intl for it on every call, which costs
 * 5µs and dominated date-time columns. An hour whose start and end offsets differ holds a change and is never remembered.
 */
export class OffsetMemoZone extends Zone<true> {
	private readonly offsetsByHour = new Map<number, number>();

	constructor(private readonly zone: IANAZone<true>) {
		super();
	}

	override get type(): string {
		return this.zone.type;
	}

	override get name(): string {
		return this.zone.name;
	}

	override get isUniversal(): boolean {
		return false;
	}

	override get isValid(): true {
		return true;
	}

	override offsetName(ts: number, options: ZoneOffsetOptions): string {
		return this.zone.offsetName(ts, options);
	}

	override formatOffset(ts: number, format: ZoneOffsetFormat): string {
		return this.zone.formatOffset(ts, format);
	}

	override equals(other: Zone): boolean {
		return this.zone.equals(other);
	}

	override offset(ts: number): number {
		const hour = Math.floor(ts / HOUR_MS);
		let offset = this.offsetsByHour.get(hour);
		if (offset === undefined) {
			const start = this.zone.offset(hour * HOUR_MS);
			offset =
				start === this.zone.offset(hour * HOUR_MS + HOUR_MS - 1)
					? start
					: OFFSET_CHANGES_WITHIN_HOUR;
			if (this.offsetsByHour.size >= OFFSET_MEMO_LIMIT) this.offsetsByHour.clear();
			this.offsetsByHour.set(hour, offset);
		}
		return offset === OFFSET_CHANGES_WITHIN_HOUR ? this.zone.offset(ts) : offset;
	}
}

export const UTC_NAMES = /^(?:utc|gmt|z|etc\/utc|etc\/gmt)$/i;
export const zones = new Map<string, Zone | string>();

/** The zone, or a message saying the name is not one. */
export function resolveZone(name: string): Zone | string {
	let zone = zones.get(name);
	if (zone === undefined) {
		if (UTC_NAMES.test(name)) zone = FixedOffsetZone.utcInstance;
		else {
			const iana = IANAZone.create(name);
			zone = iana.isValid
				? new OffsetMemoZone(iana as IANAZone<true>)
				: `The time zone "${name}" is not a time zone name: use an IANA name such as Europe/London or America/New_York`;
		}
		zones.set(name, zone);
	}
	return zone;
}

export function zoneFor(name: string | undefined): Zone {
	const zone = resolveZone(name ?? 'UTC');
	if (typeof zone === 'string') throw new RangeError(zone);
	return zone;
}

export const ISO_DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const ISO_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
export const SERIAL_TEXT = /^\d+(?:\.\d+)?$/;
/**
 * An Excel date number as a text file holds it when a date column was saved as General: five
 * digits (1927 to 2173), a fraction for the time.
 */
export const SERIAL_IN_TEXT = /^\d{5}(?:\.\d+)?$/;
export const HAS_ZONE = /\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
export const DAY_MONTH_YEAR_LIKE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:$|[\sT,])/;

export function coerceDate(
	raw: CellValue,
	type: 'date' | 'datetime',
	options: ValueOptions,
): Coerced {
	const formats = compileDateFormats(options.format);
	if (formats.problem !== undefined) throw new RangeError(formats.problem);
	const zone = zoneFor(options.timeZone);
	if (typeof raw === 'number') return dateFromSerial(raw, raw, type, zone);
	if (typeof raw === 'boolean')
		return reject('date.format_mismatch', `${quoteValue(raw)} is not a date`);

	const text = raw.trim();
	let impossible: Coerced | undefined;
	for (const format of formats.formats) {
		let outcome: Coerced | undefined;
		if (format.kind === 'iso') outcome = dateFromIso(raw, text, type, zone);
		else if (format.kind === 'excel')
			outcome = SERIAL_TEXT.test(text) ? dateFromSerial(Number(text), raw, type, zone) : undefined;
		else outcome = dateFromFormat(format, raw, text, type, zone);
		if (outcome === undefined) continue;
		if (outcome.ok) return outcome;
		impossible ??= outcome;
	}
	if (impossible === undefined && formats.serialsInText && SERIAL_IN_TEXT.test(text))
		return dateFromSerial(Number(text), raw, type, zone);
	if (impossible !== undefined) return impossible;
	if (formats.isoOnly) return notIsoWithoutFormat(raw, text);
	return reject(
		'date.format_mismatch',
		`${quoteValue(raw)} does not match the date format set in the mapping (${formats.description})`,
	);
}

/** A number cell, or a number in a column set to 'excel'. */
export function dateFromSerial(
	serial: number,
	raw: CellValue,
	type: 'date' | 'datetime',
	zone: Zone,
): Coerced {
	if (!Number.isFinite(serial) || serial < 1 || serial >= EXCEL_LAST_SERIAL + 1) {
		return reject(
			'date.out_of_range',
			`${quoteValue(raw)} is not a date: Excel date numbers run from 1 (1 January 1900) to ${EXCEL_LAST_SERIAL} (31 December 9999)`,
		);
	}
	const written = excelSerialToDateTime(serial);
	if (written.month === 2 && written.day === 29 && !isLeapYear(written.year)) {
		return reject(
			'date.impossible',
			`${quoteValue(raw)} is 29 February 1900 in Excel, a day that never existed`,
		);
	}
	if (type === 'date') return accept(formatDate(written.year, written.month, written.day));
	return dateTimeFromWallClock(
		raw,
		Date.UTC(2000, written.month - 1, written.day, written.hour, written.minute, written.second),
		written.year,
		zone,
	);
}

/** undefined when the text is not written as ISO at all. */
export function dateFromIso(
	raw: CellValue,
	text: string,
	type: 'date' | 'datetime',
	zone: Zone,
): Coerced | undefined {
	const dateOnly = type === 'date' ? ISO_DATE_ONLY.exec(text) : null;
	if (dateOnly !== null) {
		const reason = impossibility({
			year: Number(dateOnly[1]),
			month: Number(dateOnly[2]),
			day: Number(dateOnly[3]),
		});
		return reason === undefined ? accept(text) : impossibleDate(raw, reason);
	}
	const parts = ISO_DATE_TIME.exec(text);
	if (parts === null) return undefined;
	const [, year, month, day, hour, minute, second] = parts;
	const written = {
		year: Number(year),
		month: Number(month),
		day: Number(day),
		hour: hour === undefined ? undefined : Number(hour),
		minute: minute === undefined ? undefined : Number(minute),
		second: second === undefined ? undefined : Number(second),
	};
	if (type === 'datetime' && !HAS_ZONE.test(text)) {
		const reason = impossibility(written);
		if (reason !== undefined) return impossibleDate(raw, reason);
		const wallClock = Date.UTC(
			2000,
			written.month - 1,
			written.day,
			written.hour ?? 0,
			written.minute ?? 0,
			written.second ?? 0,
		);
		return dateTimeFromWallClock(raw, wallClock, written.year, zone);
	}
	const iso =
		text.length > 10 && text[10] === ' ' ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
	const moment = DateTime.fromISO(iso, parseOptions(type, zone));
	if (moment.isValid) return dateOutput(moment, type, zone);
	return impossibleDate(raw, impossibility(written));
}

/** undefined when the text does not have the format's layout. */
export function dateFromFormat(
	format: LuxonFormat,
	raw: CellValue,
	text: string,
	type: 'date' | 'datetime',
	zone: Zone,
): Coerced | undefined {
	if (format.numericOnly) return dateFromNumbers(format, raw, text, type, zone);
	const moment = DateTime.fromFormatParser(text, format.parser, parseOptions(type, zone));
	if (moment.isValid) {
		if (!format.twelveHour) return dateOutput(moment, type, zone);
		const fields = writtenFields(format, text);
		const reason = fields === undefined ? undefined : impossibility(fields);
		return reason === undefined ? dateOutput(moment, type, zone) : impossibleDate(raw, reason);
	}
	const fields = writtenFields(format, text);
	return fields === undefined ? undefined : impossibleDate(raw, impossibility(fields));
}

/**
 * A format of numbers only (dd/MM/yyyy HH:mm), read from its layout: the same result as Luxon's
 * parser at a tenth of the cost, which matters on date columns of a million rows.
 */
export function dateFromNumbers(
	format: LuxonFormat,
	raw: CellValue,
	text: string,
	type: 'date' | 'datetime',
	zone: Zone,
): Coerced | undefined {
	const fields = writtenFields(format, text);
	if (fields === undefined) return undefined;
	const reason = impossibility(fields);
	if (reason !== undefined) return impossibleDate(raw, reason);
	const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
	if (type === 'date') return accept(formatDate(year, month, day));
	const offset = steadyOffsetOfWallHour(zone, year, month, day, hour);
	if (offset === undefined)
		return dateTimeFromWallClock(
			raw,
			Date.UTC(2000, month - 1, day, hour, minute, second),
			year,
			zone,
		);
	return accept(
		`${formatDate(year, month, day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}${offset}`,
	);
}

export const WALL_HOUR_MEMO_LIMIT = 100_000;
export const steadyOffsets = new WeakMap<Zone, Map<number, string | null>>();

/**
 * The zone's offset, written +01:00, throughout a wall-clock hour; undefined when the clocks
 * change within a day of it (dateTimeFromWallClock then works it out in full). Remembered per
 * hour, because a date-time column repeats the same few hours over and over.
 */
export function steadyOffsetOfWallHour(
	zone: Zone,
	year: number,
	month: number,
	day: number,
	hour: number,
): string | undefined {
	let memo = steadyOffsets.get(zone);
	if (memo === undefined) steadyOffsets.set(zone, (memo = new Map()));
	const key = ((year * 16 + month) * 32 + day) * 24 + hour;
	let offset = memo.get(key);
	if (offset === undefined) {
		const wall = new Date(Date.UTC(2000, month - 1, day, hour)).setUTCFullYear(year);
		const before = zone.offset(wall - DAY_MS_AROUND);
		offset = before === zone.offset(wall + DAY_MS_AROUND) ? formatOffset(before) : null;
		if (memo.size >= WALL_HOUR_MEMO_LIMIT) memo.clear();
		memo.set(key, offset);
	}
	return offset ?? undefined;
}

export const DAY_MS_AROUND = 86_400_000;

/**
 * A wall-clock time (year set apart, as Date.UTC reads years below 100 as 19xx) in the POS's zone,
 * as ISO 8601 with its offset. A time the clocks skipped, or one they passed twice when they went
 * back, is rejected rather than guessed.
 */
export function dateTimeFromWallClock(
	raw: CellValue,
	wallIn2000: number,
	year: number,
	zone: Zone,
): Coerced {
	const wall = new Date(wallIn2000).setUTCFullYear(year);
	const instants: Array<[number, number]> = [];
	for (const offset of new Set([
		zone.offset(wall - DAY_MS_AROUND),
		zone.offset(wall + DAY_MS_AROUND),
	])) {
		const instant = wall - offset * 60_000;
		if (zone.offset(instant) === offset) instants.push([instant, offset]);
	}
	if (instants.length === 0) {
		return reject(
			'date.impossible',
			`${quoteValue(raw)} never happened in ${zone.name}: the clocks went forward past it`,
		);
	}
	if (instants.length > 1) {
		const [first, second] = instants
			.sort(([a], [b]) => a - b)
			.map(([, offset]) => formatOffset(offset));
		const twice = `${quoteValue(raw)} happened twice in ${zone.name} (at ${first} and again at ${second}) when the clocks went back`;
		return reject('date.repeated_time', `${twice}, so it is not clear which is meant`);
	}
	const [[instant, offset]] = instants;
	const shown = new Date(instant + offset * 60_000);
	const date = formatDate(shown.getUTCFullYear(), shown.getUTCMonth() + 1, shown.getUTCDate());
	return accept(
		`${date}T${pad2(shown.getUTCHours())}:${pad2(shown.getUTCMinutes())}:${pad2(shown.getUTCSeconds())}${formatOffset(offset)}`,
	);
}

export interface ParseOptions {
	locale: string;
	zone: Zone;
	setZone: true;
}

/** Dates keep the day as written, so they read in UTC; date-times read unzoned times in the POS's zone. */
export const DATE_PARSE_OPTIONS: ParseOptions = {
	...FORMAT_LOCALE,
	zone: FixedOffsetZone.utcInstance,
	setZone: true,
};
export const dateTimeParseOptions = new WeakMap<Zone, ParseOptions>();

export function parseOptions(type: 'date' | 'datetime', zone: Zone): ParseOptions {
	if (type === 'date') return DATE_PARSE_OPTIONS;
	let options = dateTimeParseOptions.get(zone);
	if (options === undefined) {
		options = { ...FORMAT_LOCALE, zone, setZone: true };
		dateTimeParseOptions.set(zone, options);
	}
	return options;
}

export function notIsoWithoutFormat(raw: CellValue, text: string): Coerced {
	const numeric = DAY_MONTH_YEAR_LIKE.exec(text);
	if (numeric !== null) {
		const first = Number(numeric[1]);
		const second = Number(numeric[3]);
		if (first !== second && first >= 1 && first <= 12 && second >= 1 && second <= 12) {
			return reject(
				'date.ambiguous',
				`${quoteValue(raw)} could be ${first} ${MONTH_NAMES[second - 1]} or ${second} ${MONTH_NAMES[first - 1]}: set the date format in the mapping`,
			);
		}
	}
	return reject(
		'date.format_mismatch',
		`${quoteValue(raw)} is not an ISO date like 2026-06-27: set the date format in the mapping to read dates written this way`,
	);
}
