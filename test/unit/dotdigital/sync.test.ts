/**
 * DotdigitalSync against the fake Dotdigital on a clock the test moves: how imports are polled and
 * bounded, how many run at once, and what becomes of records when an import or a call goes wrong.
 * Waiting is simulated by moving the fake's clock, so nothing here sleeps for real.
 */
import {
	DotdigitalApiError,
	DotdigitalSync,
	DotdigitalTransport,
	DEFAULT_FIELD_MAP,
	type ContactUpsertSettings,
	type SyncOptions,
} from '../../../lib/dotdigital';
import { startFakeDotdigital, type FakeDotdigital } from '../../fakes/dotdigital';

let fake: FakeDotdigital;
let now = Date.parse('2026-11-22T09:00:00Z');

beforeAll(async () => {
	fake = await startFakeDotdigital({ importMs: 60_000, clock: () => new Date(now) });
});

afterAll(async () => {
	await fake.stop();
});

beforeEach(() => fake.reset());

const CONTACTS: ContactUpsertSettings = {
	identifier: 'email',
	fieldMap: DEFAULT_FIELD_MAP,
	lists: [],
	mergeOption: 'overwriteIfNotEmpty',
	newContactConsent: 'dotdigital',
	mode: 'bulk',
	createMissingDataFields: false,
};

function setUp(options: SyncOptions = {}): { sync: DotdigitalSync; waits: number[] } {
	const waits: number[] = [];
	// Waits that overlap pass together, as on a real clock: each sleeper wakes at its own start + ms.
	const sleep = async (ms: number): Promise<void> => {
		waits.push(ms);
		const wake = now + ms;
		await new Promise((resolve) => setImmediate(resolve));
		now = Math.max(now, wake);
	};
	const transport = new DotdigitalTransport(
		{ user: fake.user, password: fake.password, region: 'r1', baseUrl: fake.baseUrl },
		{ retry: { baseMs: 1, maxMs: 5 }, sleep },
	);
	return { sync: new DotdigitalSync(transport, { sleep, ...options }), waits };
}

const customers = (count: number, prefix = 'shopper') =>
	Array.from({ length: count }, (_, index) => ({
		email: `${prefix}${index}@example.com`,
		first_name: `N${index}`,
	}));

describe('polling an import', () => {
	it('checks first after 5 s, then half as long again each time up to 30 s, until the import has finished', async () => {
		const { sync, waits } = setUp();
		const results = await sync.upsertContacts(customers(2), CONTACTS);
		expect(results.map((result) => result.status)).toEqual(['done', 'done']);
		expect(waits).toEqual([5000, 7500, 11250, 16875, 25313]);
		expect(
			fake
				.calls()
				.filter((call) => call.method === 'GET' && call.path.includes('/contacts/v3/import/')),
		).toHaveLength(5);
	});

	it('gives up after the longest wait set, failing its records as safe to send again', async () => {
		const { sync, waits } = setUp({ poll: { totalMs: 20_000 } });
		const [result] = await sync.upsertContacts(customers(1), CONTACTS);
		expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(20_000);
		expect(result).toMatchObject({
			status: 'failed',
			code: 'importTimedOut',
			retryable: true,
			owner: 'API',
			importId: expect.any(String),
		});
		expect(result.status === 'failed' && result.description).toMatch(
			/still processing contact import .* after 20 s.*safe/,
		);
	});
});

describe('imports in flight', () => {
	it.each([
		['contact', 12],
		['insight', 2],
	] as const)(
		'runs at most %s imports %i at a time, about half of Dotdigital’s limit, so two runs at once fit',
		async (kind, limit) => {
			// A stand-in transport: the first import (which goes alone, to learn how long imports take) finishes at once;
			// every other finishes only once the client has had the chance to start more than the limit.
			let submitted = 0;
			let finished = 0;
			let most = 0;
			const transport = {
				serverTime: () => undefined,
				request: async (method: string, path: string) => {
					await new Promise((resolve) => setImmediate(resolve));
					if (path === '/v2/data-fields') return { status: 200, body: [], repeated: false };
					if (method === 'PUT') {
						submitted += 1;
						most = Math.max(most, submitted - finished);
						return { status: 202, body: { importId: `import-${submitted}` }, repeated: false };
					}
					if (submitted > 1 && submitted <= limit)
						return { status: 200, body: { status: 'NotFinished' }, repeated: false };
					if (path.includes('/import/')) finished += 1;
					return {
						status: 200,
						body: { status: kind === 'contact' ? 'Finished' : 'Complete' },
						repeated: false,
					};
				},
			} as unknown as DotdigitalTransport;
			const sync = new DotdigitalSync(transport, {
				sleep: async () => undefined,
				contactBatchSize: 1,
				insightBatchSize: 1,
			});
			if (kind === 'contact')
				await sync.upsertContacts(customers(40), { ...CONTACTS, fieldMap: [] });
			else
				await sync.upsertProducts(
					Array.from({ length: 40 }, (_, index) => ({ sku: `SKU-${index}` })),
					{ collection: 'Catalog_Default' },
				);
			expect(submitted).toBe(40);
			expect(most).toBe(limit);
		},
	);

	it('waits and retries when another job holds the account’s import slots', async () => {
		const { sync, waits } = setUp();
		fake.failNext({
			method: 'PUT',
			path: '/contacts/v3/import',
			status: 429,
			body: { errorCode: 'contacts:tooManyActiveImports', description: 'Too many imports' },
			times: 2,
		});
		const results = await sync.upsertContacts(customers(3), CONTACTS);
		expect(results.every((result) => result.status === 'done')).toBe(true);
		expect(waits.slice(0, 2)).toEqual([30_000, 30_000]);
		expect(
			fake
				.calls()
				.filter((call) => call.method === 'PUT')
				.map((call) => call.status),
		).toEqual([429, 429, 202]);
	});
});

