import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import type { LedgerState } from './ledger';

/**
 * A copy of the trigger's ledger on disk, under the n8n user folder.
 *
 * n8n saves a trigger's static data only when the trigger emits or is activated. The outcome of
 * the last execution before a restart would otherwise be lost, and that file emitted twice.
 * The ledger in static data stays the record; this copy only closes that gap.
 */
export class OutcomeJournal {
	constructor(readonly path: string) {}

	static forTrigger(
		workflowId: string,
		nodeId: string,
		env: NodeJS.ProcessEnv = process.env,
	): OutcomeJournal {
		const safe = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');
		const userFolder = env.N8N_USER_FOLDER ?? homedir();
		return new OutcomeJournal(
			join(
				userFolder,
				'.n8n',
				'pos-sync',
				'trigger-ledgers',
				`${safe(workflowId)}-${safe(nodeId)}.json`,
			),
		);
	}

	async read(): Promise<unknown> {
		try {
			return JSON.parse(await readFile(this.path, 'utf8'));
		} catch {
			return undefined;
		}
	}

	/** Written to a scratch file and renamed, so a crash mid-write leaves the previous copy whole. */
	async write(state: LedgerState): Promise<void> {
		await mkdir(dirname(this.path), { recursive: true });
		const scratch = `${this.path}.${process.pid}.tmp`;
		await writeFile(scratch, JSON.stringify(state));
		await rename(scratch, this.path);
	}
}
