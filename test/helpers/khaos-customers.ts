/** Khaos customers (KSDXMLCustomer COMPANY elements) for tests of mailing-status updates. */
export interface TestCustomer {
	code: string;
	email?: string;
	/** Where the email sits: on the invoice address (as in the real export) or on its contact. */
	emailOn?: 'address' | 'contact';
	mailingStatus?: number | '';
	companyClass?: string;
	/** '' leaves the company with no country at all. */
	countryCode?: string;
	webUser?: string;
	surname?: string;
	postcode?: string;
}

const escape = (value: string): string =>
	value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function customersXml(customers: readonly TestCustomer[]): string {
	const companies = customers.map((customer, index) => {
		const email = escape(customer.email ?? '');
		const onContact = customer.emailOn === 'contact';
		return (
			`<COMPANY><COMPANY_ID>${index + 1}</COMPANY_ID><COMPANY_CODE>${escape(customer.code)}</COMPANY_CODE>` +
			`<COMPANY_NAME>${escape(customer.surname ?? customer.code)}</COMPANY_NAME><OTHER_REF></OTHER_REF>` +
			`<COMPANY_CLASS>${escape(customer.companyClass ?? 'Internet')}</COMPANY_CLASS><COMPANY_STATUS>Active</COMPANY_STATUS>` +
			`<DATE_CREATED>2024-01-0${(index % 9) + 1}</DATE_CREATED><WEB_USER>${escape(customer.webUser ?? '')}</WEB_USER>` +
			`<MAILING_STATUS>${customer.mailingStatus ?? 3}</MAILING_STATUS><CURRENCY_CODE>GBP</CURRENCY_CODE>` +
			`<HIDE_COMPANY>0</HIDE_COMPANY><ADDRESSES><ADDRESS><ADDRESS_ID>${index + 1}0</ADDRESS_ID><ADDR1>1 High Street</ADDR1>` +
			`<TOWN>Grantham</TOWN><POSTCODE>${escape(customer.postcode ?? 'NG31 6DB')}</POSTCODE><ADDRTYPE>1</ADDRTYPE>` +
			`<EMAIL>${onContact ? '' : email}</EMAIL><COUNTRY>United Kingdom</COUNTRY><COUNTRY_CODE>GB</COUNTRY_CODE>` +
			`<CONTACTS><CONTACT><FORENAME>Pat</FORENAME><SURNAME>${escape(customer.surname ?? 'Smith')}</SURNAME>` +
			`<EMAIL>${onContact ? email : ''}</EMAIL><EMAILSUBSCRIBE>-1</EMAILSUBSCRIBE></CONTACT></CONTACTS></ADDRESS></ADDRESSES>` +
			`<COUNTRY>${customer.countryCode === '' ? '' : 'United Kingdom'}</COUNTRY><COUNTRY_CODE>${escape(customer.countryCode ?? 'GB')}</COUNTRY_CODE></COMPANY>`
		);
	});
	return `<?xml version="1.0"?><COMPANYS>${companies.join('')}</COMPANYS>`;
}
