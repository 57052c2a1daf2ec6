/**
 * Dotdigital Upsert's pickers inside n8n's engine: the editor's "From List" asks the node's
 * listSearch method in n8n-core's LoadOptionsContext, with the credential, against the fake
 * Dotdigital; what was picked (or typed, or set as plain text before the pickers) is what is sent.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DotdigitalApi } from '../../credentials/DotdigitalApi.credentials';
import { DotdigitalUpsert } from '../../nodes/DotdigitalUpsert/DotdigitalUpsert.node';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { listSearch, loadOptions, outputOf, runWorkflow } from './harness/engine';

jest.setTimeout(60_000);

let fake: FakeDotdigital;

beforeAll(async () => {
	fake = await startFakeDotdigital({ importMs: 200 });
});

afterAll(async () => {
	await fake.stop();
});

beforeEach(() => fake.reset());

const login = (password?: string) => ({
	user: fake.user,
	password: password ?? fake.password,
	region: 'auto',
	baseUrl: fake.regionUrl('r1'),
});
const picked = (value: string, mode = 'list') => ({ __rl: true, mode, value });

function pick(method: string, path: string, options: { filter?: string; password?: string } = {}) {
	return listSearch({
		node: {
			name: 'Upsert',
			type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
			parameters: {},
			credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
		},
		nodeTypes: { dotdigitalUpsert: new DotdigitalUpsert() },
		credentialTypes: { dotdigitalApi: new DotdigitalApi() },
		credentials: { dotdigitalApi: login(options.password) },
		path,
		method,
		filter: options.filter,
	});
}

async function createCollection(name: string, scope: string, type: string) {
	const response = await fetch(
		`${fake.regionUrl('r1')}/insightData/v3/collections/${name}?collectionScope=${scope}&collectionType=${type}`,
		{
			method: 'POST',
			headers: {
				Authorization: `Basic ${Buffer.from(`${fake.user}:${fake.password}`).toString('base64')}`,
			},
		},
	);
	expect(response.ok).toBe(true);
}

describe('From List', () => {
	test("Dotdigital Data Field lists the account's data fields by name, with their type, and narrows them as the consultant types", async () => {
		const { results } = await pick('searchDataFields', 'dataFields.field[0].dataField');
		const names = results.map((result) => result.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		expect(names).toEqual(expect.arrayContaining(['FIRSTNAME', 'LASTNAME', 'POSTCODE']));
		expect(results.find((result) => result.name === 'FIRSTNAME')).toEqual({
			name: 'FIRSTNAME',
			value: 'FIRSTNAME',
			description: expect.stringMatching(/^String, (private|public)$/),
		});
		expect(
			(
				await pick('searchDataFields', 'dataFields.field[0].dataField', { filter: 'post' })
			).results.map((result) => result.name),
		).toEqual(['POSTCODE']);
	});

	test("Collection lists the account's Insight collections with their kind and scope", async () => {
		expect((await pick('searchCollections', 'orderCollection')).results).toEqual([]);
		await createCollection('Orders', 'contact', 'orders');
		await createCollection('Catalog_Default', 'account', 'catalog');
		expect((await pick('searchCollections', 'orderCollection')).results).toEqual([
			{ name: 'Catalog_Default', value: 'Catalog_Default', description: 'catalog, account scope' },
			{ name: 'Orders', value: 'Orders', description: 'orders, contact scope' },
		]);
	});

	test('a wrong password says what is wrong, not just "Unauthorized"', async () => {
		const refused = await pick('searchDataFields', 'dataFields.field[0].dataField', {
			password: 'not-the-password',
		}).catch((error: unknown) => error);
		expect(refused).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect((refused as Error).message).toContain(
			'check the API user and password of the Dotdigital credential',
		);
		expect((refused as Error).message).not.toContain('not-the-password');
	});
});

function lists(target: FakeDotdigital = fake) {
	return loadOptions({
		node: {
			name: 'Upsert',
			type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
			parameters: {},
			credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
		},
		nodeTypes: { dotdigitalUpsert: new DotdigitalUpsert() },
		credentialTypes: { dotdigitalApi: new DotdigitalApi() },
		credentials: {
			dotdigitalApi: {
				user: target.user,
				password: target.password,
				region: 'auto',
				baseUrl: target.regionUrl('r1'),
			},
		},
		path: 'lists',
		method: 'getLists',
	});
}

async function v2(method: string, path: string, body?: unknown) {
	const response = await fetch(`${fake.regionUrl('r1')}${path}`, {
		method,
		headers: {
			Authorization: `Basic ${Buffer.from(`${fake.user}:${fake.password}`).toString('base64')}`,
			...(body ? { 'Content-Type': 'application/json' } : {}),
		},
		...(body ? { body: JSON.stringify(body) } : {}),
	});
	return { status: response.status, body: (await response.json()) as unknown };
}

describe("Add to Lists: the account's lists, several at once", () => {
	test('lists every list of the account by name, with its ID, visibility and size', async () => {
		await v2('POST', '/v2/address-books', { name: 'VIP', visibility: 'Public' });
		expect(await lists()).toEqual([
			{ name: 'Newsletter', value: 1, description: 'ID 1, private, 0 contacts' },
			{ name: 'POS customers', value: 2, description: 'ID 2, private, 0 contacts' },
			{ name: 'VIP', value: 4, description: 'ID 4, public, 0 contacts' },
			{ name: 'Welcome', value: 3, description: 'ID 3, private, 0 contacts' },
		]);
	});

	test('an account with 2,345 lists is read whole, a page of 1,000 at a time, until a page is empty', async () => {
		const big = await startFakeDotdigital({
			seed: {
				lists: Array.from({ length: 2345 }, (_, index) => ({
					id: index + 1,
					name: `List ${String(index + 1).padStart(4, '0')}`,
				})),
			},
		});
		try {
			const options = await lists(big);
			expect(options).toHaveLength(2345);
			expect(new Set(options.map((option) => option.value)).size).toBe(2345);
			const pages = big
				.calls()
				.filter((call) => call.path.endsWith('/v2/address-books'))
				.map((call) => call.query);
			expect(pages).toEqual([
				'select=1000&skip=0',
				'select=1000&skip=1000',
				'select=1000&skip=2000',
				'select=1000&skip=2345',
			]);
		} finally {
			await big.stop();
		}
	});

	test('the fake answers as the OpenAPI document says: pages by select and skip, 400 for a select outside 1 to 1000', async () => {
		expect((await v2('GET', '/v2/address-books?select=2&skip=1')).body).toEqual([
			{ id: 2, name: 'POS customers', visibility: 'Private', contacts: 0 },
			{ id: 3, name: 'Welcome', visibility: 'Private', contacts: 0 },
		]);
		for (const query of ['select=0', 'select=1001', 'skip=-1', 'select=ten']) {
			const { status, body } = await v2('GET', `/v2/address-books?${query}`);
			expect([query, status, (body as { message: string }).message]).toEqual([
				query,
				400,
				expect.stringContaining('ERROR_PARAMETER_INVALID'),
			]);
		}
		expect((await v2('GET', '/v2/address-books/99')).status).toBe(404);
		expect((await v2('DELETE', '/v2/address-books')).status).toBe(405);
	});

	test('a wrong password says what is wrong', async () => {
		const wrong = { ...fake, password: 'not-the-password' } as FakeDotdigital;
		const refused = await lists(wrong).catch((error: unknown) => error);
		expect(refused).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect((refused as Error).message).toContain(
			'check the API user and password of the Dotdigital credential',
		);
	});

	async function addTo(listsValue: unknown) {
		const customer: IDataObject = {
			customer_id: 'C-1',
			email: 'jo@example.com',
			first_name: 'Jo',
			list: '3',
			_source: { file: 'customers.csv', lines: [2] },
		};
		return await runWorkflow({
			nodes: [
				{
					name: 'Input',
					type: 'testInput',
					parameters: { items: JSON.stringify([{ json: customer }]) },
				},
				{
					name: 'Upsert',
					type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
					parameters: {
						resource: 'contact',
						operation: 'upsert',
						mode: 'realtime',
						newContactConsent: 'dotdigital',
						lists: listsValue,
					} as INodeParameters,
					credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
				},
			],
			connections: { Input: { main: [[{ node: 'Upsert', type: 'main', index: 0 }]] } },
			nodeTypes: { dotdigitalUpsert: new DotdigitalUpsert() },
			credentialTypes: { dotdigitalApi: new DotdigitalApi() },
			credentials: { dotdigitalApi: login() },
		});
	}

	test.each([
		['picked from the list', [2, 3]],
		['typed as IDs, as saved before the picker', '2, 3'],
		['given by an expression', '={{ [2, Number($json.list)] }}'],
	])('the contact goes on the lists %s', async (_how, listsValue) => {
		const result = await addTo(listsValue);
		expect(outputOf(result, 'Upsert', 0).map((item) => item.json.identifier)).toEqual([
			'jo@example.com',
		]);
		expect(fake.contact('email', 'jo@example.com')?.lists.sort()).toEqual([2, 3]);
	});
});

describe('what was picked is what is sent', () => {
	async function upsert(dataField: unknown) {
		const customer: IDataObject = {
			customer_id: 'C-1',
			email: 'jo@example.com',
			first_name: 'Jo',
			store_code: 'LDN01',
			_source: { file: 'customers.csv', lines: [2] },
		};
		return await runWorkflow({
			nodes: [
				{
					name: 'Input',
					type: 'testInput',
					parameters: { items: JSON.stringify([{ json: customer }]) },
				},
				{
					name: 'Upsert',
					type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
					parameters: {
						resource: 'contact',
						operation: 'upsert',
						mode: 'bulk',
						dataFields: { field: [{ field: 'store_code', dataField }] },
					} as INodeParameters,
					credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
				},
			],
			connections: { Input: { main: [[{ node: 'Upsert', type: 'main', index: 0 }]] } },
			nodeTypes: { dotdigitalUpsert: new DotdigitalUpsert() },
			credentialTypes: { dotdigitalApi: new DotdigitalApi() },
			credentials: { dotdigitalApi: login() },
		});
	}

	test.each([
		['picked from the list', picked('STORE')],
		['typed by name', picked('STORE', 'id')],
		['plain text, as set before the pickers', 'STORE'],
	])('a customer field goes to the data field %s', async (_how, dataField) => {
		const result = await upsert(dataField);
		expect(outputOf(result, 'Upsert', 0).map((item) => item.json.identifier)).toEqual([
			'jo@example.com',
		]);
		expect(fake.contact('email', 'jo@example.com')?.dataFields.STORE).toBe('LDN01');
	});
});
