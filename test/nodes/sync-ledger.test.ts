/**
 * The reconciliation ledger inside n8n's engine: files go through Mapping Apply and Dotdigital Upsert
 * against the fake Dotdigital, and the Sync Ledger node's account of each file is checked against
 * what the fake actually holds: the contacts and orders it accepted and the value of those orders.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DotdigitalApi } from '../../credentials/DotdigitalApi.credentials';
import { MappingApply } from '../../nodes/MappingApply/MappingApply.node';
import { DotdigitalUpsert } from '../../nodes/DotdigitalUpsert/DotdigitalUpsert.node';
import { SyncLedger } from '../../nodes/SyncLedger/SyncLedger.node';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { SQUARE_SAMPLE } from '../unit/mapping/run-mapping';
import { errorOf, outputOf, runWorkflow } from './harness/engine';

jest.setTimeout(180_000);

let fake: FakeDotdigital;

beforeAll(async () => {
	fake = await startFakeDotdigital({ importMs: 200 });
});
afterAll(async () => {
	await fake.stop();
});
beforeEach(() => {
	fake.reset();
	process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-ledger-'));
});

const nodeTypes = {
	mappingApply: new MappingApply(),
	dotdigitalUpsert: new DotdigitalUpsert(),
	syncLedger: new SyncLedger(),
};
const credentials = () => ({
	credentialTypes: { dotdigitalApi: new DotdigitalApi() },
	credentials: {
		dotdigitalApi: {
			user: fake.user,
			password: fake.password,
			region: 'auto',
			baseUrl: fake.regionUrl('r1'),
		},
	},
});

function fileItem(fileName: string, bytes: Buffer): INodeExecutionData {
	return {
		json: { name: fileName },
		binary: { data: { data: bytes.toString('base64'), mimeType: 'text/csv', fileName } },
	};
}

/** POS file → Mapping Apply → Dotdigital Upsert, as the templates wire them. */
async function syncFile(
	file: INodeExecutionData,
	mapping: INodeParameters,
	upsert: INodeParameters,
) {
	const result = await runWorkflow({
		nodes: [
			{ name: 'Input', type: 'testInput', parameters: { items: JSON.stringify([file]) } },
			{ name: 'Map the rows', type: 'n8n-nodes-pos-sync.mappingApply', parameters: mapping },
			{
				name: 'Send to Dotdigital',
				type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
				parameters: upsert,
				credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
			},
		],
		connections: {
			Input: { main: [[{ node: 'Map the rows', type: 'main', index: 0 }]] },
			'Map the rows': { main: [[{ node: 'Send to Dotdigital', type: 'main', index: 0 }]] },
		},
		nodeTypes,
		...credentials(),
	});
	return {
		mapping: outputOf(result, 'Map the rows', 2)[0].json,
		summary: outputOf(result, 'Send to Dotdigital', 2)[0].json,
		failed: outputOf(result, 'Send to Dotdigital', 1),
	};
}

const failedCodes = (items: INodeExecutionData[]) => items.map((item) => item.json.code);

async function ledger(parameters: INodeParameters): Promise<IDataObject[]> {
	const result = await runWorkflow({
		nodes: [
			{ name: 'Input', type: 'testInput', parameters: { items: '[{"json":{}}]' } },
			{ name: 'Sync Ledger', type: 'n8n-nodes-pos-sync.syncLedger', parameters },
		],
		connections: { Input: { main: [[{ node: 'Sync Ledger', type: 'main', index: 0 }]] } },
		nodeTypes,
	});
	return outputOf(result, 'Sync Ledger').map((item) => item.json);
}

const CUSTOMER_MAPPING: INodeParameters = {
	feed: 'customer',
	mappingSource: 'fields',
	fields: {
		field: [
			{ target: 'customer_id', source: 'Customer No' },
			{ target: 'email', source: 'Email' },
			{ target: 'first_name', source: 'First Name' },
			{ target: 'marketing_opt_in', source: 'Opt In' },
		],
	},
};
const CONTACTS: INodeParameters = {
	resource: 'contact',
	operation: 'upsert',
	mode: 'bulk',
	onlyChanged: true,
	options: { batchSize: 3 },
};

