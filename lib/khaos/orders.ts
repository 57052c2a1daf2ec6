/**
 * Web orders into Khaos: the canonical order this package accepts, its validation against the
 * guide's field rules, the KSDXMLImportFormat document for ImportOrders, and the TOrderImportResult
 * that comes back.
 */
import { DateTime } from 'luxon';

import { toAlpha3CountryCode } from './countries';
import {
	KHAOS_FIELD_LIMITS,
	OrderChecker,
	OrderValidationError,
	clean,
	splitAtWord,
	type OrderProblem,
} from './order-checks';
import { formatMoney, khaosFlag, roundMoney } from './values';
import { buildXml, xmlElement, type XmlContent, type XmlNode } from './xml';

export * from './order-checks';
export * from './order-import-result';

// ---- the canonical web order ----

export interface WebOrder {
	order_id: string; // the web order reference; becomes ASSOCIATED_REF, Khaos's duplicate check (max 15)
	customer_id?: string; // the web store's customer ID; becomes the customer's OTHER_REF, Khaos's preferred match (max 30)
	email?: string; // used when customer.email is empty
	store_code?: string; // the store or channel the order came from (not sent to Khaos)
	purchase_date: string; // ISO date or date-time; with a zone it is converted to the Khaos time zone
	currency?: string; // ISO 4217 code; blank = Khaos's system currency
	status?: string; // web status (not sent to Khaos)
	order_subtotal?: number; // lines before discounts (checks only)
	discount_total?: number; // all discounts; the part not in line discounts is spread over the lines
	tax_total?: number; // VAT charged (checks only)
	delivery_total?: number; // delivery charge incl. VAT, used when `delivery` is absent
	order_total: number; // what the customer was charged; becomes ORDER_AMOUNT, Khaos's cross-check
	payment_method?: string; // used as the one payment when `payments` is absent
	is_refund?: boolean; // refunds cannot be imported as orders and are rejected
	prices_include_tax: boolean; // true: unit prices include VAT (PRICE_GRS); false: they exclude it (PRICE_NET)
	lines: WebOrderLine[]; // at least one
	customer: WebOrderCustomer;
	invoice_address: WebOrderAddress;
	delivery_address?: WebOrderAddress; // left out of the XML when it equals the invoice address
	payments?: WebOrderPayment[];
	delivery?: { method?: string; charge_gross: number }; // method becomes COURIER_DESC: it must match a courier in Khaos
	notes?: string; // customer's note; becomes ORDER_NOTE (shown on the delivery note, max 2000)
	custom?: Record<string, unknown>; // kept for the caller, not sent
}

export interface WebOrderLine {
	sku: string; // Khaos Stock Code (or what mappingType says); for bundles the Pack's own code
	name?: string; // line description on Khaos paperwork (max 250); blank = Khaos's own description
	qty: number; // more than 0
	unit_price: number; // per unit before discounts, incl. or excl. VAT as prices_include_tax says
	discount?: number; // total discount on this line (not per unit), same VAT basis
	line_total?: number; // line after its discount; only checked against the above
	tax_code?: number; // Khaos TAX_RATE code (1 standard, 2 zero, 4 reduced); needs net prices unless 1
}

export interface WebOrderCustomer {
	first_name?: string;
	last_name: string; // Khaos needs a surname to match or create the customer
	title?: string;
	company?: string;
	email?: string;
	phone?: string;
	mobile?: string;
}

export interface WebOrderAddress {
	name?: string; // contact name at this address when not the customer's own
	company?: string;
	address_1: string;
	address_2?: string;
	address_3?: string;
	town: string;
	county?: string;
	postcode: string;
	country_code: string; // ISO 3166 alpha-2 (alpha-3 accepted); sent as Khaos's 3-letter code
}

export interface WebOrderPayment {
	method: string; // card, paypal, cash, cheque, voucher/gift card, account…: decides PAYMENT_TYPE
	amount: number;
	reference?: string; // the payment provider's transaction ID; becomes TRANSACTION_ID
	auth_code?: string; // the provider's authorisation code; becomes AUTH_CODE
	card_type?: string; // Visa, Amex…
}

