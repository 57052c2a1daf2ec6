/**
 * Khaos Product inside n8n's engine against the fake Khaos server: web products from the real
 * responses, first-seen memory in static data, the changed-products cursor, stock levels,
 * categories, SOAP faults, Basic auth and the credential test.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	IDataObject,
	INodeParameters,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { CredentialTestContext } from 'n8n-core';

import { KhaosControlApi } from '../../credentials/KhaosControlApi.credentials';
import { SeenStockCodes, formatCursor, parseCursor, type WebProduct } from '../../lib/khaos';
import { KhaosProduct } from '../../nodes/KhaosProduct/KhaosProduct.node';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { errorOf, outputOf, runWorkflow } from './harness/engine';
import { fakeKhaosCredential } from './harness/khaos';

const NODE = 'Khaos Product';
const PASSWORD = 'Tr0ub4dor-and-3';

let fake: FakeKhaos;
let guarded: FakeKhaos;

beforeAll(async () => {
	fake = await startFakeKhaos();
	guarded = await startFakeKhaos({ basicAuth: { user: 'n8n', password: PASSWORD } });
});

afterAll(async () => {
	await fake.stop();
	await guarded.stop();
});

beforeEach(() => fake.reset());

function credential(
	server: FakeKhaos,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return fakeKhaosCredential(server.wsdlUrl, overrides);
}

interface RunOptions {
	continueOnFail?: boolean;
	staticData?: IDataObject;
	credential?: ICredentialDataDecryptedObject;
	items?: IDataObject[];
}

async function run(parameters: INodeParameters, options: RunOptions = {}) {
	return await runWorkflow({
		nodes: [
			{
				name: 'Input',
				type: 'testInput',
				parameters: { items: JSON.stringify((options.items ?? [{}]).map((json) => ({ json }))) },
			},
			{
				name: NODE,
				type: 'n8n-nodes-pos-sync.khaosProduct',
				parameters,
				credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
				...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: { Input: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		nodeTypes: { khaosProduct: new KhaosProduct() },
		credentialTypes: { khaosControlApi: new KhaosControlApi() },
		credentials: { khaosControlApi: options.credential ?? credential(fake) },
		staticData: options.staticData,
	});
}

const products = async (parameters: INodeParameters, options: RunOptions = {}) =>
	outputOf(await run(parameters, options), NODE).map((item) => item.json);

describe('Khaos Product: stock potential, price lists, compressed transfers', () => {
	test('Get Stock Potential gives what a pack can be built from: its scarcest component', async () => {
		// HLPACK01 holds 1 HL0453 (20 in stock) and 2 HL0454 (15 in stock): 7 packs.
		const rows = await products({ operation: 'getStockPotential', stockCodes: 'HLPACK01, HL0453' });
		expect(rows).toEqual([
			{
				stock_code: 'HLPACK01',
				other_ref: null,
				available: 7,
				on_order: 0,
				back_order: 0,
				potential: 7,
			},
			{
				stock_code: 'HL0453',
				other_ref: 'HL0453-OAK',
				available: 20,
				on_order: 0,
				back_order: 0,
				potential: 20,
			},
		]);
		// The codes were sent as stock codes: left to Khaos's default they would be read as internal IDs.
		expect(fake.calls().find((call) => call.method === 'GetStockPotential')?.params).toMatchObject({
			StockCode: 'HLPACK01,HL0453',
			MappingType: '1',
		});
	});

	test('Get Price List Names and Get Price List: the web list by default, class lists by name, customer prices by code', async () => {
		expect(await products({ operation: 'getPriceLists' })).toEqual([
			{ price_list: 'Web Prices' },
			{ price_list: 'Web Sale' },
			{ price_list: 'Trade' },
		]);
		// Two lists begin with "web", so Khaos cannot choose one: its fault says so.
		expect(
			errorOf(await run({ operation: 'getPriceList', priceListKind: 0, priceListNames: '' }), NODE)
				.message,
		).toContain('More than one price list matches');
		const web = await products({
			operation: 'getPriceList',
			priceListKind: 0,
			priceListNames: 'Web Prices',
		});
		expect(web.map((row) => [row.list_type, row.price_list, row.stock_code, row.amount])).toEqual([
			['stock_item_class', 'Web Prices', 'HL0453', 52.99],
			['stock_item_class', 'Web Prices', 'AMU15/SMPU-SMPU-10', 28],
		]);
		const trade = await products({
			operation: 'getPriceList',
			priceListKind: 3,
			priceListNames: 'Trade',
		});
		expect(trade.map((row) => [row.stock_code, row.qty_start, row.qty_end, row.amount])).toEqual([
			['HL0453', 1, 4, 40],
			['HL0453', 5, 9999, 36],
		]);
		const customer = await products({
			operation: 'getPriceList',
			priceListKind: 1,
			priceListNames: 'KCS001',
		});
		expect(customer).toEqual([
			expect.objectContaining({
				list_type: 'stock_item_customer',
				price_list: 'KCS001',
				stock_code: 'HL0454',
				amount: 30,
			}),
		]);
	});

	test('compressed transfers (ExportStockCompressed, ZIP) give the same products, every variant included', async () => {
		const plain = await products({
			operation: 'getByCode',
			stockCodes: 'AMU15/SMPU, HL0453, ABBEY-03',
			options: { flagNew: false },
		});
		fake.reset();
		const zipped = await products({
			operation: 'getByCode',
			stockCodes: 'AMU15/SMPU, HL0453, ABBEY-03',
			options: { flagNew: false, compressed: true },
		});
		expect(zipped).toEqual(plain);
		expect((zipped[0].variants as unknown[]).length).toBe(10);
		expect(
			fake
				.calls()
				.some(
					(call) =>
						call.method === 'ExportStockCompressed' && call.params.CompressionMethod === '0',
				),
		).toBe(true);
		expect(
			fake
				.calls()
				.filter((call) => call.method === 'ExportStock' || call.method === 'GetStockList'),
		).toEqual([]);
		// Children missing from ExportStock are found through the compressed list of SCS children.
		expect(
			fake
				.calls()
				.filter((call) => call.method === 'GetStockListCompressed')
				.map((call) => [call.params.StockItemType, call.params.CompressionMethod]),
		).toEqual([['2', '0']]);
	});
});

describe('Khaos Product: Get Products by Stock Code', () => {
	const byCode = {
		operation: 'getByCode',
		stockCodes: 'AMU15/SMPU, HL0453\nHL0460, BM101902,HLPACK01',
		options: { includeCategories: true },
	};

	test('gives web products from the real responses: names, prices, variants, tags, categories, packs and the publishing rules', async () => {
		const result = await run(byCode);
		const items = outputOf(result, NODE);
		expect(items.map((item) => item.pairedItem)).toEqual(Array(5).fill({ item: 0 }));
		const [sandal, cabinet, corner, tee, pack] = items.map((item) => item.json);

		expect(sandal).toEqual({
			stock_code: 'AMU15/SMPU',
			stock_id: '118816',
			other_ref: null,
			name: '*5 Heel, Strappy Sandal W/ Cutout Detail',
			summary: null,
			description: null,
			price: 30.25,
			price_is_net: true,
			price_source: 'standard',
			vat_rate: 20,
			brand: 'Pleaser',
			barcodes: [],
			variants: expect.any(Array),
			tags: ['HEEL_HEIGHT: 5.0', 'SUB_BRAND: Pleaser', 'VEGAN', 'STATUS: SALE'],
			categories: ['Footwear > Sandals'],
			pack_components: [],
			images: [],
			stock_level: 7,
			stock_status: { code: 0, label: 'in stock' },
			published: true,
			unpublished_reason: null,
			needs_web_review: true,
			review_reasons: ['first time this product is seen'],
			last_updated: null,
		});
		// ExportStock carries two of the ten sizes in the sandal's tree; the other eight come from GetStockList's SCS children.
		const sandalVariants = (sandal as unknown as WebProduct).variants;
		expect(sandalVariants.map((variant) => variant.size)).toEqual([
			'12',
			'13',
			'14',
			'7',
			'5',
			'6',
			'8',
			'9',
			'10',
			'11',
		]);
		expect(sandalVariants.map((variant) => variant.stock_code)).toEqual(
			['12', '13', '14', '7', '5', '6', '8', '9', '10', '11'].map(
				(size) => `AMU15/SMPU-SMPU-${size}`,
			),
		);
		expect(sandalVariants.slice(8)).toEqual([
			{
				stock_code: 'AMU15/SMPU-SMPU-10',
				stock_id: '118664',
				name: '*5 Heel, Strappy Sandal W/ Cutout Detail - Slv Met Pu - 10',
				size: '10',
				colour: 'Slv Met Pu',
				style: null,
				options: { Colour: 'Slv Met Pu', Size: '10' },
				price: 30.25,
				price_source: 'standard',
				barcodes: ['885487764047'],
				stock_level: 5,
				stock_status: { code: 0, label: 'in stock' },
				published: true,
			},
			{
				stock_code: 'AMU15/SMPU-SMPU-11',
				stock_id: '118665',
				name: '*5 Heel, Strappy Sandal W/ Cutout Detail - Slv Met Pu - 11',
				size: '11',
				colour: 'Slv Met Pu',
				style: null,
				options: { Colour: 'Slv Met Pu', Size: '11' },
				price: 30.25,
				price_source: 'standard',
				barcodes: ['885487764054'],
				stock_level: 2,
				stock_status: { code: 0, label: 'in stock' },
				published: true,
			},
		]);
		expect(cabinet).toMatchObject({
			stock_code: 'HL0453',
			other_ref: 'HL0453-OAK',
			name: 'LARGE DISPLAY CABINET',
			summary: 'Our best-selling cabinet & a customer favourite',
			description:
				'Large oak display cabinet with glass doors & brass handles. Holds <40kg> per shelf.',
			price: 56.99,
			price_source: 'web',
			brand: 'Heritage Living',
			barcodes: ['5012345678900'],
			tags: [
				'Finish: Oak',
				'Assembly Required',
				'Shelves: 4',
				'Room: Living Room',
				'Room: Dining Room',
				'Collection: Heritage',
			],
			categories: ['Furniture > Cabinets & Display'],
			images: ['HL0453.jpg'],
			stock_level: 20,
			published: true,
			needs_web_review: true,
		});
		expect(corner).toMatchObject({
			stock_code: 'HL0460',
			name: 'CORNER DISPLAY CABINET',
			price: 45,
			published: false,
			unpublished_reason: 'deleted',
			stock_status: { code: 4, label: 'discontinued' },
		});
		expect(tee).toMatchObject({
			stock_code: 'BM101902',
			price: 100,
			stock_level: 0,
			published: false,
			unpublished_reason: 'run_to_zero_out_of_stock',
			stock_status: { code: 1, label: 'all allocated' },
		});
		expect(pack).toMatchObject({
			stock_code: 'HLPACK01',
			name: 'Display cabinet set (1 large + 2 small)',
			price: 119.99,
			pack_components: [
				{ stock_code: 'HL0453', qty: 1 },
				{ stock_code: 'HL0454', qty: 2 },
			],
			categories: ['Furniture', 'Furniture > Cabinets & Display'],
			published: true,
		});
		expect(sandal).not.toHaveProperty('cursor');
	});

	test('needs_web_review is true the first time a product is seen and false the next time, within the same static data', async () => {
		const staticData: IDataObject = {};
		const first = await products(byCode, { staticData });
		expect(first.map((product) => [product.stock_code, product.needs_web_review])).toEqual([
			['AMU15/SMPU', true],
			['HL0453', true],
			['HL0460', true],
			['BM101902', true],
			['HLPACK01', true],
		]);
		expect(staticData[`node:${NODE}`]).toEqual({
			seenStockCodes: ['AMU15/SMPU', 'HL0453', 'HL0460', 'BM101902', 'HLPACK01'],
		});

		const second = await products({ ...byCode, stockCodes: 'hl0453, HL0454' }, { staticData });
		expect(second.map((product) => [product.stock_code, product.needs_web_review])).toEqual([
			['HL0453', false],
			['HL0454', true],
		]);
		// A workflow with static data of its own has seen nothing yet.
		expect((await products(byCode, { staticData: {} }))[1].needs_web_review).toBe(true);
		// Turned off, nothing is flagged and nothing is remembered.
		const quiet: IDataObject = {};
		expect(
			(await products({ ...byCode, options: { flagNew: false } }, { staticData: quiet })).every(
				(product) => product.needs_web_review === false,
			),
		).toBe(true);
		expect(quiet[`node:${NODE}`] ?? {}).toEqual({});
	});

	test('looks codes up by Other Ref when asked, and codes Khaos does not know give no product', async () => {
		const found = await products({
			operation: 'getByCode',
			stockCodes: 'HL0453-OAK, 9780786915743, NO-SUCH-REF',
			lookUpBy: 2,
			options: { includeStock: false },
		});
		expect(found.map((product) => [product.stock_code, product.name, product.stock_level])).toEqual(
			[
				['HL0453', 'LARGE DISPLAY CABINET', null],
				['BOOK-0786915749', 'Dragons of Autumn Twilight', null],
			],
		);
		const exportCalls = fake.calls().filter((call) => call.method === 'ExportStock');
		expect(exportCalls.map((call) => call.params)).toEqual([
			{ StockCode: 'HL0453-OAK,9780786915743,NO-SUCH-REF', MappingType: '2' },
		]);
		expect(fake.calls().some((call) => call.method === 'ExportStockStatus')).toBe(false);
	});
});

describe('Khaos Product: Get Changed Products', () => {
	const changed = (changedSince: string, extra: INodeParameters = {}) => ({
		operation: 'getChanged',
		changedSince,
		...extra,
	});

	test('returns products changed since a date, oldest change first, and a cursor that carries on exactly where a capped run stopped', async () => {
		const first = await products(changed('2020-11-10T16:40:00', { maxProducts: 2 }));
		expect(first.map((product) => [product.stock_code, product.last_updated])).toEqual([
			['ADO709HGCH/HPHG/HPCH', '2020-11-10T16:40:06'],
			['ADO709HGCH/PWHG/PWCH', '2020-11-10T16:40:06'],
		]);
		// The cursor: the date asked for, the newest change delivered, and what was delivered (fingerprinted) in the overlap before it.
		expect(first[0].cursor).toMatch(
			/^2020-11-10T16:39:59\.\.2020-11-10T16:40:06\|ADO709HGCH\/HPHG\/HPCH:[0-9a-f]{12}@2020-11-10T16:40:06,ADO709HGCH\/PWHG\/PWCH:[0-9a-f]{12}@2020-11-10T16:40:06$/,
		);
		expect(first[1].cursor).toBe(first[0].cursor);
		const second = await products(changed(first[0].cursor as string, { maxProducts: 2 }));
		expect(second.map((product) => product.stock_code)).toEqual([
			'ADO709HGCH/ROGLDHG/M',
			'ABBEY-03',
		]);
		expect(second[0].cursor).toMatch(
			/^2020-11-10T16:39:59\.\.2020-11-12T13:03:04\|ABBEY-03:[0-9a-f]{12}@2020-11-12T13:03:04$/,
		);
		expect(second[1]).toMatchObject({
			name: '**3 3/4" PF Goth Lolita Shoe W/ Interchangeable Bows',
			price: 32.56,
			stock_level: 27,
			last_updated: '2020-11-12T13:03:04',
		});
		expect(await products(changed(second[0].cursor as string))).toEqual([]);
		// Each read reaches back by the overlap (5 minutes and a second), never before the date first asked for.
		const lists = fake
			.calls()
			.filter((call) => call.method === 'GetStockList' && call.params.StockItemType !== '2')
			.map((call) => [call.params.DateType, call.params.DateValue]);
		expect(lists).toEqual([
			['0', '2020-11-10T16:39:59'],
			['2', '2020-11-10T16:39:59'],
			['0', '2020-11-10T16:39:59'],
			['2', '2020-11-10T16:39:59'],
			['0', '2020-11-12T12:58:03'],
			['2', '2020-11-12T12:58:03'],
		]);
	});

	test('a stock movement counts as a change unless stock level changes are left out; an edited variant brings its parent', async () => {
		const [abbey] = await products(changed('2020-11-12T13:03:04'));
		const cursor = abbey.cursor as string;
		fake.updateStock('HL0454', { level: 4 });
		fake.updateStock('AMU15/SMPU-SMPU-11', { sellPrice: 31.5 });
		const moved = await products(changed(cursor));
		expect(moved.map((product) => product.stock_code).sort()).toEqual(['AMU15/SMPU', 'HL0454']);
		expect(moved.find((product) => product.stock_code === 'HL0454')).toMatchObject({
			stock_level: 4,
			last_updated: null,
		});
		const sandal = moved.find((product) => product.stock_code === 'AMU15/SMPU') as IDataObject;
		const prices = Object.fromEntries(
			(sandal.variants as IDataObject[]).map((variant) => [variant.stock_code, variant.price]),
		);
		expect(prices).toMatchObject({
			'AMU15/SMPU-SMPU-10': 30.25,
			'AMU15/SMPU-SMPU-11': 31.5,
			'AMU15/SMPU-SMPU-12': 30.25,
		});

		const editsOnly = await products(changed(cursor, { includeMovements: false }));
		expect(editsOnly.map((product) => product.stock_code)).toEqual(['AMU15/SMPU']);
	});

	test('a date with a time zone is read as UK time, and a date that is not one is refused before Khaos is called', async () => {
		await products(changed('2020-07-01T09:00:00.000+00:00'));
		// Read from the second before, so a change at exactly 10:00:00 is included.
		expect(fake.calls().find((call) => call.method === 'GetStockList')?.params.DateValue).toBe(
			'2020-07-01T09:59:59',
		);

		// Left at its default, Changed Since is this time yesterday.
		fake.reset();
		expect(await products({ operation: 'getChanged' })).toEqual([]);
		const sent = fake.calls().find((call) => call.method === 'GetStockList')?.params
			.DateValue as string;
		const hoursAgo = (Date.now() - Date.parse(`${sent}Z`)) / 3_600_000;
		expect(hoursAgo).toBeGreaterThan(22); // UK time is UTC or an hour ahead of it
		expect(hoursAgo).toBeLessThan(24.1);

		fake.reset();
		const error = errorOf(await run(changed('last tuesday')), NODE);
		expect(error.message).toBe(
			'Changed Since: "last tuesday" is not a date: use 2024-05-01 or 2024-05-01T10:30:00',
		);
		expect(error.name).toBe('NodeOperationError');
		expect(fake.calls()).toEqual([]);
	});
});

describe('Khaos Product: stock levels and web categories', () => {
	test('Get Stock Levels gives one row per item with level, status, prices and lead time', async () => {
		const rows = await products({ operation: 'getStockLevels', stockCodes: 'BM101901, BM101902' });
		expect(rows).toEqual([
			{
				stock_code: 'BM101901',
				stock_id: 'A3567',
				other_ref: null,
				description: 'Black T-Shirt Size L',
				site: 'Main Site',
				level: 53,
				status: { code: 0, label: 'in stock' },
				min_level: 1,
				safe_level: 1,
				buy_price: 99,
				sell_price: 100,
				web_sell_price: 100,
				lead_time: '2009-08-27',
				build_potential: null,
			},
			expect.objectContaining({
				stock_code: 'BM101902',
				level: 0,
				status: { code: 1, label: 'all allocated' },
				lead_time: '2009-08-27',
			}),
		]);
		expect(fake.calls().find((call) => call.method === 'ExportStockStatus')?.params).toMatchObject({
			StockCode: 'BM101901,BM101902',
			MappingType: '1',
			SiteID: '-1',
		});
	});

	test('Get Web Categories gives the tree as a flat list, parents first', async () => {
		const categories = await products({ operation: 'getWebCategories' });
		expect(
			categories
				.slice(0, 3)
				.map((category) => [
					category.id,
					category.name,
					category.path_text,
					category.parent_id,
					category.stock_codes,
				]),
		).toEqual([
			['A0001', 'Footwear', 'Footwear', null, []],
			['A0002', 'Sandals', 'Footwear > Sandals', 'A0001', ['AMU15/SMPU', 'AMU16/B']],
			['A0003', 'Platforms', 'Footwear > Platforms', 'A0001', ['ABBEY-03', 'ADO709HGCH/ROGLDHG/M']],
		]);
		expect(categories[0]).toMatchObject({
			website: 'Main Website',
			long_desc: 'Shoes & sandals',
			file_name: 'footwear.jpg',
		});
		expect(categories.find((category) => category.name === 'Cabinets & Display')).toMatchObject({
			path_text: 'Furniture > Cabinets & Display',
		});
	});

	test('Get Web Categories with Compressed Transfers gives the same list through ExportWebCategoriesCompressed (ZIP)', async () => {
		const plain = await products({ operation: 'getWebCategories' });
		fake.reset();
		const zipped = await products({ operation: 'getWebCategories', compressed: true });
		expect(zipped).toEqual(plain);
		expect(fake.calls().map((call) => [call.method, call.params.CompressionMethod])).toEqual([
			['ExportWebCategoriesCompressed', '0'],
		]);
	});

	test('products with categories and Compressed Transfers read the categories zipped too, with the same paths', async () => {
		const request = {
			operation: 'getByCode',
			stockCodes: 'AMU15/SMPU, HL0453',
			options: { includeCategories: true, flagNew: false },
		};
		const plain = await products(request);
		fake.reset();
		const zipped = await products({
			...request,
			options: { ...request.options, compressed: true },
		});
		expect(zipped).toEqual(plain);
		expect(zipped[0].categories).not.toEqual([]);
		const methods = fake.calls().map((call) => call.method);
		expect(methods).toContain('ExportWebCategoriesCompressed');
		expect(methods).not.toContain('ExportWebCategories');
	});
});

describe('Khaos Product: errors', () => {
	test("a SOAP fault stops the node with Khaos's own message", async () => {
		fake.injectFault({
			kind: 'soap-fault',
			method: 'ExportStock',
			message: 'Stock item HL0453 is locked by user MIKE',
		});
		const error = errorOf(await run({ operation: 'getByCode', stockCodes: 'HL0453' }), NODE);
		expect(error.message).toBe('Stock item HL0453 is locked by user MIKE');
		expect(error.description).toBe(
			"Khaos Control refused ExportStock (Exception). The message above is Khaos's own; Khaos support can say more about it.",
		);
		expect(error.name).toBe('NodeApiError');
		expect((error as unknown as { httpCode: string }).httpCode).toBe('500');
	});

	test('with continue on fail the fault is on the output, paired with its item, and the other items still run', async () => {
		fake.injectFault({
			kind: 'soap-fault',
			method: 'ExportStock',
			message: 'Stock item HL0453 is locked by user MIKE',
		});
		const items = outputOf(
			await run(
				{
					operation: 'getByCode',
					stockCodes: '={{ $json.code }}',
					options: { includeStock: false },
				},
				{ continueOnFail: true, items: [{ code: 'HL0453' }, { code: 'HL0454' }] },
			),
			NODE,
		);
		expect(items.map((item) => [item.json.error ?? item.json.stock_code, item.pairedItem])).toEqual(
			[
				['Stock item HL0453 is locked by user MIKE', { item: 0 }],
				['HL0454', { item: 1 }],
			],
		);
	});

	test('a wrong Basic password gives a clear 401 error that never shows the password', async () => {
		const wrong = 'Wr0ng-Pa55word';
		const error = errorOf(
			await run(
				{ operation: 'getStockLevels', stockCodes: 'HL0453' },
				{
					credential: credential(guarded, {
						authentication: 'basic',
						user: 'n8n',
						password: wrong,
					}),
				},
			),
			NODE,
		);
		expect(error.message).toBe(
			'Khaos ExportStockStatus failed: HTTP 401 Unauthorized (check the user name and password of the Khaos credential)',
		);
		expect((error as unknown as { httpCode: string }).httpCode).toBe('401');
		expect(
			JSON.stringify({ message: error.message, description: error.description }),
		).not.toContain(wrong);

		const rows = await products(
			{ operation: 'getStockLevels', stockCodes: 'HL0453' },
			{
				credential: credential(guarded, {
					authentication: 'basic',
					user: 'n8n',
					password: PASSWORD,
				}),
			},
		);
		expect(rows.map((row) => [row.stock_code, row.level])).toEqual([['HL0453', 20]]);
	});
});

describe('Khaos Control credential test', () => {
	const test_ = (data: ICredentialDataDecryptedObject) =>
		new KhaosProduct().methods.credentialTest.khaosControlApiTest.call(
			new CredentialTestContext({} as IWorkflowExecuteAdditionalData) as ICredentialTestFunctions,
			{ id: 'khaos-1', name: 'Khaos', type: 'khaosControlApi', data },
		);

	test('connects with GetVersion and reports the version', async () => {
		expect(await test_(credential(fake))).toEqual({
			status: 'OK',
			message: 'Connected to Khaos Control 8.146.12',
		});
		// The website named in the credential is checked too.
		expect(fake.calls().map((call) => call.method)).toEqual(['GetVersion', 'ExportWebCategories']);
		expect(
			await test_(
				credential(guarded, { authentication: 'basic', user: 'n8n', password: PASSWORD }),
			),
		).toEqual({ status: 'OK', message: 'Connected to Khaos Control 8.146.12' });
	});

	test('names a sales source, site or website the credential gives that Khaos does not have', async () => {
		const wrong = await test_(
			credential(fake, { salesSource: 'web', siteId: 7, websiteName: 'Old Site' }),
		);
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toContain('Sales Source "web" must be written as in Khaos: "Web"');
		expect(wrong.message).toContain(
			'Site ID 7 does not exist in Khaos (its sites: 1 Main Site; -1 means all)',
		);
		expect(wrong.message).toContain('Website Name "Old Site" was not accepted by Khaos');
		expect(await test_(credential(fake, { salesSource: 'Amazon' }))).toMatchObject({
			status: 'Error',
			message: expect.stringContaining(
				'Sales Source "Amazon" does not exist in Khaos (its sales sources: Web, Telephone, Shop)',
			),
		});
		expect(await test_(credential(fake, { salesSource: 'Web', siteId: 1 }))).toEqual({
			status: 'OK',
			message: 'Connected to Khaos Control 8.146.12',
		});
	});

	test('reports a bad URL or a wrong password as an error, quickly and without the password', async () => {
		const refused = await test_(
			credential(fake, { url: 'http://127.0.0.1:1/KhaosKSD.exe/wsdl/IKosWeb' }),
		);
		expect(refused.status).toBe('Error');
		expect(refused.message).toBe(
			'Khaos GetVersion failed: could not reach http://127.0.0.1:1 (ECONNREFUSED)',
		);
		expect(await test_(credential(fake, { url: 'khaos server' }))).toEqual({
			status: 'Error',
			message: 'The Khaos URL is not a valid URL',
		});
		expect(
			await test_(credential(fake, { url: `${fake.baseUrl}/KhaosIDS.exe/wsdl/IKosWeb` })),
		).toEqual({
			status: 'Error',
			message: 'Khaos GetVersion failed: HTTP 404 Not Found (check the Khaos web service URL)',
		});
		const denied = await test_(
			credential(guarded, { authentication: 'basic', user: 'n8n', password: 'Wr0ng-Pa55word' }),
		);
		expect(denied).toEqual({
			status: 'Error',
			message:
				'Khaos GetVersion failed: HTTP 401 Unauthorized (check the user name and password of the Khaos credential)',
		});
	});
});

describe('first-seen memory and cursor text', () => {
	test('the memory keeps at most its limit of codes, forgetting the least recently seen first', () => {
		const store: IDataObject = {};
		const seen = new SeenStockCodes(store, 3);
		seen.remember(['A1', 'b2', 'C3']);
		seen.remember(['A1', 'D4']);
		expect(store.seenStockCodes).toEqual(['C3', 'A1', 'D4']);
		expect([seen.has('a1'), seen.has('B2'), seen.has('d4')]).toEqual([true, false, true]);
		expect(new SeenStockCodes(store, 3).has('C3')).toBe(true);
	});

	test('a cursor typed by hand (no fingerprints) or a plain date is understood', () => {
		expect(parseCursor('2024-05-01')).toEqual({
			since: '2024-05-01T00:00:00',
			done: {},
			floor: '2024-04-30T23:59:59',
		});
		expect(parseCursor(' 2024-05-01 09:30 | HL0453, AMU15/SMPU:0a1b2c3d4e5f ')).toEqual({
			since: '2024-05-01T09:30:00',
			done: {
				HL0453: { fingerprint: '', at: '2024-05-01T09:30:00' },
				'AMU15/SMPU': { fingerprint: '0a1b2c3d4e5f', at: '2024-05-01T09:30:00' },
			},
		});
		const written = {
			since: '2024-05-01T09:30:00',
			done: {
				HL0453: { fingerprint: '', at: '2024-05-01T09:29:00' },
				'AMU15/SMPU': { fingerprint: '0a1b2c3d4e5f', at: '2024-05-01T09:30:00' },
			},
		};
		expect(formatCursor(written)).toBe(
			'2024-05-01T09:30:00|HL0453@2024-05-01T09:29:00,AMU15/SMPU:0a1b2c3d4e5f@2024-05-01T09:30:00',
		);
		expect(parseCursor(formatCursor(written))).toEqual(written);
		expect(() => parseCursor('2024-02-30')).toThrow('"2024-02-30" is not a real date');
	});

	test('a product named in a hand-typed cursor without a fingerprint is delivered again rather than lost', async () => {
		const again = await products({
			operation: 'getChanged',
			changedSince: '2020-11-12T13:03:04|ABBEY-03',
		});
		expect(again.map((product) => product.stock_code)).toEqual(['ABBEY-03']);
		expect(
			await products({ operation: 'getChanged', changedSince: again[0].cursor as string }),
		).toEqual([]);
	});
});
