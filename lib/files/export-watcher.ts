import { ExportFolder, FolderError, type ExportFile } from './export-folder';
import { FileLedger, type LedgerState } from './ledger';

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
	ledgerSize?: number;
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
	| { status: 'unreadable'; error: string };

export interface SyncGapAlert {
	alert: 'sync_gap';
	feed: string;
	folder: string;
	message: string;
	last_file_at: string;
	quiet_for_minutes: number;
	expected_every_minutes: number;
	detected_at: string;
}

export interface WatcherPorts {
	/** Starts one execution for a file and resolves when it has finished. */
	emitFile(file: FileToEmit): Promise<ExecutionOutcome>;
	emitAlert(alert: SyncGapAlert): void;
	/** Records a problem as a failed execution while the trigger stays active. */
	reportProblem(error: FolderError): void;
	loadState(): Promise<unknown>;
	saveState(state: LedgerState): Promise<void>;
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
}

interface SharedState {
	ledger: FileLedger;
	/** sha256 of files whose executions are running. */
	inFlight: Set<string>;
}

/**
 * Saving or re-publishing a workflow replaces its trigger while an execution the old one started may
 * still be running. Both must see the same ledger and the same files in flight, or the new one would
 * hand that file over again; so the state lives here, per workflow and node, for the process.
 */
const sharedStates = new Map<string, SharedState>();

