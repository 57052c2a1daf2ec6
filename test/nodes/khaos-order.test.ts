/**
 * Khaos Order inside n8n's engine against the fake Khaos server: web orders into Khaos with Done and
 * Failed outputs that account for every input item, safe re-sending, order status with tracking,
 * and the customer export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { KhaosControlApi } from '../../credentials/KhaosControlApi.credentials';
import { KhaosClient, buildImportOrdersXml, type WebOrder } from '../../lib/khaos';
import { KhaosOrder } from '../../nodes/KhaosOrder/KhaosOrder.node';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { errorOf, outputOf, runWorkflow } from './harness/engine';
import { fakeKhaosCredential } from './harness/khaos';

const NODE = 'Khaos Order';

let fake: FakeKhaos;

beforeAll(async () => {
	fake = await startFakeKhaos();
});

afterAll(async () => {
	await fake.stop();
});

beforeEach(() => fake.reset());

async function run(
	items: IDataObject[],
	parameters: INodeParameters,
	options: { continueOnFail?: boolean } = {},
) {
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
				parameters,
				credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
				...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
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

/** A web order as a web store would send it: prices include VAT, delivery by Royal Mail, paid by card. */
function webOrder(
	orderId: string,
	lines: Array<[sku: string, qty: number, unitPrice: number]>,
	extra: IDataObject = {},
): IDataObject {
	const goods = Math.round(lines.reduce((sum, [, qty, price]) => sum + qty * price, 0) * 100) / 100;
	return {
		order_id: orderId,
		purchase_date: '2024-05-01T10:15:00+01:00',
		currency: 'GBP',
		order_total: Math.round((goods + 4.95) * 100) / 100,
		prices_include_tax: true,
		lines: lines.map(([sku, qty, unit_price]) => ({ sku, qty, unit_price })),
		customer: {
			first_name: 'Jo',
			last_name: 'Bloggs',
			email: 'jo.bloggs@example.com',
			phone: '01476 000000',
		},
		invoice_address: {
			address_1: '1 High Street',
			town: 'Grantham',
			postcode: 'NG31 6DB',
			country_code: 'GB',
		},
		delivery: { method: 'Royal Mail', charge_gross: 4.95 },
		payments: [
			{
				method: 'card',
				amount: Math.round((goods + 4.95) * 100) / 100,
				reference: `pi_${orderId}`,
			},
		],
		...extra,
	};
}

const importOrders = { operation: 'importOrders' };

/** Seven orders: three good (one a pack, one with awkward characters), four that Khaos cannot take. */
const ORDERS: IDataObject[] = [
	webOrder('WEB-2001', [['HL0453', 1, 56.99]], { order_total: '61.94' }),
	webOrder('WEB-2002', [['HLPACK01', 1, 119.99]]),
	webOrder('WEB-2003', [
		['NOPE-999', 1, 10],
		['HL0454', 1, 41.66],
	]),
	webOrder('WEB-2004', [['HL0454', 2, 41.66]], {
		invoice_address: {
			address_1: '1 High Street',
			town: 'Grantham',
			postcode: 'NG31 6DB EXTRA',
			country_code: 'GB',
		},
	}),
	webOrder('WEB-2005', [['BOOK-0786915749', 2, 5.99]], {
		customer: { first_name: 'Seán', last_name: "O'Brien <&>", email: 'sean@example.ie' },
		invoice_address: {
			address_1: 'Flat 3, The Old Mill House, 12 Riverside Walk',
			town: 'Cork',
			postcode: 'T12 AB34',
			country_code: 'IE',
		},
	}),
	webOrder('WEB-2006-LONGREF', [['HL0453', 1, 56.99]]),
	{ hello: 'not an order' },
];

