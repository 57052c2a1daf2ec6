/**
 * Dotdigital Upsert with its sync state, inside n8n's engine against the fake Dotdigital: orders that
 * carry only a customer ID reach their contact through the identity index the customer run taught,
 * on the real Square sample; "only send records that changed" skips what Dotdigital confirmed, sends
 * again exactly what failed, and two executions at once leave the store sound.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { readRows } from '../../lib/files';
import { presetById } from '../../lib/mapping';
import { defaultStatePath, SyncStateStore } from '../../lib/state';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { runMapping, SQUARE_SAMPLE } from '../unit/mapping/run-mapping';
import { runDotdigitalUpsert } from './harness/dotdigital-upsert';
import { outputOf } from './harness/engine';

jest.setTimeout(180_000);

const NODE = 'Dotdigital Upsert';
let fake: FakeDotdigital;

beforeAll(async () => {
	fake = await startFakeDotdigital({ importMs: 300 });
});
afterAll(async () => {
	await fake.stop();
});
beforeEach(() => {
	fake.reset();
	process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-state-'));
});

async function run(items: IDataObject[], parameters: INodeParameters) {
	const result = await runDotdigitalUpsert(fake, items, parameters);
	return {
		done: outputOf(result, NODE, 0),
		failed: outputOf(result, NODE, 1),
		summary: outputOf(result, NODE, 2)[0]?.json,
	};
}

const imports = () =>
	fake.calls().filter((call) => call.method === 'PUT' && /\/contacts\/v3\/import$/.test(call.path))
		.length;
const contactsOnly = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'contact',
	operation: 'upsert',
	mode: 'bulk',
	onlyChanged: true,
	...extra,
});
const shopper = (index: number, extra: IDataObject = {}): IDataObject => ({
	customer_id: `C${index}`,
	email: `shopper${index}@example.com`,
	first_name: `Name${index}`,
	marketing_opt_in: true,
	...extra,
});

describe('customer identity index', () => {
	it('links the real Square sample to contacts through the customer IDs the customer run taught', async () => {
		const { records: orders } = await runMapping(
			readRows(SQUARE_SAMPLE, { fileName: 'items.csv' }),
			presetById('square-item-detail').mapping({ timeZone: 'America/New_York' }),
			'items.csv',
		);
		const customerIds = [
			...new Set(orders.map((order) => String(order.customer_id ?? '')).filter(Boolean)),
		];
		expect(customerIds.length).toBeGreaterThan(10);
		// The customer file knows every Square customer but the last.
		const known = customerIds.slice(0, -1);
		const customers = known.map((id, index) => ({
			customer_id: id,
			email: `square.customer${index}@example.com`,
			marketing_opt_in: index % 2 === 0,
		}));
		const taught = await run(customers, { resource: 'contact', operation: 'upsert', mode: 'bulk' });
		expect(taught.summary).toMatchObject({ done: known.length, failed: 0 });

		const { done, failed, summary } = await run(orders as IDataObject[], {
			resource: 'order',
			operation: 'upsert',
		});
		const withKnownCustomer = orders.filter((order) => known.includes(String(order.customer_id)));
		const unknownCustomer = orders.filter(
			(order) => String(order.customer_id) === customerIds[customerIds.length - 1],
		);
		const anonymous = orders.filter((order) => !order.customer_id);
		expect(summary).toMatchObject({
			records: orders.length,
			done: withKnownCustomer.length,
			failed: unknownCustomer.length + anonymous.length,
			balanced: true,
		});
		expect(done.every((item) => item.json.email_from === 'customer index')).toBe(true);
		expect(failed.map((item) => [item.json.code, item.json.owner])).toEqual(
			failed.map(() => ['customerLookupFailed', 'till data']),
		);
		expect(
			failed.find((item) => item.json.record && (item.json.record as IDataObject).customer_id)?.json
				.description,
		).toMatch(/is not in the customer index yet/);

		const stored = fake.collection('Orders')?.records ?? [];
		expect(stored).toHaveLength(withKnownCustomer.length);
		const first = withKnownCustomer[0];
		const email = `square.customer${known.indexOf(String(first.customer_id))}@example.com`;
		expect(stored.find((record) => record.key === first.order_id)?.contactIdentity?.value).toBe(
			email,
		);
		// No new contacts were invented for orders: each went to the contact the customer run made.
		expect(fake.contacts()).toHaveLength(known.length);
	});
});

describe('only sending records that changed', () => {
	it('after a partial failure sends again only the failed records, then nothing, then only what changed', async () => {
		const items = Array.from({ length: 6 }, (_, index) => shopper(index));
		fake.failNext({
			method: 'PUT',
			path: '/contacts/v3/import',
			status: 400,
			body: { errorCode: 'invalidRequest', description: 'Injected once' },
		});
		const first = await run(items, contactsOnly({ options: { batchSize: 3 } }));
		expect(first.summary).toMatchObject({
			records: 6,
			done: 3,
			failed: 3,
			unchanged: 0,
			balanced: true,
		});
		const failedOnce = first.failed.map((item) => item.json.key).sort();

		const importsBefore = imports();
		const second = await run(items, contactsOnly({ options: { batchSize: 3 } }));
		expect(second.summary).toMatchObject({
			records: 6,
			done: 3,
			failed: 0,
			unchanged: 3,
			balanced: true,
		});
		expect(
			second.done
				.filter((item) => item.json.action !== 'unchanged')
				.map((item) => item.json.identifier)
				.sort(),
		).toEqual(failedOnce);
		expect(imports() - importsBefore).toBe(1);

		const third = await run(items, contactsOnly());
		expect(third.summary).toMatchObject({ done: 0, unchanged: 6, imports: 0 });
		expect(third.done.map((item) => item.json.action)).toEqual(Array(6).fill('unchanged'));

		const changed = items.map((item, index) =>
			index === 4 ? { ...item, first_name: 'Renamed' } : item,
		);
		const fourth = await run(changed, contactsOnly());
		expect(fourth.summary).toMatchObject({ done: 1, unchanged: 5 });
		expect(fake.contact('email', 'shopper4@example.com')?.dataFields.FIRSTNAME).toBe('Renamed');

		const forced = await run(changed, contactsOnly({ options: { forceFullResync: true } }));
		expect(forced.summary).toMatchObject({ done: 6, unchanged: 0 });
		expect(fake.contacts()).toHaveLength(6);
	});

	it('a changed setting (the lists) is a change; orders and products are skipped the same way', async () => {
		const items = [shopper(1), shopper(2)];
		await run(items, contactsOnly());
		expect((await run(items, contactsOnly({ lists: '2' }))).summary).toMatchObject({
			done: 2,
			unchanged: 0,
		});
		expect(fake.contact('email', 'shopper1@example.com')?.lists).toEqual([2]);

		const orders = [
			{
				order_id: 'R1',
				email: 'shopper1@example.com',
				purchase_date: '2026-11-21T10:00:00Z',
				order_total: 10,
				lines: [{ sku: 'A', qty: 1, unit_price: 10 }],
			},
		];
		expect(
			(await run(orders, { resource: 'order', operation: 'upsert', onlyChanged: true })).summary,
		).toMatchObject({ done: 1 });
		expect(
			(await run(orders, { resource: 'order', operation: 'upsert', onlyChanged: true })).summary,
		).toMatchObject({ done: 0, unchanged: 1, imports: 0 });
		const products = [{ sku: 'A', name: 'Mug', price: 8.5 }];
		expect(
			(await run(products, { resource: 'product', operation: 'upsert', onlyChanged: true }))
				.summary,
		).toMatchObject({ done: 1 });
		expect(
			(
				await run([{ ...products[0], price: 9 }], {
					resource: 'product',
					operation: 'upsert',
					onlyChanged: true,
				})
			).summary,
		).toMatchObject({ done: 1, unchanged: 0 });
	});

	it('two executions at once leave a sound store that knows every confirmed record', async () => {
		const left = Array.from({ length: 300 }, (_, index) => shopper(index));
		const right = Array.from({ length: 300 }, (_, index) => shopper(index + 150));
		const [a, b] = await Promise.all([run(left, contactsOnly()), run(right, contactsOnly())]);
		expect(a.summary).toMatchObject({ done: 300, balanced: true });
		expect(b.summary).toMatchObject({ done: 300, balanced: true });

		const store = SyncStateStore.open(defaultStatePath());
		expect(store.integrityCheck()).toBe('ok');
		await store.close();
		const importsBefore = imports();
		const again = await run([...left, ...right.slice(150)], contactsOnly());
		expect(again.summary).toMatchObject({ records: 450, done: 0, unchanged: 450, imports: 0 });
		expect(imports()).toBe(importsBefore);
	});
});
