/** What the POS File Trigger's Sync Gap Alerts output says: a feed paused, running again, or quiet. */
import type { FeedPause } from './file-register';
import { clockTime, describeMinutes, describeWait, feedName, pauseHeadline } from './feed-words';
import type { FeedPauseAlert, SyncGapAlert } from './watcher-contract';

/** The feed an alert is about: its kind, the folder it comes from, and the shop's time zone. */
export interface FeedAt {
	feed: string;
	folder: string;
	timezone: string;
}

export function feedPausedAlert(
	at: FeedAt,
	file: string,
	pause: FeedPause,
	waitMs: number,
	now: Date,
): FeedPauseAlert {
	return {
		alert: 'feed_paused',
		feed: at.feed,
		folder: at.folder,
		message:
			`${pauseHeadline(at.feed, pause, at.timezone)}. ${file} waits and keeps its attempts; ` +
			`it is tried again in ${describeWait(waitMs)}, then less and less often, ` +
			`and goes through by itself once the cause is fixed. (${pause.error})`,
		cause: pause.cause,
		paused_since: pause.since,
		file,
		next_try_at: pause.nextTryAt,
		detected_at: now.toISOString(),
	};
}

export function feedResumedAlert(
	at: FeedAt,
	file: string,
	pause: FeedPause,
	now: Date,
): FeedPauseAlert {
	return {
		alert: 'feed_resumed',
		feed: at.feed,
		folder: at.folder,
		message:
			`${feedName(at.feed)} feed running again after "${pause.cause}" ` +
			`(paused since ${clockTime(new Date(pause.since), now, at.timezone)}): ${file} was tried again.`,
		cause: pause.cause,
		paused_since: pause.since,
		file,
		detected_at: now.toISOString(),
	};
}

export function syncGapAlert(
	at: FeedAt,
	lastFileAt: string,
	quietMs: number,
	expectedEveryMinutes: number,
	pause: FeedPause | null | undefined,
	now: Date,
): SyncGapAlert {
	const quiet =
		`No new ${at.feed} file has arrived in ${at.folder} for ${describeWait(quietMs)} ` +
		`(expected at least every ${describeWait(expectedEveryMinutes * 60_000)}).`;
	return {
		alert: 'sync_gap',
		feed: at.feed,
		folder: at.folder,
		message: pause ? `${pauseHeadline(at.feed, pause, at.timezone)}. ${quiet}` : quiet,
		...(pause ? { paused_because: pause.cause } : {}),
		last_file_at: lastFileAt,
		quiet_for_minutes: Math.round(quietMs / 6_000) / 10,
		expected_every_minutes: expectedEveryMinutes,
		expected_every: describeMinutes(expectedEveryMinutes),
		detected_at: now.toISOString(),
	};
}