describe('new contacts get their status in the request that creates them', () => {
	const sendTo = (
		lists: number[],
		records: Array<Record<string, unknown>>,
		extra: Partial<ContactUpsertSettings> = {},
	) =>
		setUp().sync.upsertContacts(records, {
			...CONTACTS,
			newContactConsent: 'posOptIn',
			lists,
			...extra,
		});

	it('a created contact keeps its consent record when its list does not exist, and one who did not opt in is created unsubscribed, off lists', async () => {
		const consentRecord = {
			text: 'Email me offers',
			url: 'https://shop.example/privacy',
			ipAddress: '203.0.113.25',
		};
		const [optedIn, optedOut] = await sendTo(
			[999],
			[
				{ email: 'yes@example.com', marketing_opt_in: true },
				{ email: 'no@example.com', marketing_opt_in: false },
			],
			{ consentRecord },
		);
		expect(optedIn).toMatchObject({
			status: 'failed',
			code: expect.stringMatching(/listNotFound/i),
			owner: 'mapping',
		});
		expect(fake.contact('email', 'yes@example.com')).toMatchObject({
			status: 'subscribed',
			consentRecords: [expect.objectContaining({ text: 'Email me offers' })],
		});
		expect(optedOut).toMatchObject({ status: 'done', action: 'created' });
		expect(fake.contact('email', 'no@example.com')).toMatchObject({
			status: 'unsubscribed',
			lists: [],
		});
		expect(
			fake
				.statusHistory()
				.filter((change) => change.email === 'no@example.com')
				.map((change) => change.to),
		).toEqual(['unsubscribed']);
	});

	it('puts on lists only customers who opted in; an existing contact keeps its status, and one import does it all', async () => {
		fake.addContact({
			identifiers: { email: 'known@example.com' },
			created: '2026-01-05T10:00:00Z',
		});
		const results = await sendTo(
			[1, 3],
			[
				{ email: 'no@example.com', marketing_opt_in: false },
				{ email: 'known@example.com', marketing_opt_in: false },
				{ email: 'yes@example.com', marketing_opt_in: true },
			],
		);
		expect(results.map((result) => result.status === 'done' && result.action)).toEqual([
			'created',
			'updated',
			'created',
		]);
		expect(
			fake.contacts().map((contact) => [contact.identifiers.email, contact.status, contact.lists]),
		).toEqual([
			['known@example.com', 'subscribed', []],
			['no@example.com', 'unsubscribed', []],
			['yes@example.com', 'subscribed', [1, 3]],
		]);
		expect(fake.calls().filter((call) => call.method === 'PUT')).toHaveLength(1);
	});
});

describe('a big file sent in parts', () => {
	it('lists the data fields once: later parts use the fields the first part found and made', async () => {
		const { sync } = setUp();
		const settings = {
			...CONTACTS,
			fieldMap: [...DEFAULT_FIELD_MAP, { field: 'loyalty_tier', dataField: 'TIER' }],
			createMissingDataFields: true,
		};
		const part = (from: number) =>
			customers(3, `part${from}-`).map((customer) => ({ ...customer, loyalty_tier: 'Gold' }));
		const results = [
			...(await sync.upsertContacts(part(1), settings)),
			...(await sync.upsertContacts(part(2), settings)),
		];
		expect(results.every((result) => result.status === 'done')).toBe(true);
		const fieldCalls = fake
			.calls()
			.filter((call) => call.path.endsWith('/v2/data-fields'))
			.map((call) => call.method);
		expect(fieldCalls.sort()).toEqual(['GET', 'POST']);
		expect(fake.contact('email', 'part2-2@example.com')?.dataFields).toMatchObject({
			TIER: 'Gold',
		});
	});
});