function customerFile(): Buffer {
	const rows = ['Customer No,Email,First Name,Opt In'];
	for (let index = 1; index <= 8; index++)
		rows.push(`C${index},shopper${index}@example.com,Name${index},Y`);
	rows.push('C9,shopper9@,Broken,Y', 'C10,,Nobody,N');
	return Buffer.from(rows.join('\n'));
}

describe('the reconciliation ledger against the fake Dotdigital', () => {
	it("customer files: each file's counts balance and match the contacts Dotdigital holds, through a failure and a re-run", async () => {
		// The first import of three is refused: those three records fail and are sent again next time.
		// The mapping rejects the till's "shopper9@"; a customer with neither email nor mobile fails at Dotdigital, on both days.
		fake.failNext({
			method: 'PUT',
			path: '/contacts/v3/import',
			status: 400,
			body: { errorCode: 'invalidRequest', description: 'Injected once' },
		});
		const first = await syncFile(
			fileItem('Customers_2026-11-21.csv', customerFile()),
			CUSTOMER_MAPPING,
			CONTACTS,
		);
		expect(first.summary).toMatchObject({ records: 9, done: 5, failed: 4 });
		const afterFirst = fake.contacts().length;
		const second = await syncFile(
			fileItem('Customers_2026-11-22.csv', customerFile()),
			CUSTOMER_MAPPING,
			CONTACTS,
		);
		expect(second.summary).toMatchObject({ records: 9, done: 3, unchanged: 5, failed: 1 });

		const lines = await ledger({ operation: 'files', period: 'today' });
		expect(lines.map((line) => line.file)).toEqual([
			'Customers_2026-11-21.csv',
			'Customers_2026-11-22.csv',
		]);
		for (const line of lines) {
			expect(line).toMatchObject({
				feed: 'customers',
				sent_as: 'contacts',
				rows_read: 10,
				records: 9,
				rejected: 1,
				balanced: true,
				problems: [],
			});
			expect((line.rows_read as number) - (line.rejected as number)).toBe(line.records);
			expect((line.accepted as number) + (line.failed as number) + (line.unchanged as number)).toBe(
				line.records,
			);
		}
		expect(lines[0]).toMatchObject({ accepted: afterFirst, failed: 4, unchanged: 0, sent: 9 });
		expect(lines[1]).toMatchObject({ accepted: 3, failed: 1, unchanged: 5, sent: 4 });
		// Everything the ledger says was accepted is in Dotdigital, and nothing else.
		expect(fake.contacts()).toHaveLength(
			(lines[0].accepted as number) + (lines[1].accepted as number),
		);
		expect(lines[0].rejected_by_reason).toEqual({
			'email.invalid': {
				owner: 'till data',
				count: 1,
				example: 'Customers_2026-11-21.csv line 10: "shopper9@" is not a valid email address',
			},
		});
		const [[code, reason]] = Object.entries(
			lines[1].failed_by_reason as Record<
				string,
				{ count: number; owner: string; example: string }
			>,
		);
		expect(reason).toMatchObject({
			owner: 'till data',
			count: 1,
			example: expect.stringMatching(/^Customers_2026-11-22\.csv line 11: /),
		});
		expect(failedCodes(second.failed)).toEqual([code]);
		const firstFailures = Object.values(
			lines[0].failed_by_reason as Record<string, { count: number; owner: string }>,
		);
		expect(firstFailures.map((reason) => [reason.owner, reason.count]).sort()).toEqual([
			['API', 3],
			['till data', 1],
		]);

		const [summary] = await ledger({
			operation: 'summary',
			period: 'today',
			expectedFeeds: ['customers'],
			chartDays: 3,
		});
		expect(summary).toMatchObject({ status: 'balanced', files: 2, missing_feeds: [] });
		expect((summary.totals as IDataObject).customers).toMatchObject({
			files: 2,
			rows_read: 20,
			records: 18,
			rejected: 2,
			accepted: fake.contacts().length,
			unchanged: 5,
			failed: 5,
		});
		const fixes = await ledger({ operation: 'exceptions', period: 'today' });
		expect(fixes.reduce((sum, group) => sum + (group.count as number), 0)).toBe(2 + 5);
		expect(fixes[0]).toMatchObject({ count: 3, stage: 'Dotdigital', owner: 'API', files: 1 });
	});

	it('a transaction file: orders and their value in the ledger match the orders Dotdigital holds', async () => {
		const orders = await runWorkflow({
			nodes: [
				{
					name: 'Input',
					type: 'testInput',
					parameters: {
						items: JSON.stringify([fileItem('items.csv', readFileSync(SQUARE_SAMPLE))]),
					},
				},
				{
					name: 'Map the rows',
					type: 'n8n-nodes-pos-sync.mappingApply',
					parameters: {
						feed: 'transaction',
						mappingSource: 'preset',
						preset: 'square-item-detail',
						settings: { timeZone: 'America/New_York' },
					},
				},
			],
			connections: { Input: { main: [[{ node: 'Map the rows', type: 'main', index: 0 }]] } },
			nodeTypes,
		});
		// Teach the identity index all but one of the Square customers, as the customer flow would.
		const customerIds = [
			...new Set(
				outputOf(orders, 'Map the rows', 0)
					.map((item) => String(item.json.customer_id ?? ''))
					.filter(Boolean),
			),
		];
		const customers = customerIds
			.slice(0, -1)
			.map((id, index) => `${id},square${index}@example.com,Square${index},Y`);
		await syncFile(
			fileItem(
				'Customers_square.csv',
				Buffer.from(['Customer No,Email,First Name,Opt In', ...customers].join('\n')),
			),
			CUSTOMER_MAPPING,
			{ ...CONTACTS, options: {} },
		);

		const sent = await syncFile(
			fileItem('items-2026-06-21.csv', readFileSync(SQUARE_SAMPLE)),
			{
				feed: 'transaction',
				mappingSource: 'preset',
				preset: 'square-item-detail',
				settings: { timeZone: 'America/New_York' },
			},
			{ resource: 'order', operation: 'upsert' },
		);
		const [line] = (await ledger({ operation: 'files', period: 'today' })).filter(
			(entry) => entry.file === 'items-2026-06-21.csv',
		);
		const stored = fake.collection('Orders')?.records ?? [];
		const storedValue = stored.reduce(
			(sum, record) => sum + Number((record.json as { order_total?: number }).order_total),
			0,
		);
		const fileValue = outputOf(orders, 'Map the rows', 0).reduce(
			(sum, item) => sum + (item.json.order_total as number),
			0,
		);

		expect(line).toMatchObject({
			feed: 'transactions',
			sent_as: 'orders',
			rows_read: 417,
			records: 296,
			rejected: 0,
			accepted: stored.length,
			failed: sent.summary.failed,
			balanced: true,
		});
		expect(stored.length).toBeGreaterThan(50);
		expect(line.failed).toBeGreaterThan(0);
		expect((line.value_sent as Record<string, number>).USD).toBeCloseTo(storedValue, 2);
		expect((line.value_in_file as Record<string, number>).USD).toBeCloseTo(fileValue, 2);
		expect(
			(line.value_sent as Record<string, number>).USD +
				(line.value_failed as Record<string, number>).USD,
		).toBeCloseTo(fileValue, 2);
		expect(Object.keys(line.failed_by_reason as object)).toEqual(['customerLookupFailed']);
	});

	it('a period that is not a period is refused with a clear error', async () => {
		const result = await runWorkflow({
			nodes: [
				{ name: 'Input', type: 'testInput', parameters: { items: '[{"json":{}}]' } },
				{
					name: 'Sync Ledger',
					type: 'n8n-nodes-pos-sync.syncLedger',
					parameters: {
						operation: 'files',
						period: 'custom',
						from: '2026-11-05',
						to: '2026-11-01',
					},
				},
			],
			connections: { Input: { main: [[{ node: 'Sync Ledger', type: 'main', index: 0 }]] } },
			nodeTypes,
		});
		expect(errorOf(result, 'Sync Ledger')?.message).toBe('The period ends before it starts');
	});
});
