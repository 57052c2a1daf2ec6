import { randomUUID } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { withSystemFault } from './node-errors';
import { defaultStatePath, inFlightNode, SyncStateStore, type StepCounts } from '../../lib/state';

/** The sync state store (identity index, fingerprints, ledger) in the n8n user folder, or POS_SYNC_STATE_DIR. */
export function openState(ctx: IExecuteFunctions): SyncStateStore {
	const path = defaultStatePath();
	try {
		return SyncStateStore.open(path);
	} catch (error) {
		const refused = new NodeOperationError(ctx.getNode(), `Could not open the sync state file ${path}`, {
			description: `${error instanceof Error ? error.message : String(error)}. Set POS_SYNC_STATE_DIR to a folder n8n can write to.`,
		});
		throw withSystemFault(refused, { system: 'the sync state store', cause: 'the sync state store cannot be opened' });
	}
}

const unsavedRuns = new WeakMap<object, string>();

/** Writes this node's counts per file into the ledger, under the execution that made them. */
export function recordInLedger(ctx: IExecuteFunctions, store: SyncStateStore, counts: ReadonlyArray<{ file: string; counts: StepCounts }>, node = ctx.getNode().name): void {
	if (counts.length === 0) return;
	const executionId = executionIdOf(ctx);
	const workflow = ctx.getWorkflow().name ?? '';
	const recordedAt = new Date().toISOString();
	store.recordLedgerSteps(counts.map((entry) => ({ executionId, workflow, node, file: entry.file, recordedAt, counts: entry.counts })));
}

/**
 * Before anything is sent: how many records of each file are about to go, so that a run stopped
 * half-way leaves "sent, outcome unknown" in the ledger rather than nothing.
 */
export function markInFlight(ctx: IExecuteFunctions, store: SyncStateStore, resource: string, records: ReadonlyArray<Record<string, unknown>>, fileWithoutSource: string): void {
	const byFile = new Map<string, number>();
	for (const record of records) {
		const source = record._source as { file?: unknown } | undefined;
		const file = typeof source?.file === 'string' ? source.file : fileWithoutSource;
		byFile.set(file, (byFile.get(file) ?? 0) + 1);
	}
	recordInLedger(ctx, store, [...byFile].map(([file, count]) => ({ file, counts: { step: 'inFlight', resource, records: count } })), inFlightNode(ctx.getNode().name));
}

/** The execution's id; a manual run that is not saved gets one id for all its nodes. */
function executionIdOf(ctx: IExecuteFunctions): string {
	const id = ctx.getExecutionId();
	if (id) return id;
	const workflow = ctx.getWorkflow() as object;
	let unsaved = unsavedRuns.get(workflow);
	if (!unsaved) {
		unsaved = `unsaved-${randomUUID()}`;
		unsavedRuns.set(workflow, unsaved);
	}
	return unsaved;
}
