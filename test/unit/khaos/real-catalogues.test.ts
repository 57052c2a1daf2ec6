/**
 * Every real ExportStock answer we hold, served by the fake Khaos the way the real installation
 * answers: parents with their SCS heading tree, mostly without SCS_ITEM children. Every SCS parent
 * must come out with every variant its tree describes, each with its own stock code.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { KhaosClient } from '../../../lib/khaos/client';
import {
	DEFAULT_SYSTEM_ACCOUNTS,
	isSystemAccount,
	parseExportCompany,
} from '../../../lib/khaos/customers';
import { webProducts } from '../../../lib/khaos/product-feed';
import { startFakeKhaos, type FakeKhaos } from '../../fakes/khaos';
import { child, childText, elements, parseXml, type XElement } from '../../fakes/khaos/xml';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'khaos');
const FILES = [
	...readdirSync(join(FIXTURES, 'khaos-real', 'ExportStock')).map((name) =>
		join('khaos-real', 'ExportStock', name),
	),
	...readdirSync(join(FIXTURES, 'real-responses')).map((name) => join('real-responses', name)),
].sort();

interface TreeVariant {
	path: string[];
}

/** The variants a parent's tree describes, read without lib/khaos: one per lowest STYLE. */
function treeVariants(item: XElement): TreeVariant[] {
	const variants: TreeVariant[] = [];
	const walk = (holder: XElement, path: string[]): void => {
		for (const style of elements(holder, 'STYLE')) {
			const here = [...path, childText(style, 'SCS_CODE_SUFFIX')];
			if (elements(style, 'STYLE').length === 0) variants.push({ path: here });
			else walk(style, here);
		}
	};
	walk(child(item, 'SCS') as XElement, []);
	return variants;
}

test('the real answers hold SCS parents, most of them without SCS_ITEM children', () => {
	const parents = FILES.flatMap((file) =>
		elements(parseXml(readFileSync(join(FIXTURES, file), 'utf8')), 'STOCK_ITEM').filter((item) =>
			child(item, 'SCS'),
		),
	);
	const bare = parents.filter((item) => !readXmlHasItems(item));
	expect(parents.length).toBeGreaterThan(50);
	expect(bare.length / parents.length).toBeGreaterThan(0.5);
});

function readXmlHasItems(item: XElement): boolean {
	const scs = child(item, 'SCS') as XElement;
	const has = (holder: XElement): boolean =>
		elements(holder, 'SCS_ITEM').length > 0 || elements(holder, 'STYLE').some(has);
	return has(scs);
}

describe.each(FILES)('%s', (file) => {
	const xml = readFileSync(join(FIXTURES, file), 'utf8');
	const items = elements(parseXml(xml), 'STOCK_ITEM').filter(
		(item) => childText(item, 'STOCK_CODE') !== '',
	);
	let fake: FakeKhaos;

	beforeAll(async () => {
		fake = await startFakeKhaos({
			seed: { stock: [{ xml, lastUpdated: new Date(Date.UTC(2020, 10, 10)) }], levels: {} },
		});
	});
	afterAll(async () => fake.stop());

	test('every SCS parent yields every variant its tree describes, each with its own code and options', async () => {
		const client = new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } });
		const products = await webProducts(
			client,
			items.map((item) => childText(item, 'STOCK_CODE')),
		);
		expect(products).toHaveLength(items.length);
		for (const item of items) {
			const code = childText(item, 'STOCK_CODE');
			const product = products.find((candidate) => candidate.stock_code === code);
			expect(product).toBeDefined();
			if (!child(item, 'SCS')) {
				expect(product?.variants).toEqual([]);
				continue;
			}
			const tree = treeVariants(item);
			const headings = elements(child(item, 'SCS') as XElement, 'HEADING').map((heading) =>
				heading.children
					.map((node) => ('text' in node ? node.text : ''))
					.join('')
					.trim(),
			);
			expect({ code, variants: product?.variants.length }).toEqual({ code, variants: tree.length });
			const codes = product?.variants.map((variant) => variant.stock_code) ?? [];
			expect(codes.every((variantCode) => variantCode.trim() !== '' && variantCode !== code)).toBe(
				true,
			);
			expect(new Set(codes).size).toBe(codes.length);
			// Each variant names one value per heading, and the values are the tree's own.
			const seen = new Set(
				product?.variants.map((variant) =>
					headings.map((heading) => variant.options[heading]).join('|'),
				),
			);
			expect(seen.size).toBe(tree.length);
			for (const variant of product?.variants ?? [])
				expect(Object.keys(variant.options).sort()).toEqual([...headings].sort());
			expect(product?.review_reasons).toEqual([]);
			expect(product?.needs_web_review).toBe(false);
			expect(product?.unpublished_reason).not.toBe('variants_unresolved');
		}
	});
});

