/**
 * What the POS File Trigger remembers between polls and across restarts: which file contents
 * (by sha256) it has already handed over, which are being retried, and when a file last came.
 * It is plain JSON, kept in the workflow's static data, so it must stay small: it is bounded.
 */

export type RegisterOutcome = 'processed' | 'failed' | 'duplicate';

export interface RegisterEntry {
	sha256: string;
	name: string;
	size: number;
	mtimeMs: number;
	outcome: RegisterOutcome;
	at: string;
}

export interface RetryRecord {
	sha256: string;
	name: string;
	attempts: number;
	lastError: string;
	lastAt: string;
	/** Not tried again before this time: attempts are spaced out. */
	nextTryAt?: string;
}

/** The feed waits on a fault that is nobody's data; no file uses up attempts meanwhile. */
export interface FeedPause {
	cause: string;
	/** The last execution's error as n8n gave it. */
	error: string;
	/** The file that met the fault; it is the one tried again. */
	file: string;
	since: string;
	/** Tries since the pause began, the first included. */
	tries: number;
	nextTryAt: string;
}

export interface RegisterState {
	version: 1;
	/** Oldest first. */
	entries: RegisterEntry[];
	/** Files whose executions failed and that will be tried again, by sha256. */
	retries: Record<string, RetryRecord>;
	/** When a new file was last handed over, or when watching began. */
	lastFileAt: string;
	/** Set once a sync-gap alert has gone out, cleared by the next file. */
	gapAlertedAt: string | null;
	paused?: FeedPause | null;
	/** The last "Send Failed Files Back" setting acted on, so that it acts once. */
	failedSentBackFor?: string | null;
	/** Files in the folder that do not match the pattern and have been reported, so each is reported once. */
	straysReported?: string[];
}

export interface FileIdentity {
	name: string;
	size: number;
	mtimeMs: number;
}

export const DEFAULT_REGISTER_SIZE = 1000;

export function emptyRegisterState(now: Date): RegisterState {
	return {
		version: 1,
		entries: [],
		retries: {},
		lastFileAt: now.toISOString(),
		gapAlertedAt: null,
	};
}

function isRegisterState(value: unknown): value is RegisterState {
	const state = value as RegisterState | undefined;
	return (
		!!state &&
		state.version === 1 &&
		Array.isArray(state.entries) &&
		typeof state.retries === 'object'
	);
}

export class FileRegister {
	private readonly entries: RegisterEntry[];
	private readonly retries: Map<string, RetryRecord>;
	private readonly bySha = new Map<string, RegisterEntry>();
	private readonly byName = new Map<string, RegisterEntry>();
	lastFileAt: string;
	gapAlertedAt: string | null;
	paused: FeedPause | null;
	failedSentBackFor: string | null;
	straysReported: Set<string>;

	constructor(
		state: unknown,
		now: Date,
		private readonly maxEntries = DEFAULT_REGISTER_SIZE,
	) {
		const valid = isRegisterState(state) ? state : emptyRegisterState(now);
		this.entries = valid.entries.map((entry) => ({ ...entry }));
		this.retries = new Map(
			Object.entries(valid.retries).map(([sha, record]) => [sha, { ...record }]),
		);
		this.lastFileAt = valid.lastFileAt;
		this.gapAlertedAt = valid.gapAlertedAt;
		this.paused = valid.paused ? { ...valid.paused } : null;
		this.failedSentBackFor = valid.failedSentBackFor ?? null;
		this.straysReported = new Set(valid.straysReported ?? []);
		for (const entry of this.entries) this.index(entry);
	}

	/**
	 * Combines two copies of the register (static data and the outcome journal): every outcome either
	 * copy knows survives, and the later timestamps win.
	 */
	static merge(
		a: unknown,
		b: unknown,
		now: Date,
		maxEntries = DEFAULT_REGISTER_SIZE,
	): FileRegister {
		const first = isRegisterState(a) ? a : undefined;
		const second = isRegisterState(b) ? b : undefined;
		if (!first || !second) return new FileRegister(first ?? second, now, maxEntries);
		const merged = new FileRegister(first, now, maxEntries);
		for (const entry of second.entries) {
			const known = merged.bySha.get(entry.sha256);
			if (!known || (known.outcome !== 'processed' && entry.at > known.at))
				merged.append({ ...entry });
		}
		for (const [sha, record] of Object.entries(second.retries)) {
			const known = merged.retries.get(sha);
			if (!merged.isProcessed(sha) && (!known || record.attempts > known.attempts))
				merged.retries.set(sha, { ...record });
		}
		for (const sha of merged.retries.keys())
			if (merged.isProcessed(sha)) merged.retries.delete(sha);
		const newer = second.lastFileAt >= first.lastFileAt ? second : first;
		merged.lastFileAt = newer.lastFileAt;
		merged.gapAlertedAt = newer.gapAlertedAt;
		merged.paused = newer.paused ? { ...newer.paused } : null;
		for (const name of second.straysReported ?? []) merged.straysReported.add(name);
		merged.failedSentBackFor =
			[first.failedSentBackFor, second.failedSentBackFor]
				.filter((value): value is string => !!value)
				.sort()
				.at(-1) ?? null;
		return merged;
	}

