/**
 * Khaos customers for the one-time import: GetCompanyList (TCompanyList) says which changed,
 * ExportCompany (KSDXMLCustomer) gives their details, read here into canonical customer records.
 *
 * Marketing consent (EMAILSUBSCRIBE, MAILING_STATUS) is deliberately not carried over: Dotdigital
 * owns consent. WEB_PASSWORD is never read.
 */
import { soapList, soapText, type SoapValue } from './soap';
import { nonBlank, parseKhaosBoolean, parseKhaosDate } from './values';
import { attribute, childElement, childElements, childText, descendants, parseXml, type XmlElement } from './xml';

export interface CompanyListEntry {
	company_code: string; // Khaos customer code (URN)
	other_ref: string | null; // the web store's customer reference
	last_updated: string | null; // as Khaos sent it (xsd:dateTime)
}

/** Reads GetCompanyList's TCompanyList (Count, List of TCompany). */
export function parseCompanyList(result: SoapValue | undefined): CompanyListEntry[] {
	const list = result && typeof result === 'object' && !Array.isArray(result) ? result.List : result;
	return soapList(list)
		.map((entry) => ({
			company_code: soapText(entry, 'CompanyCode'),
			other_ref: nonBlank(soapText(entry, 'OtherRef')),
			last_updated: nonBlank(soapText(entry, 'LastUpdated')),
		}))
		.filter((entry) => entry.company_code !== '');
}

/** The canonical customer record (DESIGN.md), as far as Khaos knows it. */
export interface KhaosCustomer {
	customer_id: string; // Khaos customer code (COMPANY_CODE)
	email: string | null; // preferred contact's, else the address's
	mobile: string | null;
	phone: string | null;
	first_name: string | null;
	last_name: string | null;
	full_name: string | null; // contact's name, else the company name
	title: string | null;
	birth_date: string | null; // ISO date
	address_1: string | null; // invoice address (ADDRTYPE 1), else the first active one
	address_2: string | null;
	town: string | null;
	county: string | null;
	postcode: string | null;
	country: string | null; // country code as Khaos holds it, else its country name
	created_at: string | null; // DATE_CREATED
	updated_at: string | null; // GetCompanyList's LastUpdated when given
	custom: {
		other_ref: string | null; // the web store's customer reference
		company_name: string | null;
		company_class: string | null;
		company_type: string | null;
		company_status: string | null;
		currency_code: string | null;
		additional: Record<string, string>; // customer UDAs (ADDITIONAL NAME="…")
	};
}

/** Reads an ExportCompany result; `updatedAt` maps customer codes to GetCompanyList's LastUpdated. */
export function parseExportCompany(xml: string, updatedAt?: ReadonlyMap<string, string | null>): KhaosCustomer[] {
	return descendants(parseXml(xml), 'COMPANY').map((company) => {
		const address = mainAddress(company);
		const contact = mainContact(address);
		const code = childText(company, 'COMPANY_CODE');
		const firstName = nonBlank(childText(contact, 'FORENAME'));
		const lastName = nonBlank(childText(contact, 'SURNAME'));
		const companyName = nonBlank(childText(company, 'COMPANY_NAME'));
		const addressCountry = nonBlank(childText(address, 'COUNTRY_CODE')) ?? nonBlank(childText(address, 'COUNTRY'));
		const dateCreated = childText(company, 'DATE_CREATED');
		return {
			customer_id: code,
			email: nonBlank(childText(contact, 'EMAIL')) ?? nonBlank(childText(address, 'EMAIL')),
			mobile: nonBlank(childText(contact, 'MOBILE')),
			phone: nonBlank(childText(contact, 'TEL')) ?? nonBlank(childText(address, 'TEL')),
			first_name: firstName,
			last_name: lastName,
			full_name: nonBlank([firstName, lastName].filter(Boolean).join(' ')) ?? companyName,
			title: nonBlank(childText(contact, 'TITLE')),
			birth_date: parseKhaosDate(childText(contact, 'DOB')),
			address_1: nonBlank(childText(address, 'ADDR1')),
			address_2: nonBlank([childText(address, 'ADDR2'), childText(address, 'ADDR3')].filter(Boolean).join(', ')),
			town: nonBlank(childText(address, 'TOWN')),
			county: nonBlank(childText(address, 'COUNTY')),
			postcode: nonBlank(childText(address, 'POSTCODE')),
			country: addressCountry ?? nonBlank(childText(company, 'COUNTRY_CODE')) ?? nonBlank(childText(company, 'COUNTRY')),
			created_at: parseKhaosDate(dateCreated) ?? nonBlank(dateCreated),
			updated_at: updatedAt?.get(code) ?? null,
			custom: {
				other_ref: nonBlank(childText(company, 'OTHER_REF')),
				company_name: companyName,
				company_class: nonBlank(childText(company, 'COMPANY_CLASS')),
				company_type: nonBlank(childText(company, 'COMPANY_TYPE')),
				company_status: nonBlank(childText(company, 'COMPANY_STATUS')),
				currency_code: nonBlank(childText(company, 'CURRENCY_CODE')),
				additional: Object.fromEntries(
					childElements(company, 'ADDITIONAL')
						.map((uda) => [attribute(uda, 'NAME'), uda.text.trim()] as const)
						.filter(([name]) => name !== ''),
				),
			},
		};
	});
}

function isActive(element: XmlElement): boolean {
	return parseKhaosBoolean(childText(element, 'INACTIVE')) !== true;
}

function mainAddress(company: XmlElement): XmlElement | undefined {
	const addresses = childElements(childElement(company, 'ADDRESSES'), 'ADDRESS').filter(isActive);
	return addresses.find((address) => childText(address, 'ADDRTYPE') === '1') ?? addresses[0];
}

function mainContact(address: XmlElement | undefined): XmlElement | undefined {
	const contacts = childElements(childElement(address, 'CONTACTS'), 'CONTACT').filter(isActive);
	const flagged = (flag: string): XmlElement | undefined => contacts.find((contact) => parseKhaosBoolean(childText(contact, flag)) === true);
	return flagged('IS_PREFERRED') ?? flagged('IS_PREFERRED_INVOICE') ?? contacts[0];
}