describe('a parent whose variants Khaos cannot give', () => {
	let fake: FakeKhaos;

	beforeAll(async () => {
		fake = await startFakeKhaos();
	});
	afterAll(async () => fake.stop());

	test('is flagged for web review with the reason and never published without options', async () => {
		// The child's code does not follow the parent's code and suffixes, so it cannot be placed on the tree.
		fake.addStock({
			code: 'SHIRT',
			desc: 'Shirt',
			sellPrice: 20,
			scs: {
				headings: ['Colour', 'Size'],
				children: [{ code: 'ODD-RED-S', suffixes: ['RED', 'S'] }],
			},
		});
		const [shirt] = await webProducts(
			new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } }),
			['SHIRT'],
		);
		expect(shirt).toMatchObject({
			stock_code: 'SHIRT',
			variants: [],
			published: false,
			unpublished_reason: 'variants_unresolved',
			needs_web_review: true,
			stock_level: null,
		});
		expect(shirt.review_reasons.join('\n')).toMatch(
			/ODD-RED-S .*fits none of the Colour\/Size options/,
		);
		expect(shirt.review_reasons.join('\n')).toMatch(
			/no child item for 1 of the 1 variants.*Colour RED, Size S/,
		);
	});

	test('with some variants found, publishes those and flags the rest for review', async () => {
		fake.addStock({
			code: 'TEE',
			desc: 'Tee',
			sellPrice: 10,
			scs: {
				headings: ['Size'],
				children: [
					{ code: 'TEE-S', suffixes: ['S'], level: 3 },
					{ code: 'TEE-XL-ODD', suffixes: ['XL'], level: 4 },
				],
			},
		});
		const [tee] = await webProducts(
			new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } }),
			['TEE'],
		);
		expect(
			tee.variants.map((variant) => [variant.stock_code, variant.size, variant.stock_level]),
		).toEqual([['TEE-S', 'S', 3]]);
		expect(tee).toMatchObject({ published: true, needs_web_review: true, stock_level: 3 });
		expect(tee.review_reasons.join('\n')).toMatch(/Size XL/);
	});

	test('a variant below zero takes nothing from the parent total', async () => {
		fake.addStock({
			code: 'SOCK',
			desc: 'Sock',
			sellPrice: 3,
			scs: {
				headings: ['Size'],
				children: [
					{ code: 'SOCK-S', suffixes: ['S'], level: 5 },
					{ code: 'SOCK-M', suffixes: ['M'], level: -2 },
				],
			},
		});
		const [sock] = await webProducts(
			new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } }),
			['SOCK'],
		);
		expect(sock.variants.map((variant) => [variant.stock_code, variant.stock_level])).toEqual([
			['SOCK-S', 5],
			['SOCK-M', -2],
		]);
		expect(sock.stock_level).toBe(5);
	});
});

describe('real ExportCompany answers', () => {
	const files = readdirSync(join(FIXTURES, 'khaos-real', 'ExportCompany')).sort();

	test.each(files)(
		'%s: hidden records left out, the mailing preference read, system accounts recognised',
		(name) => {
			const xml = readFileSync(join(FIXTURES, 'khaos-real', 'ExportCompany', name), 'utf8');
			const companies = elements(parseXml(xml), 'COMPANY');
			const customers = parseExportCompany(xml);
			expect(customers).toHaveLength(
				companies.filter((company) => childText(company, 'HIDE_COMPANY') !== '-1').length,
			);
			const codes = customers.map((customer) => customer.customer_id);
			expect(codes).toContain('EPOS');
			expect(codes.filter((code) => isSystemAccount(code, DEFAULT_SYSTEM_ACCOUNTS))).toEqual(
				expect.arrayContaining(['EPOS', 'KCSL_TEST']),
			);
			expect(
				codes
					.filter((code) => isSystemAccount(code, DEFAULT_SYSTEM_ACCOUNTS))
					.every((code) => code === 'EPOS' || /TEST/i.test(code)),
			).toBe(true);
			for (const customer of customers) {
				expect(customer.custom.mailing_status).not.toBeUndefined();
				if (customer.custom.mailing_status !== null && customer.custom.mailing_status > 3)
					expect(customer.marketing_opt_in).toBe(false);
				if (customer.custom.email_subscribe === false)
					expect(customer.marketing_opt_in).toBe(false);
			}
			expect(customers.some((customer) => customer.marketing_opt_in === true)).toBe(true);
		},
	);

	test('a hidden company, address or contact never comes out', () => {
		const xml = readFileSync(join(FIXTURES, 'khaos-real', 'ExportCompany', files[0]), 'utf8');
		const first = elements(parseXml(xml), 'COMPANY')[0];
		const code = childText(first, 'COMPANY_CODE');
		const hiddenCompany = xml.replace(
			/<HIDE_COMPANY>0<\/HIDE_COMPANY>/,
			'<HIDE_COMPANY>-1</HIDE_COMPANY>',
		);
		expect(parseExportCompany(hiddenCompany).map((customer) => customer.customer_id)).not.toContain(
			code,
		);
		const before = parseExportCompany(xml).find((customer) => customer.customer_id === code);
		const hiddenContacts = xml.replace(
			/<HIDE_CONTACT>0<\/HIDE_CONTACT>/g,
			'<HIDE_CONTACT>-1</HIDE_CONTACT>',
		);
		const after = parseExportCompany(hiddenContacts).find(
			(customer) => customer.customer_id === code,
		);
		expect(before?.email).not.toBeNull();
		expect(after).toMatchObject({ first_name: null, last_name: null, marketing_opt_in: null });
	});

	test('marketing_opt_in: yes to email and our use allowed; no when either says no; unknown when Khaos says nothing', () => {
		const company = (subscribe: string, status: string): string =>
			`<COMPANYS><COMPANY><COMPANY_CODE>C1</COMPANY_CODE><MAILING_STATUS>${status}</MAILING_STATUS><ADDRESSES><ADDRESS><ADDRTYPE>1</ADDRTYPE><CONTACTS><CONTACT><SURNAME>Ng</SURNAME><EMAILSUBSCRIBE>${subscribe}</EMAILSUBSCRIBE></CONTACT></CONTACTS></ADDRESS></ADDRESSES></COMPANY></COMPANYS>`;
		const optIn = (subscribe: string, status: string): boolean | null =>
			parseExportCompany(company(subscribe, status))[0].marketing_opt_in;
		expect([
			optIn('-1', '3'),
			optIn('-1', '1'),
			optIn('-1', '6'),
			optIn('0', '3'),
			optIn('', ''),
			optIn('-1', ''),
		]).toEqual([true, true, false, false, null, true]);
	});
});
