import { randomUUID } from 'node:crypto';

import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { withSystemFault } from './node-errors';
import {
	SyncStateError,
	defaultStatePath,
	guardSyncState,
	inFlightNode,
	openSyncState,
	queueModeProblem,
	stateLocation,
	type StateLocation,
	type StepCounts,
	type SyncState,
} from '../../lib/state';

type NodeOperationErrorOptions = NonNullable<ConstructorParameters<typeof NodeOperationError>[2]>;

/** Who fixes a fault of the sync state: whoever runs n8n and its storage. */
export const SYSTEM_OWNER = 'system';

const stateFaults = new WeakSet<object>();

/** An n8n error for a sync state that could not be set up, opened, read or written: nobody's data, owner "system". */
export function syncStateFault(
	node: INode,
	message: string,
	options: NodeOperationErrorOptions = {},
): NodeOperationError {
	const error = new NodeOperationError(node, message, options);
	stateFaults.add(error);
	return error;
}

/** Whether an error is the sync state's own fault (owner "system") rather than the data's or the mapping's. */
export function isSyncStateFault(error: unknown): boolean {
	return (
		error instanceof SyncStateError ||
		(typeof error === 'object' && error !== null && stateFaults.has(error))
	);
}

/** A SyncStateError met during a run, as the n8n error a node shows. */
export function syncStateNodeError(
	ctx: IExecuteFunctions,
	error: SyncStateError,
	itemIndex?: number,
): NodeOperationError {
	return syncStateFault(ctx.getNode(), error.message, {
		itemIndex,
		description:
			'Owner: system. The sync state is where n8n keeps what was sent and the ledger; ask whoever runs n8n to check its disk or database.',
	});
}

/**
 * The sync state (identity index, fingerprints, contact registry, ledger): a SQLite file in the n8n
 * user folder (or POS_SYNC_STATE_DIR), or Postgres when n8n runs on Postgres or
 * POS_SYNC_STATE_POSTGRES_URL is set. In queue mode a state per process is refused: it would split.
 */
export async function openState(ctx: IExecuteFunctions): Promise<SyncState> {
	let location: StateLocation;
	try {
		location = stateLocation(process.env, defaultStatePath());
	} catch (error) {
		throw syncStateFault(ctx.getNode(), 'The sync state settings are not right', {
			description: error instanceof Error ? error.message : String(error),
		});
	}
	const problem = queueModeProblem(process.env, location);
	if (problem)
		throw syncStateFault(
			ctx.getNode(),
			'The sync state must be shared by all of n8n’s processes in queue mode',
			{ description: problem },
		);
	try {
		return guardSyncState(await openSyncState(location));
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		const message =
			location.backend === 'sqlite'
				? `Could not open the sync state file ${location.path}`
				: `Could not open the sync state in Postgres at ${location.where}`;
		const refused = syncStateFault(ctx.getNode(), message, {
			description:
				location.backend === 'sqlite'
					? `${reason}. Set POS_SYNC_STATE_DIR to a folder n8n can write to.`
					: `${reason}. Check ${location.source === 'DB_POSTGRESDB' ? 'n8n’s DB_POSTGRESDB_* settings' : 'POS_SYNC_STATE_POSTGRES_URL'}; ` +
						`the database user needs to create the schema ${location.schema} and tables in it.`,
		});
		throw withSystemFault(refused, {
			system: 'the sync state store',
			cause: 'the sync state store cannot be opened',
		});
	}
}

const unsavedRuns = new WeakMap<object, string>();

/** Writes this node's counts per file into the ledger, under the execution that made them. */
export async function recordInLedger(
	ctx: IExecuteFunctions,
	store: SyncState,
	counts: ReadonlyArray<{ file: string; counts: StepCounts }>,
	node = ctx.getNode().name,
): Promise<void> {
	if (counts.length === 0) return;
	const executionId = executionIdOf(ctx);
	const workflow = ctx.getWorkflow().name ?? '';
	const recordedAt = new Date().toISOString();
	await store.recordLedgerSteps(
		counts.map((entry) => ({
			executionId,
			workflow,
			node,
			file: entry.file,
			recordedAt,
			counts: entry.counts,
		})),
	);
}

/**
 * Before anything is sent: how many records of each file are about to go, so that a run stopped
 * half-way leaves "sent, outcome unknown" in the ledger rather than nothing.
 */
export async function markInFlight(
	ctx: IExecuteFunctions,
	store: SyncState,
	resource: string,
	recordsPerFile: ReadonlyMap<string, number>,
): Promise<void> {
	const counts = [...recordsPerFile].map(([file, count]) => ({
		file,
		counts: { step: 'inFlight' as const, resource, records: count },
	}));
	await recordInLedger(ctx, store, counts, inFlightNode(ctx.getNode().name));
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
