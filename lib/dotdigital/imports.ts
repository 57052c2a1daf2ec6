/**
 * Bulk imports, contacts and insight data alike: records are cut into batches by count and by bytes,
 * a bounded number of imports run at once, and each import's status is polled with a widening
 * interval until it is done or the total wait runs out.
 */
import { DotdigitalApiError, DotdigitalError } from './errors';
import type { RecordResult } from './results';
import { ImportPace, type PollPolicy } from './pace';

export type { PollPolicy } from './pace';
import type { DotdigitalTransport } from './transport';

export const DEFAULT_POLL: PollPolicy = { firstMs: 5_000, maxMs: 30_000, totalMs: 15 * 60_000 };
export const MAX_REQUEST_BYTES = 50 * 1024 * 1024;
/** Slack for Dotdigital's clock: its Date header has whole seconds, and without one we only have ours. */
export const CLOCK_MARGIN_MS = 2000;

export interface ImportKind<S> {
	/** Names calls in errors and counts: "contact import", "insight import". */
	name: string;
	submitPath: string;
	statusPath(importId: string): string;
	/** The request body around the records' JSON, which is given already joined by commas. */
	open: string;
	close: string;
	maxRecords: number;
	maxBytes: number;
	concurrency: number;
	/** done: the import finished and `status` has its results; failed: the import as a whole failed. */
	progress(status: S): 'pending' | 'done' | { failed: string };
}

export interface Batch {
	/** Positions of the batch's records in the caller's list. */
	members: number[];
	parts: string[];
	bytes: number;
}

export type BatchOutcome<S> =
	/** `repeatedSince`: the import was sent more than once (see Reply.repeated), the first time no earlier than this (Dotdigital's clock, epoch ms). */
	| { kind: 'done'; importId: string; status: S; repeatedSince?: number }
	| {
			kind: 'failed';
			importId?: string;
			error: DotdigitalError | Error;
			reason: string;
			retryable: boolean;
	  };

export interface ImportRunOptions {
	poll?: Partial<PollPolicy>;
	/** What the run has learnt of how long its imports take; one per run, shared by its calls. */
	pace?: ImportPace;
	sleep?: (ms: number) => Promise<void>;
}

/**
 * Cuts already-serialised records into batches. A record too large for any request is returned in
 * `oversized` rather than sent.
 */
export function batchRecords(
	jsonRecords: readonly string[],
	kind: Pick<ImportKind<unknown>, 'open' | 'close' | 'maxRecords' | 'maxBytes'>,
): { batches: Batch[]; oversized: number[] } {
	const room = kind.maxBytes - Buffer.byteLength(kind.open) - Buffer.byteLength(kind.close);
	const batches: Batch[] = [];
	const oversized: number[] = [];
	let current: Batch = { members: [], parts: [], bytes: 0 };
	jsonRecords.forEach((json, position) => {
		const bytes = Buffer.byteLength(json) + 1;
		if (bytes > room) {
			oversized.push(position);
			return;
		}
		if (current.members.length >= kind.maxRecords || current.bytes + bytes > room) {
			batches.push(current);
			current = { members: [], parts: [], bytes: 0 };
		}
		current.members.push(position);
		current.parts.push(json);
		current.bytes += bytes;
	});
	if (current.members.length > 0) batches.push(current);
	return { batches, oversized };
}

/** A batch is never halved below this many records on a 413; one record alone is reported as too large. */
const SMALLEST_BATCH = 1;

/**
 * Runs every batch as one import, `kind.concurrency` at a time, and reports each batch's outcome once.
 * A batch refused as too large (413) is halved and both halves go again, and every batch still to go
 * is cut below the refused size, so a gateway with a smaller limit than Dotdigital's costs a few
 * calls, never the records.
 */
