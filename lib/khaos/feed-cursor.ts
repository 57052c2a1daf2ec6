/**
 * Where the product feed is: Khaos times, and the cursor that says what has been delivered.
 *
 * Times: Khaos writes and reads times without a zone, on its own (UK) clock. The cursor keeps
 * Khaos's own times, so the n8n host's clock and zone never matter; a date typed with a zone is
 * converted to UK time first.
 *
 * Cursor: `since` is the newest change delivered. The guide does not say whether GetStockList
 * includes changes made at exactly DateValue, and recommends a buffer for clock trouble, so each
 * read starts `overlap` seconds (and one more second) before `since`. Everything delivered inside
 * that window stays in `done` with a fingerprint of what was delivered: a product read again that
 * still matches is skipped, one that differs changed again and is delivered again. So a cap may cut
 * a read anywhere, even inside one second, and nothing is lost or sent twice.
 */
import { createHash } from 'node:crypto';

import { DateTime } from 'luxon';

import type { WebProduct } from './web-product';

/** Khaos Control runs on UK time. */
export const KHAOS_TIME_ZONE = 'Europe/London';

/** Delphi's zero date: "since the beginning", which lists every item. */
export const KHAOS_ZERO_TIME = '1899-12-30T00:00:00';

/** How far back each read reaches before the newest change delivered, by default. */
export const DEFAULT_OVERLAP_SECONDS = 300;

export interface DoneEntry {
	/** Fingerprint of the product delivered ('' when unknown: it is then delivered again). */
	fingerprint: string;
	/** Its change time when delivered (or last read unchanged), Khaos time. */
	at: string;
}

export interface FeedCursor {
	/** Khaos time, yyyy-MM-ddTHH:mm:ss: the newest change already delivered. */
	since: string;
	/** Top-level stock codes delivered within the overlap window, by code. */
	done: Record<string, DoneEntry>;
	/** Changes at or before this were never asked for: no read reaches back past it (a typed "changed since" date). */
	floor?: string;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?$/;
const ZONED_TIME =
	/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const FORMAT = "yyyy-MM-dd'T'HH:mm:ss";

/**
 * A time as Khaos reads and writes it: yyyy-MM-ddTHH:mm:ss on its own clock, to the second
 * (fractions are dropped, which only ever widens a "changed since" window). Accepts a date
 * (2024-05-01), a local date-time, a date-time with a zone (converted to UK time) or a Date.
 */
export function khaosTime(value: string | Date, zone: string = KHAOS_TIME_ZONE): string {
	if (value instanceof Date) {
		const time = DateTime.fromJSDate(value).setZone(zone);
		if (!time.isValid) throw new Error('Not a valid date');
		return time.toFormat(FORMAT);
	}
	const text = value.trim();
	const local = LOCAL_TIME.exec(text);
	if (local) {
		const [, year, month, day, hour = '00', minute = '00', second = '00'] = local;
		const time = DateTime.fromObject(
			{
				year: Number(year),
				month: Number(month),
				day: Number(day),
				hour: Number(hour),
				minute: Number(minute),
				second: Number(second),
			},
			{ zone: 'UTC' },
		);
		if (!time.isValid || time.day !== Number(day)) throw new Error(`"${text}" is not a real date`);
		return time.toFormat(FORMAT);
	}
	if (ZONED_TIME.test(text)) {
		const time = DateTime.fromISO(text.replace(' ', 'T').replace(/\s+/g, ''), { setZone: true });
		if (time.isValid) return time.setZone(zone).toFormat(FORMAT);
	}
	throw new Error(`"${text}" is not a date: use 2024-05-01 or 2024-05-01T10:30:00`);
}

/** A Khaos time moved by some seconds (Khaos times carry no zone, so plain arithmetic is right). */
export function shiftKhaosTime(time: string, seconds: number): string {
	const shifted = DateTime.fromISO(time, { zone: 'UTC' }).plus({ seconds });
	return shifted < DateTime.fromISO(KHAOS_ZERO_TIME, { zone: 'UTC' })
		? KHAOS_ZERO_TIME
		: shifted.toFormat(FORMAT);
}

/** Where a read from this cursor starts: the overlap before `since`, and one second more in case Khaos leaves out its boundary. */
export function readStart(cursor: FeedCursor, overlapSeconds: number): string {
	const start =
		cursor.since === KHAOS_ZERO_TIME
			? KHAOS_ZERO_TIME
			: shiftKhaosTime(cursor.since, -Math.max(0, overlapSeconds) - 1);
	return cursor.floor !== undefined && cursor.floor > start ? cursor.floor : start;
}

/**
 * A cursor from its text: a date or date-time ("changed at or after then"), or what formatCursor
 * wrote (`2024-05-01T09:59:59..2024-05-01T10:30:00|CODE1:fingerprint@2024-05-01T10:29:58,CODE2`:
 * floor, newest change delivered, products delivered in the overlap window). Stock codes cannot
 * contain commas in Khaos's lists, so the list is unambiguous.
 */
export function parseCursor(text: string): FeedCursor {
	const trimmed = text.trim();
	if (trimmed === '') throw new Error('No date or cursor given');
	const bar = trimmed.indexOf('|');
	if (bar < 0) {
		const since = khaosTime(trimmed);
		return { since, done: {}, floor: shiftKhaosTime(since, -1) };
	}
	const [floorText, sinceText] = trimmed.slice(0, bar).includes('..')
		? trimmed.slice(0, bar).split('..')
		: [undefined, trimmed.slice(0, bar)];
	const since = khaosTime(sinceText);
	const done: Record<string, DoneEntry> = {};
	if (bar >= 0) {
		for (const raw of trimmed.slice(bar + 1).split(',')) {
			const atMatch = /@(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})$/.exec(raw.trim());
			const entry = atMatch ? raw.trim().slice(0, atMatch.index) : raw;
			const colon = entry.lastIndexOf(':');
			const fingerprint =
				colon >= 0 && /^[0-9a-f]+$/.test(entry.slice(colon + 1).trim())
					? entry.slice(colon + 1).trim()
					: '';
			const code = (fingerprint === '' ? entry : entry.slice(0, colon)).trim();
			if (code !== '') done[code] = { fingerprint, at: atMatch?.[1] ?? since };
		}
	}
	return floorText === undefined ? { since, done } : { since, done, floor: khaosTime(floorText) };
}

