/**
 * Canonical orders and products as Insight data records. Key names and value types are fixed here:
 * Dotdigital fixes a collection's schema from its first record and rejects later type changes, so a
 * number is always a number, text is always text, and a missing value is left out, never sent as
 * another type. No record holds an array inside an array.
 */
import { normaliseEmail } from './contacts';
import type { RecordFailure } from './results';
import type { DotdigitalTransport } from './transport';

export const COLLECTION_NAME = /^[-A-Za-z_][-A-Za-z0-9_]{1,255}$/;

export interface InsightRecord {
	key: string;
	contactIdentity?: { identifier: 'email'; value: string };
	json: Record<string, unknown>;
}

/** A record that cannot be sent, with its key when it has one. */
export type KeyedFailure = RecordFailure & { key?: string };

export function collectionNameProblem(name: string): string | undefined {
	if (COLLECTION_NAME.test(name)) return undefined;
	return `"${name}" cannot be an Insight data collection name: start with a letter, _ or -, then use letters, digits, _ or - (2 to 256 characters)`;
}

export function orderRecord(order: Record<string, unknown>): InsightRecord | KeyedFailure {
	const id = text(order.order_id);
	if (!id)
		return {
			code: 'missingOrderId',
			description: 'The order has no order ID, which is its key in Dotdigital',
			retryable: false,
			owner: 'till data',
		};
	const email = normaliseEmail(order.email);
	if (!email) {
		const customer = text(order.customer_id);
		return {
			key: id,
			code: 'customerLookupFailed',
			description: customer
				? `The order has no email address, and customer ID ${customer} is not in the customer index yet: sync the customer file that has this customer first`
				: 'The order has no email address, so it cannot be linked to a Dotdigital contact',
			retryable: false,
			owner: 'till data',
		};
	}
	const lines = Array.isArray(order.lines) ? (order.lines as Array<Record<string, unknown>>) : [];
	const json = compact({
		id,
		email,
		customer_id: text(order.customer_id),
		purchase_date: dotdigitalDate(order.purchase_date),
		currency: text(order.currency),
		order_status: text(order.status) || (order.is_refund === true ? 'refunded' : 'completed'),
		order_subtotal: money(order.order_subtotal),
		discount_amount: money(order.discount_total),
		tax_amount: money(order.tax_total),
		delivery_total: money(order.delivery_total),
		order_total: money(order.order_total),
		payment: text(order.payment_method),
		store_name: text(order.store_code),
		is_refund: order.is_refund === true,
		products: lines.map((line) =>
			compact({
				sku: text(line.sku),
				name: text(line.name),
				category: text(line.category),
				qty: money(line.qty),
				price: money(line.unit_price),
				discount: money(line.discount),
				line_total: money(line.line_total),
			}),
		),
		custom: customText(order.custom),
	});
	return { key: id, contactIdentity: { identifier: 'email', value: email }, json };
}

export function productRecord(product: Record<string, unknown>): InsightRecord | KeyedFailure {
	const sku = text(product.sku);
	if (!sku)
		return {
			code: 'missingSku',
			description: 'The product has no SKU, which is its key in the catalogue',
			retryable: false,
			owner: 'till data',
		};
	const tags = Array.isArray(product.tags)
		? product.tags.map(text).filter(Boolean)
		: text(product.tags)
			? text(product.tags)
					.split(',')
					.map((tag) => tag.trim())
					.filter(Boolean)
			: [];
	const json = compact({
		id: sku,
		sku,
		parent_sku: text(product.parent_sku),
		name: text(product.name),
		summary: text(product.summary),
		description: text(product.description),
		price: money(product.price),
		sale_price: money(product.sale_price),
		currency: text(product.currency),
		category: text(product.category),
		brand: text(product.brand),
		size: text(product.size),
		colour: text(product.colour),
		style: text(product.style),
		barcode: text(product.barcode),
		stock: money(product.stock_level),
		image_url: text(product.image_url),
		tags: tags.length > 0 ? tags : undefined,
		active: typeof product.active === 'boolean' ? product.active : undefined,
		updated_at: dotdigitalDate(product.updated_at),
		custom: customText(product.custom),
	});
	return { key: sku, json };
}

function text(value: unknown): string {
	if (value === null || value === undefined) return '';
	return (typeof value === 'string' ? value : String(value)).trim();
}

function money(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && value.trim() !== '') {
		const number = Number(value);
		return Number.isFinite(number) ? number : undefined;
	}
	return undefined;
}

/** Dotdigital's documented form, in UTC: 2020-11-03 13:03:32+00:00. */
function dotdigitalDate(value: unknown): string | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const time = Date.parse(value);
	if (Number.isNaN(time)) return undefined;
	return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

/** Custom fields as text, so a column that holds numbers in one file and words in the next cannot break the schema. */
function customText(custom: unknown): Record<string, string> | undefined {
	if (!custom || typeof custom !== 'object') return undefined;
	const result = Object.create(null) as Record<string, string>;
	for (const [name, value] of Object.entries(custom)) {
		const asText =
			value !== null && typeof value === 'object' ? JSON.stringify(value) : text(value);
		if (asText !== '') result[name] = asText;
	}
	return Object.keys(result).length > 0 ? result : undefined;
}

function compact<T extends Record<string, unknown>>(record: T): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(record)) {
		if (value === undefined || value === '') continue;
		result[name] = value;
	}
	return result;
}

export interface InsightCollection {
	name: string;
	/** What the collection holds, e.g. "orders" or "catalog". */
	type: string;
	/** "contact" (each record belongs to a contact) or "account". */
	scope: string;
}

/** Every Insight data collection of the account. */
export async function listCollections(
	transport: DotdigitalTransport,
): Promise<InsightCollection[]> {
	const { body } = await transport.request<
		Array<{ collectionName?: unknown; collectionType?: unknown; collectionScope?: unknown }>
	>('GET', '/insightData/v3/collections', { call: 'list Insight collections' });
	return (Array.isArray(body) ? body : [])
		.filter((entry) => typeof entry?.collectionName === 'string')
		.map((entry) => ({
			name: String(entry.collectionName),
			type: String(entry.collectionType ?? ''),
			scope: String(entry.collectionScope ?? ''),
		}));
}
