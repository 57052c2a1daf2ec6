/**
 * A customer's mailing status in Khaos (KSDXMLCustomer's MAILING_STATUS), written with ImportCompany.
 *
 * The guide's codes ("may vary from system to system"): 1-3 the shop's own use (and third parties'
 * to different degrees), 4 catalogues and order correspondence only, 5 order correspondence only,
 * 6 do not use, 7 gone away, 8 deceased. The higher the code, the less mailing it allows, so a
 * change only ever raises it: Dotdigital owns consent, and this never opts anyone in.
 *
 * The update document names the customer by COMPANY_CODE (second in ImportCompany's matching order,
 * after the internal ID the guide says not to use) and carries only what an update must: the
 * company class and country (mandatory on every COMPANY, though Khaos keeps its own class) as Khaos
 * already holds them, and the new MAILING_STATUS. Nothing else is sent, so nothing else can change.
 */
import { KhaosProtocolError } from './errors';
import { soapList, soapText, type SoapValue } from './soap';
import { nonBlank, parseKhaosBoolean, parseNumber } from './values';
import {
	buildXml,
	childElement,
	childElements,
	childText,
	descendants,
	parseXml,
	xmlElement,
	type XmlElement,
} from './xml';

export const MAILING_STATUS_NAMES: Readonly<Record<number, string>> = {
	1: 'Our use and any 3rd parties',
	2: 'Our use and selected 3rd parties',
	3: 'Our use and no 3rd parties',
	4: 'Our use - catalogues & order correspondence only',
	5: 'Our use - order correspondence only',
	6: 'Do not use',
	7: 'Gone aways',
	8: 'Deceased',
};

/** The codes that allow no marketing at all: the only ones a consent change may set. */
export const NO_MARKETING_STATUSES = [4, 5, 6, 7, 8] as const;
export type NoMarketingStatus = (typeof NO_MARKETING_STATUSES)[number];

export function isNoMarketingStatus(value: unknown): value is NoMarketingStatus {
	return NO_MARKETING_STATUSES.includes(value as NoMarketingStatus);
}

/** Whether moving a customer from `current` to `target` takes nothing away from what they refused. */
export function raisesMailingStatus(current: number | null, target: NoMarketingStatus): boolean {
	return current === null || current < 1 || current < target;
}

/** What an update needs to know about one Khaos customer, read from ExportCompany. */
export interface MailingRecord {
	code: string; // COMPANY_CODE
	companyClass: string;
	country: string; // the company's own COUNTRY (not an address's)
	countryCode: string;
	mailingStatus: number | null;
	/** Every email the customer holds, on its addresses and contacts, lower-cased; hidden ones left out. */
	emails: string[];
	hidden: boolean;
}

/** Reads an ExportCompany result (KSDXMLCustomer) into what a mailing-status update needs. */
export function parseMailingRecords(xml: string): MailingRecord[] {
	return descendants(parseXml(xml), 'COMPANY').map((company) => ({
		code: childText(company, 'COMPANY_CODE').trim(),
		companyClass: childText(company, 'COMPANY_CLASS').trim(),
		country: childText(company, 'COUNTRY').trim(),
		countryCode: childText(company, 'COUNTRY_CODE').trim(),
		mailingStatus: parseNumber(childText(company, 'MAILING_STATUS')),
		emails: companyEmails(company),
		hidden: flagged(company, 'HIDE_COMPANY'),
	}));
}

function flagged(element: XmlElement, name: string): boolean {
	return parseKhaosBoolean(childText(element, name)) === true;
}

function companyEmails(company: XmlElement): string[] {
	const active = (element: XmlElement) =>
		!flagged(element, 'INACTIVE') &&
		!flagged(element, 'HIDE_ADDRESS') &&
		!flagged(element, 'HIDE_CONTACT');
	const emails = new Set<string>();
	const add = (value: string) => {
		const email = nonBlank(value)?.toLowerCase();
		if (email) emails.add(email);
	};
	for (const address of childElements(childElement(company, 'ADDRESSES'), 'ADDRESS')) {
		if (!active(address)) continue;
		add(childText(address, 'EMAIL'));
		for (const contact of childElements(childElement(address, 'CONTACTS'), 'CONTACT'))
			if (active(contact)) add(childText(contact, 'EMAIL'));
	}
	return [...emails];
}

/** Why a customer cannot be updated as Khaos holds them; undefined when the update can be sent. */
export function recordProblem(record: MailingRecord): string | undefined {
	if (record.companyClass === '')
		return `customer ${record.code} has no company class in Khaos, which ImportCompany needs even to update`;
	if (record.country === '' && record.countryCode === '')
		return `customer ${record.code} has no country in Khaos, which ImportCompany needs even to update`;
	return undefined;
}

/** The ImportCompany document (KSDXMLCustomer) that sets these customers' mailing status, Method 2. */
export function buildMailingStatusXml(
	updates: ReadonlyArray<{ record: MailingRecord; status: NoMarketingStatus; reference: string }>,
): string {
	return buildXml(
		xmlElement(
			'COMPANYS',
			updates.map(({ record, status, reference }) =>
				xmlElement('COMPANY', [
					xmlElement('COMPANY_CODE', record.code),
					xmlElement('PASSED_REFERENCE', reference),
					xmlElement('COMPANY_CLASS', record.companyClass),
					xmlElement('MAILING_STATUS', status),
					record.countryCode !== ''
						? xmlElement('COUNTRY_CODE', record.countryCode)
						: xmlElement('COUNTRY', record.country),
				]),
			),
		),
	);
}

/** ImportCompany's answer (TCustomerImportResult). */
export interface CustomerImportResult {
	importedCount: number;
	imported: Array<{ urn: string; action: string; otherRef: string; passedReference: string }>;
	skipped: Array<{ customerRef: string; skipReason: string; passedReference: string }>;
}

export function parseCustomerImportResult(result: SoapValue | undefined): CustomerImportResult {
	if (result === null || typeof result !== 'object' || Array.isArray(result))
		throw new KhaosProtocolError('ImportCompany', 'expected a TCustomerImportResult');
	const imported = soapList(result.CustomerImport).map((entry) => ({
		urn: soapText(entry, 'URN'),
		action: soapText(entry, 'Action'),
		otherRef: soapText(entry, 'OtherRef'),
		passedReference: soapText(entry, 'PassedReference'),
	}));
	const skipped = soapList(result.CustomerSkipped).map((entry) => ({
		customerRef: soapText(entry, 'CustomerRef'),
		skipReason: soapText(entry, 'SkipReason'),
		passedReference: soapText(entry, 'PassedReference'),
	}));
	const count = Number(soapText(result, 'ImportedCount'));
	return { importedCount: Number.isFinite(count) ? count : 0, imported, skipped };
}