describe('Khaos Order: Import Orders', () => {
	test('every order ends on exactly one output: imported ones on Done, the rest on Failed with the reason', async () => {
		const result = await run(ORDERS, importOrders);
		const done = outputOf(result, NODE, 0);
		const failed = outputOf(result, NODE, 1);
		expect(done.length + failed.length).toBe(ORDERS.length);

		const stored = fake.orders();
		expect(stored.map((order) => order.associatedRef)).toEqual([
			'WEB-2001',
			'WEB-2002',
			'WEB-2005',
		]);
		const code = (ref: string) =>
			stored.find((order) => order.associatedRef === ref)!.salesOrderCode;
		expect(
			done.map((item) => [
				item.json.order_id,
				item.json.status,
				item.json.sales_order_code,
				item.pairedItem,
			]),
		).toEqual([
			['WEB-2001', 'imported', code('WEB-2001'), { item: 0 }],
			['WEB-2002', 'imported', code('WEB-2002'), { item: 1 }],
			['WEB-2005', 'imported', code('WEB-2005'), { item: 4 }],
		]);
		expect(done[0].json).toEqual({
			order_id: 'WEB-2001',
			status: 'imported',
			sales_order_code: code('WEB-2001'),
			customer_code: stored[0].companyCode,
			message: `New customer created: ${stored[0].companyCode}`,
			warnings: [],
		});
		expect(done[2].json.warnings).toEqual([
			'invoice_address.address_1 was longer than 35 characters: "Riverside Walk" moved to address_2',
		]);

		expect(
			failed.map((item) => [
				item.json.order_id,
				item.json.reason,
				item.json.retryable,
				item.pairedItem,
			]),
		).toEqual([
			['WEB-2003', 'stock code not found in Khaos: NOPE-999', false, { item: 2 }],
			[
				'WEB-2004',
				'invoice_address.postcode is 14 characters; Khaos allows 10',
				false,
				{ item: 3 },
			],
			['WEB-2006-LONGREF', 'order_id is 16 characters; Khaos allows 15', false, { item: 5 }],
			[
				null,
				'prices_include_tax is required: true when unit prices include VAT, false when they exclude it (or set "Prices Include VAT" in the node); lines must be a list of order lines',
				false,
				{ item: 6 },
			],
		]);
		expect(failed[0].json.unknown_codes).toEqual(['NOPE-999']);
		expect(failed[0].json.order).toEqual(ORDERS[2]);
		expect(failed[1].json.problems).toEqual([
			{ field: 'invoice_address.postcode', message: 'is 14 characters; Khaos allows 10' },
		]);
		expect(failed[3].json.order).toEqual({ hello: 'not an order' });
	});

	test('a pack is sent by its own code and Khaos adds its contents; names with quotes and <&> arrive intact', async () => {
		await run(ORDERS.slice(0, 5), importOrders);
		const [, pack, obrien] = fake.orders();
		expect(
			pack.lines.map((line) => [line.stockCode, line.qty, line.packHeader, line.packComponentOf]),
		).toEqual([
			['HLPACK01', 1, true, null],
			['HL0453', 1, false, 'HLPACK01'],
			['HL0454', 2, false, 'HLPACK01'],
		]);
		const sent = fake.calls().find((call) => call.method === 'ImportOrders')!.params.Orders;
		expect(sent).toContain('<STOCK_CODE>HLPACK01</STOCK_CODE>');
		expect(sent).not.toContain('<STOCK_CODE>HL0454</STOCK_CODE>');
		expect(obrien.customer).toMatchObject({
			IFORENAME: 'Seán',
			ISURNAME: "O'Brien <&>",
			IADDRESS1: 'Flat 3, The Old Mill House, 12',
			IADDRESS2: 'Riverside Walk',
		});
		expect(obrien.companyName).toBe("O'Brien <&>");
	});

	test('sending the same orders again is harmless: Done says already imported, with the Khaos order code, and Khaos holds no duplicate', async () => {
		const first = outputOf(await run(ORDERS, importOrders), NODE, 0);
		const again = await run(ORDERS, importOrders);
		const done = outputOf(again, NODE, 0);
		expect(
			done.map((item) => [
				item.json.order_id,
				item.json.status,
				item.json.sales_order_code,
				item.pairedItem,
			]),
		).toEqual(
			first.map((item) => [
				item.json.order_id,
				'already_imported',
				item.json.sales_order_code,
				item.pairedItem,
			]),
		);
		expect(done[0].json.message).toBe('Order already imported (Associated Ref: WEB-2001)');
		expect(outputOf(again, NODE, 1).map((item) => item.json.order_id)).toEqual([
			'WEB-2003',
			'WEB-2004',
			'WEB-2006-LONGREF',
			null,
		]);
		expect(fake.orders().map((order) => order.associatedRef)).toEqual([
			'WEB-2001',
			'WEB-2002',
			'WEB-2005',
		]);
	});

	test('orders without prices_include_tax fail unless the node says whether prices include VAT', async () => {
		const { prices_include_tax: _, ...bare } = webOrder('WEB-2101', [['HL0453', 1, 56.99]]);
		const refused = await run([bare], importOrders);
		expect(outputOf(refused, NODE, 0)).toEqual([]);
		expect(outputOf(refused, NODE, 1)[0].json.reason).toBe(
			'prices_include_tax is required: true when unit prices include VAT, false when they exclude it (or set "Prices Include VAT" in the node)',
		);
		const accepted = await run([bare], { ...importOrders, pricesIncludeTax: 'yes' });
		expect(outputOf(accepted, NODE, 0).map((item) => item.json.status)).toEqual(['imported']);
		expect(fake.orders()[0].lines[0]).toMatchObject({ stockCode: 'HL0453', priceGrs: 56.99 });
	});

	test('when Khaos faults a batch, its orders are sent one by one, so one bad order does not hold up the rest', async () => {
		fake.injectFault({
			kind: 'soap-fault',
			method: 'ImportOrders',
			message: 'Deadlock detected, transaction rolled back',
		});
		const result = await run(ORDERS.slice(0, 2), importOrders);
		expect(outputOf(result, NODE, 0).map((item) => [item.json.order_id, item.json.status])).toEqual(
			[
				['WEB-2001', 'imported'],
				['WEB-2002', 'imported'],
			],
		);
		expect(
			fake
				.calls()
				.filter((call) => call.method === 'ImportOrders')
				.map((call) => call.fault ?? 'ok'),
		).toEqual(['soap-fault', 'ok', 'ok']);

		fake.reset();
		fake.injectFault({
			kind: 'soap-fault',
			method: 'ImportOrders',
			message: 'Deadlock detected, transaction rolled back',
		});
		const alone = await run([ORDERS[0]], importOrders);
		expect(
			outputOf(alone, NODE, 1).map((item) => [
				item.json.order_id,
				item.json.reason,
				item.json.retryable,
			]),
		).toEqual([
			['WEB-2001', 'Khaos refused ImportOrders: Deadlock detected, transaction rolled back', true],
		]);
		// A deadlock is an outage, not a refusal: the order may be sent again later.
		expect(fake.orders()).toEqual([]);
	});

	test('a line naming a size/colour parent, or a courier Khaos does not have, fails with the reason before Khaos is asked to import', async () => {
		const result = await run(
			[
				webOrder('WEB-3001', [['AMU15/SMPU', 1, 30.25]]),
				webOrder('WEB-3002', [['HL0453', 1, 56.99]], {
					delivery: { method: 'Pigeon Post', charge_gross: 4.95 },
				}),
				webOrder('WEB-3003', [['AMU15/SMPU-SMPU-5', 1, 30.25]]),
			],
			importOrders,
		);
		expect(outputOf(result, NODE, 0).map((item) => [item.json.order_id, item.json.status])).toEqual(
			[['WEB-3003', 'imported']],
		);
		expect(
			outputOf(result, NODE, 1).map((item) => [
				item.json.order_id,
				item.json.reason,
				item.pairedItem,
			]),
		).toEqual([
			[
				'WEB-3001',
				expect.stringMatching(
					/^choose a size\/colour: AMU15\/SMPU is a product with sizes or colours/,
				),
				{ item: 0 },
			],
			[
				'WEB-3002',
				expect.stringContaining(
					'delivery.method "Pigeon Post" is not a courier in Khaos (its couriers: ROYAL MAIL, ROYAL MAIL 48, DPD NEXT DAY)',
				),
				{ item: 1 },
			],
		]);
		// A size Khaos's ExportStock never carried as an SCS_ITEM is still a real child: it imports.
		expect(
			fake
				.orders()
				.map((order) => [order.associatedRef, order.lines.map((line) => line.stockCode)]),
		).toEqual([['WEB-3003', ['AMU15/SMPU-SMPU-5']]]);
	});

	test('a sales source Khaos does not have fails every order, naming it, and nothing is sent', async () => {
		const result = await run([webOrder('WEB-3101', [['HL0453', 1, 56.99]])], {
			...importOrders,
			options: { salesSource: 'Amazon' },
		});
		expect(outputOf(result, NODE, 1).map((item) => item.json.reason)).toEqual([
			'Sales Source "Amazon" does not exist in Khaos (its sales sources: Web, Telephone, Shop); fix Sales Source in the node options or the Khaos credential',
		]);
		expect(fake.calls().filter((call) => call.method === 'ImportOrders')).toEqual([]);
	});

	test('Prices Include VAT is read for each item: an expression that says Yes for one order and As Each Order Says for another is honoured', async () => {
		const { prices_include_tax: _first, ...first } = webOrder('WEB-3201', [['HL0453', 1, 56.99]], {
			vat: 'yes',
		});
		const { prices_include_tax: _second, ...second } = webOrder(
			'WEB-3202',
			[['HL0453', 1, 56.99]],
			{ vat: 'order' },
		);
		const result = await run([first, second], {
			...importOrders,
			pricesIncludeTax: '={{ $json.vat }}',
		});
		expect(outputOf(result, NODE, 0).map((item) => item.json.order_id)).toEqual(['WEB-3201']);
		expect(
			outputOf(result, NODE, 1).map((item) => [
				item.json.order_id,
				String(item.json.reason).startsWith('prices_include_tax is required'),
			]),
		).toEqual([['WEB-3202', true]]);
	});

	test('an option that differs between items is refused, naming it, before anything is sent; the same value from an expression is fine', async () => {
		const orders = [
			webOrder('WEB-3301', [['HL0453', 1, 56.99]], { source: 'Web' }),
			webOrder('WEB-3302', [['HL0453', 1, 56.99]], { source: 'Shop' }),
		];
		const error = errorOf(
			await run(orders, { ...importOrders, options: { salesSource: '={{ $json.source }}' } }),
			NODE,
		);
		expect(error.message).toBe(
			'Options → Sales Source is read once per run, from the first item, but item 2 gives another value',
		);
		expect(error.description).toContain('The first item gives "Web", item 2 gives "Shop"');
		expect(fake.calls().filter((call) => call.method === 'ImportOrders')).toEqual([]);

		const same = orders.map((order) => ({ ...order, source: 'Web' }));
		const result = await run(same, {
			...importOrders,
			options: { salesSource: '={{ $json.source }}' },
		});
		expect(outputOf(result, NODE, 0).map((item) => item.json.order_id)).toEqual([
			'WEB-3301',
			'WEB-3302',
		]);
	});

	test("the fake keeps the guide's 15-character limit on ASSOCIATED_REF, as the client does", async () => {
		const order = webOrder('WEB-2006-LONGREF', [['HL0453', 1, 56.99]]) as unknown as WebOrder;
		const xml = buildImportOrdersXml([{ ...order, order_id: 'WEB-2006' }]).replace(
			'<ASSOCIATED_REF>WEB-2006</ASSOCIATED_REF>',
			'<ASSOCIATED_REF>WEB-2006-LONGREF</ASSOCIATED_REF>',
		);
		const outcome = await new KhaosClient({ url: fake.wsdlUrl }).importOrders(xml);
		expect(outcome.skipped).toEqual([
			{
				orderRef: 'WEB-2006-LONGREF',
				skipReason: 'ASSOCIATED_REF is too long: 16 characters (limit 15)',
				kind: 'other',
			},
		]);
	});
});

