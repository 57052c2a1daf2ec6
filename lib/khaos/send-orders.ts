/**
 * Sending web orders to Khaos, checked and idempotent: each order validated, its stock codes looked
 * up first, the rest sent in ImportOrders batches, and exactly one result per input order.
 */
import { chunked } from './codes';
import { KhaosError, KhaosFaultError } from './errors';
import type { OrderProblem } from './order-checks';
import type { OrderImportResult } from './order-import-result';
import { buildImportOrdersXml, validateOrder } from './orders';
import type { KhaosStockStatus, StockListEntry } from './stock-status';
import type { ImportOrdersOptions, WebOrder } from './web-order';

/** The Khaos calls sending orders makes; KhaosClient is the real one. */
export interface OrderCalls {
	exportStockStatus(
		codes: readonly string[],
		options: { mappingType: 1 | 2 },
	): Promise<KhaosStockStatus[]>;
	getStockList(query: { dateType: 0; since: string; itemType: 1 }): Promise<StockListEntry[]>;
	importOrders(xml: string): Promise<OrderImportResult>;
}

export interface SendOrdersOptions extends ImportOrdersOptions {
	/** Orders per ImportOrders call. Default 20. */
	batchSize?: number;
}

interface SendResultBase {
	index: number; // position in the input
	order_id: string;
	warnings: OrderProblem[]; // values shortened or left out on the way to Khaos
}

export type SendOrderResult =
	| (SendResultBase & {
			status: 'imported';
			salesOrderCode: string;
			customerCode: string | null;
			message: string | null;
	  })
	| (SendResultBase & { status: 'already_imported'; reason: string })
	| (SendResultBase & {
			status: 'failed';
			reason: string;
			retryable: boolean;
			unknownCodes?: string[];
			problems?: OrderProblem[];
	  });

/**
 * Sends web orders safely. Each order is validated; the stock codes of the valid ones are looked
 * up in Khaos (ExportStockStatus) and orders with unknown codes fail without being sent, since
 * Khaos would skip them anyway. The rest go in ImportOrders batches. If Khaos faults a batch, its
 * orders are re-sent one by one to find the culprit: re-sending is safe because Khaos skips an
 * ASSOCIATED_REF it has already imported. Every input order gets exactly one result, in input order.
 */
export async function sendOrders(
	client: OrderCalls,
	orders: readonly WebOrder[],
	options: SendOrdersOptions = {},
): Promise<SendOrderResult[]> {
	const results: (SendOrderResult | undefined)[] = new Array(orders.length).fill(undefined);
	const duplicates: Duplicate[] = [];
	const pending = validForSending(orders, options, results, duplicates);
	const sendable = await withKnownCodes(client, pending, options, results);
	for (const batch of chunked(sendable, Math.max(1, options.batchSize ?? 20))) {
		await sendBatch(client, batch, options, results);
	}
	for (const duplicate of duplicates)
		results[duplicate.index] = sameAsFirst(duplicate, orders, results[duplicate.first]);
	return results.map(
		(result, index) =>
			result ??
			failed(
				{ index, orderId: orders[index]?.order_id, warnings: [] },
				'the order was not processed',
				true,
			),
	);
}

function validForSending(
	orders: readonly WebOrder[],
	options: SendOrdersOptions,
	results: (SendOrderResult | undefined)[],
	duplicates: Duplicate[],
): PendingOrder[] {
	const firstIndexById = new Map<string, number>();
	const pending: PendingOrder[] = [];
	orders.forEach((order, index) => {
		const problems = validateOrder(order, options);
		const warnings = problems.filter((problem) => problem.severity === 'warning');
		const errors = problems.filter((problem) => problem.severity === 'error');
		const base = { index, orderId: order.order_id, warnings };
		const key = normaliseRef(order.order_id);
		if (errors.length > 0) {
			results[index] = {
				...failed(
					base,
					errors.map((problem) => `${problem.field} ${problem.message}`).join('; '),
					false,
				),
				problems: errors,
			};
		} else if (firstIndexById.has(key)) {
			duplicates.push({ index, first: firstIndexById.get(key) as number, warnings });
		} else {
			firstIndexById.set(key, index);
			pending.push({ ...base, order });
		}
	});
	return pending;
}

