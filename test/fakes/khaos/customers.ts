/** Customers (KSDXMLCustomer COMPANY elements): GetCompanyList, ExportCompany and ImportOrders' customer matching. */
import { child, childText, el, elements, leaf, parseXml, serialize } from './xml';
import type { XElement } from './xml';
import { formatYmd, parseKhaosDate } from './dates';

export interface CustomerEntry {
	node: XElement;
	lastUpdated: Date;
}

/** One mailing status a customer had, and how it came: seeded, on a new customer, or by an update. */
export interface MailingHistoryEntry {
	at: Date;
	status: string;
	how: 'seed' | 'created' | 'updated';
}

const norm = (value: string): string => value.trim().toUpperCase();
const postcode = (value: string): string => value.replace(/\s+/g, '').toUpperCase();

export class CustomerBook {
	private readonly entries: CustomerEntry[] = [];
	/** Every MAILING_STATUS each customer (by COMPANY_ID) ever had, in order. */
	private readonly history = new Map<string, MailingHistoryEntry[]>();

	constructor(
		xml: string,
		private readonly clock: () => Date,
	) {
		for (const company of elements(parseXml(xml), 'COMPANY')) {
			const created =
				parseKhaosDate(childText(company, 'DATE_CREATED')) ?? new Date(Date.UTC(2020, 0, 1));
			this.entries.push({
				node: company,
				lastUpdated: new Date(created.getTime() + 9 * 3_600_000),
			});
			this.noteMailing(company, 'seed', created);
		}
	}

	/** Adds a customer made by an import; its COMPANY_ID is the next free one. */
	add(node: XElement): CustomerEntry {
		const entry: CustomerEntry = { node, lastUpdated: this.clock() };
		this.entries.push(entry);
		this.noteMailing(node, 'created', entry.lastUpdated);
		return entry;
	}

	nextId(): number {
		return (
			this.entries.reduce(
				(max, entry) => Math.max(max, Number(childText(entry.node, 'COMPANY_ID')) || 0),
				0,
			) + 1
		);
	}

	/** Records the customer's MAILING_STATUS as it is now, when it differs from the last one recorded. */
	noteMailing(node: XElement, how: MailingHistoryEntry['how'], at = this.clock()): void {
		const id = childText(node, 'COMPANY_ID');
		const list = this.history.get(id) ?? [];
		const status = childText(node, 'MAILING_STATUS').trim();
		if (list.length > 0 && list[list.length - 1].status === status) return;
		list.push({ at, status, how });
		this.history.set(id, list);
	}

	/** Every mailing status each customer ever had, by customer code. */
	mailingHistory(): Record<string, MailingHistoryEntry[]> {
		return Object.fromEntries(
			this.entries.map((entry) => [
				this.code(entry),
				[...(this.history.get(childText(entry.node, 'COMPANY_ID')) ?? [])],
			]),
		);
	}

	now(): Date {
		return this.clock();
	}

	code(entry: CustomerEntry): string {
		return childText(entry.node, 'COMPANY_CODE');
	}

	otherRef(entry: CustomerEntry): string {
		return childText(entry.node, 'OTHER_REF');
	}

	name(entry: CustomerEntry): string {
		return childText(entry.node, 'COMPANY_NAME');
	}

	all(): CustomerEntry[] {
		return [...this.entries];
	}

	/** ExportCompany / GetCompanyInfo MappingType: 1 COMPANY_CODE, 2 OTHER_REF, 3 USER_NAME (WEB_USER), 4 COMPANY_NAME, 5 SSOURCE_DESC. */
	lookup(value: string, mapping: number): CustomerEntry[] {
		const field = {
			1: 'COMPANY_CODE',
			2: 'OTHER_REF',
			3: 'WEB_USER',
			4: 'COMPANY_NAME',
			5: 'SALE_SOURCE',
		}[mapping];
		if (field === undefined || value.trim() === '') return [];
		return this.entries.filter((entry) => norm(childText(entry.node, field)) === norm(value));
	}

	/** GetCompanyList: customers updated since `since`, optionally only from some company classes. */
	list(since: Date, classes: string[]): CustomerEntry[] {
		const wanted = classes.map(norm).filter((name) => name !== '');
		return this.entries.filter(
			(entry) =>
				entry.lastUpdated >= since &&
				(wanted.length === 0 || wanted.includes(norm(childText(entry.node, 'COMPANY_CLASS')))),
		);
	}

	export(entries: CustomerEntry[]): string {
		return serialize(el('COMPANYS', {}, ...entries.map((entry) => entry.node)));
	}

