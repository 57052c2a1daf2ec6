/**
 * Typed entry to the real-n8n harness for the e2e tests: one server per test file, on a fresh
 * user folder, with the package installed the way n8n installs community packages.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The harness is plain CommonJS so that `npm start` can use it before anything is compiled.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const instanceModule = require('./instance.cjs') as typeof import('./instance.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeModule = require('./runtime.cjs') as typeof import('./runtime.cjs');

export const { N8nInstance, waitFor, sleep, PACKAGE_NAME } = instanceModule;
export type N8nInstance = InstanceType<typeof instanceModule.N8nInstance>;

export const repoDir = resolve(__dirname, '..', '..', '..');

export interface E2eServer {
	instance: N8nInstance;
	root: string;
	/** The folder n8n may read (N8N_RESTRICT_FILE_ACCESS_TO); watched folders go inside it. */
	files: string;
	/** Stops n8n and removes its folder (kept when POS_SYNC_KEEP_E2E is set, for a look at n8n.log). */
	stop(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<E2eServer> {
	const runtime = await runtimeModule.ensureRuntime();
	const nodesDir =
		process.env.POS_SYNC_STAGED_NODES ??
		instanceModule.stagePackage(repoDir, join(repoDir, '.build', 'staged-package'));
	const root = mkdtempSync(join(tmpdir(), 'pos-sync-e2e-'));
	const files = join(root, 'files');
	mkdirSync(files, { recursive: true });
	const instance = new instanceModule.N8nInstance({
		runtime,
		root,
		packageNodesDir: nodesDir,
		env: { N8N_RESTRICT_FILE_ACCESS_TO: files, GENERIC_TIMEZONE: 'UTC', ...env },
	});
	await instance.start();
	return {
		instance,
		root,
		files,
		stop: async () => {
			await instance.stop();
			if (!process.env.POS_SYNC_KEEP_E2E) rmSync(root, { recursive: true, force: true });
		},
	};
}

/** Output items of one node in an execution read back through the public API. */
export function nodeOutput(execution: any, nodeName: string, output = 0): any[] {
	const runs = execution?.data?.resultData?.runData?.[nodeName];
	if (!runs) return [];
	return runs.flatMap((run: any) => run?.data?.main?.[output] ?? []);
}

export function ranNode(execution: any, nodeName: string): boolean {
	return !!execution?.data?.resultData?.runData?.[nodeName];
}
