/** The shop's time zone: zones by name, and a wall-clock time placed in one (clock changes included). */
import {
	FixedOffsetZone,
	IANAZone,
	Zone,
	type ZoneOffsetFormat,
	type ZoneOffsetOptions,
} from 'luxon';

import type { CellValue } from '../../files';
import { formatDate, formatOffset, pad2 } from './calendar';
import { accept, quoteValue, reject, type Coerced } from './result';

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
