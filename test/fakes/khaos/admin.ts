/**
 * The admin API over HTTP (JSON), for driving the fake from outside the test process (a sandbox
 * n8n). Routes, all under /__admin/:
 *   GET  page                        orders and stock as a small HTML page
 *   GET  orders                      stored orders (StoredOrder[])
 *   POST advance {associatedRef, stage: number | 'next', consignmentRef?, trackingUrl?, courier?}
 *   POST cancel  {associatedRef}
 *   POST fault   FaultSpec
 *   GET  calls                       request log (CallRecord[])
 *   POST reset
 *   GET  stock                       codes with level, status and dates
 *   GET  mailing-history             every mailing status each customer ever had, by customer code
 *   POST stock   {action: 'add', item} | {action: 'update', code, patch} | {action: 'delete', code}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { htmlPage, sendHtml } from '../admin-html';
import { readJson, send } from '../admin-json';

import type {
	FakeKhaos,
	FakeStockItemInput,
	FakeStockPatch,
	FaultSpec,
	StoredOrder,
} from './types';

export interface AdminBackend {
	fake: FakeKhaos;
	stockSummary(): unknown;
}

export async function handleAdmin(
	path: string,
	req: IncomingMessage,
	res: ServerResponse,
	backend: AdminBackend,
): Promise<void> {
	const { fake } = backend;
	const route = `${req.method ?? 'GET'} ${path.replace(/^\/__admin\/?/, '').replace(/\/$/, '')}`;
	try {
		const body = req.method === 'POST' ? await readJson(req) : {};
		switch (route) {
			case 'GET page':
				return sendHtml(res, khaosPage(fake.orders(), backend.stockSummary() as KhaosStockRow[]));
			case 'GET orders':
				return send(res, 200, fake.orders());
			case 'GET calls':
				return send(res, 200, fake.calls());
			case 'GET stock':
				return send(res, 200, backend.stockSummary());
			case 'GET mailing-history':
				return send(res, 200, fake.mailingHistory());
			case 'POST advance':
				fake.advanceOrder(
					requireString(body, 'associatedRef'),
					body.stage === 'next' ? 'next' : requireNumber(body, 'stage'),
					{
						consignmentRef: optionalString(body, 'consignmentRef'),
						trackingUrl: optionalString(body, 'trackingUrl'),
						courier: optionalString(body, 'courier'),
					},
				);
				return send(res, 200, { ok: true });
			case 'POST cancel':
				fake.cancelOrder(requireString(body, 'associatedRef'));
				return send(res, 200, { ok: true });
			case 'POST fault':
				fake.injectFault(body as unknown as FaultSpec);
				return send(res, 200, { ok: true });
			case 'POST reset':
				fake.reset();
				return send(res, 200, { ok: true });
			case 'POST stock':
				if (body.action === 'add') fake.addStock(body.item as FakeStockItemInput);
				else if (body.action === 'update')
					fake.updateStock(requireString(body, 'code'), (body.patch ?? {}) as FakeStockPatch);
				else if (body.action === 'delete') fake.deleteStock(requireString(body, 'code'));
				else throw new Error("action must be 'add', 'update' or 'delete'");
				return send(res, 200, { ok: true });
			default:
				return send(res, 404, { error: `No admin route ${route}` });
		}
	} catch (error) {
		return send(res, 400, { error: error instanceof Error ? error.message : String(error) });
	}
}

function requireString(body: Record<string, unknown>, name: string): string {
	const value = body[name];
	if (typeof value !== 'string' || value === '') throw new Error(`${name} (a string) is required`);
	return value;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
	const value = body[name];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new Error(`${name} must be a string`);
	return value;
}

function requireNumber(body: Record<string, unknown>, name: string): number {
	const value = body[name];
	if (typeof value !== 'number' || !Number.isFinite(value))
		throw new Error(`${name} must be a number or 'next'`);
	return value;
}

interface KhaosStockRow {
	code: string;
	parentCode: string | null;
	desc: string;
	level: number;
	status: unknown;
	lastUpdated: string;
}

function khaosPage(orders: StoredOrder[], stock: KhaosStockRow[]): string {
	return htmlPage('Khaos Control stand-in', [
		{
			heading: 'Sales orders',
			columns: [
				'Order',
				'Web reference',
				'Customer',
				'New customer',
				'Stage',
				'Amount',
				'Currency',
				'Lines',
				'Courier',
				'Created',
			],
			rows: orders.map((order) => [
				order.salesOrderCode,
				order.associatedRef,
				`${order.companyCode} ${order.companyName}`,
				order.newCustomer ? 'yes' : 'no',
				order.cancelled ? 'cancelled' : order.stage,
				order.orderAmount,
				order.currency,
				order.lines
					.map(
						(line) =>
							`${line.qty} × ${line.stockCode}${line.requested !== line.stockCode ? ` (sent as ${line.requested})` : ''}`,
					)
					.join(', '),
				order.courier,
				order.createdAt,
			]),
		},
		{
			heading: 'Stock',
			columns: ['Stock code', 'Parent', 'Description', 'Level', 'Status', 'Last updated'],
			rows: stock.map((item) => [
				item.code,
				item.parentCode,
				item.desc,
				item.level,
				item.status,
				item.lastUpdated,
			]),
		},
	]);
}
