/**
 * Khaos Order's Update Mailing Preference inside n8n's engine against the fake Khaos: the consent
 * changes Dotdigital Consent Changes lists, one item each, become mailing statuses in Khaos; one
 * item out per item in, paired; errors name the item and who fixes them; nobody is opted in.
 */
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';

import { KhaosControlApi } from '../../credentials/KhaosControlApi.credentials';
import type { ConsentChange } from '../../lib/dotdigital/consent-back';
import { DEFAULT_MAILING_TARGETS } from '../../lib/khaos';
import { KhaosOrder } from '../../nodes/KhaosOrder/KhaosOrder.node';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { customersXml } from '../helpers/khaos-customers';
import { errorOf, outputOf, runWorkflow } from './harness/engine';
import { fakeKhaosCredential } from './harness/khaos';

const NODE = 'Khaos Order';

let fake: FakeKhaos;

beforeAll(async () => {
	fake = await startFakeKhaos({
		seed: {
			customersXml: customersXml([
				{ code: 'ALICE1', email: 'alice@example.com' },
				{ code: 'BOB1', email: 'bob@example.com', mailingStatus: 2 },
				{ code: 'CAROL1', email: 'carol@example.com', companyClass: '' },
			]),
		},
	});
});
afterAll(async () => fake.stop());
beforeEach(() => fake.reset());

/** A change as Dotdigital Consent Changes lists it in its output's changes. */
const change = (email: string, status: string, contactId = 1): ConsentChange =>
	({
		contact_id: contactId,
		email,
		mobile_number: '',
		status,
		changed_at: '2024-06-01T09:00:00.000Z',
	}) as ConsentChange;

