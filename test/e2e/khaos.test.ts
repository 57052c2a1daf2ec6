/**
 * Khaos Product and Khaos Order in a real n8n 2.41.1 server against the fake Khaos SOAP server:
 * a credential created through n8n's API, web orders posted to a webhook the way a store would,
 * results read back from the executions and from the fake's own order book.
 */
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { nodeOutput, startServer, waitFor, type E2eServer } from './harness';

let server: E2eServer;
let khaos: FakeKhaos;
let credential: { id: string; name: string };

beforeAll(async () => {
	khaos = await startFakeKhaos();
	server = await startServer();
	// Through the editor's own endpoint: the public API's schema check rejects credentials whose fields depend on each other.
	const response = await server.instance.rest('POST', '/rest/credentials', {
		name: 'Khaos Control (fake)',
		type: 'khaosControlApi',
		data: {
			url: khaos.wsdlUrl,
			authentication: 'none',
			allowSelfSigned: false,
			siteId: -1,
			stockMappingType: 1,
			salesSource: 'Web',
			websiteName: 'Main Website',
		},
	});
	const created = response.data ?? response;
	credential = { id: created.id, name: created.name };
});

afterAll(async () => {
	await server?.stop();
	await khaos?.stop();
});

let paths = 0;

/** An active workflow: a webhook receiving `{items: [...]}`, one item per entry, into the Khaos node. */
async function webhookWorkflow(
	name: string,
	node: { type: string; parameters: Record<string, unknown> },
	outputs: string[],
) {
	const path = `khaos-e2e-${++paths}`;
	const workflow = {
		name,
		nodes: [
			{
				name: 'Store webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `e2e-${path}`,
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived' },
			},
			{
				name: 'One item each',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [200, 0],
				parameters: { fieldToSplitOut: 'body.items' },
			},
			{
				name: 'Khaos',
				type: `n8n-nodes-pos-sync.${node.type}`,
				typeVersion: 1,
				position: [400, 0],
				parameters: node.parameters,
				credentials: { khaosControlApi: credential },
			},
			...outputs.map((output, index) => ({
				name: output,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [600, index * 150],
				parameters: {},
			})),
		],
		connections: {
			'Store webhook': { main: [[{ node: 'One item each', type: 'main', index: 0 }]] },
			'One item each': { main: [[{ node: 'Khaos', type: 'main', index: 0 }]] },
			Khaos: { main: outputs.map((output) => [{ node: output, type: 'main', index: 0 }]) },
		},
	};
	const id = await server.instance.createWorkflow(workflow);
	await server.instance.activate(id);
	let runs = 0;
	return async (items: unknown[]) => {
		// The webhook goes live a moment after activation.
		const response = await waitFor(
			`the webhook ${path}`,
			async () => {
				const answer = await fetch(`${server.instance.baseUrl}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ items }),
				});
				return answer.status === 404 ? undefined : answer;
			},
			{ timeoutMs: 30_000, intervalMs: 500 },
		);
		expect(response.status).toBe(200);
		const executions = await server.instance.waitForExecutions(id, ++runs);
		const execution = executions[runs - 1];
		expect(execution.status).toBe('success');
		return execution;
	};
}

function webOrder(orderId: string, lines: Array<{ sku: string; qty: number; unit_price: number }>) {
	const total = lines.reduce((sum, line) => sum + line.qty * line.unit_price, 0) + 2.99;
	return {
		order_id: orderId,
		customer_id: 'WEB-C-9',
		email: 'siobhan@example.test',
		purchase_date: '2026-11-20T10:15:00Z',
		currency: 'GBP',
		order_total: Math.round(total * 100) / 100,
		prices_include_tax: true,
		lines: lines.map((line) => ({ ...line, name: line.sku })),
		customer: {
			first_name: 'Siobhan',
			last_name: "O'Brien <&>",
			email: 'siobhan@example.test',
			phone: '01476 562447',
		},
		invoice_address: {
			address_1: '1 Priest Court',
			town: 'Grantham',
			county: 'Lincolnshire',
			postcode: 'NG31 7FZ',
			country_code: 'GB',
		},
		payments: [
			{
				method: 'card',
				amount: Math.round(total * 100) / 100,
				reference: `pi_${orderId}`,
				auth_code: 'AUTH1',
				card_type: 'Visa',
			},
		],
		delivery: { method: 'Royal Mail 48', charge_gross: 2.99 },
	};
}

describe('Khaos nodes in a real n8n against the fake Khaos', () => {
	it('turns Khaos products into web products matching the real ExportStock data', async () => {
		const run = await webhookWorkflow(
			'Khaos products',
			{
				type: 'khaosProduct',
				parameters: { operation: 'getByCode', stockCodes: '={{ $json.code }}' },
			},
			['Products'],
		);
		const execution = await run([{ code: 'HL0453' }, { code: 'HL0460' }]);
		const products = nodeOutput(execution, 'Khaos').map((item) => item.json);
		const live = products.find((product) => product.stock_code === 'HL0453');
		expect(live).toMatchObject({
			stock_code: 'HL0453',
			other_ref: 'HL0453-OAK',
			price: 56.99,
			price_source: 'web',
			published: true,
			needs_web_review: true,
			stock_level: 20,
		});
		expect(products.find((product) => product.stock_code === 'HL0460')).toMatchObject({
			published: false,
		});
	});

	it('imports web orders once, reports a re-sent order as already imported, and fails an order with an unknown code', async () => {
		const run = await webhookWorkflow(
			'Web orders to Khaos',
			{ type: 'khaosOrder', parameters: { operation: 'importOrders', pricesIncludeTax: 'order' } },
			['Done', 'Failed'],
		);
		const good = webOrder('WEB5001', [
			{ sku: 'HL0453', qty: 1, unit_price: 56.99 },
			{ sku: 'HLPACK01', qty: 1, unit_price: 80 },
		]);
		const unknown = webOrder('WEB5002', [{ sku: 'NO-SUCH-CODE', qty: 1, unit_price: 5 }]);

		const first = await run([good, unknown]);
		expect(
			nodeOutput(first, 'Khaos', 0).map((item) => [item.json.order_id, item.json.status]),
		).toEqual([['WEB5001', 'imported']]);
		const failed = nodeOutput(first, 'Khaos', 1).map((item) => item.json);
		expect(failed).toHaveLength(1);
		expect(failed[0].order_id).toBe('WEB5002');
		expect(failed[0].unknown_codes).toEqual(['NO-SUCH-CODE']);

		const stored = khaos.orders().filter((order) => order.associatedRef === 'WEB5001');
		expect(stored).toHaveLength(1);
		expect(stored[0].lines.map((line: { stockCode: string }) => line.stockCode)).toEqual(
			expect.arrayContaining(['HL0453', 'HLPACK01', 'HL0454']),
		);
		expect(khaos.orders().some((order) => order.associatedRef === 'WEB5002')).toBe(false);

		const again = await run([good]);
		expect(
			nodeOutput(again, 'Khaos', 0).map((item) => [item.json.order_id, item.json.status]),
		).toEqual([['WEB5001', 'already_imported']]);
		expect(nodeOutput(again, 'Khaos', 1)).toHaveLength(0);
		expect(khaos.orders().filter((order) => order.associatedRef === 'WEB5001')).toHaveLength(1);
	});

	it('brings order status back, with the consignment and tracking', async () => {
		khaos.advanceOrder('WEB5001', 14, {
			consignmentRef: 'RM123456789GB',
			trackingUrl: 'https://track.example/RM123456789GB',
			courier: 'Royal Mail',
		});
		const run = await webhookWorkflow(
			'Order status back',
			{
				type: 'khaosOrder',
				parameters: { operation: 'getStatus', orderRefs: '={{ $json.order_id }}' },
			},
			['Status'],
		);
		const execution = await run([{ order_id: 'WEB5001' }]);
		const [status] = nodeOutput(execution, 'Khaos').map((item) => item.json);
		expect(status).toMatchObject({
			associated_ref: 'WEB5001',
			stage_id: 14,
			complete: false,
			cancelled: false,
		});
		expect(JSON.stringify(status.invoices)).toContain('RM123456789GB');
		expect(JSON.stringify(status.invoices)).toContain('https://track.example/RM123456789GB');
	});
});