	private index(entry: RegisterEntry) {
		const current = this.bySha.get(entry.sha256);
		if (entry.outcome !== 'duplicate' && (!current || current.outcome !== 'processed'))
			this.bySha.set(entry.sha256, entry);
		this.byName.set(entry.name, entry);
	}

	private append(entry: RegisterEntry) {
		this.entries.push(entry);
		this.index(entry);
	}

	/** The sha256 already known for this exact file (same name, size and time), so it need not be hashed again. */
	knownSha(file: FileIdentity): string | undefined {
		const entry = this.byName.get(file.name);
		return entry && entry.size === file.size && entry.mtimeMs === file.mtimeMs
			? entry.sha256
			: undefined;
	}

	isProcessed(sha256: string): boolean {
		return this.bySha.get(sha256)?.outcome === 'processed';
	}

	/** The file that was processed with this content, and when. */
	processedAs(sha256: string): { name: string; at: string } | undefined {
		const entry = this.bySha.get(sha256);
		return entry?.outcome === 'processed' ? { name: entry.name, at: entry.at } : undefined;
	}

	retryOf(sha256: string): RetryRecord | undefined {
		return this.retries.get(sha256);
	}

	recordProcessed(file: FileIdentity, sha256: string, at: Date) {
		this.retries.delete(sha256);
		this.append({
			sha256,
			name: file.name,
			size: file.size,
			mtimeMs: file.mtimeMs,
			outcome: 'processed',
			at: at.toISOString(),
		});
	}

	/** Remembers a second file with already-processed content, so it is neither hashed nor emitted again. */
	recordDuplicate(file: FileIdentity, sha256: string, at: Date) {
		this.append({
			sha256,
			name: file.name,
			size: file.size,
			mtimeMs: file.mtimeMs,
			outcome: 'duplicate',
			at: at.toISOString(),
		});
	}

	/** Counts a failed attempt and returns how many there have been; the next is not before `nextTryAt`. */
	recordFailedAttempt(
		file: FileIdentity,
		sha256: string,
		error: string,
		at: Date,
		nextTryAt?: Date,
	): number {
		const attempts = (this.retries.get(sha256)?.attempts ?? 0) + 1;
		this.retries.set(sha256, {
			sha256,
			name: file.name,
			attempts,
			lastError: error,
			lastAt: at.toISOString(),
			...(nextTryAt ? { nextTryAt: nextTryAt.toISOString() } : {}),
		});
		return attempts;
	}

	/** The file was given up on and moved to failed/. Dropping the same content again starts afresh. */
	recordGivenUp(file: FileIdentity, sha256: string, at: Date) {
		this.retries.delete(sha256);
		this.append({
			sha256,
			name: file.name,
			size: file.size,
			mtimeMs: file.mtimeMs,
			outcome: 'failed',
			at: at.toISOString(),
		});
	}

	noteNewFile(at: Date) {
		this.lastFileAt = at.toISOString();
		this.gapAlertedAt = null;
	}

	/**
	 * Keeps the register bounded. The latest entry for each file still in the folder is always kept,
	 * or that file would be emitted again; of the rest, the oldest go first. (A POS that rewrites one
	 * fixed name leaves one protected entry, not one per version.)
	 */
	prune(namesInFolder: Set<string>) {
		for (const [sha, record] of this.retries)
			if (!namesInFolder.has(record.name)) this.retries.delete(sha);
		let excess = this.entries.length - this.maxEntries;
		if (excess <= 0) return;
		const protectedEntries = new Set(
			[...this.byName.values()].filter((entry) => namesInFolder.has(entry.name)),
		);
		const kept = this.entries.filter((entry) => {
			if (excess > 0 && !protectedEntries.has(entry)) {
				excess--;
				return false;
			}
			return true;
		});
		this.entries.splice(0, this.entries.length, ...kept);
		this.bySha.clear();
		this.byName.clear();
		for (const entry of this.entries) this.index(entry);
	}

	get size() {
		return this.entries.length;
	}

	toJSON(): RegisterState {
		return {
			version: 1,
			entries: this.entries.map((entry) => ({ ...entry })),
			retries: Object.fromEntries([...this.retries].map(([sha, record]) => [sha, { ...record }])),
			lastFileAt: this.lastFileAt,
			gapAlertedAt: this.gapAlertedAt,
			paused: this.paused ? { ...this.paused } : null,
			failedSentBackFor: this.failedSentBackFor,
			straysReported: [...this.straysReported],
		};
	}
}
