/**
 * Web orders into Khaos: an order checked against the guide's field rules, and the
 * KSDXMLImportFormat document for ImportOrders (header, lines, payments; the customer in
 * order-customer-xml.ts, the prices in order-prices.ts). The order (web-order.ts), its checks and
 * the TOrderImportResult that comes back are exported from here too.
 */
import { DateTime } from 'luxon';

import {
	KHAOS_FIELD_LIMITS,
	OrderChecker,
	OrderValidationError,
	clean,
	type OrderProblem,
} from './order-checks';
import { customerNode } from './order-customer-xml';
import { checkedMoney, deliveryGross, linePrices } from './order-prices';
import { formatMoney, khaosFlag } from './values';
import type { ImportOrdersOptions, WebOrder, WebOrderPayment } from './web-order';
import { buildXml, optionalElement, xmlElement, type XmlNode } from './xml';

export * from './order-checks';
export * from './order-import-result';
export * from './web-order';

/** Every problem with one order: errors (it will not be sent) and warnings (values that were shortened or left out). */
export function validateOrder(order: WebOrder, options: ImportOrdersOptions = {}): OrderProblem[] {
	const checker = new OrderChecker();
	salesOrderNode(order, options, checker);
	return checker.problems;
}

/**
 * The KSDXMLImportFormat document for ImportOrders. Throws OrderValidationError, sending nothing,
 * when any order has errors; run validateOrder first to send the good ones.
 */
export function buildImportOrdersXml(
	orders: readonly WebOrder[],
	options: ImportOrdersOptions = {},
): string {
	const failures = new Map<string, OrderProblem[]>();
	const nodes = orders.map((order, index) => {
		const checker = new OrderChecker();
		const node = salesOrderNode(order, options, checker);
		const errors = checker.problems.filter((problem) => problem.severity === 'error');
		if (errors.length > 0) failures.set(clean(order.order_id) || `order ${index + 1}`, errors);
		return node;
	});
	if (failures.size > 0) throw new OrderValidationError(failures);
	return buildXml(xmlElement('SALES_ORDERS', nodes));
}

function salesOrderNode(
	order: WebOrder,
	options: ImportOrdersOptions,
	checker: OrderChecker,
): XmlNode {
	if (order.is_refund)
		checker.error('is_refund', 'refunds cannot be imported into Khaos as web orders');
	return xmlElement('SALES_ORDER', [
		customerNode(order, options, checker),
		paymentsNode(order, checker),
		headerNode(order, options, checker),
		itemsNode(order, options, checker),
	]);
}

/** PAYMENT_TYPE codes: 0 cash, 1 cheque, 2 credit card, 3 account, 4 voucher. Anything unrecognised is a card/PSP payment. */
export function khaosPaymentType(method: string): 0 | 1 | 2 | 3 | 4 {
	const normalised = method.toLowerCase();
	if (/\bcash\b/.test(normalised)) return 0;
	if (/\bcheq|\bcheck\b/.test(normalised)) return 1;
	if (/voucher|gift/.test(normalised)) return 4;
	if (/\baccount\b|invoice|on.?account|bank.?transfer|bacs/.test(normalised)) return 3;
	return 2;
}

function paymentsNode(order: WebOrder, checker: OrderChecker): XmlNode | undefined {
	const payments: WebOrderPayment[] =
		order.payments ??
		(clean(order.payment_method)
			? [{ method: clean(order.payment_method), amount: order.order_total }]
			: []);
	if (payments.length === 0) return undefined;
	return xmlElement(
		'PAYMENTS',
		payments.map((payment, index) => {
			const field = `payments[${index}]`;
			const amount = checkedMoney(checker, `${field}.amount`, payment.amount);
			const type = khaosPaymentType(payment.method ?? '');
			// A card payment with an AUTH_CODE is recorded as already taken; the web store has taken it.
			const authCode =
				type === 2
					? clean(payment.auth_code) ||
						clean(payment.reference) ||
						clean(payment.method).toUpperCase()
					: clean(payment.auth_code);
			return xmlElement('PAYMENT_DETAIL', [
				xmlElement('PAYMENT_AMOUNT', formatMoney(amount)),
				xmlElement('PAYMENT_TYPE', type),
				optionalElement('CARD_TYPE', clean(payment.card_type)),
				xmlElement('PREAUTH', khaosFlag(false)),
				optionalElement('AUTH_CODE', authCode),
				optionalElement('TRANSACTION_ID', clean(payment.reference)),
			]);
		}),
	);
}

