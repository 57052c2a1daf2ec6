/**
 * What the POS File Trigger and the export watcher say to each other: the settings it is given, the
 * ports through which it hands files over and raises alerts, and what a check reports.
 */
import type { FolderError, ExportFile } from './export-folder';
import type { RegisterState } from './file-register';
import type { SystemFault } from './system-fault';

export interface WatcherSettings {
	feed: string;
	settleMs: number;
	/** Failed executions a file gets before it is moved to failed/. */
	maxAttempts: number;
	/** At most this many files per check; 0 for no limit. */
	maxFilesPerCheck: number;
	moveProcessed: boolean;
	/** Minutes without a new file before a sync-gap alert; 0 turns alerts off. */
	expectedEveryMinutes: number;
	/** IANA time zone for the processed/YYYY-MM-DD folder names. */
	timezone: string;
	/** Names this trigger's state in the process (workflow and node), see `sharedStates`. */
	stateKey: string;
	registerSize?: number;
	/** "Send Failed Files Back": a new value sends every file in failed/ back once. */
	sendFailedBack?: string;
	/** Wait before the first retry of a file that failed on its content; each later wait is three times longer (at most an hour). */
	retryAfterMs?: number;
	/** Wait before trying a paused feed again; each later wait is twice as long (at most 15 minutes). */
	pauseRetryAfterMs?: number;
}

export interface FileToEmit {
	file: ExportFile;
	sha256: string;
	attempt: number;
}

export type ExecutionOutcome =
	| { status: 'succeeded' }
	| { status: 'failed'; error: string }
	/** The file itself cannot be read (not a spreadsheet, empty, corrupt): retrying cannot help. */
	| { status: 'unreadable'; error: string }
	/** A fault that is nobody's data (a refused login, an outage): the feed waits and the file keeps its attempts. */
	| { status: 'waiting'; error: string; fault: SystemFault };

export interface SyncGapAlert {
	alert: 'sync_gap';
	feed: string;
	folder: string;
	message: string;
	last_file_at: string;
	quiet_for_minutes: number;
	expected_every_minutes: number;
	/** The same, in words: "26 hours". */
	expected_every: string;
	detected_at: string;
	/** Set when the feed is quiet because it is paused. */
	paused_because?: string;
}

/** The feed paused on a fault that is nobody's data, or went on again once it was fixed. */
export interface FeedPauseAlert {
	alert: 'feed_paused' | 'feed_resumed';
	feed: string;
	folder: string;
	message: string;
	cause: string;
	paused_since: string;
	/** The file that waits (paused) or went through (resumed). */
	file: string;
	next_try_at?: string;
	detected_at: string;
}

export interface SkippedFile {
	file: string;
	reason: 'duplicate' | 'stray';
	/** In words: "same content as Customers_1.csv, processed Sun 22 Nov 2026 09:12". */
	note: string;
	/** Names this one drop (name and modified time), so that it is written down once. */
	key: string;
}

export interface WatcherPorts {
	/** Starts one execution for a file and resolves when it has finished. */
	emitFile(file: FileToEmit): Promise<ExecutionOutcome>;
	emitAlert(alert: SyncGapAlert | FeedPauseAlert): void;
	/** Records a problem as a failed execution while the trigger stays active. */
	reportProblem(error: FolderError): void;
	/** Leaves a trace of a file that is not handed over: a duplicate or a stray (sync ledger line and log). */
	recordSkipped?(skipped: SkippedFile): Promise<void>;
	loadState(): Promise<unknown>;
	saveState(state: RegisterState): Promise<void>;
	now?: () => Date;
	sleep?: (ms: number) => Promise<void>;
}

export interface CheckSummary {
	emitted: number;
	succeeded: number;
	failed: number;
	movedToFailed: number;
	skippedDuplicates: number;
	waitingToSettle: number;
	alerted: boolean;
	/** Files that wait for their next attempt, or for a paused feed. */
	waitingToRetry: number;
	paused: boolean;
	sentBack: string[];
	/** Files not matching the pattern, reported at this check (each only once). */
	strays: string[];
}
