/** The fake Khaos's ImportCompany, rule by rule as the guide gives it (and its least convenient reading where silent). */
import { KhaosClient } from '../../../lib/khaos/client';
import { KhaosFaultError } from '../../../lib/khaos/errors';
import { parseCustomerImportResult, parseMailingRecords } from '../../../lib/khaos/mailing-status';
import { startFakeKhaos, type FakeKhaos } from '../../fakes/khaos';
import { customersXml } from '../../helpers/khaos-customers';

let fake: FakeKhaos;
let client: KhaosClient;

beforeAll(async () => {
	fake = await startFakeKhaos({
		seed: {
			customersXml: customersXml([
				{
					code: 'K1',
					email: 'k1@example.com',
					webUser: 'kay',
					surname: 'Kay',
					postcode: 'NG31 6DB',
				},
			]),
		},
	});
	client = new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } });
});
afterAll(async () => fake.stop());
beforeEach(() => fake.reset());

const company = (
	inner: string,
	extra = '<COMPANY_CLASS>Internet</COMPANY_CLASS><COUNTRY_CODE>GB</COUNTRY_CODE>',
) => `<COMPANYS><COMPANY>${inner}${extra}</COMPANY></COMPANYS>`;
const importCompany = async (xml: string, method: number) =>
	parseCustomerImportResult(
		await client.call('ImportCompany', [
			['Customers', xml, 'string'],
			['Method', method, 'int'],
		]),
	);
const held = async (code: string) =>
	parseMailingRecords(
		await client.text('ExportCompany', [
			['CompanyCode', code, 'string'],
			['MappingType', 1, 'int'],
		]),
	);

test('Method 2 updates a customer matched by code, and answers Update with its URN and the passed reference', async () => {
	const answer = await importCompany(
		company(
			'<COMPANY_CODE>K1</COMPANY_CODE><PASSED_REFERENCE>ref-1</PASSED_REFERENCE><MAILING_STATUS>6</MAILING_STATUS>',
		),
		2,
	);
	expect(answer).toEqual({
		importedCount: 0,
		imported: [{ urn: 'K1', action: 'Update', otherRef: '', passedReference: 'ref-1' }],
		skipped: [],
	});
	expect((await held('K1'))[0].mailingStatus).toBe(6);
	expect(fake.mailingHistory().K1.map((entry) => [entry.status, entry.how])).toEqual([
		['3', 'seed'],
		['6', 'updated'],
	]);
});

test('Method 2 with no match skips the customer and creates nothing', async () => {
	const answer = await importCompany(
		company(
			'<COMPANY_CODE>NEW9</COMPANY_CODE><OTHER_REF>W9</OTHER_REF><PASSED_REFERENCE>p9</PASSED_REFERENCE>',
		),
		2,
	);
	expect(answer.skipped).toEqual([
		{ customerRef: 'W9', skipReason: 'No matching customer found', passedReference: 'p9' },
	]);
	expect(fake.customerCodes()).toEqual(['K1']);
});

test('matching falls back to web user, then to the invoice surname and postcode', async () => {
	expect(
		(await importCompany(company('<WEB_USER>kay</WEB_USER><MAILING_STATUS>4</MAILING_STATUS>'), 2))
			.imported[0],
	).toMatchObject({
		urn: 'K1',
		action: 'Update',
	});
	const byAddress = company(
		'<ADDRESSES><ADDRESS><ADDRTYPE>1</ADDRTYPE><POSTCODE>ng316db</POSTCODE><CONTACTS><CONTACT><SURNAME>KAY</SURNAME></CONTACT></CONTACTS></ADDRESS></ADDRESSES>',
	);
	expect((await importCompany(byAddress, 2)).imported[0]).toMatchObject({
		urn: 'K1',
		action: 'Update',
	});
});

test('Method 0 creates when nothing matches; Method 1 leaves a match alone; Method 3 creates a duplicate', async () => {
	const created = await importCompany(
		company('<COMPANY_CODE>N1</COMPANY_CODE><MAILING_STATUS>2</MAILING_STATUS>'),
		0,
	);
	expect(created).toMatchObject({ importedCount: 1, imported: [{ urn: 'N1', action: 'New' }] });
	expect(fake.mailingHistory().N1.map((entry) => entry.how)).toEqual(['created']);
	expect(
		(await importCompany(company('<COMPANY_CODE>K1</COMPANY_CODE>'), 1)).skipped[0].skipReason,
	).toBe('Customer already exists');
	await importCompany(company('<COMPANY_CODE>K1</COMPANY_CODE>'), 3);
	expect(fake.customerCodes()).toEqual(['K1', 'N1', 'K1']);
});

test('class and country are required on an update too; a mailing status outside 1-8 is refused', async () => {
	const skipReason = async (xml: string) => (await importCompany(xml, 2)).skipped[0]?.skipReason;
	expect(
		await skipReason(company('<COMPANY_CODE>K1</COMPANY_CODE>', '<COUNTRY_CODE>GB</COUNTRY_CODE>')),
	).toBe('Company Class is mandatory');
	expect(
		await skipReason(
			company('<COMPANY_CODE>K1</COMPANY_CODE>', '<COMPANY_CLASS>Internet</COMPANY_CLASS>'),
		),
	).toBe('Either Country or Country Code must be specified');
	expect(
		await skipReason(company('<COMPANY_CODE>K1</COMPANY_CODE><MAILING_STATUS>9</MAILING_STATUS>')),
	).toBe("Invalid Mailing Status '9'");
	expect(fake.mailingHistory().K1).toHaveLength(1);
});

test('an update writes every element sent, an empty one blanking the field, but never the code or the class', async () => {
	await importCompany(
		company(
			'<COMPANY_CODE>K1</COMPANY_CODE><COMPANY_NAME/>',
			'<COMPANY_CLASS>Trade</COMPANY_CLASS><COUNTRY_CODE>GB</COUNTRY_CODE>',
		),
		2,
	);
	const xml = await client.text('ExportCompany', [
		['CompanyCode', 'K1', 'string'],
		['MappingType', 1, 'int'],
	]);
	expect(xml).toMatch(/<COMPANY_NAME\/>|<COMPANY_NAME><\/COMPANY_NAME>/);
	expect(xml).toContain('<COMPANY_CLASS>Internet</COMPANY_CLASS>');
});

test('a document that is not XML, or a Method the guide does not list, is a SOAP fault', async () => {
	await expect(importCompany('<COMPANYS><COMPANY>', 2)).rejects.toBeInstanceOf(KhaosFaultError);
	await expect(importCompany(company('<COMPANY_CODE>K1</COMPANY_CODE>'), 4)).rejects.toThrow(
		/Invalid Method 4/,
	);
});

test('the admin API shows every mailing status each customer had, for a sandbox to check by eye', async () => {
	await importCompany(
		company('<COMPANY_CODE>K1</COMPANY_CODE><MAILING_STATUS>5</MAILING_STATUS>'),
		2,
	);
	const history = (await (await fetch(`${fake.baseUrl}/__admin/mailing-history`)).json()) as Record<
		string,
		Array<{ status: string; how: string }>
	>;
	expect(history.K1.map((entry) => [entry.status, entry.how])).toEqual([
		['3', 'seed'],
		['5', 'updated'],
	]);
});