export function formatCursor(cursor: FeedCursor): string {
	const done = Object.entries(cursor.done).map(
		([code, entry]) =>
			`${code}${entry.fingerprint === '' ? '' : `:${entry.fingerprint}`}@${entry.at}`,
	);
	return `${cursor.floor === undefined ? '' : `${cursor.floor}..`}${cursor.since}|${done.join(',')}`;
}

/** A cursor kept in n8n's static data, older shapes (fingerprint strings) included; undefined when there is none. */
export function cursorFromState(value: unknown): FeedCursor | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const { since, done } = value as { since?: unknown; done?: unknown };
	if (typeof since !== 'string' || since === '') return undefined;
	const entries =
		typeof done === 'object' && done !== null && !Array.isArray(done) ? Object.entries(done) : [];
	const read = (entry: unknown): DoneEntry | undefined => {
		if (typeof entry === 'string') return { fingerprint: entry, at: since };
		if (typeof entry !== 'object' || entry === null) return undefined;
		const { fingerprint, at } = entry as { fingerprint?: unknown; at?: unknown };
		return typeof fingerprint === 'string' && typeof at === 'string'
			? { fingerprint, at }
			: undefined;
	};
	return {
		since,
		done: Object.fromEntries(
			entries
				.map(([code, entry]) => [code, read(entry)])
				.filter((pair): pair is [string, DoneEntry] => pair[1] !== undefined),
		),
	};
}

/**
 * A short hash of what a web product says, leaving out what does not come from Khaos's data
 * (needs_web_review, review_reasons, last_updated): equal fingerprints mean nothing the web store
 * uses has changed.
 */
export function productFingerprint(product: WebProduct): string {
	const {
		needs_web_review: _review,
		review_reasons: _reasons,
		last_updated: _updated,
		...content
	} = product;
	return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12);
}

/** Stock codes match case-insensitively in Khaos. */
export function codeKey(code: string): string {
	return code.trim().toUpperCase();
}
