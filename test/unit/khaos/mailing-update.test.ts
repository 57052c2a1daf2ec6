/**
 * Consent changes written to Khaos as mailing statuses, against the fake Khaos (its ImportCompany
 * built from the guide): found by email, web user or code, only ever towards less mailing, each
 * write once, and a lost answer neither repeated nor turned into a second customer.
 */
import { KhaosClient } from '../../../lib/khaos/client';
import {
	CustomerFinder,
	MailingUpdateError,
	applyConsentChange,
	mailingErrorOwner,
	type CustomerLookup,
} from '../../../lib/khaos/mailing-update';
import { startFakeKhaos, type FakeKhaos } from '../../fakes/khaos';
import { customersXml } from '../../helpers/khaos-customers';

const SEED = customersXml([
	{ code: 'ALICE1', email: 'alice@example.com', webUser: 'alice@example.com' },
	{ code: 'BOB1', email: 'Bob@Example.com', emailOn: 'contact', mailingStatus: 6 },
	{ code: 'CAROL1', email: 'carol@example.com', companyClass: '' },
	{ code: 'DAN1', email: 'dup@example.com' },
	{ code: 'DAN2', email: 'dup@example.com', mailingStatus: 4 },
	{ code: 'EPOS', email: 'till@example.com' },
	{ code: 'ERIN1', email: 'erin@example.com', countryCode: '' },
]);

let fake: FakeKhaos;
let client: KhaosClient;

beforeAll(async () => {
	fake = await startFakeKhaos({ seed: { customersXml: SEED } });
	client = new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } });
});
afterAll(async () => fake.stop());
beforeEach(() => fake.reset());

const statuses = (code: string): string[] =>
	fake.mailingHistory()[code].map((entry) => entry.status);
const importCalls = () => fake.calls().filter((call) => call.method === 'ImportCompany');
const apply = (
	email: string,
	status: string,
	lookup: CustomerLookup = 'email',
	customerCode?: string,
) =>
	applyConsentChange(client, new CustomerFinder(client, lookup), { email, status, customerCode });

test('an unsubscribe found by email sets the status to 5 with ImportCompany Method 2, and nothing else changes', async () => {
	const outcome = await apply('Alice@Example.com ', 'unsubscribed');
	expect(outcome).toMatchObject({
		result: 'updated',
		mailing_status: 5,
		customers: [{ customer_code: 'ALICE1', was: 3, now: 5 }],
	});
	expect(statuses('ALICE1')).toEqual(['3', '5']);
	const [call] = importCalls();
	expect(call.params.Method).toBe('2');
	expect(call.params.Customers).toContain('<COMPANY_CODE>ALICE1</COMPANY_CODE>');
	expect(fake.customerCodes()).toHaveLength(7);
});

test('the same change again finds the status already set and sends nothing', async () => {
	await apply('alice@example.com', 'unsubscribed');
	const again = await apply('alice@example.com', 'suppressed');
	expect(again.result).toBe('already_set');
	expect(importCalls()).toHaveLength(1);
	expect(statuses('ALICE1')).toEqual(['3', '5']);
});

test('a stricter status in Khaos is never loosened (6 "do not use" stays 6)', async () => {
	const outcome = await apply('bob@example.com', 'unsubscribed');
	expect(outcome).toMatchObject({
		result: 'already_set',
		customers: [{ customer_code: 'BOB1', was: 6, now: 6 }],
	});
	expect(importCalls()).toHaveLength(0);
});

test('every customer holding the email is updated, each from where it was', async () => {
	const outcome = await apply('dup@example.com', 'suppressed');
	expect(outcome.customers).toEqual([
		{ customer_code: 'DAN1', was: 3, now: 5 },
		{ customer_code: 'DAN2', was: 4, now: 5 },
	]);
	expect(statuses('DAN1')).toEqual(['3', '5']);
	expect(statuses('DAN2')).toEqual(['4', '5']);
});

test('a resubscribe, or any status but unsubscribed and suppressed, is left alone without asking Khaos', async () => {
	for (const status of ['subscribed', 'Subscribed', 'softbounced', ''])
		expect((await apply('bob@example.com', status)).result).toBe('left_alone');
	expect(fake.calls()).toHaveLength(0);
});

test('an email Khaos does not hold, or only on a system account, is reported and writes nothing', async () => {
	expect((await apply('nobody@example.com', 'unsubscribed')).result).toBe('not_in_khaos');
	expect((await apply('till@example.com', 'unsubscribed')).result).toBe('not_in_khaos');
	expect(importCalls()).toHaveLength(0);
});