export interface ImportOrdersOptions {
	/** SALES_SOURCE: must already exist in Khaos (case-sensitive). */
	salesSource?: string;
	/** WEBSITE_NAME: Khaos then takes line descriptions from that website's web categories. */
	websiteName?: string;
	/** SITE: the stock control site that fulfils the orders, by name ("Main Site"). */
	site?: string;
	/** MAPPING_TYPE for every line: 1 stock code (default), 2 other ref, 5 barcode, -1 automatic. */
	mappingType?: number;
	/** COMPANY_CLASS for customers Khaos creates: must already exist in Khaos. */
	companyClass?: string;
	/** BRAND for brand-specific paperwork: must already exist in Khaos. */
	brand?: string;
	/** Zone that zoned purchase dates are converted to. Default Europe/London. */
	timeZone?: string;
}

// ---- validation and XML ----

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

function customerNode(
	order: WebOrder,
	options: ImportOrdersOptions,
	checker: OrderChecker,
): XmlNode {
	const customer = order.customer ?? ({} as WebOrderCustomer);
	const company = customer.company ?? order.invoice_address?.company;
	const delivery =
		order.delivery_address && !sameAddress(order.delivery_address, order.invoice_address)
			? order.delivery_address
			: undefined;
	return xmlElement('CUSTOMER_DETAIL', [
		// 0 lets Khaos find the existing customer (the guide's recommendation) instead of always creating one.
		xmlElement('IS_NEW_CUSTOMER', khaosFlag(false)),
		optional(
			'OTHER_REF',
			checker.exact('customer_id', order.customer_id, KHAOS_FIELD_LIMITS.customerOtherRef),
		),
		optional('COMPANY_CLASS', clean(options.companyClass)),
		optional(
			'COMPANY_NAME',
			checker.cut('customer.company', company, KHAOS_FIELD_LIMITS.companyName),
		),
		xmlElement('ADDRESSES', [
			addressNode('I', 'invoice_address', order.invoice_address, order, checker),
			delivery ? addressNode('D', 'delivery_address', delivery, order, checker) : undefined,
		]),
	]);
}

function addressNode(
	prefix: 'I' | 'D',
	field: string,
	address: WebOrderAddress | undefined,
	order: WebOrder,
	checker: OrderChecker,
): XmlNode {
	const tag = (name: string): string => `${prefix}${name}`;
	if (!address) {
		checker.error(field, 'is required');
		return xmlElement(prefix === 'I' ? 'INVADDR' : 'DELADDR');
	}
	const customer = order.customer ?? ({} as WebOrderCustomer);
	const contact = contactName(address, customer);
	const [line1, line2, line3] = wrapAddressLines(
		field,
		[address.address_1, address.address_2, address.address_3],
		checker,
	);
	if (line1 === '') checker.error(`${field}.address_1`, 'is required');
	const country = clean(address.country_code);
	const countryCode = country === '' ? '' : toAlpha3CountryCode(country);
	if (countryCode === null)
		checker.error(`${field}.country_code`, `"${country}" is not an ISO country code`);
	if (country === '')
		checker.warn(`${field}.country_code`, 'is blank: Khaos will use its default country');
	if (prefix === 'I' && contact.surname === '')
		checker.error('customer.last_name', 'is required: Khaos needs a surname for the customer');
	const phone = (name: string, value: string | undefined): string =>
		checker.dropIfLong(name, value, KHAOS_FIELD_LIMITS.telephone, (text) =>
			text.replace(/[\s().-]/g, ''),
		);
	return xmlElement(prefix === 'I' ? 'INVADDR' : 'DELADDR', [
		xmlElement(tag('ADDRESS1'), line1),
		optional(tag('ADDRESS2'), line2),
		optional(tag('ADDRESS3'), line3),
		xmlElement(
			tag('TOWN'),
			checker.cut(
				`${field}.town`,
				checker.required(`${field}.town`, address.town),
				KHAOS_FIELD_LIMITS.addressLine,
			),
		),
		optional(
			tag('COUNTY'),
			checker.cut(`${field}.county`, address.county, KHAOS_FIELD_LIMITS.addressLine),
		),
		xmlElement(
			tag('POSTCODE'),
			checker.exact(
				`${field}.postcode`,
				checker.required(`${field}.postcode`, address.postcode),
				KHAOS_FIELD_LIMITS.postcode,
			),
		),
		optional(tag('COUNTRY_CODE'), countryCode ?? ''),
		optional(tag('TITLE'), checker.cut('customer.title', customer.title, KHAOS_FIELD_LIMITS.title)),
		optional(
			tag('FORENAME'),
			checker.cut(`${field}.name`, contact.forename, KHAOS_FIELD_LIMITS.forename),
		),
		optional(
			tag('SURNAME'),
			checker.cut(`${field}.name`, contact.surname, KHAOS_FIELD_LIMITS.surname),
		),
		optional(tag('TEL'), phone('customer.phone', customer.phone)),
		optional(tag('MOBILE'), phone('customer.mobile', customer.mobile)),
		optional(tag('EMAIL'), contactEmail(customer, order, checker)),
		optional(
			tag('ORGANISATION'),
			checker.cut(`${field}.company`, address.company, KHAOS_FIELD_LIMITS.companyName),
		),
	]);
}