describe('a data field another run makes at the same moment', () => {
	it('is used with the type Dotdigital gave it, in this part and the next', async () => {
		const { sync } = setUp();
		const otherRun = new DotdigitalTransport(
			{ user: fake.user, password: fake.password, region: 'r1', baseUrl: fake.baseUrl },
			{ retry: { baseMs: 1, maxMs: 5 } },
		);
		let raced = false;
		// Between this run's listing and its request to create the field, another run creates it as a number.
		fake.setIntercept(async (call, phase) => {
			if (
				raced ||
				phase !== 'received' ||
				call.method !== 'POST' ||
				!call.path.endsWith('/v2/data-fields')
			)
				return;
			raced = true;
			await otherRun.request('POST', '/v2/data-fields', {
				call: 'create data field',
				body: { name: 'LASTVISIT', type: 'Numeric', visibility: 'Private' },
			});
		});
		try {
			const settings = {
				...CONTACTS,
				fieldMap: [...DEFAULT_FIELD_MAP, { field: 'last_visit', dataField: 'LASTVISIT' }],
				createMissingDataFields: true,
			};
			const part = (from: number) =>
				customers(2, `visit${from}-`).map((customer) => ({
					...customer,
					last_visit: '2026-11-30',
				}));
			const results = [
				...(await sync.upsertContacts(part(1), settings)),
				...(await sync.upsertContacts(part(2), settings)),
			];
			expect(raced).toBe(true);
			// A date cannot go in a number field: each record fails here, saying so, and nothing is sent.
			expect(results.map((result) => result.status === 'failed' && result.code)).toEqual(
				Array(4).fill('invalidDataFieldValue'),
			);
			expect(fake.calls().filter((call) => call.path.includes('/contacts/v3/import'))).toEqual([]);
		} finally {
			fake.setIntercept(undefined);
		}
	});
});

describe('the same customer more than once', () => {
	it('is one contact in one import, as if the records were applied in turn, and every record gets its result', async () => {
		const records = Array.from({ length: 30 }, (_, index) => ({
			email: 'NoEmail@Shop.example',
			first_name: index === 29 ? '' : `Name${index}`,
			last_name: index === 0 ? 'First' : '',
		}));
		const results = await setUp().sync.upsertContacts(records, CONTACTS);
		expect(
			new Set(
				results.map((result) => result.status === 'done' && `${result.action} ${result.contactId}`),
			),
		).toEqual(new Set(['created 1']));
		expect(fake.calls().filter((call) => call.method === 'PUT')).toHaveLength(1);
		expect(fake.contact('email', 'noemail@shop.example')?.dataFields).toMatchObject({
			FIRSTNAME: 'Name28',
			LASTNAME: 'First',
		});
	});

	it('matched on mobile, finds a contact that also has an email', async () => {
		fake.addContact({ identifiers: { email: 'mo@example.com', mobileNumber: '447700900123' } });
		const [result] = await setUp().sync.upsertContacts(
			[{ mobile: '+447700900123', first_name: 'Mo' }],
			{ ...CONTACTS, identifier: 'mobileNumber' },
		);
		expect(result).toMatchObject({ status: 'done', action: 'updated', key: '447700900123' });
	});
});

describe('a per-minute rate limit', () => {
	it('is waited out as Dotdigital asks by imports running side by side, and no record fails', async () => {
		const limited = await startFakeDotdigital({
			importMs: 1000,
			rateLimitPerMinute: 20,
			rateLimitResetStyle: 'epoch',
			clock: () => new Date(now),
		});
		try {
			const started = now;
			const sleep = async (ms: number): Promise<void> => {
				const wake = now + ms;
				await new Promise((resolve) => setImmediate(resolve));
				now = Math.max(now, wake);
			};
			const transport = new DotdigitalTransport(
				{ user: limited.user, password: limited.password, region: 'r1', baseUrl: limited.baseUrl },
				{ retry: { baseMs: 1, maxMs: 5 }, sleep, now: () => now },
			);
			const results = await new DotdigitalSync(transport, {
				sleep,
				contactBatchSize: 1,
			}).upsertContacts(customers(30), CONTACTS);
			expect(results.filter((result) => result.status !== 'done')).toEqual([]);
			const calls = limited.calls();
			const accepted = calls.filter((call) => call.status !== 429);
			expect(calls.length - accepted.length).toBeGreaterThan(0);
			// The data fields, the listing of contacts, 30 imports and a status check each: 62 calls at 20 a minute fill four windows.
			expect(accepted).toHaveLength(62);
			expect(now - started).toBeGreaterThanOrEqual(3 * 60_000);
			expect(transport.stats.retries).toBe(calls.length - accepted.length);
		} finally {
			await limited.stop();
		}
	});
});

