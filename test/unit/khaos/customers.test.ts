import { parseCompanyList, parseExportCompany } from '../../../lib/khaos/customers';
import { fixture } from './helpers';

const COMPANY = `<?xml version="1.0"?><COMPANYS><COMPANY>
	<COMPANY_CODE>KCS001</COMPANY_CODE><COMPANY_NAME>Mike O'Brien &amp; Co</COMPANY_NAME><OTHER_REF>C-77</OTHER_REF>
	<COMPANY_CLASS>Internet</COMPANY_CLASS><COMPANY_STATUS>Active</COMPANY_STATUS><DATE_CREATED>2019-03-04</DATE_CREATED>
	<WEB_USER>mike</WEB_USER><WEB_PASSWORD>hunter2</WEB_PASSWORD><CURRENCY_CODE>GBP</CURRENCY_CODE><MAILING_STATUS>1</MAILING_STATUS>
	<ADDRESSES>
		<ADDRESS><ADDR1>Old Place</ADDR1><TOWN>York</TOWN><POSTCODE>YO1 1AA</POSTCODE><ADDRTYPE>1</ADDRTYPE><INACTIVE>-1</INACTIVE></ADDRESS>
		<ADDRESS><ADDR1>2 Depot Lane</ADDR1><TOWN>Leeds</TOWN><POSTCODE>LS2 2BB</POSTCODE><ADDRTYPE>2</ADDRTYPE></ADDRESS>
		<ADDRESS><ADDR1>Century House</ADDR1><ADDR2>84 Commercial Road</ADDR2><ADDR3>Spittlegate</ADDR3><TOWN>Grantham</TOWN>
			<COUNTY>Lincolnshire</COUNTY><POSTCODE>NG31 6DB</POSTCODE><ADDRTYPE>1</ADDRTYPE><EMAIL>office@example.test</EMAIL><TEL>01476 000000</TEL>
			<COUNTRY>United Kingdom</COUNTRY><COUNTRY_CODE>GB</COUNTRY_CODE>
			<CONTACTS>
				<CONTACT><TITLE>Ms</TITLE><FORENAME>Ann</FORENAME><SURNAME>Clerk</SURNAME><EMAIL>ann@example.test</EMAIL></CONTACT>
				<CONTACT><TITLE>Mr</TITLE><FORENAME>Mike</FORENAME><SURNAME>O'Brien</SURNAME><EMAIL>mike@example.test</EMAIL><MOBILE>07700 900123</MOBILE>
					<DOB>1980-02-29</DOB><EMAILSUBSCRIBE>-1</EMAILSUBSCRIBE><IS_PREFERRED>-1</IS_PREFERRED></CONTACT>
			</CONTACTS></ADDRESS>
	</ADDRESSES>
	<ADDITIONAL NAME="Loyalty">Gold</ADDITIONAL>
</COMPANY></COMPANYS>`;

describe('ExportCompany', () => {
	it('reads the preferred contact at the active invoice address into a canonical customer', () => {
		const [customer] = parseExportCompany(COMPANY, new Map([['KCS001', '2024-05-01T10:00:00']]));
		expect(customer).toEqual({
			customer_id: 'KCS001',
			email: 'mike@example.test',
			mobile: '07700 900123',
			phone: '01476 000000',
			first_name: 'Mike',
			last_name: "O'Brien",
			full_name: "Mike O'Brien",
			title: 'Mr',
			birth_date: '1980-02-29',
			address_1: 'Century House',
			address_2: '84 Commercial Road, Spittlegate',
			town: 'Grantham',
			county: 'Lincolnshire',
			postcode: 'NG31 6DB',
			country: 'GB',
			marketing_opt_in: true,
			created_at: '2019-03-04',
			updated_at: '2024-05-01T10:00:00',
			custom: {
				other_ref: 'C-77',
				company_name: "Mike O'Brien & Co",
				company_class: 'Internet',
				company_type: null,
				company_status: 'Active',
				currency_code: 'GBP',
				email_subscribe: true,
				mailing_status: 1,
				additional: { Loyalty: 'Gold' },
			},
		});
	});

	it('never carries the web password', () => {
		const text = JSON.stringify(parseExportCompany(COMPANY));
		expect(text).not.toContain('hunter2');
	});

	it("reads Khaos's mostly empty sample without inventing values", () => {
		const customers = parseExportCompany(fixture('xml-examples/KSDXMLCustomer.xml'));
		expect(customers).toHaveLength(2);
		expect(customers[0]).toMatchObject({
			customer_id: '',
			email: null,
			full_name: null,
			custom: {
				company_status: 'Active',
				additional: { 'Security Question': "Mother's Maiden Name" },
			},
		});
	});
});

describe('GetCompanyList', () => {
	it('reads TCompanyList entries', () => {
		expect(
			parseCompanyList({
				Count: 2,
				List: [
					{ CompanyCode: 'KCS001', OtherRef: 'C-77', LastUpdated: '2024-05-01T10:00:00' },
					{ CompanyCode: 'KCS002', OtherRef: '', LastUpdated: '' },
				],
			}),
		).toEqual([
			{ company_code: 'KCS001', other_ref: 'C-77', last_updated: '2024-05-01T10:00:00' },
			{ company_code: 'KCS002', other_ref: null, last_updated: null },
		]);
	});
});
