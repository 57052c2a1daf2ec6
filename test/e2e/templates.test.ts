/**
 * Every template in workflows-templates/, imported into a real n8n 2.41.1 the way `npm start` imports
 * them (credentials linked by name, placeholders pointed at the fakes), then run end to end: the demo
 * shop's exports and the real Square sample dropped into the POS folders, web orders posted to the
 * webhook, Khaos products polled, and the sync-health checks run the next "morning". Results are read
 * where a consultant would look: Dotdigital, Khaos and the store (the fakes), and the report files.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import * as XLSX from 'xlsx';

import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { startFakeStore, type FakeStore } from '../fakes/store';
import { writeFileAged } from '../helpers/files';
import { nodeOutput, startServer, waitFor, type E2eServer } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setUpDemoShop, WELCOME_LIST_ID } = require('./harness/sandbox.cjs') as typeof import('./harness/sandbox.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const demoShop = require('../fixtures/demo-shop/index.cjs') as typeof import('../fixtures/demo-shop/index.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { localise, readTemplates } = require('./harness/templates.cjs') as typeof import('./harness/templates.cjs');

let server: E2eServer;
let dotdigital: FakeDotdigital;
let khaos: FakeKhaos;
let store: FakeStore;
let shop: Awaited<ReturnType<typeof setUpDemoShop>>;

const pos = (...parts: string[]) => join(server.files, 'pos', ...parts);
const workflowId = (prefix: string) => shop.workflows.find((workflow) => workflow.file.startsWith(prefix))!.id;
const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

beforeAll(async () => {
	[dotdigital, khaos, store] = await Promise.all([startFakeDotdigital({ importMs: 300 }), startFakeKhaos(), startFakeStore()]);
	server = await startServer({ GENERIC_TIMEZONE: 'Europe/London' });
	shop = await setUpDemoShop(server.instance, { filesRoot: server.files, fakes: { dotdigital, khaos, store }, checkEverySeconds: 1, settleSeconds: 1 });
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await Promise.all([dotdigital?.stop(), khaos?.stop(), store?.stop()]);
});

/** Drops an export into a POS folder as a finished file and waits for the execution it starts. */
async function dropExport(prefix: string, folder: string, source: string, runs = 1) {
	writeFileAged(join(pos(folder), source.split('/').pop()!), readFileSync(source), 5);
	const executions = await server.instance.waitForExecutions(workflowId(prefix), runs, { timeoutMs: 300_000 });
	const execution = executions[runs - 1];
	expectSuccess(execution);
	return execution;
}

/** A failed execution shows which node failed and why. */
function expectSuccess(execution: any) {
	const error = execution.data?.resultData?.error;
	const failure = { node: execution.data?.resultData?.lastNodeExecuted, error: error?.message, description: error?.description };
	expect(execution.status === 'success' ? 'success' : `${execution.status}: ${JSON.stringify(failure)}`).toBe('success');
}

/** The report files of today's runs for one feed: the counts, and the exceptions workbook's rows. */
function reports(feed: string) {
	const folder = pos('reports');
	const files = readdirSync(folder).filter((name) => name.startsWith(today()) && name.includes(`-${feed}-`)).sort();
	const summaries = files.filter((name) => name.endsWith('-summary.json')).map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')));
	const exceptions = files
		.filter((name) => name.endsWith('-exceptions.xlsx'))
		.flatMap((name) => {
			const workbook = XLSX.read(readFileSync(join(folder, name)));
			return XLSX.utils.sheet_to_json<Record<string, unknown>>(workbook.Sheets.Exceptions);
		});
	return { summaries, exceptions };
}