/** The customer's e-mail, else the order's, whichever first fits Khaos's limit. */
function contactEmail(customer: WebOrderCustomer, order: WebOrder, checker: OrderChecker): string {
	const emails = [customer.email, order.email].map(clean).filter(Boolean);
	return (
		emails.find((email) => email.length <= KHAOS_FIELD_LIMITS.email) ??
		checker.dropIfLong('customer.email', emails[0], KHAOS_FIELD_LIMITS.email)
	);
}

/** An address-level name wins over the customer's; its last word is taken as the surname. */
function contactName(
	address: WebOrderAddress,
	customer: WebOrderCustomer,
): { forename: string; surname: string } {
	const name = clean(address.name);
	if (name === '')
		return { forename: clean(customer.first_name), surname: clean(customer.last_name) };
	const space = name.lastIndexOf(' ');
	return space < 0
		? { forename: '', surname: name }
		: { forename: name.slice(0, space), surname: name.slice(space + 1) };
}

/** Overflow of a long line moves into the next line when that is empty; what is left over is cut, with a warning. */
function wrapAddressLines(
	field: string,
	input: readonly (string | undefined)[],
	checker: OrderChecker,
): string[] {
	const lines = input.map(clean);
	const limit = KHAOS_FIELD_LIMITS.addressLine;
	for (let index = 0; index < lines.length; index++) {
		if (lines[index].length <= limit) continue;
		const [head, rest] = splitAtWord(lines[index], limit);
		const lineField = `${field}.address_${index + 1}`;
		lines[index] = head;
		if (index + 1 < lines.length && lines[index + 1] === '') {
			lines[index + 1] = rest;
			checker.warn(
				lineField,
				`was longer than ${limit} characters: "${rest}" moved to address_${index + 2}`,
			);
		} else {
			checker.warn(
				lineField,
				`was cut to ${limit} characters for Khaos: "${head}" (lost: "${rest}")`,
			);
		}
	}
	return lines;
}

function sameAddress(a: WebOrderAddress, b: WebOrderAddress | undefined): boolean {
	if (!b) return false;
	const key = (address: WebOrderAddress): string =>
		[
			address.name,
			address.company,
			address.address_1,
			address.address_2,
			address.address_3,
			address.town,
			address.county,
			address.postcode,
			address.country_code,
		]
			.map((part) => clean(part).toLowerCase())
			.join('|');
	return key(a) === key(b);
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
				optional('CARD_TYPE', clean(payment.card_type)),
				xmlElement('PREAUTH', khaosFlag(false)),
				optional('AUTH_CODE', authCode),
				optional('TRANSACTION_ID', clean(payment.reference)),
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
		optional('ORDER_CURRENCY_CODE', currency),
		optional('SITE', clean(options.site)),
		xmlElement(
			'ASSOCIATED_REF',
			checker.exact(
				'order_id',
				checker.required('order_id', order.order_id),
				KHAOS_FIELD_LIMITS.associatedRef,
			),
		),
		optional('ORDER_NOTE', checker.cut('notes', order.notes, KHAOS_FIELD_LIMITS.notes)),
		// Always sent: without it Khaos would add its own delivery charge to an order already paid for.
		xmlElement('DELIVERY_GRS', formatMoney(deliveryGross(order, checker))),
		optional('COURIER_DESC', clean(order.delivery?.method)),
		optional('BRAND', clean(options.brand)),
		optional('SALES_SOURCE', clean(options.salesSource)),
		optional('WEBSITE_NAME', clean(options.websiteName)),
	]);
}

