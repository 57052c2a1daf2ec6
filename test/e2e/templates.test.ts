/**
 * Every template in workflows-templates/, imported into a real n8n 2.41.1 the way `npm start` imports
 * them (credentials linked by name, placeholders pointed at the fakes), then run end to end: the demo
 * shop's exports and the real Square sample dropped into the POS folders, web orders posted to the
 * webhook, Khaos products polled, and the sync-health checks run the next "morning" from the ledger.
 * Results are read where a consultant would look: Dotdigital, Khaos and the store (the fakes), the
 * exceptions workbooks, and the sync ledger. Last, two executions at once share the state file.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import * as XLSX from 'xlsx';

import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { startFakeStore, type FakeStore } from '../fakes/store';
import { defaultStatePath, ledgerLines, SyncStateStore } from '../../lib/state';
import { writeFileAged } from '../helpers/files';
import { nodeOutput, ranNode, repoDir, startServer, waitFor, type E2eServer } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setUpDemoShop, WELCOME_LIST_ID } =
	require('./harness/sandbox.cjs') as typeof import('./harness/sandbox.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const demoShop =
	require('../fixtures/demo-shop/index.cjs') as typeof import('../fixtures/demo-shop/index.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { localise, readTemplates } =
	require('./harness/templates.cjs') as typeof import('./harness/templates.cjs');

const ARTIFACTS = join(repoDir, '.build', 'artifacts', 'sync-health');

let server: E2eServer;
let dotdigital: FakeDotdigital;
let khaos: FakeKhaos;
let store: FakeStore;
let shop: Awaited<ReturnType<typeof setUpDemoShop>>;

const pos = (...parts: string[]) => join(server.files, 'pos', ...parts);
const workflowId = (prefix: string) =>
	shop.workflows.find((workflow) => workflow.file.startsWith(prefix))!.id;
const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

beforeAll(async () => {
	[dotdigital, khaos, store] = await Promise.all([
		startFakeDotdigital({ importMs: 300 }),
		startFakeKhaos(),
		startFakeStore(),
	]);
	server = await startServer({ GENERIC_TIMEZONE: 'Europe/London' });
	shop = await setUpDemoShop(server.instance, {
		filesRoot: server.files,
		fakes: { dotdigital, khaos, store },
		checkEverySeconds: 1,
		settleSeconds: 1,
	});
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await Promise.all([dotdigital?.stop(), khaos?.stop(), store?.stop()]);
});

/** Drops an export into a POS folder as a finished file and waits for the execution it starts. */
async function dropExport(prefix: string, folder: string, source: string, runs = 1) {
	writeFileAged(join(pos(folder), source.split('/').pop()!), readFileSync(source), 5);
	const executions = await server.instance.waitForExecutions(workflowId(prefix), runs, {
		timeoutMs: 300_000,
	});
	const execution = executions[runs - 1];
	expectSuccess(execution);
	return execution;
}

/** A failed execution shows which node failed and why. */
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

/** The rows of today's exceptions workbooks for one feed. */
function exceptions(feed: string) {
	const folder = pos('reports');
	return readdirSync(folder)
		.filter(
			(name) =>
				name.startsWith(today()) && name.includes(`-${feed}-`) && name.endsWith('-exceptions.xlsx'),
		)
		.sort()
		.flatMap((name) =>
			XLSX.utils.sheet_to_json<Record<string, unknown>>(
				XLSX.read(readFileSync(join(folder, name))).Sheets.Exceptions,
			),
		);
}

/** The sync state file n8n's executions wrote, opened as an operator would open it. */
function openState() {
	return SyncStateStore.open(defaultStatePath({ N8N_USER_FOLDER: server.instance.userFolder }));
}

/** The ledger's line for a file, from the last day's runs. */
async function ledgerLine(file: string) {
	const state = openState();
	try {
		const lines = ledgerLines(
			await state.ledgerSteps(new Date(Date.now() - 86_400_000), new Date(Date.now() + 60_000)),
			'Europe/London',
		);
		return lines.filter((line) => line.file === file);
	} finally {
		await state.close();
	}
}

