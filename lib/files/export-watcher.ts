import { ExportFolder, FolderError, type ExportFile } from './export-folder';
import { FileRegister, type FeedPause } from './file-register';

export { dayInZone } from './feed-words';
import { dateTimeInZone, dayInZone } from './feed-words';
import { feedPausedAlert, feedResumedAlert, syncGapAlert, type FeedAt } from './feed-alerts';
import type { SystemFault } from './system-fault';
import type {
	CheckSummary,
	ExecutionOutcome,
	SkippedFile,
	WatcherPorts,
	WatcherSettings,
} from './watcher-contract';

const DEFAULT_RETRY_AFTER_MS = 20_000;
const MAX_RETRY_AFTER_MS = 3_600_000;
const DEFAULT_PAUSE_RETRY_AFTER_MS = 15_000;
const MAX_PAUSE_RETRY_AFTER_MS = 15 * 60_000;

interface SharedState {
	register: FileRegister;
	/** sha256 of files whose executions are running. */
	inFlight: Set<string>;
}

/**
 * Saving or re-publishing a workflow replaces its trigger while an execution the old one started may
 * still be running. Both must see the same register and the same files in flight, or the new one would
 * hand that file over again; so the state lives here, per workflow and node, for the process.
 */
const sharedStates = new Map<string, SharedState>();

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

	private get register(): FileRegister | undefined {
		return this.state?.register;
	}

	private async loadState(): Promise<SharedState> {
		if (this.state) return this.state;
		let state = sharedStates.get(this.settings.stateKey);
		if (!state) {
			const saved = await this.ports.loadState();
			state = sharedStates.get(this.settings.stateKey) ?? {
				register: new FileRegister(saved, this.now(), this.settings.registerSize),
				inFlight: new Set(),
			};
			sharedStates.set(this.settings.stateKey, state);
		}
		this.state = state;
		return state;
	}

	private async persist() {
		if (this.register) await this.ports.saveState(this.register.toJSON());
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
		const { register, inFlight } = await this.loadState();
		const summary: CheckSummary = {
			emitted: 0,
			succeeded: 0,
			failed: 0,
			movedToFailed: 0,
			skippedDuplicates: 0,
			waitingToSettle: 0,
			alerted: false,
			waitingToRetry: 0,
			paused: false,
			sentBack: [],
			strays: [],
		};
		await this.sendFailedBackOnce(register, summary);
		await this.reportStrays(register, summary);
		const listed = await this.folder.list();
		register.prune(new Set(listed.map((file) => file.name)));

		const unseen = listed.filter((file) => {
			const sha = register.knownSha(file);
			return !sha || !register.isProcessed(sha);
		});
		const settled = await this.folder.settled(unseen, {
			settleMs: this.settings.settleMs,
			now: () => this.now().getTime(),
			sleep: this.ports.sleep,
		});
		summary.waitingToSettle = unseen.length - settled.length;

		const now = this.now();
		const pauseHolds = !!register.paused && now < new Date(register.paused.nextTryAt);
		for (const settledFile of settled) {
			if (this.closed) break;
			if (pauseHolds || summary.paused) {
				summary.waitingToRetry++;
				continue;
			}
			if (this.settings.maxFilesPerCheck > 0 && summary.emitted >= this.settings.maxFilesPerCheck)
				break;
			// Earlier files' executions may have taken a while: the file must still be as it settled.
			const file = await this.folder.unchanged(settledFile);
			if (!file) continue;
			let sha256: string;
			try {
				sha256 = register.knownSha(file) ?? (await this.folder.sha256(file));
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
				await this.settle(
					file,
					`unread:${file.name}:${file.size}:${file.mtimeMs}`,
					{ status: 'failed', error: readProblem(error) },
					summary,
				);
				continue;
			}
			if (inFlight.has(sha256)) continue;
			if (register.isProcessed(sha256)) {
				const original = register.processedAs(sha256)!;
				register.recordDuplicate(file, sha256, this.now());
				summary.skippedDuplicates++;
				await this.skipped({
					file: file.name,
					reason: 'duplicate',
					note: `same content as ${original.name}, processed ${dateTimeInZone(new Date(original.at), this.settings.timezone)}`,
					key: `${file.name}@${file.mtimeMs}`,
				});
				if (this.settings.moveProcessed)
					await this.move(file, () =>
						this.folder.moveToProcessed(file, dayInZone(this.now(), this.settings.timezone)),
					);
				continue;
			}
			const retry = register.retryOf(sha256);
			if (retry?.nextTryAt && this.now() < new Date(retry.nextTryAt)) {
				summary.waitingToRetry++;
				continue;
			}
			const attempt = (retry?.attempts ?? 0) + 1;
			if (!retry && register.paused?.file !== file.name) register.noteNewFile(this.now());
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
		summary.paused = summary.paused || pauseHolds;

		if (!this.closed) summary.alerted = await this.alertIfQuiet();
		await this.persist();
		return summary;
	}

	/** Files that do not match the pattern are written down once each, so a stray PDF does not sit there unseen. */
	private async reportStrays(register: FileRegister, summary: CheckSummary) {
		const strays = await this.folder.strays();
		const present = new Set(strays);
		for (const name of register.straysReported)
			if (!present.has(name)) register.straysReported.delete(name);
		for (const name of strays) {
			if (register.straysReported.has(name)) continue;
			register.straysReported.add(name);
			summary.strays.push(name);
			await this.skipped({
				file: name,
				reason: 'stray',
				note: `does not match the file name pattern "${this.folder.pattern}", so the ${this.settings.feed} feed leaves it in the folder`,
				key: name,
			});
		}
	}

	private async skipped(skipped: SkippedFile) {
		await this.ports.recordSkipped?.(skipped).catch((error: Error) => {
			this.ports.reportProblem(
				new FolderError(
					`${skipped.file} (${skipped.note}) could not be written to the sync ledger: ${error.message}`,
				),
			);
		});
	}

	/** A new "Send Failed Files Back" setting moves every file in failed/ back into the folder, once. */
	private async sendFailedBackOnce(register: FileRegister, summary: CheckSummary) {
		const wanted = this.settings.sendFailedBack?.trim();
		if (!wanted || register.failedSentBackFor === wanted) return;
		summary.sentBack = await this.folder.sendFailedBack();
		register.failedSentBackFor = wanted;
		await this.persist();
	}

	private async move(file: ExportFile, move: () => Promise<string>) {
		await move().catch((error: Error) => {
			this.ports.reportProblem(
				new FolderError(
					`${file.name} could not be moved: ${error.message}`,
					'The user n8n runs as needs write permission on the watched folder.',
				),
			);
		});
	}

	/**
	 * Records what became of a file, saves that, and only then moves the file: a move that fails
	 * (no write permission, say) is reported but never undoes the outcome.
	 */
	private async settle(
		file: ExportFile,
		sha256: string,
		outcome: ExecutionOutcome,
		summary: CheckSummary,
	) {
		const register = this.register!;
		const now = this.now();
		let move: (() => Promise<string>) | undefined;
		if (outcome.status === 'waiting') {
			this.pause(file, outcome, now);
			summary.paused = true;
			summary.waitingToRetry++;
			await this.persist();
			return;
		}
		this.resumeAfter(file, now);
		if (outcome.status === 'succeeded') {
			register.recordProcessed(file, sha256, now);
			summary.succeeded++;
			if (this.settings.moveProcessed)
				move = () => this.folder.moveToProcessed(file, dayInZone(now, this.settings.timezone));
		} else if (outcome.status === 'unreadable') {
			summary.failed++;
			summary.movedToFailed++;
			register.recordGivenUp(file, sha256, now);
			move = async () => {
				const moved = await this.folder.moveToFailed(
					file,
					failureReason(file, sha256, 1, outcome.error, now),
				);
				this.ports.reportProblem(
					new FolderError(`${file.name} was moved to failed/: ${outcome.error}`),
				);
				return moved;
			};
		} else if (outcome.status === 'failed') {
			summary.failed++;
			const previous = register.retryOf(sha256)?.attempts ?? 0;
			const wait = Math.min(
				(this.settings.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS) * 3 ** previous,
				MAX_RETRY_AFTER_MS,
			);
			const attempts = register.recordFailedAttempt(
				file,
				sha256,
				outcome.error,
				now,
				new Date(now.getTime() + wait),
			);
			if (attempts >= this.settings.maxAttempts) {
				summary.movedToFailed++;
				register.recordGivenUp(file, sha256, now);
				move = () =>
					this.folder.moveToFailed(file, failureReason(file, sha256, attempts, outcome.error, now));
			}
		}
		await this.persist();
		if (move) await this.move(file, move);
	}

	/** Starts or extends a pause; the first try of a pause (or a new cause) is announced on the alerts output. */
	private pause(file: ExportFile, outcome: { error: string; fault: SystemFault }, now: Date) {
		const register = this.register!;
		const current = register.paused;
		const same = current?.cause === outcome.fault.cause;
		const tries = same ? current.tries + 1 : 1;
		const wait = Math.min(
			(this.settings.pauseRetryAfterMs ?? DEFAULT_PAUSE_RETRY_AFTER_MS) * 2 ** (tries - 1),
			MAX_PAUSE_RETRY_AFTER_MS,
		);
		const pause: FeedPause = {
			cause: outcome.fault.cause,
			error: outcome.error,
			file: file.name,
			since: same ? current.since : now.toISOString(),
			tries,
			nextTryAt: new Date(now.getTime() + wait).toISOString(),
		};
		register.paused = pause;
		if (same) return;
		this.ports.emitAlert(feedPausedAlert(this.feedAt(), file.name, pause, wait, now));
	}

	private resumeAfter(file: ExportFile, now: Date) {
		const register = this.register!;
		const pause = register.paused;
		if (!pause) return;
		register.paused = null;
		this.ports.emitAlert(feedResumedAlert(this.feedAt(), file.name, pause, now));
	}

	private feedAt(): FeedAt {
		return {
			feed: this.settings.feed,
			folder: this.folder.folder,
			timezone: this.settings.timezone,
		};
	}

	private async alertIfQuiet(): Promise<boolean> {
		const register = this.register!;
		const expected = this.settings.expectedEveryMinutes;
		if (expected <= 0 || register.gapAlertedAt) return false;
		const now = this.now();
		const quietMs = now.getTime() - new Date(register.lastFileAt).getTime();
		if (quietMs < expected * 60_000) return false;
		register.gapAlertedAt = now.toISOString();
		this.ports.emitAlert(
			syncGapAlert(this.feedAt(), register.lastFileAt, quietMs, expected, register.paused, now),
		);
		return true;
	}
}

/** A file that could not be read this time (locked, permissions, a share hiccup): worth another attempt. */
function readProblem(error: unknown): string {
	const { code, message } = error as NodeJS.ErrnoException;
	return code ? `The file could not be read (${code}): ${message}` : String(message ?? error);
}

function failureReason(
	file: ExportFile,
	sha256: string,
	attempts: number,
	error: string,
	at: Date,
): string {
	return [
		`File: ${file.name}`,
		`Moved to failed/ at ${at.toISOString()} after ${attempts} failed attempt${attempts === 1 ? '' : 's'}.`,
		`Last error: ${error}`,
		`sha256: ${sha256}`,
		'',
		'To try again, fix the cause, then in the POS File Trigger set Options > Send Failed ' +
			'Files Back to the current time and save the workflow (or move the file back into the ' +
			'watched folder by hand).',
	].join('\n');
}
