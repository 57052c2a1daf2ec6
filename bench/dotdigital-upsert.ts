/**
 * How many API calls, how long and how much memory Dotdigital Upsert needs for CUSTOMERS customers
 * (default 100,000) and ORDER_LINES order lines (default 100,000, four lines per order), run through
 * the node inside n8n's engine against the fake Dotdigital in a process of its own.
 *
 *   npm run bench dotdigital-upsert      (or: CUSTOMERS=20000 node .build/bench/dotdigital-upsert.js)
 *
 * Four runs: the customers into an empty account (every contact new), the same customers again
 * (every contact known), then the orders, whose contacts all exist. The fake finishes an import
 * IMPORT_MS after accepting it (default 2,000 ms); the node checks an import first after 5 s, as in
 * production. A per-record approach would need one call per customer.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type { IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { DotdigitalApi } from '../credentials/DotdigitalApi.credentials';
import { DotdigitalUpsert } from '../nodes/DotdigitalUpsert/DotdigitalUpsert.node';
import { outputOf, runWorkflow } from '../test/nodes/harness/engine';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 100_000);
const ORDER_LINES = Number(process.env.ORDER_LINES ?? 100_000);
const LINES_PER_ORDER = 4;
const IMPORT_MS = Number(process.env.IMPORT_MS ?? 2000);
const MB = 1024 * 1024;

interface Fake {
	rootUrl: string;
	adminUrl: string;
	user: string;
	password: string;
	baseUrl: string;
}

/** Generates the bench's records inside the workflow, as Mapping Apply would hand them on. */
class BenchRecords implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bench Records',
		name: 'benchRecords',
		group: ['input'],
		version: 1,
		description: 'Customers or orders for the bench',
		defaults: { name: 'Bench Records' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Kind', name: 'kind', type: 'string', default: 'customer' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const kind = this.getNodeParameter('kind', 0) as string;
		const items: INodeExecutionData[] = [];
		if (kind === 'customer') {
			for (let index = 0; index < CUSTOMERS; index++) items.push({ json: customer(index), pairedItem: { item: 0 } });
		} else {
			for (let index = 0; index < ORDER_LINES / LINES_PER_ORDER; index++) items.push({ json: order(index), pairedItem: { item: 0 } });
		}
		return [items];
	}
}

function customer(index: number) {
	return {
		customer_id: `C${100000 + index}`,
		email: `shopper${index}@example.com`,
		first_name: ['Jo', 'Sam', 'Alex', 'Kim', 'Pat'][index % 5],
		last_name: `Shopper${index}`,
		postcode: `NG${index % 90} ${index % 9}AB`,
		store_code: `S${index % 40}`,
		marketing_opt_in: index % 10 < 7,
		_source: { file: 'customers.csv', lines: [index + 2] },
	};
}

function order(index: number) {
	const lines = Array.from({ length: LINES_PER_ORDER }, (_, line) => ({ sku: `SKU-${(index * 7 + line) % 5000}`, name: `Item ${line}`, qty: 1 + (line % 3), unit_price: 4.5 + line, line_total: (1 + (line % 3)) * (4.5 + line) }));
	const total = Math.round(lines.reduce((sum, line) => sum + line.line_total, 0) * 100) / 100;
	return {
		order_id: `R-${1_000_000 + index}`,
		customer_id: `C${100000 + (index % CUSTOMERS)}`,
		email: `shopper${index % CUSTOMERS}@example.com`,
		store_code: `S${index % 40}`,
		purchase_date: '2026-11-21T10:15:00+00:00',
		currency: 'GBP',
		order_subtotal: total,
		order_total: total,
		is_refund: false,
		lines,
		_source: { file: 'transactions.csv', lines: Array.from({ length: LINES_PER_ORDER }, (_, line) => index * LINES_PER_ORDER + line + 2) },
	};
}

