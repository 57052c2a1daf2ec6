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
	| { status: 'unreadable'; error: string }
	/** The execution never started, or n8n stopped before it finished: try again later, uncounted. */
	| { status: 'unknown' };

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
	private ledger: FileLedger | undefined;
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

	private async loadLedger(): Promise<FileLedger> {
		this.ledger ??= new FileLedger(await this.ports.loadState(), this.now(), this.settings.ledgerSize);
		return this.ledger;
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
		const ledger = await this.loadLedger();
		const summary: CheckSummary = { emitted: 0, succeeded: 0, failed: 0, movedToFailed: 0, skippedDuplicates: 0, waitingToSettle: 0, alerted: false };
		const listed = await this.folder.list();
		ledger.prune(new Set(listed.map((file) => file.name)));

		const unseen = listed.filter((file) => {
			const sha = ledger.knownSha(file);
			return !sha || !ledger.isProcessed(sha);
		});
		const settled = await this.folder.settled(unseen, { settleMs: this.settings.settleMs, now: () => this.now().getTime(), sleep: this.ports.sleep });
		summary.waitingToSettle = unseen.length - settled.length;

		for (const file of settled) {
			if (this.closed) break;
			if (this.settings.maxFilesPerCheck > 0 && summary.emitted >= this.settings.maxFilesPerCheck) break;
			const sha256 = ledger.knownSha(file) ?? (await this.folder.sha256(file));
			if (ledger.isProcessed(sha256)) {
				ledger.recordDuplicate(file, sha256, this.now());
				summary.skippedDuplicates++;
				if (this.settings.moveProcessed) await this.folder.moveToProcessed(file, dayInZone(this.now(), this.settings.timezone));
				continue;
			}
			const attempt = (ledger.retryOf(sha256)?.attempts ?? 0) + 1;
			ledger.noteNewFile(this.now());
			await this.persist();
			summary.emitted++;
			const outcome = await this.ports.emitFile({ file, sha256, attempt });
			await this.settle(file, sha256, outcome, summary);
		}

		summary.alerted = await this.alertIfQuiet();
		await this.persist();
		return summary;
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
		await move?.().catch((error: Error) => {
			this.ports.reportProblem(new FolderError(`${file.name} could not be moved: ${error.message}`, 'The user n8n runs as needs write permission on the watched folder.'));
		});
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