function headerNode(order: WebOrder, options: ImportOrdersOptions, checker: OrderChecker): XmlNode {
	const currency = clean(order.currency).toUpperCase();
	if (currency !== '' && !/^[A-Z]{3}$/.test(currency))
		checker.error('currency', `"${currency}" is not a 3-letter currency code`);
	return xmlElement('ORDER_HEADER', [
		xmlElement(
			'ORDER_DATE',
			khaosOrderDate(order.purchase_date, options.timeZone ?? 'Europe/London', checker),
		),
		xmlElement(
			'ORDER_AMOUNT',
			formatMoney(checkedMoney(checker, 'order_total', order.order_total)),
		),
		optionalElement('ORDER_CURRENCY_CODE', currency),
		optionalElement('SITE', clean(options.site)),
		xmlElement(
			'ASSOCIATED_REF',
			checker.exact(
				'order_id',
				checker.required('order_id', order.order_id),
				KHAOS_FIELD_LIMITS.associatedRef,
			),
		),
		optionalElement('ORDER_NOTE', checker.cut('notes', order.notes, KHAOS_FIELD_LIMITS.notes)),
		// Always sent: without it Khaos would add its own delivery charge to an order already paid for.
		xmlElement('DELIVERY_GRS', formatMoney(deliveryGross(order, checker))),
		optionalElement('COURIER_DESC', clean(order.delivery?.method)),
		optionalElement('BRAND', clean(options.brand)),
		optionalElement('SALES_SOURCE', clean(options.salesSource)),
		optionalElement('WEBSITE_NAME', clean(options.websiteName)),
	]);
}

/** `yyyy-MM-dd HH:mm:ss` in Khaos's zone when the date carries a zone, as written when it does not. */
function khaosOrderDate(value: string, zone: string, checker: OrderChecker): string {
	const text = clean(value);
	const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);
	const parsed = hasZone
		? DateTime.fromISO(text, { setZone: true }).setZone(zone)
		: DateTime.fromISO(text.replace(' ', 'T'));
	if (!parsed.isValid) {
		checker.error('purchase_date', `"${text}" is not an ISO date`);
		return text;
	}
	return parsed.toFormat('yyyy-MM-dd HH:mm:ss');
}

function itemsNode(order: WebOrder, options: ImportOrdersOptions, checker: OrderChecker): XmlNode {
	const lines = order.lines ?? [];
	if (lines.length === 0) checker.error('lines', 'must hold at least one line');
	const prices = linePrices(order, checker);
	const priceTag = order.prices_include_tax ? 'PRICE_GRS' : 'PRICE_NET';
	return xmlElement(
		'ORDER_ITEMS',
		lines.map((line, index) => {
			const field = `lines[${index}]`;
			if (line.tax_code !== undefined && line.tax_code !== 1 && order.prices_include_tax) {
				checker.error(
					`${field}.tax_code`,
					'is not the standard rate: Khaos then needs net prices (prices_include_tax false)',
				);
			}
			return xmlElement('ORDER_ITEM', [
				xmlElement('STOCK_CODE', checker.required(`${field}.sku`, line.sku)),
				xmlElement('MAPPING_TYPE', options.mappingType ?? 1),
				optionalElement(
					'STOCK_DESC',
					checker.cut(`${field}.name`, line.name, KHAOS_FIELD_LIMITS.itemDescription),
				),
				xmlElement('ORDER_QTY', line.qty),
				xmlElement(priceTag, formatMoney(prices[index])),
				line.tax_code === undefined ? undefined : xmlElement('TAX_RATE', line.tax_code),
			]);
		}),
	);
}
