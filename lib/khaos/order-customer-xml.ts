/** An order's CUSTOMER_DETAIL for ImportOrders: the customer, its invoice and delivery addresses. */
import { toAlpha3CountryCode } from './countries';
import { KHAOS_FIELD_LIMITS, OrderChecker, clean, splitAtWord } from './order-checks';
import { khaosFlag } from './values';
import type { ImportOrdersOptions, WebOrder, WebOrderAddress, WebOrderCustomer } from './web-order';
import { optionalElement, xmlElement, type XmlNode } from './xml';

export function customerNode(
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
		optionalElement(
			'OTHER_REF',
			checker.exact('customer_id', order.customer_id, KHAOS_FIELD_LIMITS.customerOtherRef),
		),
		optionalElement('COMPANY_CLASS', clean(options.companyClass)),
		optionalElement(
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
		optionalElement(tag('ADDRESS2'), line2),
		optionalElement(tag('ADDRESS3'), line3),
		xmlElement(
			tag('TOWN'),
			checker.cut(
				`${field}.town`,
				checker.required(`${field}.town`, address.town),
				KHAOS_FIELD_LIMITS.addressLine,
			),
		),
		optionalElement(
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
		optionalElement(tag('COUNTRY_CODE'), countryCode ?? ''),
		optionalElement(
			tag('TITLE'),
			checker.cut('customer.title', customer.title, KHAOS_FIELD_LIMITS.title),
		),
		optionalElement(
			tag('FORENAME'),
			checker.cut(`${field}.name`, contact.forename, KHAOS_FIELD_LIMITS.forename),
		),
		optionalElement(
			tag('SURNAME'),
			checker.cut(`${field}.name`, contact.surname, KHAOS_FIELD_LIMITS.surname),
		),
		optionalElement(tag('TEL'), phone('customer.phone', customer.phone)),
		optionalElement(tag('MOBILE'), phone('customer.mobile', customer.mobile)),
		optionalElement(tag('EMAIL'), contactEmail(customer, order, checker)),
		optionalElement(
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