describe('Khaos Order: Get Order Status', () => {
	test('reports stage, invoices and tracking for each order, and orders Khaos does not have as not found', async () => {
		await run(ORDERS.slice(0, 2), importOrders);
		fake.advanceOrder('WEB-2001', 14, {
			courier: 'Royal Mail',
			consignmentRef: 'RM123456789GB',
			trackingUrl: 'https://track.example/RM123456789GB',
		});
		const result = await run(
			[{ order_id: 'WEB-2001' }, { order_id: 'WEB-2002' }, { order_id: 'WEB-9999' }],
			{ operation: 'getStatus' },
		);
		const statuses = outputOf(result, NODE);
		const code = (ref: string) =>
			fake.orders().find((order) => order.associatedRef === ref)!.salesOrderCode;
		expect(
			statuses.map((item) => [
				item.json.found,
				item.json.associated_ref,
				item.json.stage_id,
				item.json.stage,
				item.json.complete,
				item.pairedItem,
			]),
		).toEqual([
			[true, 'WEB-2001', 14, 'shipping', false, [{ item: 0 }]],
			[true, 'WEB-2002', 10, 'released', false, [{ item: 1 }]],
			[false, 'WEB-9999', undefined, undefined, undefined, [{ item: 2 }]],
		]);
		expect(statuses[0].json).toMatchObject({
			sales_order_code: code('WEB-2001'),
			cancelled: false,
			consignment_ref: 'RM123456789GB',
			tracking_url: 'https://track.example/RM123456789GB',
			courier: 'Royal Mail',
		});
		expect((statuses[0].json.invoices as IDataObject[])[0]).toMatchObject({
			stage_id: 14,
			stage: 'shipping',
			consignment_ref: 'RM123456789GB',
			courier: 'Royal Mail',
		});
		expect(statuses[1].json).toMatchObject({ consignment_ref: null, tracking_url: null });
		expect(statuses[2].json).toEqual({ found: false, associated_ref: 'WEB-9999' });
		expect(
			fake
				.calls()
				.filter((call) => call.method === 'ExportOrderStatusEx')
				.map((call) => call.params.IDs),
		).toEqual(['WEB-2001,WEB-2002,WEB-9999']);

		const none = errorOf(await run([{ id: 7 }], { operation: 'getStatus' }), NODE);
		expect([none.name, none.message]).toEqual(['NodeOperationError', 'No order references given']);

		fake.advanceOrder('WEB-2001', 70);
		fake.cancelOrder('WEB-2002');
		const later = outputOf(
			await run([{ order_id: 'WEB-2001' }, { order_id: 'WEB-2002' }], { operation: 'getStatus' }),
			NODE,
		);
		expect(later.map((item) => [item.json.stage, item.json.complete, item.json.cancelled])).toEqual(
			[
				['issued', true, false],
				['cancelled', false, true],
			],
		);
	});

	test("a SOAP fault stops the node with Khaos's message; with continue on fail each item carries it", async () => {
		fake.injectFault({
			kind: 'soap-fault',
			method: 'ExportOrderStatusEx',
			message: 'Order status export is disabled for this site',
			times: 2,
		});
		const error = errorOf(await run([{ order_id: 'WEB-2001' }], { operation: 'getStatus' }), NODE);
		expect(error.message).toBe('Order status export is disabled for this site');
		const items = outputOf(
			await run(
				[{ order_id: 'WEB-2001' }, { order_id: 'WEB-2002' }],
				{ operation: 'getStatus' },
				{ continueOnFail: true },
			),
			NODE,
		);
		expect(items.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['Order status export is disabled for this site', { item: 0 }],
			['Order status export is disabled for this site', { item: 1 }],
		]);
	});
});

