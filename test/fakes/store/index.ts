/**
 * A fake web store for the Khaos templates: the "store end" they leave as an HTTP placeholder.
 * It lists its open orders, takes order status back, and takes product updates, and remembers all of
 * it for the tests and the sandbox to read. JSON only, no auth: it stands in for whatever store the
 * consultant connects.
 *
 *   GET  /api/orders?status=open       → {"orders": [{"order_id": "WEB1001"}, …]}
 *   POST /api/orders/:orderId/status   → 200, the body is kept as that order's latest status
 *   PUT  /api/products/:stockCode      → 200, the body is kept as that product
 *   GET  /__admin/state                → everything above, and every request seen
 *   POST /__admin/open-orders          → {"orders": ["WEB1001", …]} sets the open orders
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { readJson, send } from '../admin-json';

export interface FakeStore {
	baseUrl: string;
	/** The store's API root, what the templates call `https://store.example.com/api`. */
	apiUrl: string;
	openOrders: string[];
	statuses: Map<string, Record<string, unknown>>;
	products: Map<string, Record<string, unknown>>;
	requests: Array<{ method: string; path: string }>;
	stop(): Promise<void>;
}

export async function startFakeStore({
	port = 0,
	host = '127.0.0.1',
}: { port?: number; host?: string } = {}): Promise<FakeStore> {
	const store = {
		openOrders: [] as string[],
		statuses: new Map<string, Record<string, unknown>>(),
		products: new Map<string, Record<string, unknown>>(),
		requests: [] as Array<{ method: string; path: string }>,
	};

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://store.invalid');
		const method = req.method ?? 'GET';
		const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
		if (segments[0] !== '__admin') store.requests.push({ method, path: url.pathname + url.search });

		if (method === 'GET' && url.pathname === '/api/orders') {
			if (url.searchParams.get('status') !== 'open')
				return send(res, 400, { error: 'Only status=open is supported' });
			return send(res, 200, { orders: store.openOrders.map((order_id) => ({ order_id })) });
		}
		if (
			method === 'POST' &&
			segments.length === 4 &&
			segments[0] === 'api' &&
			segments[1] === 'orders' &&
			segments[3] === 'status'
		) {
			store.statuses.set(segments[2], await readJson(req));
			return send(res, 200, { ok: true });
		}
		if (
			method === 'PUT' &&
			segments.length === 3 &&
			segments[0] === 'api' &&
			segments[1] === 'products'
		) {
			store.products.set(segments[2], await readJson(req));
			return send(res, 200, { ok: true });
		}
		if (method === 'GET' && url.pathname === '/__admin/state') {
			return send(res, 200, {
				openOrders: store.openOrders,
				statuses: Object.fromEntries(store.statuses),
				products: Object.fromEntries(store.products),
				requests: store.requests,
			});
		}
		if (method === 'POST' && url.pathname === '/__admin/open-orders') {
			const { orders } = await readJson(req);
			if (!Array.isArray(orders) || !orders.every((order) => typeof order === 'string'))
				return send(res, 400, { error: 'orders must be a list of order references' });
			store.openOrders = orders;
			return send(res, 200, { ok: true });
		}
		send(res, 404, { error: `No route for ${method} ${url.pathname}` });
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) =>
			send(res, 400, { error: error instanceof Error ? error.message : String(error) }),
		);
	});
	await new Promise<void>((resolve) => server.listen(port, host, resolve));
	const baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
	return {
		baseUrl,
		apiUrl: `${baseUrl}/api`,
		get openOrders() {
			return store.openOrders;
		},
		set openOrders(orders: string[]) {
			store.openOrders = orders;
		},
		statuses: store.statuses,
		products: store.products,
		requests: store.requests,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
