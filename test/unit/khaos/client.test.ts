import { KhaosClient, type KhaosTransport } from '../../../lib/khaos/client';
import type { SendOrderResult } from '../../../lib/khaos/send-orders';
import { KhaosFaultError, KhaosNetworkError } from '../../../lib/khaos/errors';
import type { SoapParam, SoapValue } from '../../../lib/khaos/soap';
import { buildXml, childText, descendants, parseXml, xmlElement } from '../../../lib/khaos/xml';
import { fixture, webOrder } from './helpers';

interface Call {
	method: string;
	params: Record<string, unknown>;
}

/** Just enough of Khaos for the client: known stock codes, ImportOrders with its ASSOCIATED_REF duplicate check. */
class FakeKhaos implements KhaosTransport {
	readonly calls: Call[] = [];
	readonly known = new Set(['AMU15/SMPU-SMPU-10', '00123', 'SOCK-1', 'AMU15/SMPU']);
	readonly imported = new Map<string, string>();
	readonly faultingRefs = new Set<string>();
	importFailure?: Error;
	statusFailure?: Error;

	async call(method: string, params: readonly SoapParam[] = []): Promise<SoapValue | undefined> {
		const named = Object.fromEntries(
			params.filter(([, value]) => value !== undefined).map(([name, value]) => [name, value]),
		);
		this.calls.push({ method, params: named });
		if (method === 'ExportStockStatus') return this.stockStatus(String(named.StockCode));
		if (method === 'ImportOrders') return this.importOrders(String(named.Orders));
		if (method === 'GetVersion') return '8.200.1';
		if (method === 'ExportStock')
			return fixture('real-responses/ExportStock__archive__1605186184.xml');
		if (method === 'GetStockList' && named.StockItemType === 1)
			return { Count: 1, List: [{ StockCode: 'AMU15/SMPU', ParentCode: '' }] };
		if (method === 'ExportOrderStatusEx') return fixture('xml-examples/KSDXMLOrderStatusEx.xml');
		if (method === 'ExportCompany') return fixture('xml-examples/KSDXMLCustomer.xml');
		return { Count: 0, List: [] };
	}

	callsTo(method: string): Call[] {
		return this.calls.filter((call) => call.method === method);
	}

	private stockStatus(codes: string): string {
		if (this.statusFailure) throw this.statusFailure;
		const items = codes
			.split(',')
			.filter((code) => this.known.has(code.toUpperCase()))
			.map((code) =>
				xmlElement('STOCK_ITEM', xmlElement('LEVEL', 5), { CODE: code.toUpperCase() }),
			);
		return buildXml(xmlElement('STOCK_STATUS', items, { SITE: 'Main Site' }));
	}

	private importOrders(xml: string): SoapValue {
		if (this.importFailure) throw this.importFailure;
		const orders = descendants(parseXml(xml), 'SALES_ORDER');
		const refs = orders.map((order) =>
			childText(descendants(order, 'ORDER_HEADER')[0], 'ASSOCIATED_REF'),
		);
		const faulting = refs.find((ref) => this.faultingRefs.has(ref));
		if (faulting) {
			throw new KhaosFaultError({
				method: 'ImportOrders',
				faultCode: 'SOAP-ENV:Server',
				faultString: `Item on order ${faulting} is discontinued`,
				faultActor: '',
				detail: {},
				httpStatus: 500,
			});
		}
		const OrderImport: SoapValue[] = [];
		const OrderSkipped: SoapValue[] = [];
		for (const ref of refs) {
			if (this.imported.has(ref)) {
				OrderSkipped.push({ OrderRef: ref, SkipReason: `Order ${ref} already imported` });
				continue;
			}
			const code = `SO${String(this.imported.size + 1).padStart(5, '0')}`;
			this.imported.set(ref, code);
			OrderImport.push({
				SalesOrderCode: code,
				AssociatedRef: ref,
				Msg: '',
				URN: 'CUST01',
				OtherRef: 'C-77',
			});
		}
		return { ImportedCount: OrderImport.length, OrderImport, OrderSkipped };
	}
}