async function startFake(): Promise<{ fake: Fake; stop: () => Promise<void> }> {
	const child = fork(join(__dirname, '..', 'test', 'fakes', 'dotdigital', 'main.js'), ['--port', '0', '--import-ms', String(IMPORT_MS)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
	const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
	const info = JSON.parse(line) as Omit<Fake, 'password'>;
	const state = (await (await fetch(`${info.adminUrl}state`)).json()) as { password?: string };
	return {
		fake: { ...info, password: process.env.FAKE_DOTDIGITAL_PASSWORD ?? state.password ?? 'fake-Passw0rd' },
		stop: async () => {
			child.kill('SIGTERM');
			await once(child, 'exit');
		},
	};
}

async function callsSince(fake: Fake, from: number): Promise<Map<string, number>> {
	const calls = (await (await fetch(`${fake.adminUrl}calls`)).json()) as Array<{ method: string; path: string }>;
	const byKind = new Map<string, number>();
	for (const call of calls.slice(from)) {
		const kind = `${call.method} ${call.path.replace(/^\/r\d/, '').replace(/\/[0-9a-f-]{36}$/, '/{id}')}`;
		byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
	}
	return byKind;
}

async function measure(fake: Fake, label: string, kind: 'customer' | 'order', parameters: INodeParameters): Promise<void> {
	const callsBefore = ((await (await fetch(`${fake.adminUrl}calls`)).json()) as unknown[]).length;
	global.gc?.();
	const rssBefore = process.memoryUsage().rss;
	let peak = rssBefore;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
	const started = performance.now();
	const run = await runWorkflow({
		nodes: [
			{ name: 'Records', type: 'n8n-nodes-pos-sync.benchRecords', parameters: { kind } },
			{ name: 'Dotdigital', type: 'n8n-nodes-pos-sync.dotdigitalUpsert', parameters, credentials: { dotdigitalApi: { id: 'bench', name: 'Fake Dotdigital' } } },
		],
		connections: { Records: { main: [[{ node: 'Dotdigital', type: 'main', index: 0 }]] } },
		nodeTypes: { benchRecords: new BenchRecords(), dotdigitalUpsert: new DotdigitalUpsert() },
		credentialTypes: { dotdigitalApi: new DotdigitalApi() },
		credentials: { dotdigitalApi: { user: fake.user, password: fake.password, region: 'auto', baseUrl: fake.rootUrl + '/r1' } },
	});
	const seconds = (performance.now() - started) / 1000;
	clearInterval(sampler);
	const summary = outputOf(run, 'Dotdigital', 2)[0].json as Record<string, unknown>;
	const calls = await callsSince(fake, callsBefore);
	const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
	const records = Number(summary.records);
	const count = (test: (call: string) => boolean): number => [...calls.entries()].filter(([call]) => test(call)).reduce((sum, [, n]) => sum + n, 0);
	const sending = count((call) => call.startsWith('PUT ') || call.startsWith('PATCH '));
	const checks = count((call) => /^GET .*\/import\/\{id\}$/.test(call));
	process.stdout.write(
		`\n${label}: ${records.toLocaleString('en-GB')} records in ${seconds.toFixed(1)} s; done ${summary.done}, failed ${summary.failed} ` +
			`(created ${summary.created}, updated ${summary.updated}, imported ${summary.imported}); peak RSS growth ${((peak - rssBefore) / MB).toFixed(0)} MB\n` +
			`  API calls: ${total} in all, ${per100k(total, records)} per 100,000 records: ${sending} that send records (${per100k(sending, records)} per 100,000), ` +
			`${checks} import status checks (one per import), ${total - sending - checks} other\n`,
	);
	for (const [call, count] of [...calls.entries()].sort((a, b) => b[1] - a[1])) process.stdout.write(`    ${String(count).padStart(6)}  ${call}\n`);
}

function per100k(calls: number, records: number): string {
	return (calls / (records / 100_000)).toFixed(1);
}

async function main(): Promise<void> {
	const { fake, stop } = await startFake();
	process.stdout.write(`Fake Dotdigital at ${fake.rootUrl}; an import finishes ${IMPORT_MS} ms after it is accepted.\n`);
	try {
		const contacts: INodeParameters = { resource: 'contact', operation: 'upsert', mode: 'auto', dataFields: { field: [{ field: 'customer_id', dataField: 'POS_CUSTOMER_ID' }, { field: 'store_code', dataField: 'STORE' }] } };
		await measure(fake, `Contacts, first sync (all new; ${Math.round(CUSTOMERS * 0.3).toLocaleString('en-GB')} not opted in, set unsubscribed in a second step)`, 'customer', contacts);
		await measure(fake, 'Contacts, next sync (all known)', 'customer', contacts);
		await measure(fake, `Orders (${ORDER_LINES.toLocaleString('en-GB')} lines in ${(ORDER_LINES / LINES_PER_ORDER).toLocaleString('en-GB')} orders; contacts exist)`, 'order', { resource: 'order', operation: 'upsert' });
		process.stdout.write(`\nA per-record approach: ${CUSTOMERS.toLocaleString('en-GB')} calls for the customers and ${(ORDER_LINES / LINES_PER_ORDER).toLocaleString('en-GB')} for the orders.\n`);
	} finally {
		await stop();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
