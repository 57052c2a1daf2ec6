/**
 * Khaos customers for the one-time import: GetCompanyList (TCompanyList) says which changed,
 * ExportCompany (KSDXMLCustomer) gives their details, read here into canonical customer records.
 *
 * Hidden records (HIDE_COMPANY, HIDE_ADDRESS, HIDE_CONTACT, INACTIVE) are left out. Khaos's mailing
 * preference (the contact's EMAILSUBSCRIBE and the company's MAILING_STATUS) becomes
 * marketing_opt_in, which Dotdigital Upsert uses for new contacts only: Dotdigital owns consent, so
 * it never resubscribes anyone. WEB_PASSWORD is never read.
 */
import { soapList, soapText, type SoapValue } from './soap-response';
import { nonBlank, parseKhaosBoolean, parseKhaosDate, parseNumber } from './values';
import {
	attribute,
	childElement,
	childElements,
	childText,
	descendants,
	parseXml,
	type XmlElement,
} from './xml';

export interface CompanyListEntry {
	company_code: string; // Khaos customer code (URN)
	other_ref: string | null; // the web store's customer reference
	last_updated: string | null; // as Khaos sent it (xsd:dateTime)
}

/** Reads GetCompanyList's TCompanyList (Count, List of TCompany). */
export function parseCompanyList(result: SoapValue | undefined): CompanyListEntry[] {
	const list =
		result && typeof result === 'object' && !Array.isArray(result) ? result.List : result;
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
	marketing_opt_in: boolean | null; // EMAILSUBSCRIBE -1 and a MAILING_STATUS that allows our use (1-3); null when Khaos says neither
	created_at: string | null; // DATE_CREATED
	updated_at: string | null; // GetCompanyList's LastUpdated when given
	custom: {
		other_ref: string | null; // the web store's customer reference
		company_name: string | null;
		company_class: string | null;
		company_type: string | null;
		company_status: string | null;
		currency_code: string | null;
		email_subscribe: boolean | null; // the contact's EMAILSUBSCRIBE
		mailing_status: number | null; // MAILING_STATUS (1-3 our use, 4-5 order correspondence only, 6 do not use, 7 gone away, 8 deceased)
		additional: Record<string, string>; // customer UDAs (ADDITIONAL NAME="…")
	};
}

/** Reads an ExportCompany result, hidden customers left out; `updatedAt` maps customer codes to GetCompanyList's LastUpdated. */
export function parseExportCompany(
	xml: string,
	updatedAt?: ReadonlyMap<string, string | null>,
): KhaosCustomer[] {
	return descendants(parseXml(xml), 'COMPANY')
		.filter((company) => !hidden(company, 'HIDE_COMPANY'))
		.map((company) => {
			const address = mainAddress(company);
			const contact = mainContact(address);
			const code = childText(company, 'COMPANY_CODE');
			const firstName = nonBlank(childText(contact, 'FORENAME'));
			const lastName = nonBlank(childText(contact, 'SURNAME'));
			const companyName = nonBlank(childText(company, 'COMPANY_NAME'));
			const addressCountry =
				nonBlank(childText(address, 'COUNTRY_CODE')) ?? nonBlank(childText(address, 'COUNTRY'));
			const dateCreated = childText(company, 'DATE_CREATED');
			const emailSubscribe = parseKhaosBoolean(childText(contact, 'EMAILSUBSCRIBE'));
			const mailingStatus = parseNumber(childText(company, 'MAILING_STATUS'));
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
				address_2: nonBlank(
					[childText(address, 'ADDR2'), childText(address, 'ADDR3')].filter(Boolean).join(', '),
				),
				town: nonBlank(childText(address, 'TOWN')),
				county: nonBlank(childText(address, 'COUNTY')),
				postcode: nonBlank(childText(address, 'POSTCODE')),
				country:
					addressCountry ??
					nonBlank(childText(company, 'COUNTRY_CODE')) ??
					nonBlank(childText(company, 'COUNTRY')),
				marketing_opt_in: optIn(emailSubscribe, mailingStatus),
				created_at: parseKhaosDate(dateCreated) ?? nonBlank(dateCreated),
				updated_at: updatedAt?.get(code) ?? null,
				custom: {
					other_ref: nonBlank(childText(company, 'OTHER_REF')),
					company_name: companyName,
					company_class: nonBlank(childText(company, 'COMPANY_CLASS')),
					company_type: nonBlank(childText(company, 'COMPANY_TYPE')),
					company_status: nonBlank(childText(company, 'COMPANY_STATUS')),
					currency_code: nonBlank(childText(company, 'CURRENCY_CODE')),
					email_subscribe: emailSubscribe,
					mailing_status: mailingStatus,
					additional: Object.fromEntries(
						childElements(company, 'ADDITIONAL')
							.map((uda) => [attribute(uda, 'NAME'), uda.text.trim()] as const)
							.filter(([name]) => name !== ''),
					),
				},
			};
		});
}

/** Consent needs both a yes to email and a mailing status that allows the shop's own use. */
function optIn(emailSubscribe: boolean | null, mailingStatus: number | null): boolean | null {
	if (emailSubscribe === false || (mailingStatus !== null && mailingStatus > 3)) return false;
	if (emailSubscribe === true) return true;
	return null;
}

function hidden(element: XmlElement, flag: string): boolean {
	return parseKhaosBoolean(childText(element, flag)) === true;
}

function isActive(element: XmlElement): boolean {
	return (
		!hidden(element, 'INACTIVE') &&
		!hidden(element, 'HIDE_ADDRESS') &&
		!hidden(element, 'HIDE_CONTACT')
	);
}

/** Accounts Khaos keeps for itself (the till, tests), left out of a customer export unless asked for. */
export const DEFAULT_SYSTEM_ACCOUNTS = ['EPOS', '*TEST*'];

/** Whether a customer code matches one of these codes, where `*` stands for anything. */
export function isSystemAccount(code: string, patterns: readonly string[]): boolean {
	return patterns.some((pattern) => {
		const trimmed = pattern.trim();
		if (trimmed === '') return false;
		const regex = new RegExp(
			`^${trimmed
				.split('*')
				.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
				.join('.*')}$`,
			'i',
		);
		return regex.test(code.trim());
	});
}

function mainAddress(company: XmlElement): XmlElement | undefined {
	const addresses = childElements(childElement(company, 'ADDRESSES'), 'ADDRESS').filter(isActive);
	return addresses.find((address) => childText(address, 'ADDRTYPE') === '1') ?? addresses[0];
}

function mainContact(address: XmlElement | undefined): XmlElement | undefined {
	const contacts = childElements(childElement(address, 'CONTACTS'), 'CONTACT').filter(isActive);
	const flagged = (flag: string): XmlElement | undefined =>
		contacts.find((contact) => parseKhaosBoolean(childText(contact, flag)) === true);
	return flagged('IS_PREFERRED') ?? flagged('IS_PREFERRED_INVOICE') ?? contacts[0];
}