describe('when an import or a call goes wrong', () => {
	it('an import whose answer was lost is sent again, nothing is duplicated, and the contacts the lost try made count as created', async () => {
		const { sync } = setUp();
		fake.failNext({ method: 'PUT', path: '/contacts/v3/import', status: 502, afterApply: true });
		const results = await sync.upsertContacts(customers(3), CONTACTS);
		expect(results.map((result) => result.status === 'done' && result.action)).toEqual([
			'created',
			'created',
			'created',
		]);
		expect(fake.contacts()).toHaveLength(3);
	});

	it.each(['bulk', 'realtime'] as const)(
		'in %s, a contact created by a try whose answer was lost still gets its consent step, and an existing one still does not',
		async (mode) => {
			// Real clock here: the lost try is found by asking Dotdigital which contacts it created since, by its own Date header.
			const live = await startFakeDotdigital({ importMs: 0 });
			try {
				live.addContact({
					identifiers: { email: 'kept@example.com' },
					created: '2026-01-05T10:00:00Z',
					status: 'subscribed',
					channelProperties: {
						email: { status: 'subscribed', optInType: 'Single', emailType: 'Html' },
					},
				});
				const transport = new DotdigitalTransport(
					{ user: live.user, password: live.password, region: 'r1', baseUrl: live.baseUrl },
					{ retry: { baseMs: 1, maxMs: 5 } },
				);
				const sync = new DotdigitalSync(transport, {
					sleep: async () => undefined,
					realtimeConcurrency: 1,
				});
				live.failNext({
					method: mode === 'bulk' ? 'PUT' : 'PATCH',
					status: 502,
					afterApply: true,
					times: mode === 'bulk' ? 1 : 2,
				});
				const records = [
					{ email: 'new.no@example.com', marketing_opt_in: false },
					{ email: 'kept@example.com', marketing_opt_in: false },
				];
				const results = await sync.upsertContacts(records, {
					...CONTACTS,
					mode,
					newContactConsent: 'posOptIn',
				});
				expect(results.map((result) => result.status === 'done' && result.action)).toEqual([
					'created',
					'updated',
				]);
				expect(live.contact('email', 'new.no@example.com')?.status).toBe('unsubscribed');
				expect(live.contact('email', 'kept@example.com')?.status).toBe('subscribed');
				expect(live.statusHistory().map((change) => [change.email, change.to])).toEqual([
					['kept@example.com', 'subscribed'],
					['new.no@example.com', 'unsubscribed'],
				]);
			} finally {
				await live.stop();
			}
		},
	);

	it('an import Dotdigital ends as a whole fails each of its records, not retryable, with the reason', async () => {
		const { sync } = setUp();
		fake.failNext({
			method: 'GET',
			path: /\/contacts\/v3\/import\//,
			status: 200,
			body: { importId: 'x', status: 'ExceedsAllowedContactLimit' },
		});
		const results = await sync.upsertContacts(customers(2), CONTACTS);
		for (const result of results) {
			expect(result).toMatchObject({
				status: 'failed',
				code: 'importFailed',
				retryable: false,
				owner: 'API',
			});
			expect(result.status === 'failed' && result.description).toMatch(
				/ExceedsAllowedContactLimit \(the account has reached its contact limit\)/,
			);
		}
	});

	it('per-record failures name the record, and the rest of the import is done', async () => {
		const { sync } = setUp();
		const results = await sync.upsertContacts(
			[{ email: 'good@example.com' }, { email: 'bad@@example.com' }],
			CONTACTS,
		);
		expect(results[0]).toMatchObject({ status: 'done', action: 'created' });
		expect(results[1]).toMatchObject({
			status: 'failed',
			code: expect.stringMatching(/^invalidEmail$/i),
			owner: 'till data',
			retryable: false,
		});
	});

	it('a refused login stops the whole run', async () => {
		const { sync } = setUp();
		fake.failNext({ method: 'PUT', status: 401 });
		await expect(sync.upsertContacts(customers(2), CONTACTS)).rejects.toBeInstanceOf(
			DotdigitalApiError,
		);
	});

	it('a server that keeps failing fails the records as retryable, after bounded tries', async () => {
		const { sync } = setUp();
		fake.failNext({ method: 'PUT', path: '/insightData/v3/import', status: 503, times: 8 });
		const results = await sync.upsertProducts([{ sku: 'MUG-1', name: 'Mug' }], {
			collection: 'Catalog_Default',
		});
		expect(results[0]).toMatchObject({
			status: 'failed',
			retryable: true,
			owner: 'API',
			code: 'HTTP503',
		});
		expect(fake.calls().filter((call) => call.method === 'PUT')).toHaveLength(8);
	});
});
