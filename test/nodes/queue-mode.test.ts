/**
 * The nodes in n8n's queue mode, inside n8n's engine: with a SQLite file per process they refuse to
 * run and say what to set (nothing is sent, so the trigger keeps the file for a later run); with the
 * state in Postgres, orders that carry only a customer ID reach the contact the customer run taught,
 * whichever process ran it; and Mapping Apply names the cause when a file's binary data is missing.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { defaultStatePath } from '../../lib/state';
import { MappingApply } from '../../nodes/MappingApply/MappingApply.node';
import { SyncLedger } from '../../nodes/SyncLedger/SyncLedger.node';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { runDotdigitalUpsert } from './harness/dotdigital-upsert';
import { errorOf, outputOf, runWorkflow } from './harness/engine';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPostgres } = require('../e2e/harness/services.cjs') as {
	startPostgres: () => Promise<{ url: (database?: string) => string; stop: () => Promise<void> }>;
};

jest.setTimeout(180_000);

const NODE = 'Dotdigital Upsert';
const SETTINGS = [
	'EXECUTIONS_MODE',
	'POS_SYNC_STATE_DIR',
	'POS_SYNC_STATE_POSTGRES_URL',
	'POS_SYNC_STATE_SCHEMA',
	'POS_SYNC_STATE_BACKEND',
	'DB_TYPE',
] as const;
let fake: FakeDotdigital;
let saved: Partial<Record<(typeof SETTINGS)[number], string>>;

beforeAll(async () => {
	fake = await startFakeDotdigital({ importMs: 100 });
	saved = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]]));
});
afterAll(async () => {
	await fake.stop();
});
beforeEach(() => {
	fake.reset();
	for (const name of SETTINGS) delete process.env[name];
	process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-queue-'));
	process.env.EXECUTIONS_MODE = 'queue';
});
afterEach(() => {
	for (const name of SETTINGS) {
		if (saved[name] === undefined) delete process.env[name];
		else process.env[name] = saved[name];
	}
});

async function upsert(items: IDataObject[], parameters: INodeParameters) {
	return await runDotdigitalUpsert(fake, items, parameters);
}

const customer = (index: number) => ({
	customer_id: `C${index}`,
	email: `shopper${index}@example.com`,
	marketing_opt_in: index % 2 === 0,
});
const order = (index: number) => ({
	order_id: `T${index}`,
	customer_id: `C${index}`,
	purchase_date: '2026-11-21T10:00:00Z',
	currency: 'GBP',
	order_total: 10 + index,
	lines: [{ sku: 'MUG', name: 'Mug', qty: 1, unit_price: 10 + index, line_total: 10 + index }],
});
const writes = () =>
	fake.calls().filter((call) => call.method !== 'GET' && !call.path.endsWith('/v2/data-fields'));

describe('queue mode with a SQLite file per process', () => {
	it('Dotdigital Upsert fails before it sends anything, and says what to configure', async () => {
		const run = await upsert([order(1)], { resource: 'order', operation: 'upsert' });
		const error = errorOf(run, NODE);
		expect(error.message).toBe(
			'The sync state must be shared by all of n8n’s processes in queue mode',
		);
		expect(error.description).toContain('DB_TYPE=postgresdb');
		expect(error.description).toContain('POS_SYNC_STATE_POSTGRES_URL');
		expect(run.status).toBe('error');
		expect(writes()).toEqual([]);
		expect(existsSync(defaultStatePath())).toBe(false);
	});

	it('the Sync Ledger fails the same way instead of reporting one process’s files', async () => {
		const run = await runWorkflow({
			nodes: [
				{ name: 'Input', type: 'testInput', parameters: { items: '[{"json":{}}]' } },
				{
					name: 'Sync Ledger',
					type: 'n8n-nodes-pos-sync.syncLedger',
					parameters: { operation: 'files', period: 'today' },
				},
			],
			connections: { Input: { main: [[{ node: 'Sync Ledger', type: 'main', index: 0 }]] } },
			nodeTypes: { syncLedger: new SyncLedger() },
		});
		expect(errorOf(run, 'Sync Ledger').message).toBe(
			'The sync state must be shared by all of n8n’s processes in queue mode',
		);
	});
});

describe('queue mode with the state in Postgres', () => {
	let postgres: { url: (database?: string) => string; stop: () => Promise<void> };
	beforeAll(async () => {
		postgres = await startPostgres();
	}, 120_000);
	afterAll(async () => {
		await postgres.stop();
	});

	it('orders with only a customer ID reach the contact another process taught, and an unchanged re-run sends nothing', async () => {
		process.env.POS_SYNC_STATE_POSTGRES_URL = postgres.url();
		const customers = Array.from({ length: 6 }, (_, index) => customer(index));
		const orders = Array.from({ length: 6 }, (_, index) => order(index));
		// The customer run on one process…
		process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-worker-1-'));
		const taught = await upsert(customers, {
			resource: 'contact',
			operation: 'upsert',
			mode: 'bulk',
			onlyChanged: true,
		});
		expect(outputOf(taught, NODE, 2)[0].json).toMatchObject({ done: 6, failed: 0 });
		// …the transaction run on another, with a user folder of its own.
		process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-worker-2-'));
		const sent = await upsert(orders, {
			resource: 'order',
			operation: 'upsert',
			onlyChanged: true,
		});
		expect(outputOf(sent, NODE, 2)[0].json).toMatchObject({
			records: 6,
			done: 6,
			failed: 0,
			balanced: true,
		});
		expect(
			outputOf(sent, NODE, 0).map((item) => [item.json.key, item.json.email, item.json.email_from]),
		).toEqual(
			orders.map((entry, index) => [
				entry.order_id,
				`shopper${index}@example.com`,
				'customer index',
			]),
		);
		expect(
			fake
				.collection('Orders')
				?.records.map((record) => [record.key, record.contactIdentity?.value])
				.sort(),
		).toEqual(orders.map((entry, index) => [entry.order_id, `shopper${index}@example.com`]));
		expect(existsSync(defaultStatePath())).toBe(false);

		const before = writes().length;
		process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-worker-1-'));
		const again = await upsert(customers, {
			resource: 'contact',
			operation: 'upsert',
			mode: 'bulk',
			onlyChanged: true,
		});
		expect(outputOf(again, NODE, 2)[0].json).toMatchObject({ records: 6, unchanged: 6, done: 0 });
		expect(writes().slice(before)).toEqual([]);
	});
});

describe('Mapping Apply in queue mode', () => {
	it('names the cause when the file’s binary data is on another host', async () => {
		const lost = {
			json: { name: 'Customers_2026-11-21.csv' },
			binary: {
				data: {
					id: 'filesystem-v2:workflows/w1/executions/41/binary_data/5b0c',
					data: 'filesystem-v2',
					mimeType: 'text/csv',
					fileName: 'Customers_2026-11-21.csv',
				},
			},
		};
		process.env.POS_SYNC_STATE_BACKEND = 'sqlite';
		const run = await runWorkflow({
			nodes: [
				{ name: 'Input', type: 'testInput', parameters: { items: JSON.stringify([lost]) } },
				{
					name: 'Mapping Apply',
					type: 'n8n-nodes-pos-sync.mappingApply',
					parameters: {
						feed: 'transaction',
						mappingSource: 'preset',
						preset: 'square-item-detail',
					},
				},
			],
			connections: { Input: { main: [[{ node: 'Mapping Apply', type: 'main', index: 0 }]] } },
			nodeTypes: { mappingApply: new MappingApply() },
		});
		const error = errorOf(run, 'Mapping Apply');
		expect(error.message).toBe(
			'n8n could not find the file Customers_2026-11-21.csv in its binary data (filesystem-v2)',
		);
		expect(error.description).toContain('N8N_DEFAULT_BINARY_DATA_MODE=database');
		expect(error.description).toContain('on the main instance and every worker');
	});
});