export function dayInZone(date: Date, timezone: string): string {
	// en-CA formats dates as YYYY-MM-DD.
	return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/**
 * Decides, at each check, which export files to hand over and what becomes of them afterwards.
 * Files go one at a time, oldest first, each in its own execution; a file counts as processed only
 * when its execution succeeds.
 */
export class ExportWatcher {
	private state: SharedState | undefined;
	private checking = false;
	private closed = false;
	private lastProblem: string | undefined;

	constructor(
		private readonly folder: ExportFolder,
		private readonly settings: WatcherSettings,
		private readonly ports: WatcherPorts,
	) {}

	private now() {
		return this.ports.now?.() ?? new Date();
	}

	close() {
		this.closed = true;
	}

	private get ledger(): FileLedger | undefined {
		return this.state?.ledger;
	}

	private async loadState(): Promise<SharedState> {
		if (this.state) return this.state;
		let state = sharedStates.get(this.settings.stateKey);
		if (!state) {
			const saved = await this.ports.loadState();
			state = sharedStates.get(this.settings.stateKey) ?? { ledger: new FileLedger(saved, this.now(), this.settings.ledgerSize), inFlight: new Set() };
			sharedStates.set(this.settings.stateKey, state);
		}
		this.state = state;
		return state;
	}

	private async persist() {
		if (this.ledger) await this.ports.saveState(this.ledger.toJSON());
	}

	/** One scheduled check. Overlapping calls return at once: a check can wait on long executions. */
	async check(): Promise<CheckSummary | undefined> {
		if (this.checking || this.closed) return undefined;
		this.checking = true;
		try {
			const summary = await this.runCheck();
			this.lastProblem = undefined;
			return summary;
		} catch (error) {
			if (!(error instanceof FolderError)) throw error;
			// Report an outage once, not at every check while it lasts.
			if (this.lastProblem !== error.message) this.ports.reportProblem(error);
			this.lastProblem = error.message;
			return undefined;
		} finally {
			this.checking = false;
		}
	}

	private async runCheck(): Promise<CheckSummary> {
		const { ledger, inFlight } = await this.loadState();
		const summary: CheckSummary = { emitted: 0, succeeded: 0, failed: 0, movedToFailed: 0, skippedDuplicates: 0, waitingToSettle: 0, alerted: false };
		const listed = await this.folder.list();
		ledger.prune(new Set(listed.map((file) => file.name)));

		const unseen = listed.filter((file) => {
			const sha = ledger.knownSha(file);
			return !sha || !ledger.isProcessed(sha);
		});
		const settled = await this.folder.settled(unseen, { settleMs: this.settings.settleMs, now: () => this.now().getTime(), sleep: this.ports.sleep });
		summary.waitingToSettle = unseen.length - settled.length;

		for (const settledFile of settled) {
			if (this.closed) break;
			if (this.settings.maxFilesPerCheck > 0 && summary.emitted >= this.settings.maxFilesPerCheck) break;
			// Earlier files' executions may have taken a while: the file must still be as it settled.
			const file = await this.folder.unchanged(settledFile);
			if (!file) continue;
			let sha256: string;
			try {
				sha256 = ledger.knownSha(file) ?? (await this.folder.sha256(file));
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
				await this.settle(file, `unread:${file.name}:${file.size}:${file.mtimeMs}`, { status: 'failed', error: readProblem(error) }, summary);
				continue;
			}
			if (inFlight.has(sha256)) continue;
			if (ledger.isProcessed(sha256)) {
				ledger.recordDuplicate(file, sha256, this.now());
				summary.skippedDuplicates++;
				if (this.settings.moveProcessed) await this.move(file, () => this.folder.moveToProcessed(file, dayInZone(this.now(), this.settings.timezone)));
				continue;
			}
			const attempt = (ledger.retryOf(sha256)?.attempts ?? 0) + 1;
			ledger.noteNewFile(this.now());
			await this.persist();
			summary.emitted++;
			inFlight.add(sha256);
			let outcome: ExecutionOutcome;
			try {
				outcome = await this.ports.emitFile({ file, sha256, attempt });
			} catch (error) {
				outcome = { status: 'failed', error: readProblem(error) };
			} finally {
				inFlight.delete(sha256);
			}
			await this.settle(file, sha256, outcome, summary);
		}

		if (!this.closed) summary.alerted = await this.alertIfQuiet();
		await this.persist();
		return summary;
	}

	private async move(file: ExportFile, move: () => Promise<string>) {
		await move().catch((error: Error) => {
			this.ports.reportProblem(new FolderError(`${file.name} could not be moved: ${error.message}`, 'The user n8n runs as needs write permission on the watched folder.'));
		});
	}

	/**
	 * Records what became of a file, saves that, and only then moves the file: a move that fails
	 * (no write permission, say) is reported but never undoes the outcome.
	 */
	private async settle(file: ExportFile, sha256: string, outcome: ExecutionOutcome, summary: CheckSummary) {
		const ledger = this.ledger!;
		const now = this.now();
		let move: (() => Promise<string>) | undefined;
		if (outcome.status === 'succeeded') {
			ledger.recordProcessed(file, sha256, now);
			summary.succeeded++;
			if (this.settings.moveProcessed) move = () => this.folder.moveToProcessed(file, dayInZone(now, this.settings.timezone));
		} else if (outcome.status === 'unreadable') {
			summary.failed++;
			summary.movedToFailed++;
			ledger.recordGivenUp(file, sha256, now);
			move = async () => {
				const moved = await this.folder.moveToFailed(file, failureReason(file, sha256, 1, outcome.error, now));
				this.ports.reportProblem(new FolderError(`${file.name} was moved to failed/: ${outcome.error}`));
				return moved;
			};
		} else if (outcome.status === 'failed') {
			summary.failed++;
			const attempts = ledger.recordFailedAttempt(file, sha256, outcome.error, now);
			if (attempts >= this.settings.maxAttempts) {
				summary.movedToFailed++;
				ledger.recordGivenUp(file, sha256, now);
				move = () => this.folder.moveToFailed(file, failureReason(file, sha256, attempts, outcome.error, now));
			}
		}
		await this.persist();
		if (move) await this.move(file, move);
	}

	private async alertIfQuiet(): Promise<boolean> {
		const ledger = this.ledger!;
		const expected = this.settings.expectedEveryMinutes;
		if (expected <= 0 || ledger.gapAlertedAt) return false;
		const now = this.now();
		const quietMs = now.getTime() - new Date(ledger.lastFileAt).getTime();
		if (quietMs < expected * 60_000) return false;
		const quietMinutes = Math.round(quietMs / 6_000) / 10;
		ledger.gapAlertedAt = now.toISOString();
		this.ports.emitAlert({
			alert: 'sync_gap',
			feed: this.settings.feed,
			folder: this.folder.folder,
			message: `No new ${this.settings.feed} file has arrived in ${this.folder.folder} for ${quietMinutes} minutes (expected at least every ${expected} minutes).`,
			last_file_at: ledger.lastFileAt,
			quiet_for_minutes: quietMinutes,
			expected_every_minutes: expected,
			detected_at: now.toISOString(),
		});
		return true;
	}
}

/** A file that could not be read this time (locked, permissions, a share hiccup): worth another attempt. */
function readProblem(error: unknown): string {
	const { code, message } = error as NodeJS.ErrnoException;
	return code ? `The file could not be read (${code}): ${message}` : String(message ?? error);
}

function failureReason(file: ExportFile, sha256: string, attempts: number, error: string, at: Date): string {
	return [
		`File: ${file.name}`,
		`Moved to failed/ at ${at.toISOString()} after ${attempts} failed attempt${attempts === 1 ? '' : 's'}.`,
		`Last error: ${error}`,
		`sha256: ${sha256}`,
		'',
		'To try again, fix the cause and move the file back into the watched folder.',
	].join('\n');
}
