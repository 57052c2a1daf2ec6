/**
 * POS exports through POS File Trigger, Mapping Apply and Dotdigital Upsert in a real n8n 2.41.1
 * server, against the fake Dotdigital: the credential tested through n8n's own endpoint, customer and
 * transaction files dropped into watched folders, and the fake's account read back afterwards.
 * The same files are then sent again (nothing may be duplicated), and again into an empty account
 * with 30% of requests answered 429 and 10% 5xx (the account must end up the same).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { writeFileAged } from '../helpers/files';
import { nodeOutput, startServer, type E2eServer } from './harness';

const TRIGGER = 'New export';
const MAP = 'Map rows';
const SEND = 'Dotdigital';

let server: E2eServer;
let dotdigital: FakeDotdigital;
let credential: { id: string; name: string };

beforeAll(async () => {
	dotdigital = await startFakeDotdigital({ importMs: 400 });
	server = await startServer();
	const response = await server.instance.rest('POST', '/rest/credentials', {
		name: 'Dotdigital (fake)',
		type: 'dotdigitalApi',
		data: {
			user: dotdigital.user,
			password: dotdigital.password,
			region: 'auto',
			baseUrl: dotdigital.regionUrl('r1'),
		},
	});
	const created = response.data ?? response;
	credential = { id: created.id, name: created.name };
});

afterAll(async () => {
	await server?.stop();
	await dotdigital?.stop();
});

const CUSTOMER_HEADER = 'Customer No,First Name,Surname,Email,Postcode,Store,Opt In';
/** 40 customers; four rows the mapping rejects (no customer number), and one email written twice. */
const CUSTOMER_ROWS = [
	...Array.from(
		{ length: 36 },
		(_, index) =>
			`${2000 + index},Name${index},Shopper,Shopper${index}@Example.com,NG${index} 1AA,LDN01,${index % 3 === 0 ? 'N' : 'Y'}`,
	),
	...Array.from(
		{ length: 4 },
		(_, index) => `,Nobody${index},Shopper,nobody${index}@example.com,,LDN01,Y`,
	),
	'2099,Twice,Later,shopper5@example.com,NG99 9ZZ,MAN02,Y',
];
const TRANSACTION_HEADER = 'Receipt,Date,Email,Customer No,SKU,Item,Qty,Price';
/** 12 receipts of two lines: eight for known customers, three for walk-ins with an email, one without any. */
const TRANSACTION_ROWS = Array.from({ length: 12 }, (_, receipt) => {
	const email =
		receipt < 8
			? `shopper${receipt}@example.com`
			: receipt < 11
				? `walkin${receipt}@example.com`
				: '';
	return [
		`R-${5000 + receipt},2026-11-21 10:${String(10 + receipt).padStart(2, '0')},${email},${receipt < 8 ? 2000 + receipt : ''},MUG-1,Mug,1,8.50`,
		`R-${5000 + receipt},2026-11-21 10:${String(10 + receipt).padStart(2, '0')},${email},,TEE-M,T-shirt,2,15.00`,
	];
}).flat();

function mapping(feed: string) {
	const field = (target: string, source: string, extra: Record<string, unknown> = {}) => ({
		target,
		source,
		...extra,
	});
	if (feed === 'customer') {
		return [
			field('customer_id', 'Customer No', { required: true }),
			field('first_name', 'First Name'),
			field('last_name', 'Surname'),
			field('email', 'Email'),
			field('postcode', 'Postcode'),
			field('store_code', 'Store'),
			field('marketing_opt_in', 'Opt In'),
		];
	}
	return [
		field('order_id', 'Receipt'),
		field('purchase_date', 'Date', { format: 'yyyy-MM-dd HH:mm' }),
		field('email', 'Email'),
		field('customer_id', 'Customer No'),
		field('lines.sku', 'SKU'),
		field('lines.name', 'Item'),
		field('lines.qty', 'Qty'),
		field('lines.unit_price', 'Price'),
	];
}