describe('Khaos Order: Export Customers', () => {
	test("gives Khaos's customers as customer records, O'Brien <&> intact, optionally only those changed since a date", async () => {
		const customers = outputOf(await run([{}], { operation: 'exportCustomers' }), NODE);
		expect(
			customers.map((item) => [
				item.json.customer_id,
				item.json.email,
				item.json.full_name,
				item.json.updated_at,
				item.pairedItem,
			]),
		).toEqual([
			['KCS001', 'info@khaoscontrol.com', 'Mike Cockfield', '2019-06-01T09:00:00', { item: 0 }],
			['CU1234', 'tess@example.com', 'Tess Tester', '2020-01-15T09:00:00', { item: 0 }],
			['OBR001', 'sean@example.ie', "Seán O'Brien <&>", '2020-11-05T09:00:00', { item: 0 }],
		]);
		expect(customers[2].json).toMatchObject({
			first_name: 'Seán',
			last_name: "O'Brien <&>",
			address_1: '12 "Quoted" Lane',
			town: 'Cork',
			postcode: 'T12 AB34',
			country: 'IE',
			custom: { other_ref: 'WEB-1002', company_name: "O'Brien <&>", company_class: 'Internet' },
		});

		const recent = outputOf(
			await run([{}], { operation: 'exportCustomers', changedSince: '2020-01-01' }),
			NODE,
		);
		expect(recent.map((item) => item.json.customer_id)).toEqual(['CU1234', 'OBR001']);
		const trade = outputOf(
			await run([{}], { operation: 'exportCustomers', companyClasses: 'Trade' }),
			NODE,
		);
		expect(trade.map((item) => item.json.customer_id)).toEqual(['CU1234']);
	});
});

