/**
 * Order status from Khaos: ExportOrderStatusEx (KSDXMLOrderStatusEx) and the basic ExportOrderStatus
 * (KSDXMLOrderStatus), both read into one shape. Dates, which these exports write DD/MM/YYYY, come
 * out as ISO yyyy-MM-dd.
 */
import { nonBlank, parseKhaosBoolean, parseKhaosDate, parseNumber } from './values';
import {
	attribute,
	childElement,
	childElements,
	childText,
	parseXml,
	type XmlElement,
} from './xml';

/** Invoice stage IDs (KSDXMLOrderStatusEx) and what they mean to a customer. */
const STAGE_LABELS: Readonly<Record<number, string>> = {
	1: 'cancelled',
	9: 'released',
	10: 'released',
	11: 'awaiting payment',
	12: 'picking',
	13: 'packing',
	14: 'shipping',
	15: 'printing',
	16: 'awaiting issue',
	17: 'on hold',
	18: 'on hold',
	19: 'on hold',
	20: 'processing',
	21: 'on hold',
	70: 'issued',
	71: 'issued',
};

/** How far along each stage is; an order is as far along as its least advanced invoice. */
const STAGE_PROGRESS: Readonly<Record<number, number>> = {
	11: 0,
	17: 1,
	18: 1,
	19: 1,
	21: 1,
	9: 2,
	10: 2,
	12: 3,
	20: 3,
	13: 4,
	15: 4,
	14: 5,
	16: 6,
	70: 7,
	71: 7,
	1: 8,
};

export function stageLabel(stageId: number | null): string | null {
	if (stageId === null) return null;
	return STAGE_LABELS[stageId] ?? `stage ${stageId}`;
}

export interface OrderStatus {
	sales_order_code: string; // Khaos sales order code
	associated_ref: string; // the web order reference
	customer_code: string | null; // Khaos customer code (URN)
	customer_other_ref: string | null; // the web store's customer reference
	company_name: string | null;
	order_type: string | null; // "Sales Order" or "Credit Note"
	courier: string | null;
	currency: string | null;
	date_created: string | null; // ISO date
	delivery_date: string | null; // ISO date
	items_total: number | null; // gross
	items_total_net: number | null;
	delivery_total: number | null; // gross
	delivery_total_net: number | null;
	stage_id: number | null; // stage of the least advanced invoice; null without invoices
	stage: string | null; // released, awaiting payment, picking, packing, shipping, awaiting issue, on hold, issued…
	complete: boolean; // all items issued
	cancelled: boolean;
	cancellation: { date: string | null; reason: string | null; user: string | null } | null;
	invoices: OrderInvoice[];
}

export interface OrderInvoice {
	invoice_code: string;
	stage_id: number | null;
	stage: string | null; // our label for stage_id
	stage_desc: string | null; // Khaos's own stage name (e.g. MANUALHOLD)
	invoice_date: string | null; // ISO date
	ship_date: string | null; // ISO date
	issue_date: string | null; // ISO date
	courier: string | null;
	consignment_ref: string | null; // tracking number
	tracking_url: string | null;
	qty_sold: number | null;
	qty_sent: number | null;
	moved: boolean | null; // stage changed since the last update
	boxes: InvoiceBox[]; // packed boxes, when shipped in several
	items: { stock_code: string; qty_sent: number | null }[]; // with ShowItems
}

export interface InvoiceBox {
	shipped: boolean | null;
	ship_date: string | null;
	courier: string | null;
	consignment_ref: string | null;
	tracking_url: string | null;
	items: { stock_code: string; qty_sent: number | null }[];
}

/** Reads an ExportOrderStatusEx result. */
export function parseOrderStatusEx(xml: string): OrderStatus[] {
	return childElements(parseXml(xml), 'ORDER_STATUS').map((status) => {
		const company = childElement(status, 'COMPANY_NAME');
		const cancelled = childElement(status, 'CANCELLED');
		const isCancelled =
			cancelled !== undefined &&
			(cancelled.children.length > 0 || parseKhaosBoolean(cancelled.text) === true);
		const invoices = childElements(childElement(status, 'INVOICES'), 'INVOICE').map(readInvoice);
		const stageId = orderStage(invoices.map((invoice) => invoice.stage_id));
		return {
			sales_order_code: attribute(status, 'SORDER_CODE'),
			associated_ref: attribute(status, 'ASSOCIATED_REF'),
			customer_code: nonBlank(attribute(company, 'COMPANY_CODE')),
			customer_other_ref: nonBlank(attribute(company, 'OTHER_REF')),
			company_name: nonBlank(company?.text),
			order_type: nonBlank(childText(status, 'ORDER_TYPE')),
			courier: nonBlank(childText(status, 'COURIER')),
			currency: nonBlank(childText(status, 'CURRENCY_CODE')),
			date_created: parseKhaosDate(childText(status, 'DATE_CREATED')),
			delivery_date: parseKhaosDate(childText(status, 'DELIVERY_DATE')),
			items_total: parseNumber(childText(status, 'ITEMS_TOTAL')),
			items_total_net: parseNumber(attribute(childElement(status, 'ITEMS_TOTAL'), 'NET_VALUE')),
			delivery_total: parseNumber(childText(status, 'DELIVERY_TOTAL')),
			delivery_total_net: parseNumber(
				attribute(childElement(status, 'DELIVERY_TOTAL'), 'NET_VALUE'),
			),
			stage_id: stageId,
			stage: stageLabel(stageId),
			complete: parseKhaosBoolean(childText(status, 'COMPLETE')) === true,
			cancelled: isCancelled,
			cancellation: isCancelled
				? {
						date: parseKhaosDate(childText(cancelled, 'CANCELLED_DATE_TIME')),
						reason: nonBlank(childText(cancelled, 'REASON')),
						user: nonBlank(childText(cancelled, 'USER_NAME')),
					}
				: null,
			invoices,
		};
	});
}