/** An active workflow: a watched folder, mapped by fields listed in the node, sent to Dotdigital. */
async function syncWorkflow(
	name: string,
	feed: 'customer' | 'transaction',
	folder: string,
	send: Record<string, unknown>,
): Promise<string> {
	const sink = (sinkName: string, y: number) => ({
		name: sinkName,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [900, y],
		parameters: {},
	});
	const workflow = {
		name,
		nodes: [
			{
				name: TRIGGER,
				type: 'n8n-nodes-pos-sync.posFileTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					feed,
					folder,
					pattern: '*.csv',
					schedule: 'arrival',
					checkEverySeconds: 1,
					settleSeconds: 1,
				},
			},
			{
				name: MAP,
				type: 'n8n-nodes-pos-sync.mappingApply',
				typeVersion: 1,
				position: [300, 0],
				parameters: {
					feed,
					mappingSource: 'fields',
					fields: { field: mapping(feed) },
					settings: { currency: 'GBP', timeZone: 'Europe/London' },
				},
			},
			{
				name: SEND,
				type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
				typeVersion: 1,
				position: [600, 0],
				parameters: send,
				credentials: { dotdigitalApi: credential },
			},
			sink('Done', -150),
			sink('Failed', 0),
			sink('Summary', 150),
		],
		connections: {
			[TRIGGER]: { main: [[{ node: MAP, type: 'main', index: 0 }]] },
			[MAP]: { main: [[{ node: SEND, type: 'main', index: 0 }]] },
			[SEND]: {
				main: [
					[{ node: 'Done', type: 'main', index: 0 }],
					[{ node: 'Failed', type: 'main', index: 0 }],
					[{ node: 'Summary', type: 'main', index: 0 }],
				],
			},
		},
	};
	const id = await server.instance.createWorkflow(workflow);
	await server.instance.activate(id);
	return id;
}

let customersId: string;
let transactionsId: string;
let runs = 0;
const customersFolder = () => join(server.files, 'dotdigital', 'customers');
const transactionsFolder = () => join(server.files, 'dotdigital', 'transactions');

/**
 * Drops both exports (under new names, as a till would) and waits for both executions. The trigger
 * skips content it has processed before, so each run re-exports the same rows with other line
 * endings, as a till re-exporting the same data would produce different bytes.
 */
function exportText(header: string, rows: string[]): string {
	const endings = ['\r\n', '\n', '\r\n'];
	const ending = endings[(runs - 1) % endings.length];
	return [header, ...rows].join(ending) + (runs > 2 ? ending : '');
}

async function dropBoth(): Promise<{ customers: any; transactions: any }> {
	runs += 1;
	writeFileAged(
		join(customersFolder(), `customers-${runs}.csv`),
		exportText(CUSTOMER_HEADER, CUSTOMER_ROWS),
		5,
	);
	const customers = (
		await server.instance.waitForExecutions(customersId, runs, { timeoutMs: 300_000 })
	)[runs - 1];
	writeFileAged(
		join(transactionsFolder(), `transactions-${runs}.csv`),
		exportText(TRANSACTION_HEADER, TRANSACTION_ROWS),
		5,
	);
	const transactions = (
		await server.instance.waitForExecutions(transactionsId, runs, { timeoutMs: 300_000 })
	)[runs - 1];
	expect(customers.status).toBe('success');
	expect(transactions.status).toBe('success');
	return { customers, transactions };
}

/** What a marketer would check in the account: each contact's email, status, lists and data, and each order's line items. */
function accountState() {
	const contacts = dotdigital
		.contacts()
		.map((contact) => ({
			email: contact.identifiers.email,
			status: contact.status,
			lists: contact.lists,
			dataFields: contact.dataFields,
		}))
		.sort((a, b) => String(a.email).localeCompare(String(b.email)));
	const orders = (dotdigital.collection('Orders')?.records ?? [])
		.map((record) => ({
			key: record.key,
			contact: record.contactIdentity?.value,
			json: record.json,
		}))
		.sort((a, b) => a.key.localeCompare(b.key));
	return { contacts, orders };
}

