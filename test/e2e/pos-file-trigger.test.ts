/**
 * POS File Trigger in a real n8n 2.41.1 server: active workflows watching temp folders,
 * real executions read back through the public API.
 */
import { createHash } from 'node:crypto';
import {
	appendFileSync,
	copyFileSync,
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';

import { ledgerLines, SyncStateStore } from '../../lib/state';
import { writeFileAged } from '../helpers/files';
import { nodeOutput, ranNode, sleep, startServer, waitFor, type E2eServer } from './harness';

const TRIGGER = 'New export';
const NEXT = 'Next step';
const ALERT = 'Tell someone';

let server: E2eServer;

beforeAll(async () => {
	server = await startServer();
});

afterAll(async () => {
	await server?.stop();
});

function watchedFolder(name: string): string {
	const folder = join(server.files, name);
	mkdirSync(folder, { recursive: true });
	return folder;
}

interface TriggerSetup {
	options?: Record<string, unknown>;
	pattern?: string;
	downstream?: 'noop' | 'fail';
}

function triggerWorkflow(
	name: string,
	folder: string,
	{ options = {}, pattern = '*.csv', downstream = 'noop' }: TriggerSetup = {},
) {
	const nextNode =
		downstream === 'fail'
			? {
					name: NEXT,
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [300, 0],
					parameters: { errorMessage: 'The Dotdigital import failed (simulated)' },
				}
			: {
					name: NEXT,
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [300, 0],
					parameters: {},
				};
	return {
		name,
		nodes: [
			{
				name: TRIGGER,
				type: 'n8n-nodes-pos-sync.posFileTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					feed: 'customer',
					folder,
					pattern,
					schedule: 'arrival',
					checkEverySeconds: 1,
					settleSeconds: 3,
					options,
				},
			},
			nextNode,
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
				main: [[{ node: NEXT, type: 'main', index: 0 }], [{ node: ALERT, type: 'main', index: 0 }]],
			},
		},
	};
}

async function activeWorkflow(workflow: ReturnType<typeof triggerWorkflow>): Promise<string> {
	const id = await server.instance.createWorkflow(workflow);
	await server.instance.activate(id);
	return id;
}

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');
const emittedNames = (executions: any[]) =>
	executions.map((e) => nodeOutput(e, TRIGGER)[0]?.json?.name);

/** Long enough for several checks and a full settle time to pass. */
const QUIET_PERIOD_MS = 8000;

