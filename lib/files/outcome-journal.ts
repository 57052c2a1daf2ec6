import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import type { RegisterState } from './file-register';

/**
 * A copy of the trigger's file register on disk, under the n8n user folder.
 *
 * n8n saves a trigger's static data only when the trigger emits or is activated. The outcome of
 * the last execution before a restart would otherwise be lost, and that file emitted twice.
 * The register in static data stays the record; this copy only closes that gap.
 */
export class OutcomeJournal {
	/** `legacyPath` is where versions that called the register a "ledger" kept this copy; read only. */
	constructor(
		readonly path: string,
		readonly legacyPath?: string,
	) {}

	static forTrigger(
		workflowId: string,
		nodeId: string,
		env: NodeJS.ProcessEnv = process.env,
	): OutcomeJournal {
		const safe = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');
		const folder = join(env.N8N_USER_FOLDER ?? homedir(), '.n8n', 'pos-sync');
		const name = `${safe(workflowId)}-${safe(nodeId)}.json`;
		return new OutcomeJournal(
			join(folder, 'trigger-registers', name),
			join(folder, 'trigger-ledgers', name),
		);
	}

	async read(): Promise<unknown> {
		for (const path of [this.path, this.legacyPath]) {
			if (!path) continue;
			try {
				return JSON.parse(await readFile(path, 'utf8'));
			} catch {
				continue;
			}
		}
		return undefined;
	}

	/** Written to a scratch file and renamed, so a crash mid-write leaves the previous copy whole. */
	async write(state: RegisterState): Promise<void> {
		await mkdir(dirname(this.path), { recursive: true });
		const scratch = `${this.path}.${process.pid}.tmp`;
		await writeFile(scratch, JSON.stringify(state));
		await rename(scratch, this.path);
	}
}
