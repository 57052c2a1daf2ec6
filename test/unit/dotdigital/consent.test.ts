/**
 * Consent and completeness when Dotdigital misbehaves, asserted over the fake's whole status
 * history: an answer lost after every write, a look-up that fails after a lost answer, a gateway
 * with a smaller body limit, suppressed contacts in bulk and real time, and orders whose contacts
 * Dotdigital already holds.
 */
import {
	DEFAULT_FIELD_MAP,
	DotdigitalSync,
	DotdigitalTransport,
	MemoryContactRegistry,
	type ContactUpsertSettings,
	type RecordResult,
	type SyncOptions,
} from '../../../lib/dotdigital';
import { SyncStateStore } from '../../../lib/state';
import {
	startFakeDotdigital,
	type FakeDotdigital,
	type FakeDotdigitalOptions,
} from '../../fakes/dotdigital';

const SETTINGS: ContactUpsertSettings = {
	identifier: 'email',
	fieldMap: DEFAULT_FIELD_MAP,
	lists: [3],
	mergeOption: 'overwriteIfNotEmpty',
	newContactConsent: 'posOptIn',
	mode: 'bulk',
	createMissingDataFields: false,
};

/** 1,500 customers, one in three opted in, in imports of 500. */
const CUSTOMERS = Array.from({ length: 1500 }, (_, index) => ({
	email: `c${index}@example.com`,
	first_name: `C${index}`,
	marketing_opt_in: index % 3 === 0,
}));
const optedIn = (email: string) =>
	CUSTOMERS.find((record) => record.email === email)?.marketing_opt_in === true;