	/**
	 * The guide's "Matching Customer Records / Import Orders": Company Code, then Other Ref, then Web
	 * User; failing those, invoice surname and postcode (the default fields that are never dropped).
	 */
	matchForOrder(detail: Record<string, string>): CustomerEntry | undefined {
		for (const [field, mapping] of [
			['COMPANY_CODE', 1],
			['OTHER_REF', 2],
			['WEB_USER', 3],
		] as const) {
			const found = this.lookup(detail[field] ?? '', mapping)[0];
			if (found) return found;
		}
		const surname = norm(detail.ISURNAME ?? '');
		const code = postcode(detail.IPOSTCODE ?? '');
		if (surname === '' || code === '') return undefined;
		return this.entries.find((entry) => {
			const invoice = elements(child(entry.node, 'ADDRESSES') ?? el('ADDRESSES'), 'ADDRESS').find(
				(address) => childText(address, 'ADDRTYPE') === '1',
			);
			if (invoice === undefined || postcode(childText(invoice, 'POSTCODE')) !== code) return false;
			return elements(child(invoice, 'CONTACTS') ?? el('CONTACTS'), 'CONTACT').some(
				(contact) => norm(childText(contact, 'SURNAME')) === surname,
			);
		});
	}

	/** A new customer from an order's CUSTOMER_DETAIL (flattened, addresses included). */
	createFromOrder(detail: Record<string, string>): CustomerEntry {
		const id = this.nextId();
		const wantedCode = (detail.COMPANY_CODE ?? '').trim();
		const code =
			wantedCode !== '' && this.lookup(wantedCode, 1).length === 0
				? wantedCode
				: `C${String(id).padStart(6, '0')}`;
		const contactName = [detail.ITITLE, detail.IFORENAME, detail.ISURNAME]
			.filter((part) => part && part.trim() !== '')
			.join(' ');
		const now = this.clock();
		const address = (prefix: 'I' | 'D', type: string, id: number): XElement =>
			el(
				'ADDRESS',
				{},
				leaf('ADDR1', detail[`${prefix}ADDRESS1`]),
				leaf('ADDR2', detail[`${prefix}ADDRESS2`]),
				leaf('ADDR3', detail[`${prefix}ADDRESS3`]),
				leaf('TOWN', detail[`${prefix}TOWN`]),
				leaf('COUNTY', detail[`${prefix}COUNTY`]),
				leaf('POSTCODE', detail[`${prefix}POSTCODE`]),
				leaf('ORGANISATION', detail[`${prefix}ORGANISATION`]),
				leaf('ADDRTYPE', type),
				leaf('EMAIL', ''),
				leaf('TEL', detail[`${prefix}TEL`]),
				leaf(
					'COUNTRY',
					detail[`${prefix}COUNTRY_NAME`] ||
						(detail[`${prefix}COUNTRY_CODE`] ? '' : 'United Kingdom'),
				),
				leaf('COUNTRY_CODE', detail[`${prefix}COUNTRY_CODE`]),
				leaf('ADDRESS_ID', id),
				leaf('INACTIVE', '0'),
				el(
					'CONTACTS',
					{},
					el(
						'CONTACT',
						{},
						leaf('TITLE', detail[`${prefix}TITLE`]),
						leaf('FORENAME', detail[`${prefix}FORENAME`]),
						leaf('SURNAME', detail[`${prefix}SURNAME`]),
						leaf('TEL', detail[`${prefix}TEL`]),
						leaf('MOBILE', detail[`${prefix}MOBILE`]),
						leaf('EMAIL', detail[`${prefix}EMAIL`]),
						leaf('EMAILSUBSCRIBE', detail[`${prefix}EMAIL_SUBSCRIBER`] || '0'),
						leaf('DOB', detail[`${prefix}DOB`]),
						leaf('INACTIVE', '0'),
					),
				),
			);
		const hasDelivery = (detail.DADDRESS1 ?? '').trim() !== '';
		const node = el(
			'COMPANY',
			{},
			leaf('COMPANY_ID', id),
			leaf('COMPANY_CODE', code),
			// "If company name is left blank, KhaosControl will construct a name based on the contact details" (KSDXMLImportFormat.xml).
			leaf(
				'COMPANY_NAME',
				(detail.COMPANY_NAME ?? '').trim() !== '' ? detail.COMPANY_NAME : contactName,
			),
			leaf('OTHER_REF', detail.OTHER_REF),
			leaf('WEB_SITE', detail.WEB_SITE),
			leaf('COMPANY_CLASS', detail.COMPANY_CLASS || 'Internet'),
			leaf('COMPANY_TYPE', detail.COMPANY_TYPE),
			leaf('COMPANY_STATUS', 'Active'),
			leaf('SOURCE_CODE', detail.SOURCE_CODE),
			leaf('DATE_CREATED', formatYmd(now)),
			leaf('WEB_USER', detail.WEB_USER),
			leaf('TAX_REFERENCE', detail.TAX_REFERENCE),
			leaf('MAILING_STATUS', detail.MAILING_STATUS),
			leaf('CURRENCY_CODE', 'GBP'),
			leaf('HIDE_COMPANY', '0'),
			leaf('HOLD_DATA', '0'),
			el(
				'ADDRESSES',
				{},
				address('I', '1', id * 10 + 1),
				hasDelivery ? address('D', '2', id * 10 + 2) : null,
			),
			leaf('COUNTRY', detail.ICOUNTRY_NAME || (detail.ICOUNTRY_CODE ? '' : 'United Kingdom')),
			leaf('COUNTRY_CODE', detail.ICOUNTRY_CODE),
		);
		return this.add(node);
	}
}