export async function runImports<S>(
	transport: DotdigitalTransport,
	kind: ImportKind<S>,
	batches: readonly Batch[],
	onOutcome: (batch: Batch, outcome: BatchOutcome<S>) => void,
	options: ImportRunOptions = {},
): Promise<void> {
	const poll = { ...DEFAULT_POLL, ...options.poll };
	const sleep =
		options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
	const queue = [...batches];
	const pace = options.pace ?? new ImportPace();
	let ceiling = Infinity;
	let started = 0;
	const worker = async (): Promise<void> => {
		for (;;) {
			// The first import of a kind goes alone: the rest then wait as long as it took.
			if (started++ > 0) await pace.firstEnded(kind.name);
			let batch = queue.shift();
			if (!batch) return;
			while (batch.bytes > ceiling && batch.members.length > SMALLEST_BATCH) {
				const [first, second] = halve(batch);
				queue.unshift(second);
				batch = first;
			}
			const outcome = await runOne(transport, kind, batch, poll, sleep, pace);
			if (
				outcome.kind === 'failed' &&
				isTooLarge(outcome.error) &&
				batch.members.length > SMALLEST_BATCH
			) {
				ceiling = Math.min(ceiling, Math.floor(batch.bytes / 2));
				queue.unshift(...halve(batch));
				continue;
			}
			if (outcome.kind === 'failed' && isTooLarge(outcome.error)) {
				const reason = `Dotdigital refused this record as too large: the request was ${formatBytes(batch.bytes)} with this one record alone`;
				onOutcome(batch, { ...outcome, reason, retryable: false });
				continue;
			}
			onOutcome(batch, outcome);
		}
	};
	// A worker may find the queue empty while another is about to put halves back on it.
	while (queue.length > 0)
		await Promise.all(Array.from({ length: Math.min(kind.concurrency, queue.length) }, worker));
}

function isTooLarge(error: unknown): boolean {
	return error instanceof DotdigitalApiError && error.status === 413;
}