describe('the template workflows in a real n8n', () => {
	it('all import and activate, linked to the credentials by name', async () => {
		expect(shop.workflows.map((workflow) => workflow.file)).toEqual(
			readTemplates().map((template) => template.file),
		);
		expect(shop.workflows).toHaveLength(10);
		for (const { id } of shop.workflows) {
			const saved = await server.instance.api('GET', `/workflows/${id}`);
			expect(saved.active).toBe(true);
			for (const node of saved.nodes.filter(
				(candidate: { credentials?: object }) => candidate.credentials,
			)) {
				const [[type, reference]] = Object.entries(
					node.credentials as Record<string, { id: string | null }>,
				);
				const credential = shop.credentials[type as keyof typeof shop.credentials];
				// n8n links a node to its credential by name only when the node is switched on (template 10's Khaos step is off).
				expect(reference.id).toBe(node.disabled ? null : credential.id);
			}
		}
	});

	it('1. customers: the demo export becomes contacts, with the opt-in respected and every row reported', async () => {
		const execution = await dropExport('01-', 'customers', demoShop.demoExport('customers'));
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({
			records: 39,
			done: 37,
			failed: 2,
			created: 37,
			balanced: true,
		});

		const contacts = dotdigital.contacts();
		expect(contacts).toHaveLength(37);
		const amelia = dotdigital.contact('email', 'amelia.smith@example.co.uk');
		expect(amelia).toMatchObject({
			status: 'subscribed',
			dataFields: expect.objectContaining({
				FIRSTNAME: 'Amelia',
				LASTNAME: 'Smith',
				POSTCODE: 'SE1 9SG',
			}),
		});
		expect(dotdigital.contact('email', 'oliver.jones@example.co.uk')?.status).toBe('unsubscribed');
		expect(dotdigital.contact('email', 'isla.taylor@example.co.uk')?.status).toBe('subscribed');
		// Trimmed and lower-cased: the till wrote " GRACE.EVANS@EXAMPLE.CO.UK ".
		expect(dotdigital.contact('email', 'grace.evans@example.co.uk')).toBeDefined();

		expect(await ledgerLine('Customers_2026-11-21.csv')).toEqual([
			expect.objectContaining({
				feed: 'customers',
				workflow: 'POS customers → Dotdigital contacts',
				rows_read: 40,
				records: 39,
				rejected: 1,
				sent: 39,
				accepted: 37,
				failed: 2,
				unchanged: 0,
				balanced: true,
			}),
		]);
		const rows = exceptions('customers');
		expect(rows).toHaveLength(3);
		expect(rows.map((row) => [row.stage, row.owner, row.line])).toEqual([
			['Dotdigital', 'till data', 25],
			['Dotdigital', 'till data', 31],
			['Mapping', 'till data', 19],
		]);
		expect(rows[2]).toMatchObject({
			field: 'email',
			value: 'charlie.roberts@',
			reason: '"charlie.roberts@" is not a valid email address',
		});
		// The processed file moved out of the drop folder.
		expect(readdirSync(pos('customers')).filter((name) => name.endsWith('.csv'))).toEqual([]);
	}, 600_000);

	it("1. customers again: the next day's export with nothing changed sends nothing", async () => {
		const importsBefore = dotdigital
			.calls()
			.filter((call) => call.method === 'PUT' && call.path.endsWith('/contacts/v3/import')).length;
		// The till exports the same customers again; its bytes differ (line endings), its data does not.
		const again = readFileSync(demoShop.demoExport('customers'), 'utf8').replace(/\r\n/g, '\n');
		writeFileAged(join(pos('customers'), 'Customers_2026-11-22.csv'), again, 5);
		const [, execution] = await server.instance.waitForExecutions(workflowId('01-'), 2, {
			timeoutMs: 300_000,
		});
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({
			records: 39,
			done: 0,
			failed: 2,
			unchanged: 37,
			imports: 0,
			balanced: true,
		});
		expect(
			dotdigital
				.calls()
				.filter((call) => call.method === 'PUT' && call.path.endsWith('/contacts/v3/import'))
				.length,
		).toBe(importsBefore);
		expect(await ledgerLine('Customers_2026-11-22.csv')).toEqual([
			expect.objectContaining({
				records: 39,
				sent: 2,
				accepted: 0,
				failed: 2,
				unchanged: 37,
				balanced: true,
			}),
		]);
	}, 600_000);

	it('2. products: the demo export becomes the product catalogue', async () => {
		const execution = await dropExport('02-', 'products', demoShop.demoExport('products'));
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({
			records: 13,
			done: 13,
			failed: 0,
			balanced: true,
		});
		const catalogue = dotdigital.collection('Catalog_Default')?.records ?? [];
		expect(catalogue.map((record) => record.key).sort()).toHaveLength(13);
		const jacket = catalogue.find((record) => record.key === 'JKT-WAX-OLV-L');
		expect(jacket?.json).toMatchObject({
			name: 'Waxed jacket, olive, L',
			price: 1149,
			sale_price: 899,
			currency: 'GBP',
			brand: 'Northfield',
		});
		expect(await ledgerLine('Products_2026-11-21.csv')).toEqual([
			expect.objectContaining({
				feed: 'products',
				sent_as: 'products',
				rows_read: 14,
				records: 13,
				rejected: 1,
				sent: 13,
				accepted: 13,
				failed: 0,
				balanced: true,
			}),
		]);
		expect(exceptions('products')).toEqual([
			expect.objectContaining({ stage: 'Mapping', owner: 'till data', line: 14, field: 'sku' }),
		]);
	}, 600_000);

	it('3. transactions: receipts with an email become orders on their contacts; receipts with none are reported', async () => {
		const execution = await dropExport('03-', 'transactions', demoShop.demoExport('transactions'));
		const summary = nodeOutput(execution, 'Send to Dotdigital', 2)[0].json;
		expect(summary).toMatchObject({ records: 30, balanced: true });
		const failed = nodeOutput(execution, 'Send to Dotdigital', 1).map((item) => item.json);
		expect(failed.map((item) => [item.code, item.owner])).toEqual(
			failed.map(() => ['customerLookupFailed', 'till data']),
		);
		expect(failed.every((item) => !item.record.email)).toBe(true);
		const orders = dotdigital.collection('Orders')?.records ?? [];
		expect(orders).toHaveLength(summary.done);
		expect(summary.done + summary.failed).toBe(30);
		for (const order of orders)
			expect(dotdigital.contact('email', String(order.contactIdentity?.value))).toBeDefined();
		// A loyalty-card receipt with no email reaches Ava through her customer number, learnt from the customer export.
		expect(orders.find((order) => order.key === 'R40014')?.contactIdentity?.value).toBe(
			'ava.williams@example.co.uk',
		);
		const refund = orders.find((order) => order.key === 'R40040');
		expect(refund?.json).toMatchObject({ email: 'amelia.smith@example.co.uk', order_total: -8.5 });

		const [line] = await ledgerLine('Transactions_2026-11-21.csv');
		expect(line).toMatchObject({
			rows_read: 61,
			records: 30,
			rejected: 3,
			sent: 30,
			accepted: summary.done,
			failed: summary.failed,
			balanced: true,
		});
		// The value of the receipts in the file, against the value of the orders Dotdigital holds.
		const heldValue = orders.reduce(
			(sum, order) => sum + Number((order.json as { order_total: number }).order_total),
			0,
		);
		expect(line.value_sent?.GBP).toBeCloseTo(heldValue, 2);
		expect((line.value_sent?.GBP ?? 0) + (line.value_failed?.GBP ?? 0)).toBeCloseTo(
			line.value_in_file?.GBP ?? Number.NaN,
			2,
		);
		const rows = exceptions('transactions');
		expect(rows.filter((row) => row.stage === 'Mapping')).toHaveLength(3);
		expect(rows.filter((row) => row.stage === 'Dotdigital')).toHaveLength(summary.failed);
	}, 600_000);

	it('3. transactions, Square shop: the real Square Item Detail sample through the same template with the Square preset', async () => {
		const [template] = readTemplates().filter((candidate) => candidate.file.startsWith('03-'));
		const workflow = localise(template.workflow, {
			filesRoot: server.files,
			storeUrl: store.apiUrl,
			welcomeListId: WELCOME_LIST_ID,
			checkEverySeconds: 1,
			settleSeconds: 1,
		});
		workflow.name = 'Square transactions → Dotdigital orders';
		for (const node of workflow.nodes) {
			if (node.name === 'New transactions export') node.parameters.folder = pos('square');
			if (node.name === 'Map the rows')
				Object.assign(node.parameters, {
					mappingSource: 'preset',
					preset: 'square-item-detail',
					settings: { timeZone: 'America/New_York' },
				});
		}
		mkdirSync(pos('square'), { recursive: true });
		const id = await server.instance.createWorkflow(workflow);
		await server.instance.activate(id);
		copyFileSync(
			join(__dirname, '..', 'fixtures', 'pos', 'square-item-detail.csv'),
			join(pos('square'), 'items-2026-06-21-2026-06-30.csv'),
		);
		const [execution] = await server.instance.waitForExecutions(id, 1, { timeoutMs: 300_000 });
		expectSuccess(execution);

		const mapped = nodeOutput(execution, 'Map the rows', 2)[0].json;
		expect(mapped).toMatchObject({ rows_read: 417, balanced: true });
		const sent = nodeOutput(execution, 'Send to Dotdigital', 2)[0].json;
		// Square rows carry a customer id but never an email: until the customer feed links the two, no order can find its contact.
		expect(sent).toMatchObject({
			records: mapped.records,
			done: 0,
			failed: mapped.records,
			failed_by_code: { customerLookupFailed: mapped.records },
			balanced: true,
		});
		expect(await ledgerLine('items-2026-06-21-2026-06-30.csv')).toEqual([
			expect.objectContaining({
				workflow: 'Square transactions → Dotdigital orders',
				rows_read: 417,
				records: mapped.records,
				rejected: mapped.rejected,
				sent: mapped.records,
				failed: mapped.records,
				balanced: true,
			}),
		]);
	}, 600_000);

	it('4. sign-up fast lane: new sign-ups reach the welcome list in real time; those who did not opt in do not', async () => {
		const bulkImports = () =>
			dotdigital
				.calls()
				.filter((call) => call.method === 'POST' && call.path.includes('/contacts/v3/import'))
				.length;
		const importsBefore = bulkImports();
		const execution = await dropExport('04-', 'signups', demoShop.demoExport('signups'));
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({
			records: 3,
			done: 3,
			created: 3,
			balanced: true,
		});
		// Real time: one call per contact, no bulk import.
		expect(bulkImports()).toBe(importsBefore);
		const hannah = dotdigital.contact('email', 'hannah.okafor@example.co.uk');
		expect(hannah).toMatchObject({ status: 'subscribed', lists: [3] });
		expect(dotdigital.contact('email', 'tomas.garcia@example.co.uk')).toMatchObject({
			status: 'subscribed',
			lists: [3],
		});
		// Beth did not opt in: she is unsubscribed before she joins the list, so the programme never emails her.
		expect(dotdigital.contact('email', 'beth.carter@example.co.uk')).toMatchObject({
			status: 'unsubscribed',
		});
	}, 600_000);

	it('5. web orders: posted orders go into Khaos once, refused ones are reported, and status goes back to the store', async () => {
		const id = workflowId('05-');
		const order = (orderId: string, sku: string) => ({
			order_id: orderId,
			purchase_date: '2026-11-21T10:15:00Z',
			currency: 'GBP',
			order_total: 59.98,
			prices_include_tax: true,
			email: 'siobhan@example.test',
			lines: [{ sku, name: sku, qty: 1, unit_price: 56.99 }],
			customer: { first_name: 'Siobhan', last_name: "O'Brien", email: 'siobhan@example.test' },
			invoice_address: {
				address_1: '1 Priest Court',
				town: 'Grantham',
				postcode: 'NG31 7FZ',
				country_code: 'GB',
			},
			payments: [{ method: 'card', amount: 59.98, reference: `pi_${orderId}` }],
			delivery: { method: 'Royal Mail 48', charge_gross: 2.99 },
		});
		const post = (orders: unknown[]) =>
			waitFor(
				'the web-orders webhook',
				async () => {
					const answer = await fetch(`${server.instance.baseUrl}/webhook/web-orders`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ orders }),
					});
					return answer.status === 404 ? undefined : answer;
				},
				{ timeoutMs: 30_000, intervalMs: 500 },
			);

		// The workflow's other trigger, Every 30 minutes, fires on the clock (at :00 and :30) and may
		// land between these posts: count only the executions the webhook started.
		const webOrderRuns = (count: number) =>
			waitFor(
				`${count} execution(s) started by the web-orders webhook`,
				async () => {
					const runs = (await server.instance.executions(id)).filter((execution: unknown) =>
						ranNode(execution, 'Web order from the store'),
					);
					return runs.length >= count ? runs : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 500 },
			);

		expect((await post([order('WEB7001', 'HL0453'), order('WEB7002', 'NO-SUCH-SKU')])).status).toBe(
			200,
		);
		const [first] = await webOrderRuns(1);
		expectSuccess(first);
		expect(
			nodeOutput(first, 'Import into Khaos', 0).map((item) => [
				item.json.order_id,
				item.json.status,
			]),
		).toEqual([['WEB7001', 'imported']]);
		expect(
			nodeOutput(first, 'Orders Khaos refused: tell someone').map((item) => item.json.order_id),
		).toEqual(['WEB7002']);
		expect(khaos.orders().filter((stored) => stored.associatedRef === 'WEB7001')).toHaveLength(1);

		await post([order('WEB7001', 'HL0453')]);
		const [, again] = await webOrderRuns(2);
		expect(nodeOutput(again, 'Import into Khaos', 0).map((item) => item.json.status)).toEqual([
			'already_imported',
		]);
		expect(khaos.orders().filter((stored) => stored.associatedRef === 'WEB7001')).toHaveLength(1);

		khaos.advanceOrder('WEB7001', 14, {
			consignmentRef: 'RM123456789GB',
			trackingUrl: 'https://track.example/RM123456789GB',
			courier: 'Royal Mail',
		});
		store.openOrders = ['WEB7001', 'WEB7002'];
		const statusRun = await server.instance.runManually(id, 'Every 30 minutes');
		expectSuccess(statusRun);
		expect(store.statuses.get('WEB7001')).toMatchObject({
			associated_ref: 'WEB7001',
			stage_id: 14,
			cancelled: false,
		});
		// WEB7002 never got into Khaos: nothing is posted for it.
		expect(store.statuses.has('WEB7002')).toBe(false);
		expect(JSON.stringify(store.statuses.get('WEB7001'))).toContain('RM123456789GB');
	}, 600_000);

	it('6. Khaos products: activated on a quiet Khaos it sends nothing; then exactly the changed products, with every variant', async () => {
		const id = workflowId('06-');
		const sentBy = (executions: any[]) =>
			executions.flatMap((execution) =>
				nodeOutput(execution, 'Khaos product changes').map((item) => item.json),
			);
		/** Resolves once the trigger has polled Khaos (listed changes since a real time) after `since`. */
		const pollAfter = (since: number) =>
			waitFor(
				'a poll of the Khaos Product Trigger',
				async () =>
					khaos
						.calls()
						.some(
							(call) =>
								call.method === 'GetStockList' &&
								call.at > since &&
								call.params.StockItemType !== '2' &&
								!String(call.params.DateValue).startsWith('1899'),
						)
						? true
						: undefined,
				{ timeoutMs: 150_000, intervalMs: 1000 },
			);

		// The trigger was activated with the demo shop, long before this test; the only stock that has moved since is HL0453 (order WEB7001).
		await pollAfter(Date.now());
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const before = await server.instance.executions(id);
		expect(
			[...new Set(sentBy(before).map((product) => product.stock_code))].filter(
				(code) => code !== 'HL0453',
			),
		).toEqual([]);

		// Quiet: another poll, nothing sent.
		await pollAfter(Date.now());
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(await server.instance.executions(id)).toHaveLength(before.length);

		store.products.clear();
		khaos.updateStock('AMU15/SMPU-SMPU-11', { sellPrice: 31.5 });
		khaos.updateStock('HL0454', { level: 9 });
		const after = (
			await server.instance.waitForExecutions(id, before.length + 1, { timeoutMs: 150_000 })
		).slice(before.length);
		after.forEach(expectSuccess);
		const sent = sentBy(after);
		expect(sent.map((product) => product.stock_code).sort()).toEqual(['AMU15/SMPU', 'HL0454']);
		expect([...store.products.keys()].sort()).toEqual(['AMU15/SMPU', 'HL0454']);
		const sandal = store.products.get('AMU15/SMPU') as any;
		// Ten sizes in the sandal's tree, two of them as SCS_ITEMs in ExportStock: all ten reach the store, each with its own code.
		expect(sandal.variants.map((variant: any) => variant.stock_code).sort()).toEqual(
			['10', '11', '12', '13', '14', '5', '6', '7', '8', '9']
				.map((size) => `AMU15/SMPU-SMPU-${size}`)
				.sort(),
		);
		expect(sandal.variants.find((variant: any) => variant.size === '11')).toMatchObject({
			price: 31.5,
			colour: 'Slv Met Pu',
		});
		expect(sandal).toMatchObject({ published: true, needs_web_review: false });
		expect(store.products.get('HL0454')).toMatchObject({ stock_level: 9 });
	}, 600_000);

	it("7. sync health: the next morning, yesterday's ledger adds up per feed, and the week's records to fix are grouped by owner", async () => {
		// The runs above were today; the checks read yesterday, so move the ledger back a day.
		const state = new DatabaseSync(
			defaultStatePath({ N8N_USER_FOLDER: server.instance.userFolder }),
		);
		state.exec(
			"UPDATE ledger SET recorded_at = strftime('%Y-%m-%dT%H:%M:%fZ', recorded_at, '-1 day')",
		);
		state.close();
		const id = workflowId('07-');

		const daily = await server.instance.runManually(id, 'Every morning at 07:00');
		expectSuccess(daily);
		const [check] = nodeOutput(daily, 'Send the daily check (email or Slack)').map(
			(item) => item.json,
		);
		// Customers: the two customer exports and the sign-ups. Transactions: the demo shop's and the Square sample.
		expect(check.totals.customers).toMatchObject({
			files: 3,
			rows_read: 80 + 3,
			records: 78 + 3,
			rejected: 2,
			accepted: 37 + 3,
			unchanged: 37,
			failed: 4,
			not_balanced: 0,
		});
		expect(check.totals.products).toMatchObject({
			files: 1,
			rows_read: 14,
			records: 13,
			rejected: 1,
			accepted: 13,
			failed: 0,
		});
		expect(check.totals.transactions).toMatchObject({
			files: 2,
			rows_read: 61 + 417,
			rejected: 3,
			not_balanced: 0,
		});
		expect(check).toMatchObject({
			status: 'balanced',
			files: 6,
			files_not_balanced: 0,
			missing_feeds: [],
		});
		const toFix = Object.values(check.by_owner as Record<string, number>).reduce(
			(sum, count) => sum + count,
			0,
		);
		const totals = Object.values(
			check.totals as Record<string, { rejected: number; failed: number }>,
		);
		expect(toFix).toBe(totals.reduce((sum, feed) => sum + feed.rejected + feed.failed, 0));
		expect(check.subject).toMatch(
			new RegExp(
				`^POS sync \\w{3} \\d{1,2} \\w{3} \\d{4}: all 6 files balanced, ${toFix} records to fix$`,
			),
		);
		expect(check.html).toContain('Records per day');
		// Kept for reading, and for the operations handbook's example.
		mkdirSync(ARTIFACTS, { recursive: true });
		writeFileSync(join(ARTIFACTS, 'daily-check.txt'), `${check.text}\n`);
		writeFileSync(join(ARTIFACTS, 'daily-check.html'), check.html);
		expect(check.days).toHaveLength(14);
		expect(check.days.at(-1)).toMatchObject({ files: 6 });

		const weekly = await server.instance.runManually(id, 'Every Monday at 08:00');
		expectSuccess(weekly);
		const [review] = nodeOutput(weekly, 'Send the weekly review (email or Slack)').map(
			(item) => item.json,
		);
		// Every row of every exceptions workbook is one record to fix in the review, under the same owner.
		const written = readdirSync(pos('reports'))
			.filter((name) => name.endsWith('-exceptions.xlsx'))
			.flatMap((name) =>
				XLSX.utils.sheet_to_json<{ owner: string }>(
					XLSX.read(readFileSync(pos('reports', name))).Sheets.Exceptions,
				),
			);
		const writtenByOwner: Record<string, number> = {};
		for (const row of written) writtenByOwner[row.owner] = (writtenByOwner[row.owner] ?? 0) + 1;
		expect(review.by_owner).toEqual(writtenByOwner);
		expect(review.exceptions[0]).toMatchObject({
			owner: 'till data',
			count: expect.any(Number),
			example: expect.stringMatching(/ line \d+/),
		});
		expect(review.text).toContain('Records to fix:');
	}, 600_000);

	it('two executions at once: both sync, the state file stays sound, and the ledger accounts for both', async () => {
		const workflow = {
			name: 'Customers posted by a web form, two at once',
			nodes: [
				{
					id: 'w1',
					name: 'Customers posted',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: 'two-at-once',
					parameters: { httpMethod: 'POST', path: 'two-at-once', options: {} },
				},
				{
					id: 'w2',
					name: 'One item per customer',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					position: [200, 0],
					parameters: { fieldToSplitOut: 'body.rows', options: {} },
				},
				{
					id: 'w3',
					name: 'Map the rows',
					type: 'n8n-nodes-pos-sync.mappingApply',
					typeVersion: 1,
					position: [400, 0],
					parameters: {
						feed: 'customer',
						input: 'items',
						sourceName: "={{ $('Customers posted').first().json.body.batch }}",
						mappingSource: 'fields',
						fields: {
							field: [
								{ target: 'customer_id', source: 'id' },
								{ target: 'email', source: 'email' },
							],
						},
					},
				},
				{
					id: 'w4',
					name: 'Send to Dotdigital',
					type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
					typeVersion: 1,
					position: [600, 0],
					credentials: {
						dotdigitalApi: { id: shop.credentials.dotdigitalApi.id, name: 'Dotdigital account' },
					},
					parameters: {
						resource: 'contact',
						operation: 'upsert',
						mode: 'bulk',
						onlyChanged: true,
						options: { batchSize: 100 },
					},
				},
			],
			connections: {
				'Customers posted': { main: [[{ node: 'One item per customer', type: 'main', index: 0 }]] },
				'One item per customer': { main: [[{ node: 'Map the rows', type: 'main', index: 0 }]] },
				'Map the rows': { main: [[{ node: 'Send to Dotdigital', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const id = await server.instance.createWorkflow(workflow);
		await server.instance.activate(id);
		const customers = (from: number, count: number) =>
			Array.from({ length: count }, (_, index) => ({
				id: `W${from + index}`,
				email: `web${from + index}@example.com`,
			}));
		// Until n8n has registered the webhook it answers 404 and starts nothing, so both ask again until it has.
		const post = (batch: string, rows: object[]) =>
			waitFor(
				`the webhook to take ${batch}`,
				async () => {
					const answer = await fetch(`${server.instance.baseUrl}/webhook/two-at-once`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ batch, rows }),
					});
					return answer.status === 404 ? undefined : answer.status;
				},
				{ timeoutMs: 30_000, intervalMs: 100 },
			);
		expect(
			await Promise.all([post('batch-a', customers(0, 300)), post('batch-b', customers(150, 300))]),
		).toEqual([200, 200]);
		const executions = await server.instance.waitForExecutions(id, 2, { timeoutMs: 300_000 });
		for (const execution of executions) expectSuccess(execution);
		// They really ran at once: each started before the other finished.
		const [first, second] = executions.map(
			(execution: { startedAt: string; stoppedAt: string }) => ({
				start: Date.parse(execution.startedAt),
				stop: Date.parse(execution.stoppedAt),
			}),
		);
		expect(first.start < second.stop && second.start < first.stop).toBe(true);

		const state = openState();
		expect(state.integrityCheck()).toBe('ok');
		await state.close();
		const [a, b] = [await ledgerLine('batch-a'), await ledgerLine('batch-b')];
		expect(a).toEqual([
			expect.objectContaining({ rows_read: 300, records: 300, accepted: 300, balanced: true }),
		]);
		expect(b).toEqual([
			expect.objectContaining({ rows_read: 300, records: 300, accepted: 300, balanced: true }),
		]);
		expect(
			dotdigital.contacts().filter((contact) => contact.identifiers.email?.startsWith('web')),
		).toHaveLength(450);

		// Both executions' confirmations were kept: all 450 again sends nothing.
		const importsBefore = dotdigital
			.calls()
			.filter((call) => call.method === 'PUT' && call.path.endsWith('/contacts/v3/import')).length;
		expect(await post('batch-c', customers(0, 450))).toBe(200);
		const [, , third] = await server.instance.waitForExecutions(id, 3, { timeoutMs: 300_000 });
		expectSuccess(third);
		expect(await ledgerLine('batch-c')).toEqual([
			expect.objectContaining({ records: 450, accepted: 0, unchanged: 450, balanced: true }),
		]);
		expect(
			dotdigital
				.calls()
				.filter((call) => call.method === 'PUT' && call.path.endsWith('/contacts/v3/import'))
				.length,
		).toBe(importsBefore);
	}, 600_000);

	it('8. one sales export: read once, it gives contacts, products and orders, each reconciled on its own', async () => {
		const execution = await dropExport('08-', 'sales', demoShop.demoExport('sales'));
		const mapped = nodeOutput(execution, 'Map the rows', 2).map((item) => item.json);
		expect(
			mapped.map(({ file, feed, rows_read, records, rejected, balanced }) => ({
				file,
				feed,
				rows_read,
				records,
				rejected,
				balanced,
			})),
		).toEqual([
			{
				file: 'Sales_2026-11-22.csv (customers)',
				feed: 'customer',
				rows_read: 61,
				records: 27,
				rejected: 7,
				balanced: true,
			},
			{
				file: 'Sales_2026-11-22.csv (products)',
				feed: 'product',
				rows_read: 61,
				records: 13,
				rejected: 0,
				balanced: true,
			},
			{
				file: 'Sales_2026-11-22.csv (transactions)',
				feed: 'transaction',
				rows_read: 61,
				records: 30,
				rejected: 3,
				balanced: true,
			},
		]);
		const sent = (node: string) => nodeOutput(execution, node, 2)[0].json;
		expect(sent('Send contacts')).toMatchObject({ records: 27, balanced: true });
		expect(sent('Send products')).toMatchObject({ records: 13, balanced: true });
		expect(sent('Send orders')).toMatchObject({ records: 30, balanced: true });
		const orders = (dotdigital.collection('Orders')?.records ?? []).filter((order) =>
			String(order.key).startsWith('S5'),
		);
		expect(orders).toHaveLength(sent('Send orders').done);

		for (const [source, feed, records] of [
			['customers', 'customers', 27],
			['products', 'products', 13],
			['transactions', 'transactions', 30],
		] as const) {
			const [line] = await ledgerLine(`Sales_2026-11-22.csv (${source})`);
			expect(line).toMatchObject({ feed, rows_read: 61, records, balanced: true });
			// Contacts and products the earlier templates sent are unchanged; the rest were sent.
			expect((line.sent ?? 0) + (line.unchanged ?? 0)).toBe(records);
		}
		expect(exceptions('sales').filter((row) => row.stage === 'Mapping')).toHaveLength(10);
	}, 600_000);
	it("a second shop: template 01 set up for another folder by changing only what its note names, the trigger's Folder", async () => {
		const template = readTemplates().find((candidate) => candidate.file.startsWith('01-'))!;
		const local = localise(template.workflow, {
			filesRoot: server.files,
			storeUrl: store.apiUrl,
			welcomeListId: WELCOME_LIST_ID,
			checkEverySeconds: 1,
			settleSeconds: 1,
		});
		const shop2 = join(server.files, 'shop2');
		// What the note asks of the consultant: the trigger's Folder, and the shop's workbook in mapping/ above it.
		const trigger = local.nodes.find(
			(node: { name: string }) => node.name === 'New customers export',
		);
		trigger.parameters.folder = join(shop2, 'customers');
		mkdirSync(join(shop2, 'customers'), { recursive: true });
		mkdirSync(join(shop2, 'mapping'), { recursive: true });
		copyFileSync(pos('mapping', 'shop-mapping.xlsx'), join(shop2, 'mapping', 'shop-mapping.xlsx'));
		const edited = JSON.stringify(
			local.nodes.filter((node: { name: string }) => node.name !== 'New customers export'),
		);
		expect(edited).toBe(
			JSON.stringify(
				shop.workflows
					.find((workflow) => workflow.file.startsWith('01-'))!
					.workflow.nodes.filter((node: { name: string }) => node.name !== 'New customers export'),
			),
		);
		const id = await server.instance.createWorkflow({
			...local,
			name: 'Shop 2: POS customers → Dotdigital contacts',
		});
		await server.instance.activate(id);

		const source = demoShop.demoExport('customers');
		writeFileAged(join(shop2, 'customers', 'Shop2_customers.csv'), readFileSync(source), 5);
		const [execution] = await server.instance.waitForExecutions(id, 1, { timeoutMs: 300_000 });
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Map the rows', 2)[0].json).toMatchObject({
			rows_read: 40,
			records: 39,
			rejected: 1,
			balanced: true,
		});
		// The reports folder did not exist: the run made it, beside the shop's feed folder.
		const reports = readdirSync(join(shop2, 'reports')).filter((name) =>
			name.endsWith('-exceptions.xlsx'),
		);
		expect(reports).toHaveLength(1);
		expect(reports[0]).toMatch(new RegExp(`-customers-${execution.id}-exceptions\\.xlsx$`));
		expect(
			readdirSync(pos('reports')).filter((name) =>
				name.endsWith(`-${execution.id}-exceptions.xlsx`),
			),
		).toEqual([]);
		expect(await ledgerLine('Shop2_customers.csv')).toEqual([
			expect.objectContaining({
				workflow: 'Shop 2: POS customers → Dotdigital contacts',
				rows_read: 40,
				records: 39,
				balanced: true,
			}),
		]);
	}, 600_000);
});