/** Fails orders whose stock codes Khaos does not know; skipped for mapping types ExportStockStatus cannot look up. */
async function withKnownCodes(
	client: OrderCalls,
	pending: PendingOrder[],
	options: SendOrdersOptions,
	results: (SendOrderResult | undefined)[],
): Promise<PendingOrder[]> {
	const mappingType = options.mappingType ?? 1;
	if (pending.length === 0 || (mappingType !== 1 && mappingType !== 2)) return pending;
	const checkable = pending.filter((entry) => {
		const withComma = orderSkus(entry.order).filter((sku) => sku.includes(','));
		if (withComma.length === 0) return true;
		results[entry.index] = failed(
			entry,
			`stock codes with a comma cannot be checked in Khaos: ${withComma.join(' | ')}`,
			false,
		);
		return false;
	});
	if (checkable.length === 0) return [];
	const skus = [...new Set(checkable.flatMap((entry) => orderSkus(entry.order)))];
	let known: Set<string>;
	let parents: Set<string>;
	try {
		const statuses = await client.exportStockStatus(skus, { mappingType });
		known = new Set(
			statuses.map((status) =>
				normaliseRef((mappingType === 2 ? status.other_ref : status.stock_code) ?? ''),
			),
		);
		// An SCS parent is a template: Khaos would take the order, for no size or colour at all.
		const scsParents = await client.getStockList({ dateType: 0, since: ZERO_TIME, itemType: 1 });
		parents = new Set(
			scsParents.map((entry) =>
				normaliseRef((mappingType === 2 ? entry.other_ref : entry.stock_code) ?? ''),
			),
		);
	} catch (error) {
		for (const entry of checkable)
			results[entry.index] = failed(
				entry,
				`could not check the stock codes in Khaos: ${describe(error)}`,
				isRetryable(error),
			);
		return [];
	}
	return checkable.filter((entry) => {
		const unknownCodes = orderSkus(entry.order).filter((sku) => !known.has(normaliseRef(sku)));
		const templates = orderSkus(entry.order).filter((sku) => parents.has(normaliseRef(sku)));
		if (unknownCodes.length > 0) {
			results[entry.index] = {
				...failed(
					entry,
					`stock code${unknownCodes.length > 1 ? 's' : ''} not found in Khaos: ${unknownCodes.join(', ')}`,
					false,
				),
				unknownCodes,
			};
		} else if (templates.length > 0) {
			results[entry.index] = failed(
				entry,
				`choose a size/colour: ${templates.join(', ')} ` +
					`${templates.length > 1 ? 'are products' : 'is a product'} with sizes or colours, ` +
					'and an order line must name one of its variants',
				false,
			);
		}
		return results[entry.index] === undefined;
	});
}

async function sendBatch(
	client: OrderCalls,
	batch: readonly PendingOrder[],
	options: SendOrdersOptions,
	results: (SendOrderResult | undefined)[],
): Promise<void> {
	let outcome: OrderImportResult;
	try {
		outcome = await client.importOrders(
			buildImportOrdersXml(
				batch.map((entry) => entry.order),
				options,
			),
		);
	} catch (error) {
		if (error instanceof KhaosFaultError && batch.length > 1) {
			for (const entry of batch) await sendBatch(client, [entry], options, results);
			return;
		}
		const unsure =
			error instanceof KhaosFaultError
				? ''
				: '; Khaos may or may not have imported it, and re-sending is safe';
		for (const entry of batch)
			results[entry.index] = failed(entry, `${describe(error)}${unsure}`, isRetryable(error));
		return;
	}
	for (const entry of batch) results[entry.index] = resultFor(entry, outcome);
}

/** An order whose order_id an earlier item of the same input already has. */
interface Duplicate {
	index: number;
	first: number;
	warnings: OrderProblem[];
}

/** A repeat of an order in the same input: sent once; the repeat is already imported when the first made it in. */
function sameAsFirst(
	duplicate: Duplicate,
	orders: readonly WebOrder[],
	first: SendOrderResult | undefined,
): SendOrderResult {
	const base = {
		index: duplicate.index,
		orderId: orders[duplicate.index]?.order_id,
		warnings: duplicate.warnings,
	};
	const note = `order_id ${base.orderId ?? ''} appears earlier in this input (item ${duplicate.first})`;
	if (first?.status === 'imported' || first?.status === 'already_imported') {
		return {
			index: base.index,
			order_id: base.orderId ?? '',
			warnings: base.warnings,
			status: 'already_imported',
			reason: `${note}, which Khaos has`,
		};
	}
	return failed(
		base,
		`${note}, which was not imported: ${first?.status === 'failed' ? first.reason : 'not processed'}`,
		first?.status === 'failed' ? first.retryable : true,
	);
}

interface PendingOrder {
	index: number;
	orderId: string;
	warnings: OrderProblem[];
	order: WebOrder;
}

function resultFor(entry: PendingOrder, outcome: OrderImportResult): SendOrderResult {
	const ref = normaliseRef(entry.orderId);
	const imported = outcome.imported.find((item) => normaliseRef(item.associatedRef) === ref);
	if (imported) {
		return {
			index: entry.index,
			order_id: entry.orderId,
			warnings: entry.warnings,
			status: 'imported',
			salesOrderCode: imported.salesOrderCode,
			customerCode: imported.urn || null,
			message: imported.msg || null,
		};
	}
	const skipped = outcome.skipped.find((item) => normaliseRef(item.orderRef) === ref);
	if (skipped?.kind === 'already_imported') {
		return {
			index: entry.index,
			order_id: entry.orderId,
			warnings: entry.warnings,
			status: 'already_imported',
			reason: skipped.skipReason,
		};
	}
	if (skipped)
		return failed(
			entry,
			`Khaos skipped the order: ${skipped.skipReason || 'no reason given'}`,
			false,
		);
	return failed(
		entry,
		'Khaos reported this order neither imported nor skipped; re-sending is safe',
		true,
	);
}

function failed(
	entry: { index: number; orderId: string | undefined; warnings: OrderProblem[] },
	reason: string,
	retryable: boolean,
): SendOrderResult & { status: 'failed' } {
	return {
		index: entry.index,
		order_id: entry.orderId ?? '',
		warnings: entry.warnings,
		status: 'failed',
		reason,
		retryable,
	};
}

function orderSkus(order: WebOrder): string[] {
	return [...new Set(order.lines.map((line) => line.sku.trim()))];
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function isRetryable(error: unknown): boolean {
	return error instanceof KhaosError ? error.retryable : false;
}

function normaliseRef(value: string | undefined): string {
	return (value ?? '').trim().toUpperCase();
}

const ZERO_TIME = '1899-12-30T00:00:00';