describe('Khaos Order: Export Customers from a real Khaos customer database', () => {
	test('leaves out system accounts (EPOS, test accounts) unless told otherwise, and carries the mailing preference', async () => {
		const xml = readFileSync(
			join(__dirname, '..', 'fixtures', 'khaos', 'khaos-real', 'ExportCompany', '1578391809.xml'),
			'utf8',
		);
		const real = await startFakeKhaos({ seed: { customersXml: xml } });
		try {
			const exportFrom = async (parameters: INodeParameters) =>
				outputOf(
					await runWorkflow({
						nodes: [
							{
								name: 'Input',
								type: 'testInput',
								parameters: { items: JSON.stringify([{ json: {} }]) },
							},
							{
								name: NODE,
								type: 'n8n-nodes-pos-sync.khaosOrder',
								parameters,
								credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
							},
						],
						connections: { Input: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
						nodeTypes: { khaosOrder: new KhaosOrder() },
						credentialTypes: { khaosControlApi: new KhaosControlApi() },
						credentials: {
							khaosControlApi: {
								url: real.wsdlUrl,
								authentication: 'none',
								allowSelfSigned: false,
								siteId: -1,
								stockMappingType: 1,
								salesSource: '',
								websiteName: '',
							},
						},
					}),
					NODE,
				).map((item) => item.json);
			const customers = await exportFrom({ operation: 'exportCustomers' });
			const codes = customers.map((customer) => customer.customer_id);
			expect(codes).not.toContain('EPOS');
			expect(codes).not.toContain('KCSL_TEST');
			expect(codes).toContain('CU0000019');
			expect(
				customers.every(
					(customer) =>
						typeof customer.marketing_opt_in === 'boolean' || customer.marketing_opt_in === null,
				),
			).toBe(true);
			expect(customers.some((customer) => customer.marketing_opt_in === true)).toBe(true);
			const everyone = await exportFrom({ operation: 'exportCustomers', excludeCodes: '' });
			expect(everyone.map((customer) => customer.customer_id)).toEqual(
				expect.arrayContaining(['EPOS', 'KCSL_TEST']),
			);
			expect(everyone).toHaveLength(customers.length + 2);
		} finally {
			await real.stop();
		}
	});
});

describe('Khaos Order: Get Deleted Customers', () => {
	test('lists customers deleted or merged in the days asked for (GetDeletedEntries, companies only), by Khaos ID', async () => {
		fake.deleteCustomer('CU1234');
		fake.deleteCustomer('OBR001', 'KCS001');
		const today = new Date().toISOString().slice(0, 10);
		const result = await run([{}], {
			operation: 'getDeletedCustomers',
			deletedFrom: today,
			deletedTo: today,
		});
		expect(outputOf(result, NODE, 0).map((item) => item.json)).toEqual([
			{ company_id: '2', merged_into: null, deleted_on: today },
			{ company_id: '3', merged_into: '1', deleted_on: today },
		]);
		expect(fake.calls().find((call) => call.method === 'GetDeletedEntries')?.params).toMatchObject({
			DocumentType: '5',
			DateFrom: `${today}T00:00:00`,
			DateTo: `${today}T23:59:59`,
		});
		const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
		expect(
			outputOf(
				await run([{}], {
					operation: 'getDeletedCustomers',
					deletedFrom: yesterday,
					deletedTo: yesterday,
				}),
				NODE,
				0,
			),
		).toEqual([]);
	});

	test('a date that is not one is refused, naming the field, before Khaos is called', async () => {
		const error = errorOf(
			await run([{}], {
				operation: 'getDeletedCustomers',
				deletedFrom: 'last week',
				deletedTo: '2024-05-01',
			}),
			NODE,
		);
		expect(error.message).toBe(
			'Deleted From: "last week" is not a date: use 2024-05-01 or 2024-05-01T10:30:00',
		);
		expect(fake.calls()).toEqual([]);
	});
});