const fakes: FakeDotdigital[] = [];
afterEach(async () => {
	await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

async function fakeDotdigital(options: FakeDotdigitalOptions = {}): Promise<FakeDotdigital> {
	const fake = await startFakeDotdigital({ importMs: 20, ...options });
	fakes.push(fake);
	return fake;
}

function syncFor(fake: FakeDotdigital, options: SyncOptions = {}): DotdigitalSync {
	const transport = new DotdigitalTransport(
		{ user: fake.user, password: fake.password, region: 'r1', baseUrl: fake.baseUrl },
		{ retry: { attempts: 4, baseMs: 1, maxMs: 5 } },
	);
	return new DotdigitalSync(transport, {
		contactBatchSize: 500,
		poll: { firstMs: 10, maxMs: 30 },
		registry: new MemoryContactRegistry(),
		...options,
	});
}

const account = (fake: FakeDotdigital) =>
	fake
		.contacts()
		.map(
			(contact) =>
				`${contact.identifiers.email} ${contact.status} ${contact.dataFields.FIRSTNAME ?? ''} [${contact.lists.join(',')}]`,
		)
		.sort();

/** Nobody without an opt-in was subscribed or listed at any moment, and no seeded contact's status ever changed. */
function expectConsentHeld(fake: FakeDotdigital): void {
	const bad = fake
		.statusHistory()
		.filter((change) =>
			change.via === 'seed'
				? false
				: change.from !== null || (change.to === 'subscribed' && !optedIn(change.email ?? '')),
		);
	expect(bad).toEqual([]);
	expect(
		fake
			.contacts()
			.filter((contact) => contact.lists.length > 0 && !optedIn(contact.identifiers.email ?? '')),
	).toEqual([]);
}

const actions = (results: RecordResult[]) =>
	results.map((result) =>
		result.status === 'done'
			? result.action
			: result.status === 'failed'
				? `failed ${result.code}`
				: result.status,
	);

describe('an answer lost after each write', () => {
	let clean: { account: string[]; writes: number };

	beforeAll(async () => {
		const fake = await fakeDotdigital();
		const results = await syncFor(fake).upsertContacts(CUSTOMERS, SETTINGS);
		expect(new Set(actions(results))).toEqual(new Set(['created']));
		expectConsentHeld(fake);
		clean = {
			account: account(fake),
			writes: fake.calls().filter((call) => call.method !== 'GET').length,
		};
		await fake.stop();
		fakes.splice(0);
	});

	it('the first sync writes three imports of 500', () => {
		expect(clean.writes).toBe(3);
		expect(clean.account).toContain('c0@example.com subscribed C0 [3]');
		expect(clean.account).toContain('c1@example.com unsubscribed C1 []');
	});

	it.each([
		[1, 'a 502'],
		[2, 'a 502'],
		[3, 'a 502'],
		[1, 'a dropped connection'],
		[2, 'a dropped connection'],
		[3, 'a dropped connection'],
	] as const)(
		'with write %i applied and its answer lost to %s, the account equals a clean run’s, consent held, and every contact counts as created',
		async (write, loss) => {
			const fake = await fakeDotdigital();
			let writes = 0;
			fake.setIntercept((call, phase) => {
				if (call.method === 'GET' || phase !== 'applied') return undefined;
				writes += 1;
				if (writes !== write) return undefined;
				return loss === 'a 502' ? { status: 502 } : 'drop';
			});
			const results = await syncFor(fake).upsertContacts(CUSTOMERS, SETTINGS);
			expect(fake.calls().filter((call) => call.method === 'PUT')).toHaveLength(4);
			expect(account(fake)).toEqual(clean.account);
			expectConsentHeld(fake);
			expect(new Set(actions(results))).toEqual(new Set(['created']));
		},
	);

	it('in real time, a POST whose answer was lost is found as the same contact: created once, unsubscribed throughout', async () => {
		const fake = await fakeDotdigital();
		let posts = 0;
		fake.setIntercept((call, phase) =>
			call.method === 'POST' && phase === 'applied' && ++posts === 1 ? 'drop' : undefined,
		);
		const results = await syncFor(fake).upsertContacts(CUSTOMERS.slice(0, 6), {
			...SETTINGS,
			mode: 'realtime',
		});
		expect(actions(results)).toEqual(Array(6).fill('created'));
		expect(account(fake)).toEqual(clean.account.filter((line) => /^c[0-5]@/.test(line)));
		expectConsentHeld(fake);
	});

	it('a failing look-up after a lost answer: the run completes, every record accounted for, consent held', async () => {
		const fake = await fakeDotdigital();
		// The first import's answer is lost; every listing after the first (the one that would check the counts) fails.
		let puts = 0;
		let listings = 0;
		fake.setIntercept((call, phase) => {
			if (call.method === 'GET' && /\/contacts\/v3$/.test(call.path) && phase === 'received')
				return ++listings > 1 ? 'drop' : undefined;
			if (call.method === 'PUT' && phase === 'applied' && ++puts === 1) return 'drop';
			return undefined;
		});
		const results = await syncFor(fake).upsertContacts(CUSTOMERS, SETTINGS);
		expect(results).toHaveLength(CUSTOMERS.length);
		expect(results.filter((result) => result.status !== 'done')).toEqual([]);
		expect(listings).toBeGreaterThan(1);
		expect(account(fake)).toEqual(clean.account);
		expectConsentHeld(fake);
	});

	it('a first listing that fails sends the contacts it can, and holds back new ones without an opt-in as retryable', async () => {
		const fake = await fakeDotdigital({
			seed: { contacts: [{ identifiers: { email: 'c1@example.com' }, status: 'subscribed' }] },
		});
		const sync = syncFor(fake);
		fake.setIntercept((call, phase) =>
			call.method === 'GET' && /\/contacts\/v3$/.test(call.path) && phase === 'received'
				? 'drop'
				: undefined,
		);
		const results = await sync.upsertContacts(CUSTOMERS.slice(0, 4), SETTINGS);
		expect(actions(results)).toEqual([
			'created',
			'failed contactCheckFailed',
			'failed contactCheckFailed',
			'created',
		]);
		expect(results[1]).toMatchObject({ retryable: true, owner: 'API' });
		expect(fake.contact('email', 'c1@example.com')?.status).toBe('subscribed');
		expectConsentHeld(fake);
	});
});

describe('a gateway that refuses large requests (413)', () => {
	it('halves the imports until they fit: every record lands, in more, smaller imports', async () => {
		const fake = await fakeDotdigital({ maxBodyBytes: 40_000 });
		const results = await syncFor(fake).upsertContacts(CUSTOMERS, SETTINGS);
		expect(new Set(actions(results))).toEqual(new Set(['created']));
		const puts = fake.calls().filter((call) => call.method === 'PUT');
		expect(puts.filter((call) => call.status === 413).length).toBeGreaterThan(0);
		expect(puts.filter((call) => call.status === 202).length).toBeGreaterThan(3);
		expect(puts.filter((call) => call.status === 202).every((call) => call.bytes <= 40_000)).toBe(
			true,
		);
		expect(fake.contacts()).toHaveLength(CUSTOMERS.length);
		expectConsentHeld(fake);
	});

	it('a single record too large even alone fails with its real size, and the others land', async () => {
		const fake = await fakeDotdigital({ maxBodyBytes: 600 });
		const long = 'x'.repeat(250);
		const fieldMap = [
			{ field: 'first_name', dataField: 'FIRSTNAME' },
			{ field: 'last_name', dataField: 'LASTNAME' },
			{ field: 'postcode', dataField: 'POSTCODE' },
		];
		const results = await syncFor(fake).upsertContacts(
			[
				{ email: 'big@example.com', first_name: long, last_name: long, postcode: long },
				{ email: 'small@example.com', first_name: 'S' },
			],
			{ ...SETTINGS, fieldMap },
		);
		expect(actions(results)).toEqual(['failed HTTP413', 'created']);
		expect(results[0]).toMatchObject({ retryable: false, owner: 'API' });
		expect(results[0].status === 'failed' && results[0].description).toMatch(
			/too large: the request was \d{3} bytes with this one record alone/,
		);
	});
});

describe('suppressed contacts', () => {
	const seed = {
		contacts: [
			{
				identifiers: { email: 'quiet@example.com' },
				status: 'suppressed' as const,
				channelProperties: {
					email: { status: 'suppressed' as const, optInType: 'Single', emailType: 'Html' },
				},
			},
		],
	};

	it.each(['bulk', 'realtime'] as const)(
		'in %s: counted as suppressed (nobody’s fault), kept suppressed and off lists, and not sent again while unchanged',
		async (mode) => {
			const fake = await fakeDotdigital({ seed });
			const store = SyncStateStore.open(':memory:');
			try {
				const options = { registry: store, delta: { store, scope: 'account' } };
				const records = [
					{ email: 'quiet@example.com', first_name: 'Q', marketing_opt_in: true },
					{ email: 'new@example.com', marketing_opt_in: true },
				];
				const first = await syncFor(fake, options).upsertContacts(records, { ...SETTINGS, mode });
				expect(actions(first)).toEqual(['suppressed', 'created']);
				expect(fake.contact('email', 'quiet@example.com')).toMatchObject({
					status: 'suppressed',
					lists: [],
				});
				expect(
					fake
						.statusHistory()
						.filter((change) => change.email === 'quiet@example.com')
						.map((change) => change.to),
				).toEqual(['suppressed']);
				const before = fake.calls().length;
				const again = await syncFor(fake, options).upsertContacts(records, { ...SETTINGS, mode });
				expect(actions(again)).toEqual(['unchanged', 'unchanged']);
				expect(
					fake
						.calls()
						.slice(before)
						.filter((call) => !call.path.endsWith('/v2/data-fields')),
				).toEqual([]);
			} finally {
				await store.close();
			}
		},
	);
});

describe('Create Missing Contacts First', () => {
	it('creates only the contacts Dotdigital does not hold: a second file of orders sends no contact at all', async () => {
		const fake = await fakeDotdigital({
			seed: { contacts: [{ identifiers: { email: 'web@example.com' }, status: 'subscribed' }] },
		});
		const store = SyncStateStore.open(':memory:');
		try {
			const order = (id: string, email: string) => ({
				order_id: id,
				email,
				purchase_date: '2026-11-20T10:00:00Z',
				currency: 'GBP',
				order_total: 10,
				lines: [{ sku: 'A', name: 'A', qty: 1, unit_price: 10, line_total: 10 }],
			});
			const settings = {
				collection: 'Orders',
				createMissingContacts: true,
				newContactConsent: 'posOptIn' as const,
			};
			const first = await syncFor(fake, { registry: store }).upsertOrders(
				[order('1', 'web@example.com'), order('2', 'till@example.com')],
				settings,
			);
			expect(actions(first)).toEqual(['imported', 'imported']);
			const contactImports = () =>
				fake
					.calls()
					.filter((call) => call.method === 'PUT' && call.path.endsWith('/contacts/v3/import'))
					.length;
			expect(contactImports()).toBe(1);
			expect(fake.contact('email', 'till@example.com')?.status).toBe('unsubscribed');
			expect(fake.contact('email', 'web@example.com')?.status).toBe('subscribed');
			const second = await syncFor(fake, { registry: store }).upsertOrders(
				[order('3', 'web@example.com'), order('4', 'till@example.com')],
				settings,
			);
			expect(actions(second)).toEqual(['imported', 'imported']);
			expect(contactImports()).toBe(1);

			// Deleted in Dotdigital after the register saw it: the order is refused, the contact made again (unsubscribed), and the order lands.
			const response = await fetch(`${fake.baseUrl}/contacts/v3/email/till%40example.com`, {
				method: 'DELETE',
				headers: {
					Authorization: `Basic ${Buffer.from(`${fake.user}:${fake.password}`).toString('base64')}`,
				},
			});
			expect(response.status).toBe(200);
			const third = await syncFor(fake, { registry: store }).upsertOrders(
				[order('5', 'till@example.com')],
				settings,
			);
			expect(actions(third)).toEqual(['imported']);
			expect(fake.contact('email', 'till@example.com')?.status).toBe('unsubscribed');
			expect(
				fake
					.collection('Orders')
					?.records.map((record) => record.key)
					.sort(),
			).toEqual(['1', '2', '3', '4', '5']);
			expectConsentHeld(fake);
		} finally {
			await store.close();
		}
	});
});
