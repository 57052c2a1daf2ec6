/** Times, lengths of time and feeds in the words the trigger's alerts and sync ledger lines use. */
import { describeMinutes } from './duration';
import type { FeedPause } from './file-register';

export { describeMinutes };

export function dayInZone(date: Date, timezone: string): string {
	// en-CA formats dates as YYYY-MM-DD.
	return new Intl.DateTimeFormat('en-CA', {
		timeZone: timezone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
	}).format(date);
}

const FEED_NAMES: Record<string, string> = {
	customer: 'customers',
	product: 'products',
	transaction: 'transactions',
};

export function feedName(feed: string): string {
	const name = FEED_NAMES[feed] ?? feed;
	return name.charAt(0).toUpperCase() + name.slice(1);
}

/** "Customers feed paused: Dotdigital refused the login since 09:12". */
export function pauseHeadline(feed: string, pause: FeedPause, timezone: string): string {
	return `${feedName(feed)} feed paused: ${pause.cause} since ${clockTime(new Date(pause.since), new Date(pause.nextTryAt), timezone)}`;
}

/** "Sun 22 Nov 2026 09:12" in the time zone. */
export function dateTimeInZone(at: Date, timezone: string): string {
	const day = new Intl.DateTimeFormat('en-GB', {
		timeZone: timezone,
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		year: 'numeric',
	})
		.format(at)
		.replace(',', '');
	const time = new Intl.DateTimeFormat('en-GB', {
		timeZone: timezone,
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
	}).format(at);
	return `${day} ${time}`;
}

/** "09:12", or "Sat 5 Dec 09:12" when it was not on the day of `reference`. */
export function clockTime(at: Date, reference: Date, timezone: string): string {
	const time = new Intl.DateTimeFormat('en-GB', {
		timeZone: timezone,
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
	}).format(at);
	if (dayInZone(at, timezone) === dayInZone(reference, timezone)) return time;
	const day = new Intl.DateTimeFormat('en-GB', {
		timeZone: timezone,
		weekday: 'short',
		day: 'numeric',
		month: 'short',
	})
		.format(at)
		.replace(',', '');
	return `${day} ${time}`;
}

/** A length of time as people say it: "15 seconds", "2 minutes", "26 hours", "1 hour 30 minutes". */
export function describeWait(ms: number): string {
	return describeMinutes(ms / 60_000);
}
