/**
 * A fault that is nobody's data, in a real n8n 2.41.1 server: a Dotdigital credential with the wrong
 * password pauses the customers feed without using up the file's attempts, the alert says why, and
 * once the password is put right the same file goes through by itself, leaving one ledger line.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { ledgerLines, SyncStateStore } from '../../lib/state';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { writeFileAged } from '../helpers/files';
import { nodeOutput, ranNode, startServer, waitFor, type E2eServer } from './harness';

const TRIGGER = 'New export';
const ALERT = 'Tell someone';

let server: E2eServer;
let dotdigital: FakeDotdigital;

beforeAll(async () => {
	dotdigital = await startFakeDotdigital({ importMs: 300 });
	server = await startServer();
});

afterAll(async () => {
	await server?.stop();
	await dotdigital?.stop();
});

function workflow(folder: string, credential: { id: string; name: string }) {
	const field = (target: string, source: string) => ({ target, source });
	return {
		name: 'Customers (paused feed)',
		nodes: [
			{
				name: TRIGGER,
				type: 'n8n-nodes-pos-sync.posFileTrigger',
				typeVersion: 1,
				position: [0, 0],
				// One attempt only: a file failing on its content would go to failed/ at once.
				parameters: {
					feed: 'customer',
					folder,
					pattern: '*.csv',
					schedule: 'arrival',
					checkEverySeconds: 1,
					settleSeconds: 1,
					options: { maxAttempts: 1, moveProcessed: true },
				},
			},
			{
				name: 'Map rows',
				type: 'n8n-nodes-pos-sync.mappingApply',
				typeVersion: 1,
				position: [300, 0],
				parameters: {
					feed: 'customer',
					mappingSource: 'fields',
					fields: {
						field: [
							field('customer_id', 'Customer No'),
							field('email', 'Email'),
							field('marketing_opt_in', 'Opt In'),
						],
					},
				},
			},
			{
				name: 'Dotdigital',
				type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
				typeVersion: 1,
				position: [600, 0],
				parameters: { resource: 'contact', operation: 'upsert', mode: 'bulk' },
				credentials: { dotdigitalApi: credential },
			},
			{
				name: ALERT,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [300, 200],
				parameters: {},
			},
		],
		connections: {
			[TRIGGER]: {
				main: [
					[{ node: 'Map rows', type: 'main', index: 0 }],
					[{ node: ALERT, type: 'main', index: 0 }],
				],
			},
			'Map rows': { main: [[{ node: 'Dotdigital', type: 'main', index: 0 }]] },
		},
	};
}

const fileRuns = (executions: any[]) =>
	executions.filter((execution) => ranNode(execution, 'Map rows'));

test("a wrong password pauses the feed without using up the file's attempts; the fixed credential lets the same file through by itself", async () => {
	const folder = join(server.files, 'customers');
	mkdirSync(folder, { recursive: true });
	const data = (password: string) => ({
		user: dotdigital.user,
		password,
		region: 'auto',
		baseUrl: dotdigital.regionUrl('r1'),
	});
	const credential = await server.instance.createCredential(
		'Dotdigital (wrong password)',
		'dotdigitalApi',
		data('not-the-password'),
	);
	const id = await server.instance.createWorkflow(workflow(folder, credential));
	await server.instance.activate(id);

	const rows = Array.from(
		{ length: 39 },
		(_, index) => `${3000 + index},shopper${index}@example.com,Y`,
	);
	writeFileAged(
		join(folder, 'Customers_2026-12-05.csv'),
		['Customer No,Email,Opt In', ...rows].join('\n'),
		30,
	);

	// The first try and at least one more (15 seconds later) meet the refused login.
	const refusedTwice = await waitFor(
		'two refused tries',
		async () => {
			const runs = fileRuns(await server.instance.executions(id));
			return runs.length >= 2 ? runs : undefined;
		},
		{ timeoutMs: 60_000, intervalMs: 1000 },
	);
	expect(refusedTwice.every((execution: any) => execution.status === 'error')).toBe(true);
	expect(
		refusedTwice.map((execution: any) => nodeOutput(execution, TRIGGER)[0].json.attempt),
	).toEqual(refusedTwice.map(() => 1));
	expect(existsSync(join(folder, 'failed'))).toBe(false);
	expect(readdirSync(folder)).toContain('Customers_2026-12-05.csv');

	const alerts = (await server.instance.executions(id))
		.filter((execution: any) => ranNode(execution, ALERT))
		.map((execution: any) => nodeOutput(execution, TRIGGER, 1)[0].json);
	expect(alerts).toHaveLength(1);
	expect(alerts[0]).toMatchObject({
		alert: 'feed_paused',
		cause: 'Dotdigital refused the login',
		file: 'Customers_2026-12-05.csv',
	});
	expect(alerts[0].message).toMatch(
		/^Customers feed paused: Dotdigital refused the login since \d\d:\d\d\. Customers_2026-12-05\.csv waits and keeps its attempts/,
	);

	// Someone puts the password right; nobody touches the file.
	await server.instance.rest('PATCH', `/rest/credentials/${credential.id}`, {
		name: credential.name,
		type: 'dotdigitalApi',
		data: data(dotdigital.password),
	});
	const through = await waitFor(
		'the file to go through',
		async () => {
			const runs = fileRuns(await server.instance.executions(id));
			return runs.find((execution: any) => execution.status === 'success');
		},
		{ timeoutMs: 120_000, intervalMs: 1000 },
	);
	expect(nodeOutput(through, TRIGGER)[0].json).toMatchObject({
		name: 'Customers_2026-12-05.csv',
		attempt: 1,
	});
	expect(nodeOutput(through, 'Dotdigital', 2)[0].json).toMatchObject({
		records: 39,
		done: 39,
		failed: 0,
	});
	expect(dotdigital.contacts()).toHaveLength(39);
	const today = new Date().toISOString().slice(0, 10);
	await waitFor(
		'the file in processed/',
		async () =>
			existsSync(join(folder, 'processed', today, 'Customers_2026-12-05.csv')) ? true : undefined,
		{ timeoutMs: 15_000 },
	);
	const resumed = await waitFor(
		'the feed_resumed alert',
		async () => {
			const items = (await server.instance.executions(id))
				.filter((execution: any) => ranNode(execution, ALERT))
				.map((execution: any) => nodeOutput(execution, TRIGGER, 1)[0].json);
			return items.find((item: any) => item.alert === 'feed_resumed');
		},
		{ timeoutMs: 15_000 },
	);
	expect(resumed.message).toMatch(
		/^Customers feed running again after "Dotdigital refused the login"/,
	);

	const tries = fileRuns(await server.instance.executions(id)).length;
	const store = SyncStateStore.open(
		join(server.instance.userFolder, '.n8n', 'pos-sync', 'pos-sync-state.sqlite'),
	);
	try {
		const lines = ledgerLines(
			await store.ledgerSteps(new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000)),
			'UTC',
		);
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({
			file: 'Customers_2026-12-05.csv',
			attempts: tries,
			records: 39,
			accepted: 39,
			failed: 0,
			balanced: true,
			execution_id: String(through.id),
		});
		expect(lines[0].last_error).toMatch(/^Dotdigital refused the login \(.*401/);
	} finally {
		await store.close();
	}
	await server.instance.deactivate(id);
}, 240_000);