function statuses(results: readonly SendOrderResult[]): string[] {
	return results.map((result) => `${result.index}:${result.order_id}:${result.status}`);
}

describe('KhaosClient.sendOrders', () => {
	it('checks the stock codes once, sends the orders and reports each one imported', async () => {
		const khaos = new FakeKhaos();
		const results = await new KhaosClient(khaos).sendOrders([
			webOrder({ order_id: 'WEB1' }),
			webOrder({ order_id: 'WEB2' }),
		]);
		expect(results).toEqual([
			{
				index: 0,
				order_id: 'WEB1',
				status: 'imported',
				salesOrderCode: 'SO00001',
				customerCode: 'CUST01',
				message: null,
				warnings: [],
			},
			{
				index: 1,
				order_id: 'WEB2',
				status: 'imported',
				salesOrderCode: 'SO00002',
				customerCode: 'CUST01',
				message: null,
				warnings: [],
			},
		]);
		expect(khaos.callsTo('ExportStockStatus').map((call) => call.params)).toEqual([
			{ StockCode: 'AMU15/SMPU-SMPU-10,00123', MappingType: 1 },
		]);
		expect(khaos.callsTo('ImportOrders')).toHaveLength(1);
	});

	it('fails orders with unknown stock codes, naming the codes, without calling ImportOrders', async () => {
		const khaos = new FakeKhaos();
		const order = webOrder({
			lines: [
				{ sku: 'NOPE-1', qty: 1, unit_price: 5 },
				{ sku: '00123', qty: 1, unit_price: 3.3 },
				{ sku: 'NOPE-2', qty: 1, unit_price: 5 },
			],
			order_total: 16.29,
		});
		const [result] = await new KhaosClient(khaos).sendOrders([order]);
		expect(result).toMatchObject({
			status: 'failed',
			retryable: false,
			unknownCodes: ['NOPE-1', 'NOPE-2'],
			reason: 'stock codes not found in Khaos: NOPE-1, NOPE-2',
		});
		expect(khaos.callsTo('ImportOrders')).toEqual([]);
	});

	it('sends the others when one order has an unknown code', async () => {
		const khaos = new FakeKhaos();
		const results = await new KhaosClient(khaos).sendOrders([
			webOrder({ order_id: 'WEB1' }),
			webOrder({ order_id: 'WEB2', lines: [{ sku: 'GONE', qty: 1, unit_price: 63.8 }] }),
			webOrder({ order_id: 'WEB3' }),
		]);
		expect(statuses(results)).toEqual(['0:WEB1:imported', '1:WEB2:failed', '2:WEB3:imported']);
		expect(String(khaos.callsTo('ImportOrders')[0].params.Orders)).not.toContain('WEB2');
	});

	it('fails an order line naming a size/colour parent without sending it: the customer must choose a size/colour', async () => {
		const khaos = new FakeKhaos();
		const results = await new KhaosClient(khaos).sendOrders([
			webOrder({ order_id: 'WEB1', lines: [{ sku: 'amu15/smpu', qty: 1, unit_price: 30.25 }] }),
			webOrder({ order_id: 'WEB2' }),
		]);
		expect(results[0]).toMatchObject({
			status: 'failed',
			retryable: false,
			reason: expect.stringMatching(
				/^choose a size\/colour: amu15\/smpu is a product with sizes or colours/,
			),
		});
		expect(results[1].status).toBe('imported');
		expect(String(khaos.callsTo('ImportOrders')[0].params.Orders)).not.toContain('WEB1');
	});

	it("a repeat of a failed order in the same input fails with the first one's reason", async () => {
		const khaos = new FakeKhaos();
		const bad = webOrder({ order_id: 'WEB9', lines: [{ sku: 'NOPE', qty: 1, unit_price: 1 }] });
		const results = await new KhaosClient(khaos).sendOrders([bad, bad]);
		expect(results.map((result) => result.status)).toEqual(['failed', 'failed']);
		expect(results[1]).toMatchObject({
			reason: expect.stringMatching(
				/appears earlier in this input \(item 0\), which was not imported: stock code not found in Khaos: NOPE/,
			),
		});
	});

	it('reports a re-sent order as already imported: replays are harmless', async () => {
		const khaos = new FakeKhaos();
		const client = new KhaosClient(khaos);
		await client.sendOrders([webOrder({ order_id: 'WEB1' })]);
		const [again] = await client.sendOrders([webOrder({ order_id: 'WEB1' })]);
		expect(again).toEqual({
			index: 0,
			order_id: 'WEB1',
			status: 'already_imported',
			reason: 'Order WEB1 already imported',
			warnings: [],
		});
		expect(khaos.imported.size).toBe(1);
	});

	it('gives every input order exactly one result, in input order, and the counts add up', async () => {
		const khaos = new FakeKhaos();
		khaos.imported.set('OLD-7', 'SO99999');
		const orders = Array.from({ length: 45 }, (_, index) => {
			if (index === 3)
				return webOrder({
					order_id: 'BAD-3',
					invoice_address: { ...webOrder().invoice_address, postcode: '' },
				});
			if (index === 4)
				return webOrder({
					order_id: 'UNKNOWN-4',
					lines: [{ sku: 'NOPE', qty: 1, unit_price: 63.8 }],
				});
			if (index === 5) return webOrder({ order_id: 'WEB-0' });
			if (index === 7) return webOrder({ order_id: 'OLD-7' });
			return webOrder({ order_id: `WEB-${index}` });
		});
		const results = await new KhaosClient(khaos).sendOrders(orders, { batchSize: 20 });
		expect(results.map((result) => result.index)).toEqual(orders.map((_, index) => index));
		expect(results.map((result) => result.order_id)).toEqual(orders.map((order) => order.order_id));
		const count = (status: string): number =>
			results.filter((result) => result.status === status).length;
		expect({
			imported: count('imported'),
			already: count('already_imported'),
			failed: count('failed'),
		}).toEqual({ imported: 41, already: 2, failed: 2 });
		expect(count('imported') + count('already_imported') + count('failed')).toBe(orders.length);
		expect(results[3]).toMatchObject({
			status: 'failed',
			retryable: false,
			problems: [expect.objectContaining({ field: 'invoice_address.postcode' })],
		});
		expect(results[5]).toMatchObject({
			status: 'already_imported',
			reason: expect.stringContaining('appears earlier in this input (item 0)'),
		});
		expect(khaos.callsTo('ImportOrders')).toHaveLength(3);
	});

	it('re-sends a faulted batch one order at a time, so one bad order does not sink the rest', async () => {
		const khaos = new FakeKhaos();
		khaos.faultingRefs.add('WEB2');
		const results = await new KhaosClient(khaos).sendOrders([
			webOrder({ order_id: 'WEB1' }),
			webOrder({ order_id: 'WEB2' }),
			webOrder({ order_id: 'WEB3' }),
		]);
		expect(statuses(results)).toEqual(['0:WEB1:imported', '1:WEB2:failed', '2:WEB3:imported']);
		expect(results[1]).toMatchObject({
			reason: 'Khaos refused ImportOrders: Item on order WEB2 is discontinued',
			retryable: false,
		});
		expect(khaos.callsTo('ImportOrders')).toHaveLength(4);
	});

	it('marks a batch retryable when ImportOrders got no answer, since re-sending is safe', async () => {
		const khaos = new FakeKhaos();
		khaos.importFailure = new KhaosNetworkError(
			'ImportOrders',
			'ECONNRESET',
			'could not reach https://khaos (ECONNRESET)',
			true,
		);
		const [result] = await new KhaosClient(khaos).sendOrders([webOrder()]);
		expect(result).toMatchObject({
			status: 'failed',
			retryable: true,
			reason: expect.stringContaining('re-sending is safe'),
		});
	});

	it('sends nothing when the stock check fails, and says it is worth retrying', async () => {
		const khaos = new FakeKhaos();
		khaos.statusFailure = new KhaosNetworkError(
			'ExportStockStatus',
			'ETIMEDOUT',
			'no answer',
			true,
		);
		const results = await new KhaosClient(khaos).sendOrders([
			webOrder({ order_id: 'A' }),
			webOrder({ order_id: 'B' }),
		]);
		expect(
			results.map((result) => [result.status, result.status === 'failed' && result.retryable]),
		).toEqual([
			['failed', true],
			['failed', true],
		]);
		expect(khaos.callsTo('ImportOrders')).toEqual([]);
	});

	it('keeps the warnings of an order that was imported with shortened values', async () => {
		const khaos = new FakeKhaos();
		const long = webOrder({
			invoice_address: {
				...webOrder().invoice_address,
				address_1: 'Unit 5, The Old Grain Store Industrial Estate',
				address_2: '',
			},
		});
		const [result] = await new KhaosClient(khaos).sendOrders([long]);
		expect(result).toMatchObject({
			status: 'imported',
			warnings: [
				expect.objectContaining({ field: 'invoice_address.address_1', severity: 'warning' }),
			],
		});
	});
});