describe('POS File Trigger in a real n8n', () => {
	let customers: string;
	let customersWorkflow: string;
	const complete =
		'customer_id,email,first_name\n' +
		Array.from({ length: 200 }, (_, i) => `C${i},c${i}@example.com,Name ${i}\n`).join('');

	beforeAll(async () => {
		customers = watchedFolder('customers');
		customersWorkflow = await activeWorkflow(
			triggerWorkflow('customers', customers, { options: { moveProcessed: true } }),
		);
	});

	test('a file written slowly, in pieces, gives exactly one execution, and only after it is complete', async () => {
		const target = join(customers, 'Customers_2026-11-22.csv');
		const pieces = complete.match(/[\s\S]{1,1500}/g)!;
		expect(pieces.length).toBeGreaterThanOrEqual(4);
		for (const piece of pieces) {
			appendFileSync(target, piece);
			await sleep(1500); // less than the 3 s settle time, so the file never looks finished
		}
		const finishedWritingAt = Date.now();

		const [execution] = await server.instance.waitForExecutions(customersWorkflow, 1, {
			timeoutMs: 30_000,
		});
		await sleep(QUIET_PERIOD_MS);
		const executions = await server.instance.executions(customersWorkflow);
		expect(executions).toHaveLength(1);
		expect(execution.status).toBe('success');
		expect(new Date(execution.startedAt).getTime()).toBeGreaterThanOrEqual(
			finishedWritingAt - 1000,
		);

		const [item] = nodeOutput(execution, TRIGGER);
		expect(item.json).toMatchObject({
			feed: 'customer',
			name: 'Customers_2026-11-22.csv',
			size: Buffer.byteLength(complete),
			sha256: sha256(complete),
			format: 'csv',
			encoding: 'utf-8',
			delimiter: ',',
			header: ['customer_id', 'email', 'first_name'],
		});
		expect(item.binary.data).toMatchObject({
			fileName: 'Customers_2026-11-22.csv',
			mimeType: 'text/csv',
		});
		expect(ranNode(execution, NEXT)).toBe(true);
		expect(ranNode(execution, ALERT)).toBe(false);

		const today = new Date().toISOString().slice(0, 10);
		expect(
			readFileSync(join(customers, 'processed', today, 'Customers_2026-11-22.csv'), 'utf8'),
		).toBe(complete);
		expect(existsSync(target)).toBe(false);
	});

	test('the same content dropped again under another name gives no execution, and a stray file is noted once; both leave a sync ledger line saying why', async () => {
		const today = new Date().toISOString().slice(0, 10);
		copyFileSync(
			join(customers, 'processed', today, 'Customers_2026-11-22.csv'),
			join(customers, 'Customers_copy.csv'),
		);
		writeFileSync(join(customers, 'Till report.pdf'), '%PDF-1.7');
		await sleep(QUIET_PERIOD_MS);
		// A different file afterwards proves the trigger kept checking past the duplicate.
		writeFileSync(
			join(customers, 'Customers_2026-11-23.csv'),
			'customer_id,email\nC900,new@example.com\n',
		);
		const executions = await server.instance.waitForExecutions(customersWorkflow, 2, {
			timeoutMs: 30_000,
		});
		await sleep(QUIET_PERIOD_MS);

		expect(emittedNames(await server.instance.executions(customersWorkflow))).toEqual([
			'Customers_2026-11-22.csv',
			'Customers_2026-11-23.csv',
		]);
		expect(executions).toHaveLength(2);
		// The duplicate is moved out of the way with the processed files, never emitted.
		expect(readdirSync(join(customers, 'processed', today)).sort()).toEqual([
			'Customers_2026-11-22.csv',
			'Customers_2026-11-23.csv',
			'Customers_copy.csv',
		]);
		expect(existsSync(join(customers, 'Till report.pdf'))).toBe(true);

		const store = SyncStateStore.open(
			join(server.instance.userFolder, '.n8n', 'pos-sync', 'pos-sync-state.sqlite'),
		);
		try {
			const lines = ledgerLines(
				await store.ledgerSteps(new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000)),
				'UTC',
			).filter((line) => line.workflow === 'customers');
			expect(lines.map((line) => [line.file, line.skipped, line.note])).toEqual([
				[
					'Till report.pdf',
					'stray',
					'does not match the file name pattern "*.csv", so the customer feed leaves it in the folder',
				],
				[
					'Customers_copy.csv',
					'duplicate',
					expect.stringMatching(
						/^same content as Customers_2026-11-22\.csv, processed \w{3} \d{1,2} \w{3} \d{4} \d\d:\d\d$/,
					),
				],
			]);
		} finally {
			await store.close();
		}
	});

	test('refuses to watch a folder outside the folders n8n may read, with a clear message', async () => {
		const id = await server.instance.createWorkflow(triggerWorkflow('outside', '/etc'));
		await server.instance.api('POST', `/workflows/${id}/activate`);
		// n8n 2.x retries a failing trigger (about 15 s of backoff), then records the failure in the
		// workflow's publication status, which the editor shows on the workflow.
		const status = await waitFor(
			'the trigger to be marked as failed',
			async () => {
				const { data } = await server.instance.rest(
					'GET',
					`/rest/workflows/${id}/publication-status`,
				);
				return data.status === 'failed' ? data : undefined;
			},
			{ timeoutMs: 90_000, intervalMs: 1000 },
		);
		expect(status.triggers).toHaveLength(1);
		expect(status.triggers[0].errorMessage).toContain(
			'n8n does not allow reading the folder "/etc": it is outside the folders n8n may read',
		);
		expect(await server.instance.executions(id)).toEqual([]);
		await server.instance.deactivate(id);
	});
});