describe('POS exports → Mapping Apply → Dotdigital Upsert in a real n8n', () => {
	it('tests the credential through n8n: the right login passes, a wrong one says why', async () => {
		const test = async (password: string) => {
			const data = {
				user: dotdigital.user,
				password,
				region: 'auto',
				baseUrl: dotdigital.regionUrl('r1'),
			};
			const saved = await server.instance.rest('POST', '/rest/credentials', {
				name: `Dotdigital (${password})`,
				type: 'dotdigitalApi',
				data,
			});
			const { id, name } = saved.data ?? saved;
			const answer = await server.instance.rest('POST', '/rest/credentials/test', {
				credentials: { id, name, type: 'dotdigitalApi', data },
			});
			return answer.data ?? answer;
		};
		expect(await test(dotdigital.password)).toMatchObject({ status: 'OK' });
		const refused = await test('not-the-password');
		expect(refused.status).toBe('Error');
		expect(refused.message).toMatch(
			/^Dotdigital did not accept this API user and password\. Check both in Dotdigital under Settings → Access → API users/,
		);
		const [first, ...afterwards] = dotdigital
			.calls()
			.filter((call) => call.path.endsWith('/v2/account-info'))
			.map((call) => call.status);
		expect(first).toBe(200);
		expect(afterwards.length).toBeGreaterThan(0);
		expect(afterwards.every((status) => status === 401)).toBe(true);
	});

	let cleanState: ReturnType<typeof accountState>;

	it('puts exactly the expected contacts and orders into Dotdigital, and accounts for every row', async () => {
		mkdirSync(customersFolder(), { recursive: true });
		mkdirSync(transactionsFolder(), { recursive: true });
		customersId = await syncWorkflow('Customers to Dotdigital', 'customer', customersFolder(), {
			resource: 'contact',
			operation: 'upsert',
			mode: 'bulk',
			lists: '2',
			dataFields: {
				field: [
					{ field: 'customer_id', dataField: 'POS_CUSTOMER_ID' },
					{ field: 'store_code', dataField: 'STORE' },
				],
			},
		});
		transactionsId = await syncWorkflow(
			'Transactions to Dotdigital',
			'transaction',
			transactionsFolder(),
			{ resource: 'order', operation: 'upsert' },
		);

		const { customers, transactions } = await dropBoth();
		expect(nodeOutput(customers, MAP, 2)[0].json).toMatchObject({
			rows_read: 41,
			records: 37,
			rejected: 4,
			balanced: true,
		});
		expect(nodeOutput(customers, SEND, 2)[0].json).toMatchObject({
			records: 37,
			done: 37,
			failed: 0,
			created: 37,
			updated: 0,
			balanced: true,
			files: [{ file: 'customers-1.csv', records: 37, done: 37, failed: 0 }],
		});
		expect(nodeOutput(transactions, SEND, 2)[0].json).toMatchObject({
			records: 12,
			done: 11,
			failed: 1,
			imported: 11,
			balanced: true,
		});
		expect(
			nodeOutput(transactions, SEND, 1).map((item) => [
				item.json.key,
				item.json.code,
				item.json.owner,
			]),
		).toEqual([['R-5011', 'customerLookupFailed', 'till data']]);

		const state = accountState();
		expect(state.contacts).toHaveLength(39);
		const shopper = (index: number) =>
			state.contacts.find((contact) => contact.email === `shopper${index}@example.com`);
		expect(shopper(1)).toEqual({
			email: 'shopper1@example.com',
			status: 'subscribed',
			lists: [2],
			dataFields: expect.objectContaining({
				FIRSTNAME: 'Name1',
				LASTNAME: 'Shopper',
				FULLNAME: 'Name1 Shopper',
				POSTCODE: 'NG1 1AA',
				POS_CUSTOMER_ID: '2001',
				STORE: 'LDN01',
			}),
		});
		expect(shopper(3)?.status).toBe('unsubscribed');
		expect(shopper(5)?.dataFields).toMatchObject({
			FIRSTNAME: 'Twice',
			POS_CUSTOMER_ID: '2099',
			STORE: 'MAN02',
		});
		expect(state.contacts.find((contact) => contact.email === 'walkin8@example.com')).toMatchObject(
			{ status: 'unsubscribed', lists: [] },
		);
		expect(state.orders.map((order) => order.key)).toEqual(
			Array.from({ length: 11 }, (_, receipt) => `R-${5000 + receipt}`),
		);
		expect(state.orders[0]).toMatchObject({
			contact: 'shopper0@example.com',
			json: {
				id: 'R-5000',
				email: 'shopper0@example.com',
				customer_id: '2000',
				purchase_date: '2026-11-21 10:10:00+00:00',
				currency: 'GBP',
				order_total: 38.5,
				products: [
					{ sku: 'MUG-1', qty: 1, price: 8.5 },
					{ sku: 'TEE-M', qty: 2, price: 15 },
				],
			},
		});
		cleanState = state;
	}, 600_000);

	it('sending the same files again duplicates nothing', async () => {
		const { customers, transactions } = await dropBoth();
		expect(nodeOutput(customers, SEND, 2)[0].json).toMatchObject({
			done: 37,
			created: 0,
			updated: 37,
		});
		expect(nodeOutput(transactions, SEND, 2)[0].json).toMatchObject({ done: 11, failed: 1 });
		expect(accountState()).toEqual(cleanState);
	}, 600_000);

	it('with 30% of requests answered 429 and 10% 5xx, an empty account ends up the same and no row is lost', async () => {
		dotdigital.reset();
		dotdigital.setFaults({ rate429: 0.3, rate5xx: 0.1, seed: 7 });
		const { customers, transactions } = await dropBoth();
		dotdigital.setFaults({});
		const customerSummary = nodeOutput(customers, SEND, 2)[0].json;
		const orderSummary = nodeOutput(transactions, SEND, 2)[0].json;
		expect(customerSummary).toMatchObject({ records: 37, done: 37, failed: 0, balanced: true });
		expect(orderSummary).toMatchObject({ records: 12, done: 11, failed: 1, balanced: true });
		expect(customerSummary.retries + orderSummary.retries).toBeGreaterThan(0);
		const injected = dotdigital.calls().filter((call) => call.injected);
		expect(injected.filter((call) => call.status === 429).length).toBeGreaterThan(0);
		expect(injected.filter((call) => call.status >= 500).length).toBeGreaterThan(0);
		expect(accountState()).toEqual(cleanState);
	}, 600_000);
});