describe('KhaosClient calls', () => {
	it('exports stock in chunks of 15 unique codes, and makes no call for no codes', async () => {
		const khaos = new FakeKhaos();
		const client = new KhaosClient(khaos);
		const codes = Array.from({ length: 31 }, (_, index) => `C${index}`);
		await client.exportStock([...codes, 'C0', ' ']);
		expect(
			khaos.callsTo('ExportStock').map((call) => String(call.params.StockCode).split(',').length),
		).toEqual([15, 15, 1]);
		expect(khaos.callsTo('ExportStock')[0].params.MappingType).toBe(1);
		await expect(client.exportStock([])).resolves.toEqual([]);
		expect(khaos.callsTo('ExportStock')).toHaveLength(3);
	});

	it('refuses codes containing a comma before calling Khaos', async () => {
		const khaos = new FakeKhaos();
		await expect(new KhaosClient(khaos).exportStock(['OK', 'A,B'])).rejects.toThrow('"A,B"');
		expect(khaos.calls).toEqual([]);
	});

	it('streams ExportStock chunk by chunk', async () => {
		const client = new KhaosClient(new FakeKhaos());
		const chunks: string[][] = [];
		for await (const items of client.exportStockChunks(['ABBEY-03', 'X'], { chunkSize: 1 }))
			chunks.push(items.map((item) => item.stockCode));
		expect(chunks).toEqual([['ABBEY-03'], ['ABBEY-03']]);
	});

	it('passes GetStockList its three parameters', async () => {
		const khaos = new FakeKhaos();
		await new KhaosClient(khaos).getStockList({
			since: '2024-05-01T10:00:00',
			dateType: 2,
			itemType: 1,
		});
		expect(khaos.calls).toEqual([
			{
				method: 'GetStockList',
				params: { DateType: 2, DateValue: '2024-05-01T10:00:00', StockItemType: 1 },
			},
		]);
	});

	it('asks ExportOrderStatusEx by web order reference, or by dates with MappingType 1', async () => {
		const khaos = new FakeKhaos();
		const client = new KhaosClient(khaos);
		const [status] = await client.exportOrderStatusEx({
			ids: ['WEB1', 'WEB2'],
			includeCancelled: true,
		});
		expect(status).toMatchObject({ sales_order_code: 'SO1234', stage: 'on hold' });
		await client.exportOrderStatusEx({
			dateFrom: '2024-05-01',
			dateTo: '2024-05-02',
			showItems: false,
		});
		expect(khaos.callsTo('ExportOrderStatusEx').map((call) => call.params)).toEqual([
			{ IDs: 'WEB1,WEB2', MappingType: 4, IncludeCancelled: true },
			{ IDs: '', MappingType: 1, DateFrom: '2024-05-01', DateTo: '2024-05-02', ShowItems: false },
		]);
		await expect(client.exportOrderStatusEx({})).rejects.toThrow(
			'needs order IDs, or both dateFrom and dateTo',
		);
	});

	it('returns the version string, and reads customers from ExportCompany', async () => {
		const client = new KhaosClient(new FakeKhaos());
		await expect(client.getVersion()).resolves.toBe('8.200.1');
		const customers = await client.exportCompany(['KCS001']);
		expect(customers).toHaveLength(2);
	});
});
