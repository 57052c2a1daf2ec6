/**
 * ImportCompany (KSDXMLCustomer in, TCustomerImportResult out), from the guide's Import section,
 * KSDXMLCustomer.xml's comments and "Matching Customer Records / Import Company". Where the guide is
 * silent, the least convenient reading:
 * - Method 2 with no match skips the customer ("No matching customer found") and creates nothing;
 *   Method 1 with a match skips it ("Customer already exists"); Method 3 creates even a duplicate code.
 * - COMPANY_CLASS and a company COUNTRY or COUNTRY_CODE are required on every COMPANY, updates too.
 * - On an update, every element sent is written, an empty one blanking the field, except what the
 *   template says is never updated (COMPANY_CODE, COMPANY_CLASS, SOURCE_CODE, the IGNORED tags);
 *   an ADDRESS whose ADDRESS_ID the customer does not have is added as a new address.
 * - MAILING_STATUS must be one of the template's default codes, 1 to 8.
 * - A document that is not XML is a SOAP fault for the whole call.
 */
import type { CustomerBook, CustomerEntry } from './customers';
import type { MethodSpec } from './methods';
import { SoapFault, soapArray, soapInt, soapString, soapStruct, structResponse } from './soap';
import { XmlError, child, childText, el, elements, isElement, leaf, parseXml } from './xml';
import type { XElement } from './xml';

export const IMPORT_COMPANY: MethodSpec = {
	params: { Customers: 'string', Method: 'int' },
	returns: 'TCustomerImportResult',
};

/** Elements an import never changes on an existing customer (KSDXMLCustomer.xml's comments). */
const NOT_UPDATED = new Set([
	'COMPANY_ID',
	'COMPANY_CODE',
	'COMPANY_CLASS',
	'SOURCE_CODE',
	'PASSED_REFERENCE',
	'DATE_CREATED',
	'PROFORMA',
	'SORDER_LOCKED',
	'SUPPLIER',
	'EC_COMPANY',
	'PAYS_VAT',
	'POCODE_REQUIRED',
	'EARN_AND_REDEEM_REWARD_POINTS',
	'REWARD_POINT_BALANCE',
	'REWARD_POINTS_UPDATED',
	'VAT_RELIEF_QUALIFIED',
	'AGENT_NAME',
	'CUSTOMER_DISCOUNT',
	'PAYMENT_TYPE',
	'PRICE_LISTS',
	'ADDRESSES',
	'ADDITIONAL',
	'EMAIL_OPTION',
]);

interface Imported {
	urn: string;
	action: 'New' | 'Update';
	otherRef: string;
	passedReference: string;
}

interface Skipped {
	customerRef: string;
	skipReason: string;
	passedReference: string;
}

const norm = (value: string): string => value.trim().toUpperCase();

export function importCompany(book: CustomerBook, xml: string, method: number): string {
	if (![0, 1, 2, 3].includes(method))
		throw new SoapFault(
			`Invalid Method ${method}: use 0 create or update, 1 create only, 2 update only or 3 force create`,
		);
	let root: XElement;
	try {
		root = parseXml(xml);
	} catch (error) {
		throw new SoapFault(
			`Invalid customer XML: ${error instanceof XmlError ? error.message : String(error)}`,
			'Client',
			'EDOMParseError',
			'EDOMParseError,Exception',
		);
	}
	if (root.name !== 'COMPANYS')
		throw new SoapFault(`Invalid customer XML: the root element is ${root.name}, not COMPANYS`);
	const imported: Imported[] = [];
	const skipped: Skipped[] = [];
	for (const company of elements(root, 'COMPANY')) {
		const passedReference = childText(company, 'PASSED_REFERENCE');
		const skip = (skipReason: string): void => {
			skipped.push({ customerRef: childText(company, 'OTHER_REF'), skipReason, passedReference });
		};
		const problem = companyProblem(company);
		if (problem) {
			skip(problem);
			continue;
		}
		const match = method === 3 ? undefined : findMatch(book, company);
		if (match && method === 1) {
			skip('Customer already exists');
			continue;
		}
		if (!match && method === 2) {
			skip('No matching customer found');
			continue;
		}
		const entry = match ? update(book, match, company) : create(book, company);
		imported.push({
			urn: book.code(entry),
			action: match ? 'Update' : 'New',
			otherRef: book.otherRef(entry),
			passedReference,
		});
	}
	return structResponse(
		'ImportCompany',
		soapStruct('TCustomerImportResult', [
			['ImportedCount', soapInt(imported.filter((entry) => entry.action === 'New').length)],
			[
				'CustomerImport',
				soapArray(
					'TCustomerImport',
					imported.map((entry) =>
						soapStruct('TCustomerImport', [
							['URN', soapString(entry.urn)],
							['Action', soapString(entry.action)],
							['OtherRef', soapString(entry.otherRef)],
							['PassedReference', soapString(entry.passedReference)],
						]),
					),
				),
			],
			[
				'CustomerSkipped',
				soapArray(
					'TCustomerSkipped',
					skipped.map((entry) =>
						soapStruct('TCustomerSkipped', [
							['CustomerRef', soapString(entry.customerRef)],
							['SkipReason', soapString(entry.skipReason)],
							['PassedReference', soapString(entry.passedReference)],
						]),
					),
				),
			],
		]),
	);
}

