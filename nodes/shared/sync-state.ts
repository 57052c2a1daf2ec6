import { randomUUID } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { defaultStatePath, SyncStateStore, type StepCounts } from '../../lib/state';

/** The sync state store (identity index, fingerprints, ledger) in the n8n user folder, or POS_SYNC_STATE_DIR. */
export function openState(ctx: IExecuteFunctions): SyncStateStore {
	const path = defaultStatePath();
	try {
		return SyncStateStore.open(path);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Could not open the sync state file ${path}`, {
			description: `${error instanceof Error ? error.message : String(error)}. Set POS_SYNC_STATE_DIR to a folder n8n can write to.`,
		});
	}
}

/** Writes this node's counts per file into the ledger, under the execution that made them. */
export function recordInLedger(ctx: IExecuteFunctions, store: SyncStateStore, counts: ReadonlyArray<{ file: string; counts: StepCounts }>): void {
	if (counts.length === 0) return;
	const executionId = ctx.getExecutionId() || `unsaved-${randomUUID()}`;
	const workflow = ctx.getWorkflow().name ?? '';
	const recordedAt = new Date().toISOString();
	store.recordLedgerSteps(counts.map((entry) => ({ executionId, workflow, node: ctx.getNode().name, file: entry.file, recordedAt, counts: entry.counts })));
}
