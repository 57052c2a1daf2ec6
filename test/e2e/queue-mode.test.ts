/**
 * A real n8n 2.41.1 queue-mode cluster: Postgres and Redis from Debian's packages on loopback ports,
 * a main instance and two workers, each with its own user folder (as on separate hosts) and the
 * package installed. The sync state goes to n8n's own Postgres database (schema pos_sync) with no
 * setting of ours. The templates are imported on main, whose POS File Triggers hand each file to a
 * worker. Customers run on one worker and transactions on the other: every order reaches its contact
 * through the customer index; the unchanged customers sent again send nothing; and the Sync Ledger,
 * run manually on main, shows every file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as XLSX from 'xlsx';

import { defaultStatePath } from '../../lib/state';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { startFakeStore, type FakeStore } from '../fakes/store';
import { writeFileAged } from '../helpers/files';
import { N8nInstance, nodeOutput, repoDir } from './harness';

/* eslint-disable @typescript-eslint/no-require-imports */
const { ensureRuntime } =
	require('./harness/runtime.cjs') as typeof import('./harness/runtime.cjs');
const { stagePackage } =
	require('./harness/instance.cjs') as typeof import('./harness/instance.cjs');
const { startPostgres, startRedis } = require('./harness/services.cjs') as {
	startPostgres: () => Promise<{ env: Record<string, string>; stop: () => Promise<void> }>;
	startRedis: () => Promise<{ port: number; stop: () => Promise<void> }>;
};
const { setUpDemoShop } =
	require('./harness/sandbox.cjs') as typeof import('./harness/sandbox.cjs');
const demoShop =
	require('../fixtures/demo-shop/index.cjs') as typeof import('../fixtures/demo-shop/index.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

const began = Date.now();
let root: string;
let files: string;
let postgres: Awaited<ReturnType<typeof startPostgres>>;
let redis: Awaited<ReturnType<typeof startRedis>>;
let dotdigital: FakeDotdigital;
let khaos: FakeKhaos;
let store: FakeStore;
let main: N8nInstance;
let workerA: N8nInstance;
let workerB: N8nInstance;
let shop: Awaited<ReturnType<typeof setUpDemoShop>>;

const pos = (...parts: string[]) => join(files, 'pos', ...parts);
const workflowId = (prefix: string) =>
	shop.workflows.find((workflow) => workflow.file.startsWith(prefix))!.id;
const contactImports = () =>
	dotdigital
		.calls()
		.filter((call) => call.method === 'PUT' && call.path.endsWith('/contacts/v3/import')).length;
/** Whether the worker's log says it ran the execution. */
const ran = (worker: N8nInstance, executionId: string) =>
	readFileSync(worker.logFile, 'utf8').includes(`Worker started execution ${executionId} `);

function expectSuccess(execution: any) {
	const error = execution.data?.resultData?.error;
	const failure = {
		node: execution.data?.resultData?.lastNodeExecuted,
		error: error?.message,
		description: error?.description,
	};
	expect(
		execution.status === 'success' ? 'success' : `${execution.status}: ${JSON.stringify(failure)}`,
	).toBe('success');
}

/** The customer numbers of the customer export whose contact Dotdigital holds. */
function customersInDotdigital(): Set<string> {
	const workbook = XLSX.read(
		readFileSync(demoShop.demoExport('customers'), 'utf8').replace(/^\uFEFF/, ''),
		{ type: 'string', raw: true },
	);
	const rows = XLSX.utils.sheet_to_json<Record<string, string>>(
		workbook.Sheets[workbook.SheetNames[0]],
		{ raw: false },
	);
	return new Set(
		rows
			.filter((row) =>
				dotdigital.contact(
					'email',
					String(row.Email ?? '')
						.trim()
						.toLowerCase(),
				),
			)
			.map((row) => String(row['Customer No'])),
	);
}

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pos-sync-cluster-'));
	files = join(root, 'files');
	mkdirSync(files, { recursive: true });
	const [runtime] = await Promise.all([
		ensureRuntime(),
		(async () => ([postgres, redis] = await Promise.all([startPostgres(), startRedis()])))(),
	]);
	[dotdigital, khaos, store] = await Promise.all([
		startFakeDotdigital({ importMs: 300 }),
		startFakeKhaos(),
		startFakeStore(),
	]);
	const packageNodesDir =
		process.env.POS_SYNC_STAGED_NODES ??
		stagePackage(repoDir, join(repoDir, '.build', 'staged-package'));
	// The same settings on main and on every worker, as the docs give them.
	const env = {
		...postgres.env,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_RESTRICT_FILE_ACCESS_TO: files,
		GENERIC_TIMEZONE: 'Europe/London',
	};
	const instance = (name: string, command: 'start' | 'worker') =>
		new N8nInstance({ runtime, root: join(root, name), packageNodesDir, env, command });
	main = instance('main', 'start');
	workerA = instance('worker-a', 'worker');
	workerB = instance('worker-b', 'worker');
	for (const each of [main, workerA, workerB]) mkdirSync(each.root, { recursive: true });
	await main.start();
	await workerA.start();
	shop = await setUpDemoShop(main, {
		filesRoot: files,
		fakes: { dotdigital, khaos, store },
		checkEverySeconds: 1,
		settleSeconds: 1,
	});
}, 600_000);