describe('the template workflows in a real n8n', () => {
	it('all import and activate, linked to the credentials by name', async () => {
		expect(shop.workflows.map((workflow) => workflow.file)).toEqual(readTemplates().map((template) => template.file));
		expect(shop.workflows).toHaveLength(7);
		for (const { id } of shop.workflows) {
			const saved = await server.instance.api('GET', `/workflows/${id}`);
			expect(saved.active).toBe(true);
			for (const node of saved.nodes.filter((candidate: { credentials?: object }) => candidate.credentials)) {
				const [[type, reference]] = Object.entries(node.credentials as Record<string, { id: string }>);
				expect(reference.id).toBe(shop.credentials[type as keyof typeof shop.credentials].id);
			}
		}
	});

	it('1. customers: the demo export becomes contacts, with the opt-in respected and every row reported', async () => {
		const execution = await dropExport('01-', 'customers', demoShop.demoExport('customers'));
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({ records: 39, done: 37, failed: 2, created: 37, balanced: true });

		const contacts = dotdigital.contacts();
		expect(contacts).toHaveLength(37);
		const amelia = dotdigital.contact('email', 'amelia.smith@example.co.uk');
		expect(amelia).toMatchObject({ status: 'subscribed', dataFields: expect.objectContaining({ FIRSTNAME: 'Amelia', LASTNAME: 'Smith', POSTCODE: 'SE1 9SG' }) });
		expect(dotdigital.contact('email', 'oliver.jones@example.co.uk')?.status).toBe('unsubscribed');
		expect(dotdigital.contact('email', 'isla.taylor@example.co.uk')?.status).toBe('subscribed');
		// Trimmed and lower-cased: the till wrote " GRACE.EVANS@EXAMPLE.CO.UK ".
		expect(dotdigital.contact('email', 'grace.evans@example.co.uk')).toBeDefined();

		const { summaries, exceptions } = reports('customers');
		expect(summaries).toEqual([expect.objectContaining({ feed: 'customers', file: 'Customers_2026-11-21.csv', rows_read: 40, records: 39, rejected: 1, sent: 39, done: 37, failed: 2, balanced: true })]);
		expect(exceptions).toHaveLength(3);
		expect(exceptions.map((row) => [row.stage, row.owner, row.line])).toEqual([
			['Dotdigital', 'till data', 25],
			['Dotdigital', 'till data', 31],
			['Mapping', 'till data', 19],
		]);
		expect(exceptions[2]).toMatchObject({ field: 'email', value: 'charlie.roberts@', reason: '"charlie.roberts@" is not a valid email address' });
		// The processed file moved out of the drop folder.
		expect(readdirSync(pos('customers')).filter((name) => name.endsWith('.csv'))).toEqual([]);
	}, 600_000);

	it("1. customers again: the next day's export with nothing changed sends nothing", async () => {
		const importsBefore = dotdigital.calls().filter((call) => call.method === 'PUT' && call.path.endsWith('/contacts/v3/import')).length;
		// The till exports the same customers again; its bytes differ (line endings), its data does not.
		const again = readFileSync(demoShop.demoExport('customers'), 'utf8').replace(/\r\n/g, '\n');
		writeFileAged(join(pos('customers'), 'Customers_2026-11-22.csv'), again, 5);
		const [, execution] = await server.instance.waitForExecutions(workflowId('01-'), 2, { timeoutMs: 300_000 });
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({ records: 39, done: 0, failed: 2, unchanged: 37, imports: 0, balanced: true });
		expect(dotdigital.calls().filter((call) => call.method === 'PUT' && call.path.endsWith('/contacts/v3/import')).length).toBe(importsBefore);
		expect(reports('customers').summaries[1]).toMatchObject({ file: 'Customers_2026-11-22.csv', sent: 39, done: 0, failed: 2, unchanged: 37, balanced: true });
	}, 600_000);

	it('2. products: the demo export becomes the product catalogue', async () => {
		const execution = await dropExport('02-', 'products', demoShop.demoExport('products'));
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({ records: 13, done: 13, failed: 0, balanced: true });
		const catalogue = dotdigital.collection('Catalog_Default')?.records ?? [];
		expect(catalogue.map((record) => record.key).sort()).toHaveLength(13);
		const jacket = catalogue.find((record) => record.key === 'JKT-WAX-OLV-L');
		expect(jacket?.json).toMatchObject({ name: 'Waxed jacket, olive, L', price: 1149, sale_price: 899, currency: 'GBP', brand: 'Northfield' });
		const { summaries, exceptions } = reports('products');
		expect(summaries).toEqual([expect.objectContaining({ rows_read: 14, records: 13, rejected: 1, sent: 13, done: 13, failed: 0, balanced: true })]);
		expect(exceptions).toEqual([expect.objectContaining({ stage: 'Mapping', owner: 'till data', line: 14, field: 'sku' })]);
	}, 600_000);

	it('3. transactions: receipts with an email become orders on their contacts; receipts with none are reported', async () => {
		const execution = await dropExport('03-', 'transactions', demoShop.demoExport('transactions'));
		const summary = nodeOutput(execution, 'Send to Dotdigital', 2)[0].json;
		expect(summary).toMatchObject({ records: 30, balanced: true });
		const failed = nodeOutput(execution, 'Send to Dotdigital', 1).map((item) => item.json);
		expect(failed.map((item) => [item.code, item.owner])).toEqual(failed.map(() => ['customerLookupFailed', 'till data']));
		expect(failed.every((item) => !item.record.email)).toBe(true);
		const orders = dotdigital.collection('Orders')?.records ?? [];
		expect(orders).toHaveLength(summary.done);
		expect(summary.done + summary.failed).toBe(30);
		for (const order of orders) expect(dotdigital.contact('email', String(order.contactIdentity?.value))).toBeDefined();
		// A loyalty-card receipt with no email reaches Ava through her customer number, learnt from the customer export.
		expect(orders.find((order) => order.key === 'R40014')?.contactIdentity?.value).toBe('ava.williams@example.co.uk');
		const refund = orders.find((order) => order.key === 'R40040');
		expect(refund?.json).toMatchObject({ email: 'amelia.smith@example.co.uk', order_total: -8.5 });

		const { summaries, exceptions } = reports('transactions');
		expect(summaries).toEqual([expect.objectContaining({ rows_read: 61, records: 30, rejected: 3, sent: 30, done: summary.done, failed: summary.failed, balanced: true })]);
		expect(exceptions.filter((row) => row.stage === 'Mapping')).toHaveLength(3);
		expect(exceptions.filter((row) => row.stage === 'Dotdigital')).toHaveLength(summary.failed);
	}, 600_000);

	it('3. transactions, Square shop: the real Square Item Detail sample through the same template with the Square preset', async () => {
		const [template] = readTemplates().filter((candidate) => candidate.file.startsWith('03-'));
		const workflow = localise(template.workflow, { filesRoot: server.files, storeUrl: store.apiUrl, welcomeListId: WELCOME_LIST_ID, checkEverySeconds: 1, settleSeconds: 1 });
		workflow.name = 'Square transactions → Dotdigital orders';
		for (const node of workflow.nodes) {
			if (node.name === 'New transactions export') node.parameters.folder = pos('square');
			if (node.name === 'Map the rows') Object.assign(node.parameters, { mappingSource: 'preset', preset: 'square-item-detail', settings: { timeZone: 'America/New_York' } });
		}
		mkdirSync(pos('square'), { recursive: true });
		const id = await server.instance.createWorkflow(workflow);
		await server.instance.activate(id);
		copyFileSync(join(__dirname, '..', 'fixtures', 'pos', 'square-item-detail.csv'), join(pos('square'), 'items-2026-06-21-2026-06-30.csv'));
		const [execution] = await server.instance.waitForExecutions(id, 1, { timeoutMs: 300_000 });
		expectSuccess(execution);

		const mapped = nodeOutput(execution, 'Map the rows', 2)[0].json;
		expect(mapped).toMatchObject({ rows_read: 417, balanced: true });
		const sent = nodeOutput(execution, 'Send to Dotdigital', 2)[0].json;
		// Square rows carry a customer id but never an email: until the customer feed links the two, no order can find its contact.
		expect(sent).toMatchObject({ records: mapped.records, done: 0, failed: mapped.records, failed_by_code: { customerLookupFailed: mapped.records }, balanced: true });
		const squareReport = reports('transactions').summaries.find((summary) => summary.file === 'items-2026-06-21-2026-06-30.csv');
		expect(squareReport).toMatchObject({ rows_read: 417, records: mapped.records, rejected: mapped.rejected, sent: mapped.records, failed: mapped.records, balanced: true });
	}, 600_000);

	it('4. sign-up fast lane: new sign-ups reach the welcome list in real time; those who did not opt in do not', async () => {
		const bulkImports = () => dotdigital.calls().filter((call) => call.method === 'POST' && call.path.includes('/contacts/v3/import')).length;
		const importsBefore = bulkImports();
		const execution = await dropExport('04-', 'signups', demoShop.demoExport('signups'));
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({ records: 3, done: 3, created: 3, balanced: true });
		// Real time: one call per contact, no bulk import.
		expect(bulkImports()).toBe(importsBefore);
		const hannah = dotdigital.contact('email', 'hannah.okafor@example.co.uk');
		expect(hannah).toMatchObject({ status: 'subscribed', lists: [3] });
		expect(dotdigital.contact('email', 'tomas.garcia@example.co.uk')).toMatchObject({ status: 'subscribed', lists: [3] });
		// Beth did not opt in: she is unsubscribed before she joins the list, so the programme never emails her.
		expect(dotdigital.contact('email', 'beth.carter@example.co.uk')).toMatchObject({ status: 'unsubscribed' });
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
			invoice_address: { address_1: '1 Priest Court', town: 'Grantham', postcode: 'NG31 7FZ', country_code: 'GB' },
			payments: [{ method: 'card', amount: 59.98, reference: `pi_${orderId}` }],
			delivery: { method: 'Royal Mail 48', charge_gross: 2.99 },
		});
		const post = (orders: unknown[]) =>
			waitFor('the web-orders webhook', async () => {
				const answer = await fetch(`${server.instance.baseUrl}/webhook/web-orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orders }) });
				return answer.status === 404 ? undefined : answer;
			}, { timeoutMs: 30_000, intervalMs: 500 });

		expect((await post([order('WEB7001', 'HL0453'), order('WEB7002', 'NO-SUCH-SKU')])).status).toBe(200);
		const [first] = await server.instance.waitForExecutions(id, 1);
		expectSuccess(first);
		expect(nodeOutput(first, 'Import into Khaos', 0).map((item) => [item.json.order_id, item.json.status])).toEqual([['WEB7001', 'imported']]);
		expect(nodeOutput(first, 'Orders Khaos refused: tell someone').map((item) => item.json.order_id)).toEqual(['WEB7002']);
		expect(khaos.orders().filter((stored) => stored.associatedRef === 'WEB7001')).toHaveLength(1);

		await post([order('WEB7001', 'HL0453')]);
		const [, again] = await server.instance.waitForExecutions(id, 2);
		expect(nodeOutput(again, 'Import into Khaos', 0).map((item) => item.json.status)).toEqual(['already_imported']);
		expect(khaos.orders().filter((stored) => stored.associatedRef === 'WEB7001')).toHaveLength(1);

		khaos.advanceOrder('WEB7001', 14, { consignmentRef: 'RM123456789GB', trackingUrl: 'https://track.example/RM123456789GB', courier: 'Royal Mail' });
		store.openOrders = ['WEB7001'];
		const statusRun = await server.instance.runManually(id, 'Every 30 minutes');
		expectSuccess(statusRun);
		expect(store.statuses.get('WEB7001')).toMatchObject({ associated_ref: 'WEB7001', stage_id: 14, cancelled: false });
		expect(JSON.stringify(store.statuses.get('WEB7001'))).toContain('RM123456789GB');
	}, 600_000);

	it('6. Khaos products: changed products and stock reach the store', async () => {
		const id = workflowId('06-');
		// The trigger polls every minute in the sandbox; its first poll sends every web product once.
		const [execution] = await server.instance.waitForExecutions(id, 1, { timeoutMs: 150_000 });
		expect(execution.status).toBe('success');
		const sent = nodeOutput(execution, 'Khaos product changes').map((item) => item.json.stock_code);
		expect(sent.length).toBeGreaterThan(0);
		expect([...store.products.keys()].sort()).toEqual([...sent].sort());
		expect(store.products.get('HL0453')).toMatchObject({ stock_code: 'HL0453', price: 56.99, published: true });
	}, 600_000);

	it("7. sync health: the next morning, yesterday adds up per feed, and the week's exceptions are grouped by owner", async () => {
		// The runs above wrote today's reports; the checks read yesterday's, so move them back a day.
		const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
		for (const name of readdirSync(pos('reports'))) renameSync(pos('reports', name), pos('reports', name.replace(today(), yesterday)));
		const id = workflowId('07-');

		const daily = await server.instance.runManually(id, 'Every morning at 07:00');
		expectSuccess(daily);
		const [check] = nodeOutput(daily, 'Send the daily check (email or Slack)').map((item) => item.json);
		expect(check.feeds.customers).toMatchObject({ files: 2, rows_read: 80, records: 78, rejected: 2, sent: 78, done: 37, failed: 4, unchanged: 37, unbalanced: [] });
		expect(check.feeds.products).toMatchObject({ files: 1, rows_read: 14, records: 13, rejected: 1, done: 13 });
		expect(check.feeds.transactions.files).toBe(2);
		expect(check.feeds.signups).toMatchObject({ files: 1, records: 3, done: 3 });
		expect(check.ok).toBe(false);
		expect(check.problems).toContain('customers: Dotdigital refused 4 record(s); see the exceptions reports.');
		expect(check.subject).toMatch(/^POS sync \d{4}-\d\d-\d\d: \d+ thing\(s\) to check$/);

		const weekly = await server.instance.runManually(id, 'Every Monday at 08:00');
		expectSuccess(weekly);
		const [review] = nodeOutput(weekly, 'Send the weekly review (email or Slack)').map((item) => item.json);
		const written = readdirSync(pos('reports'))
			.filter((name) => name.endsWith('-exceptions.xlsx'))
			.flatMap((name) => XLSX.utils.sheet_to_json<{ owner: string }>(XLSX.read(readFileSync(pos('reports', name))).Sheets.Exceptions));
		expect(review.total).toBe(written.length);
		expect(Object.values(review.by_owner as Record<string, number>).reduce((sum, count) => sum + count, 0)).toBe(written.length);
		expect(review.top_reasons[0]).toMatchObject({ owner: 'till data' });
	}, 600_000);
});