function halve(batch: Batch): [Batch, Batch] {
	const middle = Math.ceil(batch.members.length / 2);
	const part = (from: number, to: number): Batch => {
		const parts = batch.parts.slice(from, to);
		return {
			members: batch.members.slice(from, to),
			parts,
			bytes: parts.reduce((sum, json) => sum + Buffer.byteLength(json) + 1, 0),
		};
	};
	return [part(0, middle), part(middle, batch.members.length)];
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
	if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${bytes} bytes`;
}

async function runOne<S>(
	transport: DotdigitalTransport,
	kind: ImportKind<S>,
	batch: Batch,
	poll: PollPolicy,
	sleep: (ms: number) => Promise<void>,
	pace: ImportPace,
): Promise<BatchOutcome<S>> {
	let foundDoneAfter: number | undefined;
	try {
		return await sendAndWait(
			transport,
			kind,
			batch,
			poll,
			sleep,
			pace,
			(waited) => (foundDoneAfter = waited),
		);
	} finally {
		pace.ended(kind.name, foundDoneAfter);
	}
}

async function sendAndWait<S>(
	transport: DotdigitalTransport,
	kind: ImportKind<S>,
	batch: Batch,
	poll: PollPolicy,
	sleep: (ms: number) => Promise<void>,
	pace: ImportPace,
	foundDone: (waited: number) => void,
): Promise<BatchOutcome<S>> {
	let importId: string | undefined;
	const sentAfter = transport.serverTime() ?? Date.now() - CLOCK_MARGIN_MS;
	try {
		const { body, repeated } = await transport.request<{ importId?: string }>(
			'PUT',
			kind.submitPath,
			{
				call: kind.name,
				body: `${kind.open}${batch.parts.join(',')}${kind.close}`,
			},
		);
		importId = body?.importId;
		if (!importId)
			throw new DotdigitalError(
				`Dotdigital accepted the ${kind.name} but gave no import id`,
				'noImportId',
				true,
			);
		let waited = 0;
		const nextWait = pace.waits(kind.name, poll);
		for (;;) {
			const wait = Math.min(nextWait(), poll.totalMs - waited);
			if (wait <= 0) {
				const minutes = Math.round(poll.totalMs / 60_000);
				return {
					kind: 'failed',
					importId,
					error: new DotdigitalError('import still running', 'importTimedOut', true),
					reason:
						`Dotdigital was still processing ${kind.name} ${importId} after ${minutes || poll.totalMs / 1000 + ' s'}${minutes ? ' minutes' : ''}; ` +
						'it may still finish, and sending the records again is safe',
					retryable: true,
				};
			}
			await sleep(wait);
			waited += wait;
			const { body: status } = await transport.request<S>('GET', kind.statusPath(importId), {
				call: `${kind.name} status`,
			});
			const progress = kind.progress(status);
			if (progress === 'done') {
				foundDone(waited);
				return {
					kind: 'done',
					importId,
					status,
					...(repeated ? { repeatedSince: sentAfter - CLOCK_MARGIN_MS } : {}),
				};
			}
			if (progress !== 'pending') {
				return {
					kind: 'failed',
					importId,
					error: new DotdigitalError(progress.failed, 'importFailed', false),
					reason: progress.failed,
					retryable: false,
				};
			}
		}
	} catch (error) {
		const known = error instanceof DotdigitalError ? error : undefined;
		const lost = importId
			? `; Dotdigital may have imported them (import ${importId}), and sending them again is safe`
			: '';
		return {
			kind: 'failed',
			importId,
			error: error as Error,
			reason: `${(error as Error).message}${lost}`,
			retryable: known?.retryable ?? false,
		};
	}
}

/**
 * Serialises, batches and imports `entries`, one result per entry in `results` (by `index`). Whole-batch
 * failures and oversized records are settled here; `settle` handles each finished import. A refused
 * login is thrown when no batch got through, so the run fails as a whole; after that, it fails only
 * the batches it hit.
 */
export async function importBatches<T extends { index: number; key: string }, S>(
	transport: DotdigitalTransport,
	kind: ImportKind<S>,
	entries: readonly T[],
	serialise: (entry: T) => string,
	results: (RecordResult | undefined)[],
	options: ImportRunOptions,
	settle: (members: T[], outcome: BatchOutcome<S> & { kind: 'done' }) => void,
): Promise<void> {
	const { batches, oversized } = batchRecords(entries.map(serialise), kind);
	for (const position of oversized) {
		results[entries[position].index] = {
			status: 'failed',
			key: entries[position].key,
			code: 'recordTooLarge',
			description:
				`The record alone is ${formatBytes(Buffer.byteLength(serialise(entries[position])))}, ` +
				`more than the ${formatBytes(kind.maxBytes)} Dotdigital accepts in one request`,
			retryable: false,
			owner: 'till data',
		};
	}
	let refused: Error | undefined;
	let anyDone = false;
	await runImports(
		transport,
		kind,
		batches,
		(batch, outcome) => {
			const members = batch.members.map((position) => entries[position]);
			if (outcome.kind === 'done') {
				anyDone = true;
				settle(members, outcome);
				for (const member of members) {
					results[member.index] ??= {
						status: 'failed',
						key: member.key,
						importId: outcome.importId,
						code: 'notReported',
						description: `Dotdigital's ${kind.name} report did not mention this record; sending it again is safe`,
						retryable: true,
						owner: 'API',
					};
				}
				return;
			}
			if (
				outcome.error instanceof DotdigitalApiError &&
				(outcome.error.status === 401 || outcome.error.status === 403)
			)
				refused ??= outcome.error;
			for (const member of members) {
				results[member.index] = {
					status: 'failed',
					key: member.key,
					importId: outcome.importId,
					code: outcome.error instanceof DotdigitalError ? outcome.error.code : 'error',
					description: outcome.reason,
					retryable: outcome.retryable,
					owner: 'API',
				};
			}
		},
		options,
	);
	if (refused && !anyDone) throw refused;
}