function companyProblem(company: XElement): string | undefined {
	if (childText(company, 'COMPANY_CLASS').trim() === '') return 'Company Class is mandatory';
	if (
		childText(company, 'COUNTRY').trim() === '' &&
		childText(company, 'COUNTRY_CODE').trim() === ''
	)
		return 'Either Country or Country Code must be specified';
	const mailing = child(company, 'MAILING_STATUS');
	const status = childText(company, 'MAILING_STATUS').trim();
	if (mailing && status !== '' && !/^[1-8]$/.test(status))
		return `Invalid Mailing Status '${status}'`;
	return undefined;
}

/**
 * Company ID, Company Code, Other Ref, Web User, each when given; failing those, the invoice
 * contact's surname and the invoice postcode, the defaults the guide says are never dropped.
 */
function findMatch(book: CustomerBook, company: XElement): CustomerEntry | undefined {
	const id = childText(company, 'COMPANY_ID').trim();
	if (id !== '') {
		const byId = book.all().find((entry) => childText(entry.node, 'COMPANY_ID').trim() === id);
		if (byId) return byId;
	}
	for (const [field, mapping] of [
		['COMPANY_CODE', 1],
		['OTHER_REF', 2],
		['WEB_USER', 3],
	] as const) {
		const found = book.lookup(childText(company, field), mapping)[0];
		if (found) return found;
	}
	const invoice = invoiceContact(company);
	if (!invoice || invoice.surname === '' || invoice.postcode === '') return undefined;
	return book.all().find((entry) => {
		const held = invoiceContact(entry.node);
		return held?.surname === invoice.surname && held.postcode === invoice.postcode;
	});
}

function invoiceContact(company: XElement): { surname: string; postcode: string } | undefined {
	const address = elements(child(company, 'ADDRESSES') ?? el('ADDRESSES'), 'ADDRESS').find(
		(candidate) => childText(candidate, 'ADDRTYPE').trim() === '1',
	);
	if (!address) return undefined;
	const contact = elements(child(address, 'CONTACTS') ?? el('CONTACTS'), 'CONTACT')[0];
	return {
		surname: norm(childText(contact, 'SURNAME')),
		postcode: norm(childText(address, 'POSTCODE')).replace(/\s+/g, ''),
	};
}

function update(book: CustomerBook, entry: CustomerEntry, company: XElement): CustomerEntry {
	for (const part of elements(company)) {
		if (NOT_UPDATED.has(part.name)) continue;
		const held = child(entry.node, part.name);
		const copy = el(part.name, part.attrs, ...part.children.map((node) => node));
		if (held) entry.node.children[entry.node.children.indexOf(held)] = copy;
		else entry.node.children.push(copy);
	}
	addNewAddresses(entry.node, company);
	entry.lastUpdated = book.now();
	book.noteMailing(entry.node, 'updated');
	return entry;
}

function addNewAddresses(held: XElement, company: XElement): void {
	const sent = elements(child(company, 'ADDRESSES') ?? el('ADDRESSES'), 'ADDRESS');
	if (sent.length === 0) return;
	let addresses = child(held, 'ADDRESSES');
	if (!addresses) {
		addresses = el('ADDRESSES');
		held.children.push(addresses);
	}
	const ids = new Set(
		elements(addresses, 'ADDRESS').map((address) => childText(address, 'ADDRESS_ID').trim()),
	);
	for (const address of sent) {
		const id = childText(address, 'ADDRESS_ID').trim();
		if (id === '' || !ids.has(id)) addresses.children.push(address);
	}
}

function create(book: CustomerBook, company: XElement): CustomerEntry {
	const id = book.nextId();
	const code = childText(company, 'COMPANY_CODE').trim() || `C${String(id).padStart(6, '0')}`;
	const rest = company.children.filter(
		(part) =>
			!isElement(part) || !['COMPANY_ID', 'COMPANY_CODE', 'PASSED_REFERENCE'].includes(part.name),
	);
	return book.add(el('COMPANY', {}, leaf('COMPANY_ID', id), leaf('COMPANY_CODE', code), ...rest));
}
