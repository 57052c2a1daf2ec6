/**
 * What the Dotdigital benches share: records generated inside n8n's engine (as Mapping Apply would hand
 * them on), the fake Dotdigital in a process of its own, and one measured run of Dotdigital Upsert:
 * wall time, API calls by kind, and peak RSS growth.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { DotdigitalApi } from '../../credentials/DotdigitalApi.credentials';
import { DotdigitalUpsert } from '../../nodes/DotdigitalUpsert/DotdigitalUpsert.node';
import { outputOf, runWorkflow } from '../../test/nodes/harness/engine';

const MB = 1024 * 1024;

// The sync state goes to a fresh folder, never into the n8n user folder of whoever runs the bench.
process.env.POS_SYNC_STATE_DIR ??= mkdtempSync(join(tmpdir(), 'pos-sync-bench-state-'));

export interface Fake {
	rootUrl: string;
	adminUrl: string;
	user: string;
	password: string;
}

/** `count` records, the index-th made by `make`. */
export interface RecordSet {
	count: number;
	make: (index: number) => IDataObject;
}

/** A node that generates a record set inside the workflow. */
function benchRecords(records: RecordSet): INodeType {
	const description: INodeTypeDescription = {
		displayName: 'Bench Records',
		name: 'benchRecords',
		group: ['input'],
		version: 1,
		description: 'Records for the bench',
		defaults: { name: 'Bench Records' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};
	return {
		description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const items: INodeExecutionData[] = [];
			for (let index = 0; index < records.count; index++)
				items.push({ json: records.make(index), pairedItem: { item: 0 } });
			return [items];
		},
	};
}

/** The fake Dotdigital in its own process, so its work does not count against the node's memory and time. */
export async function startFake(
	importMs: number,
	importMaxMs = importMs,
): Promise<{ fake: Fake; stop: () => Promise<void> }> {
	// The fake keeps every contact in memory: a million of them need more than Node's default heap.
	const child = fork(
		join(__dirname, '..', '..', 'test', 'fakes', 'dotdigital', 'main.js'),
		['--port', '0', '--import-ms', String(importMs), '--import-max-ms', String(importMaxMs)],
		{
			stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
			execArgv: ['--max-old-space-size=12288'],
		},
	);
	child.on('exit', (code, signal) => {
		if (code !== 0 && signal !== 'SIGTERM')
			process.stderr.write(`The fake Dotdigital stopped (${signal ?? `exit code ${code}`})\n`);
	});
	const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
	const info = JSON.parse(line) as Omit<Fake, 'password'>;
	const state = (await (await fetch(`${info.adminUrl}state`)).json()) as { password?: string };
	return {
		fake: {
			...info,
			password: process.env.FAKE_DOTDIGITAL_PASSWORD ?? state.password ?? 'fake-Passw0rd',
		},
		stop: async () => {
			child.kill('SIGTERM');
			await once(child, 'exit');
		},
	};
}

/**
 * The fake's admin API. Tried again once the connection drops: the node's requests share the process's
 * connection pool, and a pooled connection can close just as it is reused.
 */
async function admin<T>(fake: Fake, path: string): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return (await (await fetch(`${fake.adminUrl}${path}`)).json()) as T;
		} catch (error) {
			if (attempt === 3) throw error;
		}
	}
}

export async function callsSince(fake: Fake, from: number): Promise<Map<string, number>> {
	const calls = await admin<Array<{ method: string; path: string }>>(fake, 'calls');
	const byKind = new Map<string, number>();
	for (const call of calls.slice(from)) {
		const kind = `${call.method} ${call.path.replace(/^\/r\d/, '').replace(/\/[0-9a-f-]{36}$/, '/{id}')}`;
		byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
	}
	return byKind;
}

export interface Measured {
	seconds: number;
	summary: IDataObject;
	/** API calls that send records (bulk imports and real-time calls). */
	sending: number;
	/** Contact imports submitted. */
	contactImports: number;
	total: number;
}

/** Runs Dotdigital Upsert once on `records` and prints what it took. */
export async function measure(
	fake: Fake,
	label: string,
	records: RecordSet,
	parameters: INodeParameters,
): Promise<Measured> {
	const callsBefore = (await admin<unknown[]>(fake, 'calls')).length;
	global.gc?.();
	const rssBefore = process.memoryUsage().rss;
	let peak = rssBefore;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
	const started = performance.now();
	const run = await runWorkflow({
		nodes: [
			{ name: 'Records', type: 'n8n-nodes-pos-sync.benchRecords', parameters: {} },
			{
				name: 'Dotdigital',
				type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
				parameters,
				credentials: { dotdigitalApi: { id: 'bench', name: 'Fake Dotdigital' } },
			},
		],
		connections: { Records: { main: [[{ node: 'Dotdigital', type: 'main', index: 0 }]] } },
		nodeTypes: { benchRecords: benchRecords(records), dotdigitalUpsert: new DotdigitalUpsert() },
		credentialTypes: { dotdigitalApi: new DotdigitalApi() },
		credentials: {
			dotdigitalApi: {
				user: fake.user,
				password: fake.password,
				region: 'auto',
				baseUrl: fake.rootUrl + '/r1',
			},
		},
	});
	const seconds = (performance.now() - started) / 1000;
	clearInterval(sampler);
	const summary = outputOf(run, 'Dotdigital', 2)[0].json;
	const calls = await callsSince(fake, callsBefore);
	const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
	const count = (test: (call: string) => boolean): number =>
		[...calls.entries()].filter(([call]) => test(call)).reduce((sum, [, n]) => sum + n, 0);
	const sending = count((call) => call.startsWith('PUT ') || call.startsWith('PATCH '));
	const checks = count((call) => /^GET .*\/import\/\{id\}$/.test(call));
	const contactImports = count((call) => call === 'PUT /contacts/v3/import');
	const received = Number(summary.records);
	process.stdout.write(
		`\n${label}: ${received.toLocaleString('en-GB')} records in ${seconds.toFixed(1)} s; done ${summary.done}, failed ${summary.failed}, unchanged ${summary.unchanged ?? 0} ` +
			`(created ${summary.created}, updated ${summary.updated}, imported ${summary.imported}); peak RSS growth ${((peak - rssBefore) / MB).toFixed(0)} MB\n` +
			`  API calls: ${total} in all, ${per100k(total, received)} per 100,000 records: ${sending} that send records (${per100k(sending, received)} per 100,000), ` +
			`${checks} import status checks (one per import), ${total - sending - checks} other\n`,
	);
	for (const [call, n] of [...calls.entries()].sort((a, b) => b[1] - a[1]))
		process.stdout.write(`    ${String(n).padStart(6)}  ${call}\n`);
	return { seconds, summary, sending, contactImports, total };
}

function per100k(calls: number, records: number): string {
	return (calls / (records / 100_000)).toFixed(1);
}

/** Runs `main`, then exits: the engine leaves timers behind. */
export function runBench(main: () => Promise<void>): void {
	main().then(
		() => process.exit(0),
		(error: unknown) => {
			process.stderr.write(
				`${error instanceof Error ? (error.stack ?? error.message) : String(error)}${error instanceof Error && error.cause ? `\ncaused by: ${String(error.cause)}` : ''}\n`,
			);
			process.exit(1);
		},
	);
}
