/**
 * Khaos Product Trigger polled through n8n-core's PollContext against the fake Khaos server: test
 * runs show a sample and move nothing, the first poll only notes where Khaos is, later polls emit
 * capped batches of changed products and move the cursor past exactly what they emitted.
 */
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	INodeTypeDescription,
} from 'n8n-workflow';
import { DirectoryLoader } from 'n8n-core';

import { KhaosControlApi } from '../../credentials/KhaosControlApi.credentials';
import {
	DEFAULT_POLL_TIMES,
	KhaosProductTrigger,
} from '../../nodes/KhaosProductTrigger/KhaosProductTrigger.node';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { pollNode } from './harness/engine';
import { fakeKhaosCredential } from './harness/khaos';

const NODE = 'Khaos Product Trigger';
const STATE = `node:${NODE}`;

/** Every top-level item of the seeded catalogue, oldest change first (ties by stock code). */
const SEEDED_PRODUCTS = [
	'BM101901',
	'BM101902',
	'BOOK-0786915749',
	'GIFTSET01',
	'HL0453',
	'HL0454',
	'HL0460',
	'HLPACK01',
	'AMU15/SMPU',
	'AMU16/B',
	'ADO709HGCH/HPHG/HPCH',
	'ADO709HGCH/PWHG/PWCH',
	'ADO709HGCH/ROGLDHG/M',
	'ABBEY-03',
];

let fake: FakeKhaos;

beforeAll(async () => {
	fake = await startFakeKhaos();
});

afterAll(async () => {
	await fake.stop();
});

beforeEach(() => fake.reset());

async function poll(
	staticData: IDataObject,
	parameters: INodeParameters = {},
	mode: 'manual' | 'trigger' = 'trigger',
	server: FakeKhaos = fake,
) {
	return await pollNode({
		node: {
			name: NODE,
			type: 'n8n-nodes-pos-sync.khaosProductTrigger',
			parameters,
			credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
		},
		nodeTypes: { khaosProductTrigger: new KhaosProductTrigger() },
		credentialTypes: { khaosControlApi: new KhaosControlApi() },
		credentials: {
			khaosControlApi: fakeKhaosCredential(server.wsdlUrl),
		},
		mode,
		staticData,
	});
}

/** What n8n's node loader does to every node type it loads (a private method of its DirectoryLoader). */
function applySpecialNodeParameters(nodeType: KhaosProductTrigger): void {
	(
		DirectoryLoader.prototype as unknown as {
			applySpecialNodeParameters(this: unknown, type: KhaosProductTrigger): void;
		}
	).applySpecialNodeParameters.call({}, nodeType);
}

const codes = (result: INodeExecutionData[][] | null) =>
	result === null ? null : result[0].map((item) => item.json.stock_code);

/** The plain content of the trigger's static data (n8n wraps it in proxies). */
const stateOf = (staticData: IDataObject) =>
	JSON.parse(JSON.stringify(staticData[STATE] ?? {})) as IDataObject;

