/**
 * A real n8n killed with SIGKILL in the middle of a customer import, then started again: the POS File
 * Trigger hands the file over again, and the replay must leave nobody subscribed who did not opt in,
 * at any moment (asserted over the fake's whole status history), nobody without an opt-in on a list,
 * every customer in Dotdigital once, a balanced Summary, and a ledger that says what happened.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { ledgerLines, SyncStateStore } from '../../lib/state';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { writeFileAged } from '../helpers/files';
import { nodeOutput, sleep, startServer, waitFor, type E2eServer } from './harness';

const CUSTOMERS = 6000;
const optedIn = (index: number) => index % 4 !== 0;

let server: E2eServer;
let dotdigital: FakeDotdigital;

beforeAll(async () => {
	dotdigital = await startFakeDotdigital({ importMs: 1500 });
	server = await startServer();
});

afterAll(async () => {
	await server?.stop();
	await dotdigital?.stop();
});

function workflow(folder: string, credential: { id: string; name: string }) {
	const field = (target: string, source: string) => ({ target, source });
	return {
		name: 'Customers to Dotdigital',
		nodes: [
			{
				name: 'New export',
				type: 'n8n-nodes-pos-sync.posFileTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					feed: 'customer',
					folder,
					pattern: '*.csv',
					schedule: 'arrival',
					checkEverySeconds: 1,
					settleSeconds: 1,
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
							field('first_name', 'First Name'),
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
				parameters: {
					resource: 'contact',
					operation: 'upsert',
					mode: 'bulk',
					lists: '2',
					options: { batchSize: 500 },
				},
				credentials: { dotdigitalApi: credential },
			},
		],
		connections: {
			'New export': { main: [[{ node: 'Map rows', type: 'main', index: 0 }]] },
			'Map rows': { main: [[{ node: 'Dotdigital', type: 'main', index: 0 }]] },
		},
	};
}

it('n8n killed after the third import reached Dotdigital: the replay leaves consent whole and the ledger truthful', async () => {
	const created = await server.instance.rest('POST', '/rest/credentials', {
		name: 'Dotdigital (fake)',
		type: 'dotdigitalApi',
		data: {
			user: dotdigital.user,
			password: dotdigital.password,
			region: 'auto',
			baseUrl: dotdigital.regionUrl('r1'),
		},
	});
	const credential = { id: (created.data ?? created).id, name: (created.data ?? created).name };
	const folder = join(server.files, 'customers');
	mkdirSync(folder, { recursive: true });
	const id = await server.instance.createWorkflow(workflow(folder, credential));
	await server.instance.activate(id);

	// Kill n8n the moment Dotdigital has applied the third import, before n8n hears back.
	let imports = 0;
	let killed = false;
	dotdigital.setIntercept((call, phase) => {
		// Requests the dead process had already written to the wire are not processed.
		if (killed) return 'drop';
		if (call.method !== 'PUT' || phase !== 'applied' || ++imports < 3) return undefined;
		killed = true;
		server.instance.killNow();
		return 'drop';
	});
	const rows = Array.from(
		{ length: CUSTOMERS },
		(_, index) =>
			`${10_000 + index},Name${index},shopper${index}@example.com,${optedIn(index) ? 'Y' : 'N'}`,
	);
	writeFileAged(
		join(folder, 'customers.csv'),
		['Customer No,First Name,Email,Opt In', ...rows].join('\n'),
		5,
	);
	await waitFor('n8n to be killed mid-import', async () => (killed ? true : undefined), {
		timeoutMs: 180_000,
	});
	await server.instance.stop();
	// The three imports n8n sent finish in Dotdigital without anyone polling them. Requests the
	// dead process wrote before it died may still be read after it is gone: they stay dropped.
	await sleep(2000);
	dotdigital.setIntercept(undefined);
	expect(dotdigital.contacts().length).toBe(1500);

	await server.instance.start();
	const executions = await waitFor(
		'the replay to succeed',
		async () => {
			const list = await server.instance.executions(id);
			return list.some((execution: { status: string }) => execution.status === 'success')
				? list
				: undefined;
		},
		{ timeoutMs: 300_000, intervalMs: 1000 },
	);
	const replay = executions.find((execution: { status: string }) => execution.status === 'success');
	expect(nodeOutput(replay, 'Dotdigital', 2)[0].json).toMatchObject({
		records: CUSTOMERS,
		done: CUSTOMERS,
		failed: 0,
		balanced: true,
	});

	const byEmail = new Map(
		dotdigital.contacts().map((contact) => [contact.identifiers.email, contact]),
	);
	expect(byEmail.size).toBe(CUSTOMERS);
	const optedOut = new Set(
		Array.from({ length: CUSTOMERS }, (_, index) => index)
			.filter((index) => !optedIn(index))
			.map((index) => `shopper${index}@example.com`),
	);
	const subscribedWithoutOptIn = dotdigital
		.statusHistory()
		.filter((change) => change.to === 'subscribed' && optedOut.has(change.email ?? ''));
	expect(subscribedWithoutOptIn).toEqual([]);
	for (const email of optedOut)
		expect([email, byEmail.get(email)?.status, byEmail.get(email)?.lists]).toEqual([
			email,
			'unsubscribed',
			[],
		]);
	expect(byEmail.get('shopper1@example.com')).toMatchObject({ status: 'subscribed', lists: [2] });

	// The killed execution's line says its records went out with their outcome unknown, settled by the replay.
	const store = SyncStateStore.open(
		join(server.instance.userFolder, '.n8n', 'pos-sync', 'pos-sync-state.sqlite'),
	);
	try {
		const lines = ledgerLines(
			await store.ledgerSteps(new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000)),
			'UTC',
		).filter((line) => line.file === 'customers.csv');
		const interrupted = lines.find((line) => line.outcome_unknown !== null);
		expect(interrupted).toMatchObject({
			outcome_unknown: CUSTOMERS,
			confirmed_by: String(replay.id),
			balanced: true,
		});
		expect(lines.find((line) => line.execution_id === String(replay.id))).toMatchObject({
			records: CUSTOMERS,
			accepted: CUSTOMERS,
			balanced: true,
		});
	} finally {
		await store.close();
	}
}, 600_000);
