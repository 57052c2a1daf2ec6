/**
 * The Khaos pickers inside n8n's engine: the editor's "From List" asks the node's listSearch method
 * in n8n-core's LoadOptionsContext, with the credential, against the fake Khaos; what was picked
 * (or typed, or set as plain text before the pickers existed) is what the node sends.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { KhaosControlApi } from '../../credentials/KhaosControlApi.credentials';
import { KhaosOrder } from '../../nodes/KhaosOrder/KhaosOrder.node';
import { KhaosProduct } from '../../nodes/KhaosProduct/KhaosProduct.node';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { errorOf, listSearch, outputOf, runWorkflow } from './harness/engine';
import { fakeKhaosCredential } from './harness/khaos';

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

function login(
	server: FakeKhaos,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return fakeKhaosCredential(server.wsdlUrl, overrides);
}

function pick(
	type: 'khaosOrder' | 'khaosProduct',
	method: string,
	path: string,
	options: { filter?: string; credential?: ICredentialDataDecryptedObject } = {},
) {
	return listSearch({
		node: {
			name: 'Khaos',
			type: `n8n-nodes-pos-sync.${type}`,
			parameters: {},
			credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
		},
		nodeTypes: { khaosOrder: new KhaosOrder(), khaosProduct: new KhaosProduct() },
		credentialTypes: { khaosControlApi: new KhaosControlApi() },
		credentials: { khaosControlApi: options.credential ?? login(fake) },
		path,
		method,
		filter: options.filter,
	});
}

const picked = (value: string, mode = 'list') => ({ __rl: true, mode, value });

describe('From List', () => {
	test('Sales Source lists the sales sources Khaos has, and narrows them as the consultant types', async () => {
		expect((await pick('khaosOrder', 'searchSalesSources', 'options.salesSource')).results).toEqual(
			[
				{ name: 'Web', value: 'Web' },
				{ name: 'Telephone', value: 'Telephone' },
				{ name: 'Shop', value: 'Shop' },
			],
		);
		expect(
			(await pick('khaosOrder', 'searchSalesSources', 'options.salesSource', { filter: 'tele' }))
				.results,
		).toEqual([{ name: 'Telephone', value: 'Telephone' }]);
		expect(fake.calls().map((call) => call.method)).toEqual(['GetSaleSource', 'GetSaleSource']);
	});

	test('Stock Site lists the sites by name; Site (stock levels) by ID, all sites first', async () => {
		expect((await pick('khaosOrder', 'searchSiteNames', 'options.site')).results).toEqual([
			{ name: 'Main Site', value: 'Main Site', description: 'Site ID 1' },
		]);
		expect((await pick('khaosProduct', 'searchSiteIds', 'options.siteId')).results).toEqual([
			{ name: 'All Sites (Added Up)', value: '-1' },
			{ name: 'Main Site (1)', value: '1' },
		]);
	});

	test("uses the credential's Basic login, and says why when Khaos cannot be reached", async () => {
		const guardedLogin = login(guarded, {
			authentication: 'basic',
			user: 'n8n',
			password: PASSWORD,
		});
		expect(
			(
				await pick('khaosOrder', 'searchSalesSources', 'options.salesSource', {
					credential: guardedLogin,
				})
			).results,
		).toHaveLength(3);
		const refused = await pick('khaosOrder', 'searchSalesSources', 'options.salesSource', {
			credential: login(fake, { url: 'http://127.0.0.1:1/KhaosKSD.exe/wsdl/IKosWeb' }),
		}).catch((error: unknown) => error);
		expect(refused).toMatchObject({
			name: 'NodeApiError',
			message: 'Could not reach the Khaos Control web service',
		});
		expect(String((refused as { description?: string }).description)).toContain(
			'could not reach http://127.0.0.1:1 (ECONNREFUSED)',
		);
	});
});

describe('what was picked is what is sent', () => {
	async function importOne(options: IDataObject) {
		const order = {
			order_id: 'WEB-4001',
			purchase_date: '2024-05-01T10:15:00+01:00',
			currency: 'GBP',
			order_total: 61.94,
			prices_include_tax: true,
			lines: [{ sku: 'HL0453', qty: 1, unit_price: 56.99 }],
			customer: { first_name: 'Jo', last_name: 'Bloggs', email: 'jo.bloggs@example.com' },
			invoice_address: {
				address_1: '1 High Street',
				town: 'Grantham',
				postcode: 'NG31 6DB',
				country_code: 'GB',
			},
			delivery: { method: 'Royal Mail', charge_gross: 4.95 },
			payments: [{ method: 'card', amount: 61.94, reference: 'pi_WEB-4001' }],
		};
		return await runWorkflow({
			nodes: [
				{
					name: 'Input',
					type: 'testInput',
					parameters: { items: JSON.stringify([{ json: order }]) },
				},
				{
					name: 'Khaos',
					type: 'n8n-nodes-pos-sync.khaosOrder',
					parameters: { operation: 'importOrders', options } as INodeParameters,
					credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
				},
			],
			connections: { Input: { main: [[{ node: 'Khaos', type: 'main', index: 0 }]] } },
			nodeTypes: { khaosOrder: new KhaosOrder() },
			credentialTypes: { khaosControlApi: new KhaosControlApi() },
			credentials: { khaosControlApi: login(fake) },
		});
	}

	const sentOrders = () =>
		fake
			.calls()
			.filter((call) => call.method === 'ImportOrders')
			.map((call) => call.params.Orders);

	test.each([
		['picked from the list', picked('Telephone'), picked('Main Site')],
		['typed by name', picked('Telephone', 'id'), picked('Main Site', 'id')],
		['plain text, as set before the pickers', 'Telephone', 'Main Site'],
	])('an order goes in with the sales source and site %s', async (_how, salesSource, site) => {
		const result = await importOne({ salesSource, site });
		expect(outputOf(result, 'Khaos', 0).map((item) => item.json.order_id)).toEqual(['WEB-4001']);
		const [xml] = sentOrders();
		expect(xml).toContain('<SALES_SOURCE>Telephone</SALES_SOURCE>');
		expect(xml).toContain('<SITE>Main Site</SITE>');
	});

	async function stockLevels(siteId: unknown) {
		return await runWorkflow({
			nodes: [
				{ name: 'Input', type: 'testInput', parameters: { items: '[{"json":{}}]' } },
				{
					name: 'Khaos',
					type: 'n8n-nodes-pos-sync.khaosProduct',
					parameters: {
						operation: 'getStockLevels',
						stockCodes: 'HL0453',
						options: { siteId },
					} as INodeParameters,
					credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
				},
			],
			connections: { Input: { main: [[{ node: 'Khaos', type: 'main', index: 0 }]] } },
			nodeTypes: { khaosProduct: new KhaosProduct() },
			credentialTypes: { khaosControlApi: new KhaosControlApi() },
			credentials: { khaosControlApi: login(fake) },
		});
	}

	test.each([
		['picked', picked('1'), '1'],
		['typed', picked('-1', 'id'), '-1'],
		['a number, as set before the picker', 1, '1'],
	])('stock levels are asked for the site %s', async (_how, siteId, sent) => {
		outputOf(await stockLevels(siteId), 'Khaos', 0);
		expect(
			fake
				.calls()
				.filter((call) => call.method === 'ExportStockStatus')
				.map((call) => call.params.SiteID),
		).toEqual([sent]);
	});

	test('a site that is not an ID stops with an error saying so', async () => {
		expect(errorOf(await stockLevels(picked('Main', 'id')), 'Khaos').message).toBe(
			'Site "Main" is not a site ID',
		);
		expect(fake.calls().filter((call) => call.method === 'ExportStockStatus')).toEqual([]);
	});
});