afterAll(async () => {
	await Promise.all([main, workerA, workerB].map((each) => each?.stop()));
	await Promise.all([
		postgres?.stop(),
		redis?.stop(),
		dotdigital?.stop(),
		khaos?.stop(),
		store?.stop(),
	]);
	if (root && !process.env.POS_SYNC_KEEP_E2E) rmSync(root, { recursive: true, force: true });
	process.stdout.write(
		`The queue-mode cluster test took ${Math.round((Date.now() - began) / 1000)} s (Postgres, Redis, n8n main and two workers started, four files run).\n`,
	);
}, 120_000);

describe('n8n in queue mode: main, two workers, Redis and Postgres', () => {
	it('customers on worker A: the contacts are made and the index learns their customer numbers', async () => {
		writeFileAged(
			pos('customers', 'Customers_2026-11-21.csv'),
			readFileSync(demoShop.demoExport('customers')),
			5,
		);
		const [execution] = await main.waitForExecutions(workflowId('01-'), 1, { timeoutMs: 300_000 });
		expectSuccess(execution);
		expect(ran(workerA, execution.id)).toBe(true);
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({
			records: 39,
			done: 37,
			failed: 2,
			balanced: true,
		});
		expect(readdirSync(pos('customers')).filter((name) => name.endsWith('.csv'))).toEqual([]);
	});

	it('transactions on worker B: every order reaches its contact through the index', async () => {
		await workerA.stop();
		await workerB.start();
		writeFileAged(
			pos('transactions', 'Transactions_2026-11-21.csv'),
			readFileSync(demoShop.demoExport('transactions')),
			5,
		);
		const [execution] = await main.waitForExecutions(workflowId('03-'), 1, { timeoutMs: 300_000 });
		expectSuccess(execution);
		expect(ran(workerB, execution.id)).toBe(true);
		expect(ran(workerA, execution.id)).toBe(false);

		const summary = nodeOutput(execution, 'Send to Dotdigital', 2)[0].json;
		expect(summary).toMatchObject({ records: 30, balanced: true });
		const done = nodeOutput(execution, 'Send to Dotdigital', 0).map((item) => item.json);
		// Loyalty-card receipts without an email got it from the index the other worker wrote.
		expect(
			done
				.filter((item) => item.email_from === 'customer index')
				.map((item) => [item.key, item.email]),
		).toContainEqual(['R40014', 'ava.williams@example.co.uk']);
		// What failed is only what no process could know: receipts with neither an email nor the number of a customer Dotdigital holds.
		const known = customersInDotdigital();
		expect(known.size).toBe(37);
		const failed = nodeOutput(execution, 'Send to Dotdigital', 1).map((item) => item.json);
		expect(
			failed.map((item) => [
				item.code,
				Boolean(item.record.email),
				known.has(String(item.record.customer_id ?? '')),
			]),
		).toEqual(failed.map(() => ['customerLookupFailed', false, false]));
		const orders = dotdigital.collection('Orders')?.records ?? [];
		expect(orders).toHaveLength(summary.done);
		for (const order of orders)
			expect(dotdigital.contact('email', String(order.contactIdentity?.value))).toBeDefined();
	});

	it('the same customers again, with both workers up: nothing is sent', async () => {
		await workerA.start();
		const importsBefore = contactImports();
		const again = readFileSync(demoShop.demoExport('customers'), 'utf8').replace(/\r\n/g, '\n');
		writeFileAged(pos('customers', 'Customers_2026-11-22.csv'), again, 5);
		const [, execution] = await main.waitForExecutions(workflowId('01-'), 2, {
			timeoutMs: 300_000,
		});
		expectSuccess(execution);
		expect(ran(workerA, execution.id) || ran(workerB, execution.id)).toBe(true);
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({
			records: 39,
			done: 0,
			failed: 2,
			unchanged: 37,
			imports: 0,
			balanced: true,
		});
		expect(contactImports()).toBe(importsBefore);
	});

	it('the Sync Ledger, run manually on main, shows every file whichever worker ran it', async () => {
		const id = await main.createWorkflow({
			name: 'Ledger check',
			nodes: [
				{
					id: 'manual',
					name: 'Check the ledger',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'ledger',
					name: 'Sync Ledger',
					type: 'n8n-nodes-pos-sync.syncLedger',
					typeVersion: 1,
					position: [220, 0],
					parameters: { operation: 'files', period: 'today' },
				},
			],
			connections: {
				'Check the ledger': { main: [[{ node: 'Sync Ledger', type: 'main', index: 0 }]] },
			},
		});
		const execution = await main.runManually(id, 'Check the ledger');
		expectSuccess(execution);
		expect([workerA, workerB].some((worker) => ran(worker, execution.id))).toBe(false);
		const lines = nodeOutput(execution, 'Sync Ledger').map((item) => item.json);
		expect(lines.map((line) => [line.file, line.balanced]).sort()).toEqual([
			['Customers_2026-11-21.csv', true],
			['Customers_2026-11-22.csv', true],
			['Transactions_2026-11-21.csv', true],
		]);
		// No process kept a state file of its own.
		for (const each of [main, workerA, workerB])
			expect(existsSync(defaultStatePath({ N8N_USER_FOLDER: each.userFolder }))).toBe(false);
	});
});
