/**
 * Web orders as they arrive from other systems (JSON, often with numbers as text), read into the
 * WebOrder that sendOrders takes; and order status from Khaos summarised for a web store
 * (where the parcel is).
 */
import type { KhaosClient } from './client';
import type { OrderProblem } from './order-checks';
import type { OrderStatus } from './status';
import type { WebOrder } from './web-order';

export interface WebOrderInputOptions {
	/** Used when an order has no prices_include_tax of its own. */
	pricesIncludeTax?: boolean;
}

const ORDER_NUMBERS = [
	'order_subtotal',
	'discount_total',
	'tax_total',
	'delivery_total',
	'order_total',
] as const;
const LINE_NUMBERS = ['qty', 'unit_price', 'discount', 'line_total', 'tax_code'] as const;
const ORDER_TEXTS = [
	'order_id',
	'customer_id',
	'email',
	'store_code',
	'purchase_date',
	'currency',
	'status',
	'payment_method',
	'notes',
] as const;

/**
 * Reads one input item as a web order. Only the shape is checked here (objects where objects belong,
 * a list of lines, prices_include_tax known); numbers and yes/no written as text are converted.
 * Everything else (required fields, lengths, countries, amounts) is validateOrder's job.
 */
export function webOrderFromJson(
	value: unknown,
	options: WebOrderInputOptions = {},
): { order: WebOrder } | { problems: OrderProblem[] } {
	const problems: OrderProblem[] = [];
	const error = (field: string, message: string): void => {
		problems.push({ field, message, severity: 'error' });
	};
	if (!isObject(value))
		return {
			problems: [
				{
					field: '(item)',
					message:
						'is not a web order: expected an object with order_id, lines, customer and invoice_address',
					severity: 'error',
				},
			],
		};

	const order: Record<string, unknown> = { ...value };
	for (const field of ORDER_TEXTS)
		if (typeof order[field] === 'number') order[field] = String(order[field]);
	for (const field of ORDER_NUMBERS) order[field] = numberish(order[field]);
	order.is_refund = booleanish(order.is_refund);
	const included = booleanish(order.prices_include_tax) ?? options.pricesIncludeTax;
	if (included === undefined || included === null) {
		error(
			'prices_include_tax',
			'is required: true when unit prices include VAT, false when they exclude it (or set "Prices Include VAT" in the node)',
		);
	} else order.prices_include_tax = included;

	if (!Array.isArray(order.lines)) error('lines', 'must be a list of order lines');
	else {
		order.lines = order.lines.map((line, index) => {
			if (!isObject(line)) {
				error(`lines[${index}]`, 'must be an object with sku, qty and unit_price');
				return line;
			}
			const copy: Record<string, unknown> = { ...line };
			if (typeof copy.sku === 'number') copy.sku = String(copy.sku);
			if (typeof copy.sku !== 'string')
				error(`lines[${index}].sku`, 'is required: the Khaos stock code');
			for (const field of LINE_NUMBERS) copy[field] = numberish(copy[field]);
			return copy;
		});
	}
	for (const field of ['customer', 'invoice_address'] as const) {
		if (order[field] === undefined || order[field] === null) order[field] = {};
		else if (!isObject(order[field])) error(field, 'must be an object');
	}
	if (order.delivery_address === null) delete order.delivery_address;
	else if (order.delivery_address !== undefined && !isObject(order.delivery_address))
		error('delivery_address', 'must be an object');
	if (order.delivery === null) delete order.delivery;
	else if (order.delivery !== undefined) {
		if (!isObject(order.delivery)) error('delivery', 'must be an object with charge_gross');
		else
			order.delivery = { ...order.delivery, charge_gross: numberish(order.delivery.charge_gross) };
	}
	if (order.payments === null) delete order.payments;
	else if (order.payments !== undefined) {
		if (!Array.isArray(order.payments)) error('payments', 'must be a list');
		else
			order.payments = order.payments.map((payment, index) => {
				if (!isObject(payment)) {
					error(`payments[${index}]`, 'must be an object with method and amount');
					return payment;
				}
				return { ...payment, amount: numberish(payment.amount) };
			});
	}
	return problems.length > 0 ? { problems } : { order: order as unknown as WebOrder };
}

/** Where an order's parcel is: the consignment of its most advanced invoice (or packed box) that has one. */
export interface OrderTracking {
	consignment_ref: string | null;
	tracking_url: string | null;
	courier: string | null;
}

export function orderTracking(status: OrderStatus): OrderTracking {
	const candidates = [...status.invoices].reverse().flatMap((invoice) => [
		...[...invoice.boxes].reverse().map((box) => ({
			consignment_ref: box.consignment_ref,
			tracking_url: box.tracking_url,
			courier: box.courier ?? invoice.courier,
		})),
		{
			consignment_ref: invoice.consignment_ref,
			tracking_url: invoice.tracking_url,
			courier: invoice.courier,
		},
	]);
	const found = candidates.find(
		(candidate) => candidate.consignment_ref !== null || candidate.tracking_url !== null,
	);
	return (
		found ?? {
			consignment_ref: null,
			tracking_url: null,
			courier:
				status.courier ?? status.invoices.find((invoice) => invoice.courier)?.courier ?? null,
		}
	);
}

/**
 * Khaos sales order codes for web order references (ASSOCIATED_REF), cancelled orders included.
 * Used to name the order that an "already imported" skip refers to; best effort, so a failure gives
 * an empty map rather than an error.
 */
export async function salesOrderCodes(
	client: KhaosClient,
	refs: readonly string[],
): Promise<Map<string, string>> {
	const codes = new Map<string, string>();
	const wanted = refs.map((ref) => ref.trim()).filter((ref) => ref !== '' && !ref.includes(','));
	if (wanted.length === 0) return codes;
	try {
		const statuses = await client.exportOrderStatusEx({
			ids: wanted,
			mappingType: 4,
			includeCancelled: true,
		});
		for (const status of statuses)
			if (status.sales_order_code)
				codes.set(status.associated_ref.trim().toUpperCase(), status.sales_order_code);
	} catch {
		// The orders are in Khaos either way; only the code is missing from the report.
	}
	return codes;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "12.50" → 12.5; other values unchanged (validateOrder reports what is still not a number). */
function numberish(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const text = value.trim();
	if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return value;
	return Number(text);
}

function booleanish(value: unknown): boolean | null | undefined {
	if (typeof value === 'boolean' || value === undefined || value === null) return value;
	const text = String(value).trim().toLowerCase();
	if (['true', 'yes', 'y', '1', '-1'].includes(text)) return true;
	if (['false', 'no', 'n', '0'].includes(text)) return false;
	return undefined;
}