async function run(items: IDataObject[], parameters: INodeParameters = {}, continueOnFail = false) {
	return await runWorkflow({
		nodes: [
			{
				name: 'Input',
				type: 'testInput',
				parameters: { items: JSON.stringify(items.map((json) => ({ json }))) },
			},
			{
				name: NODE,
				type: 'n8n-nodes-pos-sync.khaosOrder',
				parameters: { operation: 'updateMailingPreference', ...parameters },
				credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
				...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: { Input: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		nodeTypes: { khaosOrder: new KhaosOrder() },
		credentialTypes: { khaosControlApi: new KhaosControlApi() },
		credentials: {
			khaosControlApi: fakeKhaosCredential(fake.wsdlUrl),
		},
	});
}

const statuses = (code: string) => fake.mailingHistory()[code].map((entry) => entry.status);
const importCalls = () => fake.calls().filter((call) => call.method === 'ImportCompany').length;

test("each change becomes the customer's mailing status, one item out per item in, paired", async () => {
	const changes = [
		change('alice@example.com', 'unsubscribed', 1),
		change('bob@example.com', 'subscribed', 2),
		change('nobody@example.com', 'suppressed', 3),
		change('bob@example.com', 'suppressed', 4),
	];
	const output = outputOf(await run(changes as unknown as IDataObject[]), NODE);
	expect(output.map((item) => [item.json.result, item.pairedItem])).toEqual([
		['updated', { item: 0 }],
		['left_alone', { item: 1 }],
		['not_in_khaos', { item: 2 }],
		['updated', { item: 3 }],
	]);
	expect(output[0].json).toMatchObject({
		mailing_status: 5,
		customers: [{ customer_code: 'ALICE1', was: 3, now: 5 }],
	});
	expect(statuses('ALICE1')).toEqual(['3', '5']);
	expect(statuses('BOB1')).toEqual(['2', '5']);
	expect(fake.customerCodes()).toEqual(['ALICE1', 'BOB1', 'CAROL1']);
});

test('run again: every status already set, nothing written', async () => {
	const items = [change('alice@example.com', 'unsubscribed')] as unknown as IDataObject[];
	await run(items);
	const again = outputOf(await run(items), NODE);
	expect(again[0].json.result).toBe('already_set');
	expect(importCalls()).toBe(1);
});

test('the statuses chosen in the options are written', async () => {
	await run([change('alice@example.com', 'suppressed')] as unknown as IDataObject[], {
		mailingOptions: { suppressedStatus: 6 },
	});
	expect(statuses('ALICE1')).toEqual(['3', '6']);
});

test('by customer code, read from each item', async () => {
	const output = outputOf(
		await run([{ email: '', status: 'unsubscribed', khaos_code: 'BOB1' }], {
			findCustomerBy: 'code',
			customerCode: '={{ $json.khaos_code }}',
		}),
		NODE,
	);
	expect(output[0].json).toMatchObject({
		result: 'updated',
		customers: [{ customer_code: 'BOB1' }],
	});
});

test('a customer Khaos cannot update stops the run on that item, its owner the till', async () => {
	const error = errorOf(
		await run([
			change('alice@example.com', 'unsubscribed'),
			change('carol@example.com', 'unsubscribed'),
		] as unknown as IDataObject[]),
		NODE,
	);
	expect(error.message).toMatch(/CAROL1 has no company class/);
	expect(error.description).toMatch(/^Owner: till/);
	expect((error as unknown as { context: IDataObject }).context.itemIndex).toBe(1);
	// The item before it was written; a retry of the execution finds it set.
	expect(statuses('ALICE1')).toEqual(['3', '5']);
});

test('continuing on error: the item says why and who fixes it, the others go through', async () => {
	const output = outputOf(
		await run(
			[
				{ email: 'not an email', status: 'unsubscribed' },
				change('carol@example.com', 'unsubscribed'),
				change('alice@example.com', 'unsubscribed'),
			] as unknown as IDataObject[],
			{},
			true,
		),
		NODE,
	);
	expect(output.map((item) => [item.json.owner ?? item.json.result, item.pairedItem])).toEqual([
		['mapping', { item: 0 }],
		['till', { item: 1 }],
		['updated', { item: 2 }],
	]);
	expect(output[0].json.error).toMatch(/not an email address/);
});

test("a refused login fails every item as the system's, asking Khaos once", async () => {
	fake.injectFault({ kind: 'http-401', times: 10 });
	const output = outputOf(
		await run(
			[
				change('alice@example.com', 'unsubscribed'),
				change('bob@example.com', 'unsubscribed'),
			] as unknown as IDataObject[],
			{},
			true,
		),
		NODE,
	);
	expect(output.map((item) => item.json.owner)).toEqual(['system', 'system']);
	expect(output[0].json.error).toMatch(/HTTP 401/);
	expect(output[1].json.email).toBe('bob@example.com');
	console.log(
		'CALLS',
		fake.calls().map((c) => c.method + ':' + c.fault),
	);
	expect(fake.calls()).toHaveLength(1);
	expect(statuses('ALICE1')).toEqual(['3']);
});

test('the answer lost after Khaos wrote it: the item is done; the retried run writes nothing more', async () => {
	fake.injectFault({ method: 'ImportCompany', kind: 'drop-reply' });
	const items = [change('alice@example.com', 'unsubscribed')] as unknown as IDataObject[];
	expect(outputOf(await run(items), NODE)[0].json.result).toBe('updated');
	expect(outputOf(await run(items), NODE)[0].json.result).toBe('already_set');
	expect(statuses('ALICE1')).toEqual(['3', '5']);
	expect(fake.customerCodes()).toHaveLength(3);
});

test('the statuses offered are the no-marketing ones, defaulting to what the library writes', () => {
	const options = new KhaosOrder().description.properties.find(
		(property) => property.name === 'mailingOptions',
	)?.options as INodeProperties[];
	const setting = (name: string) => options.find((option) => option.name === name)!;
	expect(setting('unsubscribedStatus').default).toBe(DEFAULT_MAILING_TARGETS.unsubscribed);
	expect(setting('suppressedStatus').default).toBe(DEFAULT_MAILING_TARGETS.suppressed);
	expect(
		setting('suppressedStatus').options?.map((choice) => (choice as { value: number }).value),
	).toEqual([4, 5, 6, 7, 8]);
});