describe('Khaos Product Trigger', () => {
	test('a test run shows the most recently changed products and moves nothing', async () => {
		const staticData: IDataObject = {};
		const sample = await poll(staticData, { options: { sampleSize: 3 } }, 'manual');
		expect(codes(sample)).toEqual(['ABBEY-03', 'ADO709HGCH/ROGLDHG/M', 'ADO709HGCH/PWHG/PWCH']);
		expect(sample![0][0].json).toMatchObject({
			name: '**3 3/4" PF Goth Lolita Shoe W/ Interchangeable Bows',
			stock_level: 27,
			needs_web_review: true,
			last_updated: '2020-11-12T13:03:04',
		});
		expect(stateOf(staticData)).toEqual({});
		// A second test run shows the same: nothing was remembered.
		expect(codes(await poll(staticData, { options: { sampleSize: 3 } }, 'manual'))).toEqual([
			'ABBEY-03',
			'ADO709HGCH/ROGLDHG/M',
			'ADO709HGCH/PWHG/PWCH',
		]);
		expect(stateOf(staticData)).toEqual({});
	});

	test('the first poll only notes where Khaos is; a stock change is then emitted on its own, once', async () => {
		const staticData: IDataObject = {};
		expect(await poll(staticData)).toBeNull();
		// The newest revision or movement, with what changed in the five minutes before it fingerprinted, so the next read can skip it.
		expect(stateOf(staticData)).toEqual({
			cursor: {
				since: '2020-11-12T13:03:04',
				done: {
					'ABBEY-03': {
						fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/),
						at: '2020-11-12T13:03:04',
					},
				},
			},
			seenStockCodes: SEEDED_PRODUCTS,
		});
		expect(await poll(staticData)).toBeNull();

		fake.updateStock('HL0454', { level: 4 });
		const changed = await poll(staticData);
		expect(codes(changed)).toEqual(['HL0454']);
		expect(changed![0][0].json).toMatchObject({
			name: 'SMALL DISPLAY CABINET',
			stock_level: 4,
			stock_status: { code: 0, label: 'in stock' },
			needs_web_review: false,
			published: true,
		});
		const movedAt = (stateOf(staticData).cursor as IDataObject).since as string;
		expect(movedAt > '2020-11-12T13:03:04').toBe(true);
		const cursor = stateOf(staticData).cursor as IDataObject;
		expect(cursor).toEqual({
			since: movedAt,
			done: { HL0454: { fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/), at: movedAt } },
		});

		expect(await poll(staticData)).toBeNull();
		expect(stateOf(staticData).cursor).toEqual(cursor);
	});

	test('the first poll starts from the newest stock movement when it is newer than every edit, and sends nothing then or next', async () => {
		const staticData: IDataObject = {};
		fake.updateStock('HL0454', { level: 4 });
		expect(await poll(staticData)).toBeNull();
		const since = (stateOf(staticData).cursor as IDataObject).since as string;
		expect(since > '2020-11-12T13:03:04').toBe(true);
		expect(Object.keys((stateOf(staticData).cursor as IDataObject).done as IDataObject)).toEqual([
			'HL0454',
		]);
		expect(await poll(staticData)).toBeNull();
		expect(await poll(staticData, { includeMovements: false })).toBeNull();
	});

	test('Max Products per Poll caps each poll; the rest come with the next, and nothing comes twice', async () => {
		const staticData: IDataObject = {};
		const parameters = { maxProducts: 2 };
		expect(await poll(staticData, parameters)).toBeNull();
		fake.updateStock('BM101901', { level: 40 });
		fake.updateStock('BOOK-0786915749', { sellPrice: 6.49 });
		fake.updateStock('HL0453', { level: 18 });

		const batches = [
			await poll(staticData, parameters),
			await poll(staticData, parameters),
			await poll(staticData, parameters),
		];
		expect(batches.map((batch) => (batch === null ? 0 : batch[0].length))).toEqual([2, 1, 0]);
		const emitted = batches.flatMap((batch) => batch?.[0] ?? []).map((item) => item.json);
		expect(emitted.map((product) => product.stock_code).sort()).toEqual([
			'BM101901',
			'BOOK-0786915749',
			'HL0453',
		]);
		expect(emitted.find((product) => product.stock_code === 'BOOK-0786915749')).toMatchObject({
			price: 6.49,
			price_source: 'standard',
			name: 'Dragons of Autumn Twilight',
		});
		expect(emitted.find((product) => product.stock_code === 'BM101901')).toMatchObject({
			stock_level: 40,
		});
		expect(emitted.find((product) => product.stock_code === 'HL0453')).toMatchObject({
			stock_level: 18,
		});
	});

	test('a product new to Khaos is flagged for web review once; later changes to it are not', async () => {
		const staticData: IDataObject = {};
		expect(await poll(staticData)).toBeNull();
		fake.addStock({ code: 'TBL-WAL-01', desc: 'Walnut side table', sellPrice: 89, level: 5 });
		const added = await poll(staticData);
		expect(
			added![0].map((item) => [
				item.json.stock_code,
				item.json.name,
				item.json.price,
				item.json.stock_level,
				item.json.needs_web_review,
			]),
		).toEqual([['TBL-WAL-01', 'Walnut side table', 89, 5, true]]);
		fake.updateStock('TBL-WAL-01', { level: 2 });
		expect(
			(await poll(staticData))![0].map((item) => [
				item.json.stock_code,
				item.json.needs_web_review,
			]),
		).toEqual([['TBL-WAL-01', false]]);
	});

	test('a product that changes again within the same second as the last poll is emitted again, and only then', async () => {
		// Khaos times are to the second; a clock that stands still puts every change in one second.
		const frozen = await startFakeKhaos({
			clock: () => new Date(Date.UTC(2024, 4, 1, 9, 30, 0, 250)),
		});
		try {
			const staticData: IDataObject = {};
			expect(await poll(staticData, {}, 'trigger', frozen)).toBeNull();
			frozen.updateStock('HL0454', { level: 4 });
			expect(
				(await poll(staticData, {}, 'trigger', frozen))![0].map((item) => [
					item.json.stock_code,
					item.json.stock_level,
				]),
			).toEqual([['HL0454', 4]]);
			expect(await poll(staticData, {}, 'trigger', frozen)).toBeNull();
			frozen.updateStock('HL0454', { level: 3 });
			frozen.updateStock('HL0453', { level: 19 });
			expect(
				(await poll(staticData, {}, 'trigger', frozen))![0].map((item) => [
					item.json.stock_code,
					item.json.stock_level,
				]),
			).toEqual([
				['HL0453', 19],
				['HL0454', 3],
			]);
			expect(await poll(staticData, {}, 'trigger', frozen)).toBeNull();
			expect((stateOf(staticData).cursor as IDataObject).since).toBe('2024-05-01T09:30:00');
		} finally {
			await frozen.stop();
		}
	});

	test('a product deleted in Khaos (discontinued: Khaos keeps the record) is emitted once, unpublished, so the store can take it down', async () => {
		const staticData: IDataObject = {};
		expect(await poll(staticData)).toBeNull();
		fake.deleteStock('HL0454');
		fake.deleteStock('AMU15/SMPU');
		const gone = await poll(staticData);
		expect(
			gone![0].map((item) => [
				item.json.stock_code,
				item.json.published,
				item.json.unpublished_reason,
			]),
		).toEqual([
			['AMU15/SMPU', false, 'deleted'],
			['HL0454', false, 'deleted'],
		]);
		expect(await poll(staticData)).toBeNull();
	});

	test('with Compressed Transfers, every list of changes and every product comes zipped (GetStockListCompressed, ExportStockCompressed), with the same result', async () => {
		const staticData: IDataObject = {};
		const parameters = { options: { compressed: true } };
		expect(await poll(staticData, parameters)).toBeNull();
		fake.updateStock('HL0454', { level: 4 });
		const changed = await poll(staticData, parameters);
		expect(codes(changed)).toEqual(['HL0454']);
		expect(changed![0][0].json).toMatchObject({ stock_level: 4 });
		const methods = fake.calls().map((call) => call.method);
		expect(methods).toContain('GetStockListCompressed');
		expect(methods).toContain('ExportStockCompressed');
		expect(
			methods.filter((method) => method === 'GetStockList' || method === 'ExportStock'),
		).toEqual([]);
		expect(
			fake
				.calls()
				.filter((call) => call.method === 'GetStockListCompressed')
				.map((call) => call.params.DateType),
		).toEqual(expect.arrayContaining(['0', '2']));
	});

	test('stock movements can be left out: only edits start the workflow then', async () => {
		const staticData: IDataObject = {};
		const parameters = { includeMovements: false };
		expect(await poll(staticData, parameters)).toBeNull();
		fake.updateStock('HL0454', { level: 4 });
		expect(await poll(staticData, parameters)).toBeNull();
		fake.updateStock('HL0454', { webTeaser: 'Compact and sturdy' });
		expect(
			(await poll(staticData, parameters))![0].map((item) => [
				item.json.stock_code,
				item.json.summary,
			]),
		).toEqual([['HL0454', 'Compact and sturdy']]);
	});

	test("a SOAP fault fails the poll with Khaos's message and leaves the cursor where it was", async () => {
		const staticData: IDataObject = {};
		expect(await poll(staticData)).toBeNull();
		const before = stateOf(staticData);
		fake.updateStock('HL0454', { level: 4 });
		fake.injectFault({
			kind: 'soap-fault',
			method: 'ExportStock',
			message: 'Access violation at address 004F2C1A in module KhaosKSD.exe',
		});
		await expect(poll(staticData)).rejects.toMatchObject({
			name: 'NodeApiError',
			message: 'Access violation at address 004F2C1A in module KhaosKSD.exe',
		});
		expect(stateOf(staticData)).toEqual(before);
		expect(codes(await poll(staticData))).toEqual(['HL0454']);
	});

	test('n8n gives its Poll Times parameter a default of every 30 minutes, as Khaos recommends', () => {
		const nodeType = new KhaosProductTrigger();
		applySpecialNodeParameters(nodeType);
		const description: INodeTypeDescription = nodeType.description;
		expect(description.properties[0]).toMatchObject({
			name: 'pollTimes',
			type: 'fixedCollection',
			default: DEFAULT_POLL_TIMES,
		});
		expect(DEFAULT_POLL_TIMES).toEqual({ item: [{ mode: 'everyX', value: 30, unit: 'minutes' }] });
		expect(description.properties.filter((property) => property.name === 'pollTimes')).toHaveLength(
			1,
		);
		// n8n's shared definition is left alone for every other polling node.
		const other = {
			description: { properties: [], polling: true },
		} as unknown as KhaosProductTrigger;
		applySpecialNodeParameters(other);
		expect(other.description.properties[0].default).toEqual({ item: [{ mode: 'everyMinute' }] });
	});
});
