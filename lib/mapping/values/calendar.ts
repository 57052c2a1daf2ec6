/** The calendar: Excel date numbers, which days and times are real, and dates and offsets written as ISO 8601. */
import type { DateTime, Zone } from 'luxon';

import type { CellValue } from '../../files';
import type { WrittenDateTime } from './date-formats';
import { accept, quoteValue, reject, type Coerced, type ExcelDateTime } from './result';

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
