import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	buildMailingStatusXml,
	parseCustomerImportResult,
	parseMailingRecords,
	raisesMailingStatus,
	recordProblem,
	type MailingRecord,
} from '../../../lib/khaos/mailing-status';
import { KhaosProtocolError } from '../../../lib/khaos/errors';
import { childText, descendants, parseXml } from '../../../lib/khaos/xml';

const REAL = join(__dirname, '..', '..', 'fixtures', 'khaos', 'khaos-real', 'ExportCompany');

const record = (overrides: Partial<MailingRecord> = {}): MailingRecord => ({
	code: 'CU0000019',
	companyClass: 'Trade',
	country: 'United Kingdom',
	countryCode: 'GB',
	mailingStatus: 3,
	emails: ['stuart@devversity.co.uk'],
	hidden: false,
	...overrides,
});

describe('the ImportCompany document for a mailing status', () => {
	test('names the customer by code and carries only the class, the status and the country', () => {
		const xml = buildMailingStatusXml([{ record: record(), status: 5, reference: 'CU0000019' }]);
		const companies = descendants(parseXml(xml), 'COMPANY');
		expect(companies).toHaveLength(1);
		expect(companies[0].children.map((element) => element.name)).toEqual([
			'COMPANY_CODE',
			'PASSED_REFERENCE',
			'COMPANY_CLASS',
			'MAILING_STATUS',
			'COUNTRY_CODE',
		]);
		expect(childText(companies[0], 'MAILING_STATUS')).toBe('5');
		expect(xml).not.toContain('ADDRESSES');
		expect(xml).not.toContain('EMAILSUBSCRIBE');
	});

	test("escapes every value: a code and a class with O'Brien <&> come back as sent", () => {
		const tricky = record({
			code: `O'BRIEN<&>"1`,
			companyClass: 'Trade & <Retail>',
			countryCode: '',
		});
		const xml = buildMailingStatusXml([{ record: tricky, status: 6, reference: tricky.code }]);
		expect(xml).toContain('O&apos;BRIEN&lt;&amp;&gt;&quot;1');
		const company = descendants(parseXml(xml), 'COMPANY')[0];
		expect(childText(company, 'COMPANY_CODE')).toBe(`O'BRIEN<&>"1`);
		expect(childText(company, 'COMPANY_CLASS')).toBe('Trade & <Retail>');
		// No country code in Khaos: the country's name goes instead, as Khaos holds it.
		expect(childText(company, 'COUNTRY')).toBe('United Kingdom');
	});
});

describe('reading customers for an update', () => {
	test.each(readdirSync(REAL))(
		'real ExportCompany %s: codes, classes, countries and every email',
		(file) => {
			const records = parseMailingRecords(readFileSync(join(REAL, file), 'utf8'));
			expect(records.length).toBeGreaterThan(0);
			const todd = records.find((entry) => entry.code === 'CU0000019');
			expect(todd).toMatchObject({
				companyClass: 'Trade',
				countryCode: 'GB',
				country: 'United Kingdom',
				mailingStatus: 3,
				hidden: false,
			});
			// The real record keeps the email on its addresses, its contacts' EMAIL blank.
			expect(todd?.emails).toContain('stuart@devversity.co.uk');
			for (const entry of records)
				expect(entry.emails.every((email) => email === email.toLowerCase())).toBe(true);
		},
	);

	test('leaves out emails on hidden addresses and inactive contacts, and flags hidden customers', () => {
		const [company] = parseMailingRecords(
			'<COMPANYS><COMPANY><COMPANY_CODE>A1</COMPANY_CODE><HIDE_COMPANY>-1</HIDE_COMPANY><ADDRESSES>' +
				'<ADDRESS><EMAIL>Live@Example.com</EMAIL><CONTACTS><CONTACT><EMAIL>gone@example.com</EMAIL><INACTIVE>-1</INACTIVE></CONTACT>' +
				'<CONTACT><EMAIL>kept@example.com</EMAIL></CONTACT></CONTACTS></ADDRESS>' +
				'<ADDRESS><HIDE_ADDRESS>-1</HIDE_ADDRESS><EMAIL>hidden@example.com</EMAIL></ADDRESS>' +
				'</ADDRESSES></COMPANY></COMPANYS>',
		);
		expect(company.emails.sort()).toEqual(['kept@example.com', 'live@example.com']);
		expect(company.hidden).toBe(true);
		expect(company.mailingStatus).toBeNull();
	});

	test('refuses an answer with a DOCTYPE (no external entities are ever read)', () => {
		const xxe =
			'<?xml version="1.0"?><!DOCTYPE COMPANYS [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
			'<COMPANYS><COMPANY><COMPANY_CODE>&x;</COMPANY_CODE></COMPANY></COMPANYS>';
		expect(() => parseMailingRecords(xxe)).toThrow(/DOCTYPE|ENTITY/i);
	});

	test('a customer without a class or a country cannot be updated, and says why', () => {
		expect(recordProblem(record())).toBeUndefined();
		expect(recordProblem(record({ companyClass: '' }))).toMatch(/no company class/);
		expect(recordProblem(record({ country: '', countryCode: '' }))).toMatch(/no country/);
	});
});

describe("ImportCompany's answer", () => {
	test('reads updated and skipped customers', () => {
		const answer = parseCustomerImportResult({
			ImportedCount: 0,
			CustomerImport: [{ URN: 'A1', Action: 'Update', OtherRef: '', PassedReference: 'A1' }],
			CustomerSkipped: {
				item: {
					CustomerRef: 'W9',
					SkipReason: 'No matching customer found',
					PassedReference: 'B2',
				},
			},
		});
		expect(answer).toEqual({
			importedCount: 0,
			imported: [{ urn: 'A1', action: 'Update', otherRef: '', passedReference: 'A1' }],
			skipped: [
				{ customerRef: 'W9', skipReason: 'No matching customer found', passedReference: 'B2' },
			],
		});
	});

	test('an answer that is not a TCustomerImportResult is a protocol error', () => {
		expect(() => parseCustomerImportResult('<html>')).toThrow(KhaosProtocolError);
	});
});

describe('only ever towards less mailing', () => {
	test.each([
		[null, 5, true],
		[0, 5, true],
		[3, 5, true],
		[4, 5, true],
		[5, 5, false],
		[6, 5, false],
		[8, 5, false],
		[5, 6, true],
	] as const)('from %p to %p: write %p', (current, target, write) => {
		expect(raisesMailingStatus(current, target)).toBe(write);
	});
});