test('by web user: found when the web name is the email; by customer code: found by code', async () => {
	expect((await apply('alice@example.com', 'unsubscribed', 'webUser')).result).toBe('updated');
	expect((await apply('dup@example.com', 'unsubscribed', 'webUser')).result).toBe('not_in_khaos');
	expect((await apply('', 'unsubscribed', 'code', 'DAN1')).customers).toEqual([
		{ customer_code: 'DAN1', was: 3, now: 5 },
	]);
	expect((await apply('', 'unsubscribed', 'code', 'NOPE')).result).toBe('not_in_khaos');
});

test('the email index is read once per finder, and kept in step with what was written', async () => {
	const finder = new CustomerFinder(client, 'email');
	await applyConsentChange(client, finder, { email: 'alice@example.com', status: 'unsubscribed' });
	await applyConsentChange(client, finder, { email: 'alice@example.com', status: 'suppressed' });
	expect(fake.calls().filter((call) => call.method === 'GetCompanyList')).toHaveLength(1);
	expect(importCalls()).toHaveLength(1);
});

describe('who fixes what', () => {
	const ownerOf = async (run: () => Promise<unknown>) => {
		try {
			await run();
		} catch (error) {
			return { owner: mailingErrorOwner(error), message: (error as Error).message };
		}
		throw new Error('expected an error');
	};

	test('not an email address: the mapping', async () => {
		expect(await ownerOf(() => apply('not-an-email', 'unsubscribed'))).toMatchObject({
			owner: 'mapping',
		});
		expect(await ownerOf(() => apply('', 'unsubscribed', 'code', ''))).toMatchObject({
			owner: 'mapping',
		});
	});

	test('a customer Khaos holds without a class or a country: the till, and nothing is sent', async () => {
		expect(await ownerOf(() => apply('carol@example.com', 'unsubscribed'))).toEqual({
			owner: 'till',
			message: expect.stringMatching(/CAROL1 has no company class/),
		});
		expect(await ownerOf(() => apply('erin@example.com', 'unsubscribed'))).toMatchObject({
			owner: 'till',
		});
		expect(importCalls()).toHaveLength(0);
	});

	test('Khaos skipping the update (the customer merged away meanwhile): the till', async () => {
		const finder = new CustomerFinder(client, 'code');
		const stale = { email: '', status: 'unsubscribed', customerCode: 'ALICE1' };
		// Read, then the customer is gone before the update: Method 2 creates nothing and says so.
		jest.spyOn(finder, 'find').mockResolvedValueOnce([
			{
				code: 'GONE1',
				companyClass: 'Internet',
				country: '',
				countryCode: 'GB',
				mailingStatus: 3,
				emails: [],
				hidden: false,
			},
		]);
		const failure = await ownerOf(() => applyConsentChange(client, finder, stale));
		expect(failure).toEqual({
			owner: 'till',
			message: expect.stringMatching(/GONE1: No matching customer found/),
		});
		expect(fake.customerCodes()).not.toContain('GONE1');
	});

	test('a refused login or an outage: the system', async () => {
		fake.injectFault({ method: 'GetCompanyList', kind: 'http-401' });
		expect(await ownerOf(() => apply('alice@example.com', 'unsubscribed'))).toMatchObject({
			owner: 'system',
			message: expect.stringMatching(/HTTP 401 .*check the user name and password/),
		});
		fake.injectFault({ method: 'ImportCompany', kind: 'http-503' });
		expect(await ownerOf(() => apply('alice@example.com', 'unsubscribed'))).toMatchObject({
			owner: 'system',
		});
		expect(statuses('ALICE1')).toEqual(['3']);
	});

	test(MailingUpdateError.name, () => {
		expect(new MailingUpdateError('x', 'till').owner).toBe('till');
	});
});

describe('lost answers', () => {
	test('the write applied, the answer dropped: read back, counted as done; retried, nothing more happens', async () => {
		fake.injectFault({ method: 'ImportCompany', kind: 'drop-reply' });
		const first = await apply('alice@example.com', 'unsubscribed');
		expect(first).toMatchObject({
			result: 'updated',
			customers: [{ customer_code: 'ALICE1', now: 5 }],
		});
		const retried = await apply('alice@example.com', 'unsubscribed');
		expect(retried.result).toBe('already_set');
		expect(statuses('ALICE1')).toEqual(['3', '5']);
		expect(fake.customerCodes()).toHaveLength(7);
		expect(importCalls()).toHaveLength(1);
	});

	test('the request lost before Khaos acted: an error for the system; the retry writes it once', async () => {
		fake.injectFault({ method: 'ImportCompany', kind: 'reset' });
		await expect(apply('alice@example.com', 'unsubscribed')).rejects.toMatchObject({
			retryable: true,
		});
		expect(statuses('ALICE1')).toEqual(['3']);
		expect((await apply('alice@example.com', 'unsubscribed')).result).toBe('updated');
		expect(statuses('ALICE1')).toEqual(['3', '5']);
		expect(fake.customerCodes()).toHaveLength(7);
	});
});