function readInvoice(invoice: XmlElement): OrderInvoice {
	const stageId = parseNumber(attribute(invoice, 'INVOICE_STAGE_ID'));
	return {
		invoice_code: attribute(invoice, 'INVOICE_CODE'),
		stage_id: stageId,
		stage: stageLabel(stageId),
		stage_desc: nonBlank(attribute(invoice, 'INVOICE_STAGE_DESC')),
		invoice_date: parseKhaosDate(attribute(invoice, 'INVOICE_DATE')),
		ship_date: parseKhaosDate(attribute(invoice, 'SHIP_DATE')),
		issue_date: parseKhaosDate(attribute(invoice, 'ISSUE_DATE')),
		courier: nonBlank(attribute(invoice, 'COURIER')),
		consignment_ref: nonBlank(attribute(invoice, 'CONSIGNMENT_REF')),
		tracking_url: nonBlank(attribute(invoice, 'TRACKING_URL')),
		qty_sold: parseNumber(attribute(invoice, 'QTY_SOLD')),
		qty_sent: parseNumber(attribute(invoice, 'QTY_SENT')),
		moved: parseKhaosBoolean(attribute(invoice, 'MOVED')),
		boxes: childElements(invoice, 'BOX').map((box) => ({
			shipped: parseKhaosBoolean(attribute(box, 'SHIPPED')),
			ship_date: parseKhaosDate(attribute(box, 'SHIP_DATE')),
			courier: nonBlank(attribute(box, 'COURIER')),
			consignment_ref: nonBlank(attribute(box, 'CONSIGNMENT_REF')),
			tracking_url: nonBlank(attribute(box, 'TRACKING_URL')),
			items: readItems(box, 'BOX_ITEM'),
		})),
		items: readItems(childElement(invoice, 'INVOICE_ITEMS'), 'INVOICE_ITEM'),
	};
}

function readItems(
	parent: XmlElement | undefined,
	name: string,
): { stock_code: string; qty_sent: number | null }[] {
	return childElements(parent, name).map((item) => ({
		stock_code: attribute(item, 'STOCK_CODE'),
		qty_sent: parseNumber(attribute(item, 'QTY_SENT')),
	}));
}

function orderStage(stageIds: readonly (number | null)[]): number | null {
	const known = stageIds.filter((id): id is number => id !== null);
	if (known.length === 0) return null;
	return known.reduce((least, id) =>
		(STAGE_PROGRESS[id] ?? 0) < (STAGE_PROGRESS[least] ?? 0) ? id : least,
	);
}

/**
 * Reads the basic ExportOrderStatus result: one ORDER per invoice, grouped here into one status per
 * order. It carries no totals, dates or cancellations; those fields are null/false.
 */
export function parseOrderStatus(xml: string): OrderStatus[] {
	const byOrder = new Map<string, XmlElement[]>();
	for (const entry of childElements(parseXml(xml), 'ORDER')) {
		const key = `${attribute(entry, 'ID')}\u0000${attribute(entry, 'REF')}`;
		byOrder.set(key, [...(byOrder.get(key) ?? []), entry]);
	}
	return [...byOrder.values()].map((entries) => {
		const first = entries[0];
		const stageId = orderStage(entries.map((entry) => parseNumber(entry.text)));
		return {
			...emptyStatus(
				attribute(first, 'ID'),
				attribute(first, 'REF'),
				nonBlank(attribute(first, 'URN')),
			),
			stage_id: stageId,
			stage: stageLabel(stageId),
			complete: entries.some((entry) => parseKhaosBoolean(attribute(entry, 'COMPLETE')) === true),
			invoices: entries
				.filter((entry) => attribute(entry, 'INVOICE') !== '')
				.map((entry) =>
					basicInvoice(
						attribute(entry, 'INVOICE'),
						parseNumber(entry.text),
						nonBlank(attribute(entry, 'CONSIGNMENT')),
					),
				),
		};
	});
}

function emptyStatus(
	salesOrderCode: string,
	associatedRef: string,
	customerCode: string | null,
): OrderStatus {
	return {
		sales_order_code: salesOrderCode,
		associated_ref: associatedRef,
		customer_code: customerCode,
		customer_other_ref: null,
		company_name: null,
		order_type: null,
		courier: null,
		currency: null,
		date_created: null,
		delivery_date: null,
		items_total: null,
		items_total_net: null,
		delivery_total: null,
		delivery_total_net: null,
		stage_id: null,
		stage: null,
		complete: false,
		cancelled: false,
		cancellation: null,
		invoices: [],
	};
}

function basicInvoice(
	invoiceCode: string,
	stageId: number | null,
	consignmentRef: string | null,
): OrderInvoice {
	return {
		invoice_code: invoiceCode,
		stage_id: stageId,
		stage: stageLabel(stageId),
		stage_desc: null,
		invoice_date: null,
		ship_date: null,
		issue_date: null,
		courier: null,
		consignment_ref: consignmentRef,
		tracking_url: null,
		qty_sold: null,
		qty_sent: null,
		moved: null,
		boxes: [],
		items: [],
	};
}