describe('POS File Trigger with real-world exports', () => {
	test('a Windows-1252 semicolon export and an Excel workbook are described by their content', async () => {
		const mixed = watchedFolder('mixed');
		const workflow = await activeWorkflow(
			triggerWorkflow('mixed', mixed, { pattern: '*.{csv,xlsx}' }),
		);
		const german = Buffer.concat([
			Buffer.from('Artikel;Preis (', 'latin1'),
			Buffer.from([0xa3]),
			Buffer.from(');Menge\r\nTasse;12,50;3\r\n', 'latin1'),
		]);
		writeFileAged(join(mixed, 'Artikel.csv'), german, 120);
		const sheet = XLSX.utils.aoa_to_sheet([
			['SKU', 'Name'],
			['A1', 'Mug'],
		]);
		const book = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(book, sheet, 'Products');
		writeFileAged(
			join(mixed, 'Products.xlsx'),
			XLSX.write(book, { bookType: 'xlsx', type: 'buffer' }),
			60,
		);

		const executions = await server.instance.waitForExecutions(workflow, 2, { timeoutMs: 30_000 });
		const items = executions.map((e) => nodeOutput(e, TRIGGER)[0]);
		expect(items[0].json).toMatchObject({
			name: 'Artikel.csv',
			format: 'csv',
			encoding: 'windows-1252',
			delimiter: ';',
			header: ['Artikel', 'Preis (£)', 'Menge'],
		});
		expect(items[1].json).toMatchObject({
			name: 'Products.xlsx',
			format: 'xlsx',
			sheet: 'Products',
			header: ['SKU', 'Name'],
		});
		expect(items[1].binary.data.mimeType).toBe(
			'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		);
		await server.instance.deactivate(workflow);
	});
});

describe('POS File Trigger "Fetch test event"', () => {
	test('a manual run takes the newest file and leaves it to be processed for real later', async () => {
		const stockTest = watchedFolder('stock-test');
		writeFileAged(join(stockTest, 'Stock_old.csv'), 'sku,qty\nA1,3\n', 120);
		writeFileAged(join(stockTest, 'Stock_new.csv'), 'sku,qty\nA1,2\n', 60);
		const workflow = triggerWorkflow('stock test', stockTest, { options: { moveProcessed: true } });
		const id = await server.instance.createWorkflow(workflow);

		const { data } = await server.instance.rest('POST', `/rest/workflows/${id}/run`, {
			workflowData: { id, ...workflow },
			triggerToStartFrom: { name: TRIGGER },
		});
		const [manual] = await server.instance.waitForExecutions(id, 1, { timeoutMs: 30_000 });
		expect(manual.id).toBe(String(data.executionId));
		expect(manual.mode).toBe('manual');
		expect(nodeOutput(manual, TRIGGER).map((item) => item.json.name)).toEqual(['Stock_new.csv']);
		expect(readdirSync(stockTest).sort()).toEqual(['Stock_new.csv', 'Stock_old.csv']);

		await server.instance.activate(id);
		const executions = await server.instance.waitForExecutions(id, 3, { timeoutMs: 30_000 });
		expect(executions.slice(1).map((e) => [e.mode, nodeOutput(e, TRIGGER)[0].json.name])).toEqual([
			['trigger', 'Stock_old.csv'],
			['trigger', 'Stock_new.csv'],
		]);
		await server.instance.deactivate(id);
	});
});

describe('POS File Trigger across a restart', () => {
	test('a file dropped while n8n is stopped is processed after the restart, and nothing is emitted twice', async () => {
		const products = watchedFolder('products');
		const workflow = await activeWorkflow(triggerWorkflow('products', products));
		writeFileSync(join(products, 'Products_1.csv'), 'sku,name\nA1,Mug\n');
		await server.instance.waitForExecutions(workflow, 1, { timeoutMs: 30_000 });

		await server.instance.stop();
		writeFileSync(join(products, 'Products_2.csv'), 'sku,name\nB2,Teapot\n');
		await server.instance.start();

		await server.instance.waitForExecutions(workflow, 2, { timeoutMs: 60_000 });
		await sleep(QUIET_PERIOD_MS);
		const executions = await server.instance.executions(workflow);
		// Products_1.csv is still in the folder (moving is off): only the file register keeps it from coming back.
		expect(emittedNames(executions)).toEqual(['Products_1.csv', 'Products_2.csv']);
		expect(executions.every((e) => e.status === 'success')).toBe(true);
	});
});

describe('POS File Trigger when the workflow fails', () => {
	test('a file whose execution fails is retried, then moved to failed/ with its reason', async () => {
		const transactions = watchedFolder('transactions');
		const workflow = await activeWorkflow(
			triggerWorkflow('transactions', transactions, {
				options: { maxAttempts: 2 },
				downstream: 'fail',
			}),
		);
		writeFileSync(join(transactions, 'Transactions_1.csv'), 'order_id,sku,qty\n1001,A1,2\n');

		const executions = await server.instance.waitForExecutions(workflow, 2, { timeoutMs: 40_000 });
		const reasonFile = join(transactions, 'failed', 'Transactions_1.csv.reason.txt');
		await waitFor('the reason file', async () => (existsSync(reasonFile) ? true : undefined), {
			timeoutMs: 15_000,
		});
		await sleep(QUIET_PERIOD_MS);

		expect(await server.instance.executions(workflow)).toHaveLength(2);
		expect(executions.map((e) => e.status)).toEqual(['error', 'error']);
		expect(executions.map((e) => nodeOutput(e, TRIGGER)[0].json.attempt)).toEqual([1, 2]);
		expect(existsSync(join(transactions, 'Transactions_1.csv'))).toBe(false);
		expect(readFileSync(join(transactions, 'failed', 'Transactions_1.csv'), 'utf8')).toBe(
			'order_id,sku,qty\n1001,A1,2\n',
		);
		const reason = readFileSync(reasonFile, 'utf8');
		expect(reason).toContain('after 2 failed attempts');
		expect(reason).toContain('The Dotdigital import failed (simulated)');
		expect(reason).toContain(`in node "${NEXT}"`);
	});
});

describe('POS File Trigger sync-gap alerts', () => {
	test('a feed that goes quiet gives one alert on the Sync Gap Alerts output', async () => {
		const stock = watchedFolder('stock');
		const workflow = await activeWorkflow(
			triggerWorkflow('stock', stock, { options: { expectedEveryMinutes: 0.05 } }),
		);

		const [execution] = await server.instance.waitForExecutions(workflow, 1, { timeoutMs: 30_000 });
		await sleep(QUIET_PERIOD_MS);
		expect(await server.instance.executions(workflow)).toHaveLength(1);

		expect(ranNode(execution, ALERT)).toBe(true);
		expect(ranNode(execution, NEXT)).toBe(false);
		const [alert] = nodeOutput(execution, TRIGGER, 1);
		expect(alert.json).toMatchObject({
			alert: 'sync_gap',
			feed: 'customer',
			folder: stock,
			expected_every_minutes: 0.05,
		});
		expect(alert.json.message).toContain(`No new customer file has arrived in ${stock}`);
	});
});