function deliveryGross(order: WebOrder, checker: OrderChecker): number {
	if (order.delivery)
		return checkedMoney(checker, 'delivery.charge_gross', order.delivery.charge_gross);
	return order.delivery_total === undefined
		? 0
		: checkedMoney(checker, 'delivery_total', order.delivery_total);
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
				optional(
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

/**
 * Unit prices with every discount already taken off. Khaos locks imported prices and never applies
 * discounts or keycodes itself (guide: "Dealing with Discounts"), so line discounts, and the part of
 * discount_total not in the lines, which is spread over the lines in proportion to their value, are
 * folded into the price. A discount that does not divide into whole pence per unit gives a warning.
 */
function linePrices(order: WebOrder, checker: OrderChecker): number[] {
	const lines = order.lines ?? [];
	const gross = lines.map((line, index) => {
		const field = `lines[${index}]`;
		if (!(typeof line.qty === 'number' && Number.isFinite(line.qty) && line.qty > 0))
			checker.error(`${field}.qty`, 'must be a number above 0');
		const unitPrice = checkedMoney(checker, `${field}.unit_price`, line.unit_price);
		const discount =
			line.discount === undefined ? 0 : checkedMoney(checker, `${field}.discount`, line.discount);
		const total = roundMoney(unitPrice * line.qty - discount);
		if (line.line_total !== undefined && Math.abs(total - line.line_total) >= 0.005) {
			checker.warn(
				`${field}.line_total`,
				`is ${formatMoney(line.line_total)} but unit_price × qty − discount is ${formatMoney(total)}; the latter is sent`,
			);
		}
		return total;
	});
	const lineDiscounts = roundMoney(lines.reduce((sum, line) => sum + (line.discount ?? 0), 0));
	const orderLevel =
		order.discount_total === undefined ? 0 : roundMoney(order.discount_total - lineDiscounts);
	const totals = orderLevel > 0 ? spread(gross, orderLevel) : gross;
	if (orderLevel > 0)
		checker.warn(
			'discount_total',
			`${formatMoney(orderLevel)} of order discount was spread over the lines' prices`,
		);

	const prices = lines.map((line, index) =>
		line.qty > 0 ? roundMoney(totals[index] / line.qty) : 0,
	);
	lines.forEach((line, index) => {
		const sent = roundMoney(prices[index] * line.qty);
		if (line.qty > 0 && Math.abs(sent - totals[index]) >= 0.005) {
			const uneven = `does not divide evenly over ${line.qty} units: Khaos will total the line at ${formatMoney(sent)}, not ${formatMoney(totals[index])}`;
			checker.warn(`lines[${index}].discount`, uneven);
		}
	});
	if (order.prices_include_tax && Number.isFinite(order.order_total)) {
		const expected = roundMoney(
			lines.reduce((sum, line, index) => sum + prices[index] * line.qty, 0) +
				deliveryGross(order, new OrderChecker()),
		);
		if (Math.abs(expected - order.order_total) >= 0.01) {
			const differs = `is ${formatMoney(order.order_total)} but the lines and delivery come to ${formatMoney(expected)}; Khaos will flag the difference`;
			checker.warn('order_total', differs);
		}
	}
	return prices;
}

/** Spreads `amount` over `totals` in proportion, to the penny, so the parts add up exactly. */
function spread(totals: readonly number[], amount: number): number[] {
	const sum = totals.reduce((total, value) => total + value, 0);
	if (sum <= 0) return [...totals];
	const pence = Math.round(amount * 100);
	const shares = totals.map((value) => Math.floor((pence * value) / sum));
	let remainder = pence - shares.reduce((total, share) => total + share, 0);
	for (let index = 0; remainder > 0; index = (index + 1) % shares.length, remainder--)
		shares[index]++;
	return totals.map((value, index) => roundMoney(value - shares[index] / 100));
}

function checkedMoney(checker: OrderChecker, field: string, value: number): number {
	if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
	checker.error(field, 'must be a number of 0 or more');
	return 0;
}

function optional(name: string, value: string): XmlNode | undefined {
	return value === '' ? undefined : xmlElement(name, value as XmlContent);
}
