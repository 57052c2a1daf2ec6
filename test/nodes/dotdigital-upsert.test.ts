/**
 * Dotdigital Upsert inside n8n's engine against the fake Dotdigital: contacts in bulk and in real
 * time with consent left to Dotdigital, orders with and without creating their contacts, the product
 * catalogue, data fields, and what a consultant sees when the login or a data field is wrong.
 * Bulk imports are polled as in production (first check after 5 s), so these tests take seconds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DotdigitalApi } from '../../credentials/DotdigitalApi.credentials';
import { DotdigitalUpsert } from '../../nodes/DotdigitalUpsert/DotdigitalUpsert.node';
import { defaultStatePath, SyncStateStore, type SendingCounts } from '../../lib/state';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { errorOf, outputOf, runWorkflow } from './harness/engine';

jest.setTimeout(120_000);

const NODE = 'Dotdigital Upsert';
let fake: FakeDotdigital;

beforeAll(async () => {
	fake = await startFakeDotdigital({ importMs: 500 });
});

afterAll(async () => {
	await fake.stop();
});

beforeEach(() => fake.reset());

async function run(
	items: IDataObject[],
	parameters: INodeParameters,
	options: { continueOnFail?: boolean; password?: string } = {},
) {
	const result = await runWorkflow({
		nodes: [
			{
				name: 'Input',
				type: 'testInput',
				parameters: { items: JSON.stringify(items.map((json) => ({ json }))) },
			},
			{
				name: NODE,
				type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
				parameters,
				credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
				...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: { Input: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		nodeTypes: { dotdigitalUpsert: new DotdigitalUpsert() },
		credentialTypes: { dotdigitalApi: new DotdigitalApi() },
		credentials: {
			dotdigitalApi: {
				user: fake.user,
				password: options.password ?? fake.password,
				region: 'auto',
				baseUrl: fake.regionUrl('r1'),
			},
		},
	});
	return result;
}

function outputs(result: Awaited<ReturnType<typeof run>>) {
	return {
		done: outputOf(result, NODE, 0),
		failed: outputOf(result, NODE, 1),
		summary: outputOf(result, NODE, 2)[0]?.json,
	};
}

const customer = (email: string | null, extra: IDataObject = {}): IDataObject => ({
	customer_id: `C-${email ?? 'none'}`,
	email,
	first_name: 'Jo',
	last_name: 'Bloggs',
	postcode: 'NG31 6DB',
	_source: { file: 'customers.csv', lines: [2] },
	...extra,
});

describe('Contacts in bulk', () => {
	it('creates and updates contacts, leaves consent to Dotdigital, and accounts for every customer', async () => {
		fake.addContact({
			identifiers: { email: 'old.friend@example.com' },
			dataFields: { FIRSTNAME: 'Old', POSTCODE: 'AB1 2CD' },
			channelProperties: {
				email: { status: 'subscribed', optInType: 'Single', emailType: 'Html' },
			},
			status: 'subscribed',
		});
		fake.addContact({
			identifiers: { email: 'gone@example.com' },
			channelProperties: {
				email: { status: 'unsubscribed', optInType: 'Single', emailType: 'Html' },
			},
			status: 'unsubscribed',
		});
		const items = [
			customer('New.Yes@Example.com', { marketing_opt_in: true }),
			customer('new.no@example.com', { marketing_opt_in: false }),
			customer('old.friend@example.com', {
				first_name: 'Olive',
				postcode: '',
				marketing_opt_in: false,
			}),
			customer('gone@example.com', { marketing_opt_in: true }),
			customer(null),
			customer('not-an-email@'),
			customer('twice@example.com', { first_name: 'First' }),
			customer('twice@example.com', {
				first_name: 'Second',
				_source: { file: 'customers.csv', lines: [9] },
			}),
		];
		const { done, failed, summary } = outputs(
			await run(items, { resource: 'contact', operation: 'upsert', mode: 'bulk', lists: '2' }),
		);

		expect(done.map((item) => [item.json.identifier, item.json.action])).toEqual([
			['new.yes@example.com', 'created'],
			['new.no@example.com', 'created'],
			['old.friend@example.com', 'updated'],
			['gone@example.com', 'updated'],
			['twice@example.com', 'created'],
			['twice@example.com', 'created'],
		]);
		expect(
			done.every(
				(item) =>
					typeof item.json.contact_id === 'number' && typeof item.json.import_id === 'string',
			),
		).toBe(true);
		expect(failed.map((item) => [item.json.code, item.json.owner, item.pairedItem])).toEqual([
			['missingIdentifier', 'till data', { item: 4 }],
			[expect.stringMatching(/^invalidEmail$/i), 'till data', { item: 5 }],
		]);
		expect(failed[0].json.record).toEqual(items[4]);
		expect(summary).toMatchObject({
			records: 8,
			done: 6,
			failed: 2,
			created: 4,
			updated: 2,
			imports: 1,
			balanced: true,
			files: [{ file: 'customers.csv', records: 8, done: 6, failed: 2 }],
		});

		expect(fake.contact('email', 'new.yes@example.com')?.channelProperties.email.status).toBe(
			'subscribed',
		);
		expect(fake.contact('email', 'new.no@example.com')?.channelProperties.email.status).toBe(
			'unsubscribed',
		);
		// Existing contacts keep their status whatever the till says; a blank postcode does not wipe Dotdigital's.
		expect(fake.contact('email', 'old.friend@example.com')).toMatchObject({
			status: 'subscribed',
			dataFields: { FIRSTNAME: 'Olive', POSTCODE: 'AB1 2CD' },
		});
		expect(fake.contact('email', 'gone@example.com')).toMatchObject({
			status: 'unsubscribed',
			channelProperties: { email: { status: 'unsubscribed' } },
		});
		expect(fake.contact('email', 'twice@example.com')?.dataFields.FIRSTNAME).toBe('Second');
		// A customer who did not opt in goes on no list: a list can start a programme.
		expect(fake.contact('email', 'new.no@example.com')?.lists).toEqual([]);
		expect(fake.contact('email', 'new.yes@example.com')?.lists).toEqual([2]);
		expect(fake.contacts()).toHaveLength(5);
	});

	it('gives each batch its own import, within the size set, and re-running creates nothing new', async () => {
		const items = Array.from({ length: 7 }, (_, index) =>
			customer(`shopper${index}@example.com`, { marketing_opt_in: true }),
		);
		const first = outputs(
			await run(items, {
				resource: 'contact',
				operation: 'upsert',
				mode: 'bulk',
				options: { batchSize: 3 },
			}),
		);
		expect(first.summary).toMatchObject({ created: 7, imports: 3, balanced: true });
		expect(new Set(first.done.map((item) => item.json.import_id)).size).toBe(3);
		const again = outputs(
			await run(items, {
				resource: 'contact',
				operation: 'upsert',
				mode: 'bulk',
				options: { batchSize: 3 },
			}),
		);
		expect(again.summary).toMatchObject({ created: 0, updated: 7, failed: 0 });
		expect(fake.contacts()).toHaveLength(7);
	});
});

describe('Contacts matched on mobile number', () => {
	it('sends the mobile in international digits and matches the same contact next time', async () => {
		const items = [
			customer(null, { mobile: '+44 7700 900123', first_name: 'Mo' }),
			customer(null, { mobile: 'ask at till' }),
		];
		const first = outputs(
			await run(items, {
				resource: 'contact',
				operation: 'upsert',
				identifier: 'mobileNumber',
				mode: 'bulk',
			}),
		);
		expect(first.done.map((item) => [item.json.identifier, item.json.action])).toEqual([
			['447700900123', 'created'],
		]);
		expect(first.failed.map((item) => [item.json.code, item.json.owner])).toEqual([
			['invalidPhoneNumber', 'till data'],
		]);
		const again = outputs(
			await run([{ mobile: '+447700900123', first_name: 'Mona' }], {
				resource: 'contact',
				operation: 'upsert',
				identifier: 'mobileNumber',
				mode: 'realtime',
			}),
		);
		expect(again.done.map((item) => item.json.action)).toEqual(['updated']);
		expect(fake.contacts()).toHaveLength(1);
		expect(fake.contact('mobileNumber', '447700900123')?.dataFields.FIRSTNAME).toBe('Mona');
	});
});

describe('Contacts in real time', () => {
	it('sends a few sign-ups one call each, into the welcome list, and never resubscribes', async () => {
		fake.addContact({
			identifiers: { email: 'gone@example.com' },
			channelProperties: {
				email: { status: 'unsubscribed', optInType: 'Single', emailType: 'Html' },
			},
			status: 'unsubscribed',
		});
		const items = [
			customer('signup@example.com', { marketing_opt_in: true }),
			customer('gone@example.com', { marketing_opt_in: true }),
		];
		const { done, summary } = outputs(
			await run(items, {
				resource: 'contact',
				operation: 'upsert',
				mode: 'auto',
				lists: '3',
				options: {
					consentText: 'Yes, email me offers',
					consentUrl: 'https://shop.example/privacy',
					consentIpAddress: '203.0.113.25',
				},
			}),
		);
		expect(done.map((item) => item.json.action)).toEqual(['created', 'updated']);
		expect(summary).toMatchObject({ imports: 0, balanced: true });
		// The new contact is created with one POST (status, consent record and list in it); the one Dotdigital holds gets its data, then its list.
		expect(
			fake
				.calls()
				.map((call) => call.method)
				.filter((method) => method === 'POST' || method === 'PATCH'),
		).toEqual(['POST', 'PATCH', 'PATCH']);
		expect(fake.contact('email', 'signup@example.com')).toMatchObject({
			status: 'subscribed',
			lists: [3],
			consentRecords: [
				{
					text: 'Yes, email me offers',
					url: 'https://shop.example/privacy',
					ipAddress: '203.0.113.25',
					userAgent: 'In store, recorded by the POS',
				},
			],
		});
		expect(fake.contact('email', 'gone@example.com')).toMatchObject({
			status: 'unsubscribed',
			consentRecords: [],
		});
	});
});

describe('Data fields', () => {
	it('creates the fields the contacts need, with their types, before sending', async () => {
		const { done } = outputs(
			await run([customer('a@example.com', { store_code: 'LDN01', birth_date: '1988-04-17' })], {
				resource: 'contact',
				operation: 'upsert',
				dataFields: {
					field: [
						{ field: 'store_code', dataField: 'STORE' },
						{ field: 'birth_date', dataField: 'BIRTHDAY' },
					],
				},
			}),
		);
		expect(done).toHaveLength(1);
		expect(fake.dataFields()).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ name: 'STORE', type: 'String' }),
				expect.objectContaining({ name: 'BIRTHDAY', type: 'Date' }),
			]),
		);
		expect(fake.contact('email', 'a@example.com')?.dataFields).toMatchObject({
			STORE: 'LDN01',
			BIRTHDAY: expect.stringMatching(/^1988-04-17/),
		});
	});

	it('stops with the missing field names when creating them is turned off', async () => {
		const parameters = {
			resource: 'contact',
			operation: 'upsert',
			dataFields: { field: [{ field: 'store_code', dataField: 'STORE' }] },
			options: { createMissingDataFields: false },
		};
		const error = errorOf(await run([customer('a@example.com')], parameters), NODE);
		expect(error.message).toMatch(/These data fields do not exist in Dotdigital: STORE/);
		const { failed } = outputs(
			await run([customer('a@example.com')], parameters, { continueOnFail: true }),
		);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({
			code: 'runFailed',
			description: expect.stringMatching(/STORE/),
			retryable: false,
			owner: 'mapping',
		});
		expect(fake.contacts()).toHaveLength(0);
	});

	it('creates missing fields on request and lists them all', async () => {
		const created = outputOf(
			await run([{}], {
				resource: 'dataField',
				operation: 'createMissing',
				fieldsToCreate: {
					field: [
						{ name: 'LAST_PURCHASE', type: 'Date' },
						{ name: 'FIRSTNAME', type: 'String' },
					],
				},
			}),
			NODE,
		);
		expect(created.map((item) => [item.json.name, item.json.action])).toEqual([
			['LAST_PURCHASE', 'created'],
			['FIRSTNAME', 'already existed'],
		]);
		const listed = outputOf(await run([{}], { resource: 'dataField', operation: 'getAll' }), NODE);
		expect(listed.map((item) => item.json.name)).toEqual(
			expect.arrayContaining(['FIRSTNAME', 'LAST_PURCHASE']),
		);
	});
});

const order = (id: string, email: string | null, total: number): IDataObject => ({
	order_id: id,
	customer_id: 'C1',
	email,
	purchase_date: '2026-06-27T13:01:09+01:00',
	currency: 'GBP',
	order_total: total,
	order_subtotal: total,
	is_refund: false,
	lines: [{ sku: 'SKU-1', name: 'Mug', qty: 1, unit_price: total, line_total: total }],
	_source: { file: 'transactions.csv', lines: [2] },
});

describe('Orders', () => {
	it('creates the missing contacts first, unsubscribed, then stores the orders on them', async () => {
		const items = [
			order('R-1', 'buyer@example.com', 12),
			order('R-2', 'buyer@example.com', 8),
			order('R-3', null, 5),
		];
		const { done, failed, summary } = outputs(
			await run(items, { resource: 'order', operation: 'upsert' }),
		);
		expect(done.map((item) => [item.json.key, item.json.action])).toEqual([
			['R-1', 'imported'],
			['R-2', 'imported'],
		]);
		expect(failed.map((item) => [item.json.code, item.json.owner])).toEqual([
			['customerLookupFailed', 'till data'],
		]);
		expect(summary).toMatchObject({ records: 3, done: 2, failed: 1, balanced: true });
		expect(fake.contact('email', 'buyer@example.com')?.status).toBe('unsubscribed');
		const stored = fake.collection('Orders');
		expect(stored).toMatchObject({ scope: 'contact' });
		expect(
			stored?.records.map((record) => [record.key, (record.json as IDataObject).order_total]),
		).toEqual([
			['R-1', 12],
			['R-2', 8],
		]);
	});

	it('with contact creation off, fails orders of unknown customers as a failed customer lookup', async () => {
		fake.addContact({ identifiers: { email: 'known@example.com' } });
		const { done, failed } = outputs(
			await run([order('R-1', 'known@example.com', 12), order('R-2', 'stranger@example.com', 8)], {
				resource: 'order',
				operation: 'upsert',
				createMissingContacts: false,
			}),
		);
		expect(done.map((item) => item.json.key)).toEqual(['R-1']);
		expect(
			failed.map((item) => [
				item.json.key,
				item.json.code,
				item.json.pairedItem ?? item.pairedItem,
			]),
		).toEqual([['R-2', 'customerLookupFailed', { item: 1 }]]);
		expect(fake.contact('email', 'stranger@example.com')).toBeUndefined();
	});
});

describe('Product catalogue', () => {
	it('stores products by SKU in the account catalogue, and re-sending replaces rather than duplicates', async () => {
		const items = [
			{ sku: 'MUG-1', name: 'Mug', price: 8.5, currency: 'GBP', stock_level: 4 },
			{ sku: 'TEE-M', name: 'T-shirt', price: 15, currency: 'GBP', stock_level: 0 },
		];
		await run(items, {
			resource: 'product',
			operation: 'upsert',
			productCollection: 'Catalog_Shop',
		});
		const { summary } = outputs(
			await run([{ ...items[0], price: 9 }], {
				resource: 'product',
				operation: 'upsert',
				productCollection: 'Catalog_Shop',
			}),
		);
		expect(summary).toMatchObject({ imported: 1, balanced: true });
		const catalogue = fake.collection('Catalog_Shop');
		expect(catalogue).toMatchObject({ scope: 'account', type: 'catalog' });
		expect(
			catalogue?.records.map((record) => [record.key, (record.json as IDataObject).price]),
		).toEqual([
			['MUG-1', 9],
			['TEE-M', 15],
		]);
	});
});

describe('Errors a consultant can act on', () => {
	it('a wrong password stops the run with a hint, and never shows the password', async () => {
		const error = errorOf(
			await run(
				[customer('a@example.com')],
				{ resource: 'contact', operation: 'upsert' },
				{ password: 'wrong-Passw0rd' },
			),
			NODE,
		);
		expect(error.message).toMatch(/401.*check the API user and password/);
		expect(JSON.stringify(error)).not.toContain('wrong-Passw0rd');
		// The ledger says why the file's record failed, not "sent, outcome unknown".
		const store = SyncStateStore.open(defaultStatePath());
		try {
			const steps = await store.ledgerSteps(
				new Date(Date.now() - 3_600_000),
				new Date(Date.now() + 60_000),
			);
			expect(steps.filter((step) => step.counts.step === 'inFlight')).toEqual([]);
			const last = steps[steps.length - 1].counts as SendingCounts;
			expect(last).toMatchObject({
				step: 'sending',
				records: 1,
				failed: 1,
				failed_by_reason: { runFailed: { owner: 'API', count: 1 } },
			});
		} finally {
			await store.close();
		}
		const { failed } = outputs(
			await run(
				[customer('a@example.com')],
				{ resource: 'contact', operation: 'upsert' },
				{ password: 'wrong-Passw0rd', continueOnFail: true },
			),
		);
		expect(failed.map((item) => [item.json.code, item.json.owner, item.json.retryable])).toEqual([
			['runFailed', 'API', false],
		]);
		expect(JSON.stringify(failed)).not.toContain('wrong-Passw0rd');
	});

	it('consent settings Dotdigital would refuse stop the run before anything is sent, naming what is missing', async () => {
		const error = errorOf(
			await run([customer('a@example.com', { marketing_opt_in: true })], {
				resource: 'contact',
				operation: 'upsert',
				options: { consentText: 'Yes please' },
			}),
			NODE,
		);
		expect(error.message).toMatch(/missing or not valid: Consent Page URL .*, Consent IP Address/);
		expect(fake.calls()).toHaveLength(0);
	});

	it('a sync state that cannot be opened fails every record unsent, owned by "system" rather than "mapping"', async () => {
		const before = process.env.POS_SYNC_STATE_DIR;
		// A folder that cannot be made: its parent is a file.
		const blocker = join(mkdtempSync(join(tmpdir(), 'pos-sync-blocked-')), 'not-a-folder');
		writeFileSync(blocker, 'a file where the state folder should be');
		process.env.POS_SYNC_STATE_DIR = join(blocker, 'state');
		try {
			const error = errorOf(
				await run([customer('a@example.com')], { resource: 'contact', operation: 'upsert' }),
				NODE,
			);
			expect(error.message).toContain('Could not open the sync state file');
			const { failed } = outputs(
				await run(
					[customer('a@example.com'), customer('b@example.com')],
					{ resource: 'contact', operation: 'upsert' },
					{ continueOnFail: true },
				),
			);
			expect(failed.map((item) => [item.json.code, item.json.owner])).toEqual([
				['runFailed', 'system'],
				['runFailed', 'system'],
			]);
			expect(String(failed[0].json.description)).toContain('POS_SYNC_STATE_DIR');
			expect(fake.calls()).toHaveLength(0);
		} finally {
			if (before === undefined) delete process.env.POS_SYNC_STATE_DIR;
			else process.env.POS_SYNC_STATE_DIR = before;
		}
	});

	it('a setting read once per run that an expression gives another item differently is refused, naming it, before anything is sent', async () => {
		const items = [
			customer('a@example.com', { list: '2' }),
			customer('b@example.com', { list: '3' }),
		];
		const error = errorOf(
			await run(items, {
				resource: 'contact',
				operation: 'upsert',
				mode: 'realtime',
				lists: '={{ $json.list }}',
			}),
			NODE,
		);
		expect(error.message).toBe(
			'Add to Lists is read once per run, from the first item, but item 2 gives another value',
		);
		expect(fake.calls()).toHaveLength(0);

		const batch = errorOf(
			await run(items, {
				resource: 'contact',
				operation: 'upsert',
				options: { batchSize: '={{ $json.list === "2" ? 100 : 200 }}' },
			}),
			NODE,
		);
		expect(batch.message).toBe(
			'Options → Records per Import is read once per run, from the first item, but item 2 gives another value',
		);

		const same = [
			customer('a@example.com', { list: '2' }),
			customer('b@example.com', { list: '2' }),
		];
		const { done } = outputs(
			await run(same, {
				resource: 'contact',
				operation: 'upsert',
				mode: 'realtime',
				lists: '={{ $json.list }}',
			}),
		);
		expect(done.map((item) => item.json.identifier)).toEqual(['a@example.com', 'b@example.com']);
	});

	it('a list given by name rather than ID is refused before anything is sent', async () => {
		const error = errorOf(
			await run([customer('a@example.com')], {
				resource: 'contact',
				operation: 'upsert',
				lists: 'Newsletter',
			}),
			NODE,
		);
		expect(error.message).toMatch(/list IDs \(numbers\), not "Newsletter"/);
		expect(fake.calls()).toHaveLength(0);
	});
});
