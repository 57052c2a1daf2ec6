import { parseExportStock } from '../../../lib/khaos/stock';
import {
	categoryPathsByStockCode,
	indexStockStatus,
	parseStockList,
	parseStockStatus,
	parseWebCategories,
	type KhaosStockStatus,
} from '../../../lib/khaos/stock-status';
import { toWebProduct, udaTags } from '../../../lib/khaos/web-product';
import { fixture } from './helpers';

const SANDALS = fixture('real-responses/ExportStock__archive__1605026106.xml');
const PLATFORMS = fixture('real-responses/ExportStock__archive__1605026406.xml');
const ABBEY = fixture('real-responses/ExportStock__archive__1605186184.xml');

function only<T>(items: readonly T[]): T {
	expect(items).toHaveLength(1);
	return items[0];
}

describe('ExportStock real responses into web products', () => {
	it('reads the strappy sandal: name, price, VAT basis, brand and tags from UDAs', () => {
		const [sandal, tStrap] = parseExportStock(SANDALS).map((item) => toWebProduct(item));
		expect(sandal).toMatchObject({
			stock_code: 'AMU15/SMPU',
			stock_id: '118816',
			other_ref: null,
			name: '*5 Heel, Strappy Sandal W/ Cutout Detail',
			summary: null,
			description: null,
			price: 30.25,
			price_is_net: true,
			price_source: 'standard',
			vat_rate: 20,
			brand: 'Pleaser',
			images: [],
			pack_components: [],
			published: true,
			unpublished_reason: null,
		});
		// Empty UDAs (PLATFORM_HEIGHT, GENDER, DISCONTINUED twice, RRP…) are skipped; the CHOICE "YES" is a bare tag.
		expect(sandal.tags).toEqual([
			'HEEL_HEIGHT: 5.0',
			'SUB_BRAND: Pleaser',
			'VEGAN',
			'STATUS: SALE',
		]);
		expect(tStrap.name).toBe('*5 Heel, 3/8 Hidden Platform T-Strap Sling Back Sandal');
		expect(tStrap.price).toBe(26.95);
	});

	it('builds SCS variants from Colour/Size levels, naming "Null" sizes by their code suffix', () => {
		const sandal = toWebProduct(parseExportStock(SANDALS)[0]);
		expect(sandal.variants).toEqual([
			{
				stock_code: 'AMU15/SMPU-SMPU-10',
				stock_id: '118664',
				name: '*5 Heel, Strappy Sandal W/ Cutout Detail - Slv Met Pu - 10',
				size: '10',
				colour: 'Slv Met Pu',
				style: null,
				options: { Colour: 'Slv Met Pu', Size: '10' },
				price: 30.25,
				price_source: 'standard',
				barcodes: ['885487764047'],
				stock_level: null,
				stock_status: null,
				published: true,
			},
			expect.objectContaining({
				stock_code: 'AMU15/SMPU-SMPU-11',
				size: '11',
				colour: 'Slv Met Pu',
				barcodes: ['885487764054'],
			}),
		]);
	});

	it('leaves out template sizes that have no SCS item, and reads platform heights', () => {
		const products = parseExportStock(PLATFORMS).map((item) => toWebProduct(item));
		expect(products.map((product) => [product.stock_code, product.variants.length])).toEqual([
			['ADO709HGCH/HPHG/HPCH', 0],
			['ADO709HGCH/PWHG/PWCH', 0],
			['ADO709HGCH/ROGLDHG/M', 3],
		]);
		expect(products[0].name).toBe('**7 Heel, 2 3/4 PF Ankle Strap Sandal');
		expect(products[0].tags).toEqual([
			'HEEL_HEIGHT: 7.0',
			'SUB_BRAND: Pleaser',
			'PLATFORM_HEIGHT: 2.8',
			'VEGAN',
			'STATUS: CURRENT',
		]);
		expect(
			products[2].variants.map((variant) => [variant.stock_code, variant.colour, variant.size]),
		).toEqual([
			['ADO709HGCH/ROGLDHG/M-ROGLDHG/M-7', 'Rose Gold Hologram/Rose Gold Chrome', '7'],
			['ADO709HGCH/ROGLDHG/M-ROGLDHG/M-8', 'Rose Gold Hologram/Rose Gold Chrome', '8'],
			['ADO709HGCH/ROGLDHG/M-ROGLDHG/M-9', 'Rose Gold Hologram/Rose Gold Chrome', '9'],
		]);
	});

	it('reads Abbey: upper-case headings, named sizes, long description, image file name', () => {
		const abbey = toWebProduct(only(parseExportStock(ABBEY)));
		expect(abbey).toMatchObject({
			stock_code: 'ABBEY-03',
			name: '**3 3/4" PF Goth Lolita Shoe W/ Interchangeable Bows',
			description: 'Long Description for Abbey 03 would be here if we had one',
			price: 32.56,
			images: ['abbey-03-bpu.jpg'],
			barcodes: ['885487018638'],
		});
		expect(abbey.tags).toEqual([
			'GENDER: Female',
			'PLATFORM',
			'VEGAN',
			'HEEL HEIGHT: 3 3/4"',
			'STATUS: CURRENT',
			'SUB BRAND: Demonia',
		]);
		expect(abbey.variants).toHaveLength(7);
		expect(abbey.variants[2]).toMatchObject({
			stock_code: 'ABBEY-03-BLK-6',
			colour: 'Blk Vegan Leather',
			size: 'UK3 / US6 / EU36',
			options: { COLOUR: 'Blk Vegan Leather', SIZE: 'UK3 / US6 / EU36' },
			name: '**3 3/4" PF Goth Lolita Shoe w/ interchangeable bows - Blk Vegan Leather UK3 / US6 / EU36',
		});
	});

	it('prefers a positive web price, and passes first-seen, last-updated and categories through', () => {
		const xml = ABBEY.replace(
			'<SELL_PRICE_WEB>0</SELL_PRICE_WEB>',
			'<SELL_PRICE_WEB>29.99</SELL_PRICE_WEB>',
		);
		const product = toWebProduct(parseExportStock(xml)[0], {
			firstSeen: true,
			lastUpdated: '2020-11-12T13:03:04',
			categories: new Map([
				['ABBEY-03', ['Shoes > Gothic']],
				['ABBEY-03-BLK-6', ['Shoes > Gothic', 'Sale']],
			]),
		});
		expect(product).toMatchObject({
			price: 29.99,
			price_source: 'web',
			needs_web_review: true,
			last_updated: '2020-11-12T13:03:04',
		});
		expect(product.categories).toEqual(['Shoes > Gothic', 'Sale']);
		expect(product.variants[0]).toMatchObject({ price: 32.56, price_source: 'standard' });
	});

	it('keeps numeric-looking values as written', () => {
		const item = parseExportStock(SANDALS)[0];
		expect(item.stockId).toBe('118816');
		expect(item.scs?.children[0].barcodes).toEqual(['885487764047']);
	});
});

describe('publishing rules from the guide', () => {
	const item = (fields: string): string =>
		`<STOCK_ITEMS><STOCK_ITEM><STOCK_CODE>00123</STOCK_CODE><STOCK_DESC>Thing</STOCK_DESC><SELL_PRICE IS_NET="0">5</SELL_PRICE>${fields}</STOCK_ITEM></STOCK_ITEMS>`;
	const status = (level: number): Map<string, KhaosStockStatus> =>
		indexStockStatus(
			parseStockStatus(
				`<STOCK_STATUS SITE="Main"><STOCK_ITEM CODE="00123"><LEVEL>${level}</LEVEL><STATUS>${level > 0 ? 0 : 3}</STATUS></STOCK_ITEM></STOCK_STATUS>`,
			),
		);

	it('hides a DELETED item', () => {
		const product = toWebProduct(parseExportStock(item('<DELETED>-1</DELETED><WEB>-1</WEB>'))[0]);
		expect(product).toMatchObject({
			stock_code: '00123',
			published: false,
			unpublished_reason: 'deleted',
			price_is_net: false,
		});
	});

	it('derives DELETED from WEB and DISCONTINUED when Khaos leaves it blank', () => {
		expect(toWebProduct(parseExportStock(item('<DELETED/><WEB>0</WEB>'))[0]).published).toBe(false);
		expect(
			toWebProduct(
				parseExportStock(item('<DELETED/><WEB>-1</WEB><DISCONTINUED>-1</DISCONTINUED>'))[0],
			).published,
		).toBe(false);
		expect(
			toWebProduct(
				parseExportStock(item('<DELETED/><WEB>-1</WEB><DISCONTINUED>0</DISCONTINUED>'))[0],
			).published,
		).toBe(true);
	});

	it('hides a run-to-zero item at level 0 or below, not above, and not when the level is unknown', () => {
		const runToZero = parseExportStock(
			item('<DELETED>0</DELETED><RUN_TO_ZERO>-1</RUN_TO_ZERO>'),
		)[0];
		expect(toWebProduct(runToZero, { stockStatus: status(0) })).toMatchObject({
			published: false,
			unpublished_reason: 'run_to_zero_out_of_stock',
			stock_level: 0,
			stock_status: { code: 3, label: 'out of stock, not due' },
		});
		expect(toWebProduct(runToZero, { stockStatus: status(-2) }).published).toBe(false);
		expect(toWebProduct(runToZero, { stockStatus: status(4) })).toMatchObject({
			published: true,
			stock_level: 4,
			stock_status: { code: 0, label: 'in stock' },
		});
		expect(toWebProduct(runToZero).published).toBe(true);
	});

	it('lists pack contents from LINK_TYPE 3 only, with their quantities', () => {
		const links =
			'<LINKED_ITEMS><LINK_ITEM><STOCK_CODE>SOCK-1</STOCK_CODE><LINK_TYPE>3</LINK_TYPE><LINK_VALUE>2</LINK_VALUE></LINK_ITEM>' +
			'<LINK_ITEM><STOCK_CODE>SHOE-9</STOCK_CODE><LINK_TYPE>3</LINK_TYPE><LINK_VALUE>1</LINK_VALUE></LINK_ITEM>' +
			'<LINK_ITEM><STOCK_CODE>BAG-2</STOCK_CODE><LINK_TYPE>2</LINK_TYPE><LINK_VALUE>9.99</LINK_VALUE></LINK_ITEM>' +
			'<LINK_ITEM></LINK_ITEM></LINKED_ITEMS>';
		expect(toWebProduct(parseExportStock(item(links))[0]).pack_components).toEqual([
			{ stock_code: 'SOCK-1', qty: 2 },
			{ stock_code: 'SHOE-9', qty: 1 },
		]);
	});

	it("takes an SCS parent's level and status from its variants, and hides it when they are all hidden", () => {
		const parent = parseExportStock(SANDALS)[0];
		const levels = indexStockStatus(
			parseStockStatus(
				'<STOCK_STATUS><STOCK_ITEM CODE="AMU15/SMPU"><LEVEL>0</LEVEL><STATUS>5</STATUS></STOCK_ITEM>' +
					'<STOCK_ITEM CODE="AMU15/SMPU-SMPU-10"><LEVEL>0</LEVEL><STATUS>2</STATUS></STOCK_ITEM><STOCK_ITEM CODE="AMU15/SMPU-SMPU-11"><LEVEL>3</LEVEL><STATUS>0</STATUS></STOCK_ITEM></STOCK_STATUS>',
			),
		);
		expect(toWebProduct(parent, { stockStatus: levels })).toMatchObject({
			stock_level: 3,
			stock_status: { code: 0, label: 'in stock' },
			published: true,
		});
		for (const child of parent.scs?.children ?? []) child.deleted = true;
		expect(toWebProduct(parent)).toMatchObject({
			published: false,
			unpublished_reason: 'no_published_variants',
		});
	});
});

describe("Khaos's KSDXMLStock sample", () => {
	it('reads the one real item, skipping the empty placeholder', () => {
		const product = toWebProduct(only(parseExportStock(fixture('xml-examples/KSDXMLStock.xml'))));
		expect(product.tags).toEqual([
			'Author: Margaret Weis / Tracy Hickman',
			'Date Published: 2008-12-31',
			'ISBN-10: 0786915749',
			'ISBN-13: 978-0786915743',
			'List Example: List Option 2',
			'List Example: List Option 3',
			'Choice Example: tester1',
		]);
		expect(product.images).toEqual(['TestImage.jpg']);
		expect(product.variants.map((variant) => variant.size)).toEqual(['ABC']);
	});
});

describe('UDA tags', () => {
	it('turns yes/no answers into bare tags and drops the noes', () => {
		expect(
			udaTags([
				{ name: 'Heavy', type: 'YES/NO', value: '-1' },
				{ name: 'Fragile', type: 'YES/NO', value: '0' },
				{ name: 'Boxed', type: 'YES/NO', value: 'Yes' },
				{ name: 'VEGAN', type: 'CHOICE', value: 'No' },
				{ name: 'Colour', type: 'TEXT', value: 'Red' },
				{ name: 'Colour', type: 'TEXT', value: 'Red' },
				{ name: 'Size', type: 'LIST', value: '' },
			]),
		).toEqual(['Heavy', 'Boxed', 'Colour: Red']);
	});
});

describe('GetStockList, ExportStockStatus and ExportWebCategories', () => {
	it('reads TStockList entries', () => {
		expect(
			parseStockList({
				Count: 2,
				List: [
					{
						StockCode: 'AMU15/SMPU-SMPU-10',
						OtherRef: 'AMU15/SMPU',
						StockDesc: 'Sandal',
						ParentCode: 'AMU15/SMPU',
						ParentOtherRef: '',
						LastUpdated: '2020-11-10T16:35:06',
					},
					{
						StockCode: '00123',
						OtherRef: '',
						StockDesc: 'Thing',
						ParentCode: '',
						LastUpdated: '2020-11-11T09:00:00',
					},
				],
			}),
		).toEqual([
			{
				stock_code: 'AMU15/SMPU-SMPU-10',
				other_ref: 'AMU15/SMPU',
				stock_desc: 'Sandal',
				parent_code: 'AMU15/SMPU',
				parent_other_ref: null,
				last_updated: '2020-11-10T16:35:06',
			},
			{
				stock_code: '00123',
				other_ref: null,
				stock_desc: 'Thing',
				parent_code: null,
				parent_other_ref: null,
				last_updated: '2020-11-11T09:00:00',
			},
		]);
		expect(parseStockList({ Count: 0, List: [] })).toEqual([]);
		expect(parseStockList(undefined)).toEqual([]);
	});

	it('reads the KSDXMLStockStatus sample', () => {
		expect(parseStockStatus(fixture('xml-examples/KSDXMLStockStatus.xml'))).toEqual([
			expect.objectContaining({
				stock_code: 'BM101901',
				stock_id: 'A3567',
				description: 'Black T-Shirt Size L',
				site: 'Main Site',
				level: 53,
				status: { code: 0, label: 'in stock' },
				web_sell_price: 100,
				lead_time: '2009-08-27',
				build_potential: 123,
			}),
			expect.objectContaining({
				stock_code: 'BM101902',
				other_ref: 'ABCSTOCK',
				level: 0,
				status: { code: 1, label: 'all allocated' },
				min_level: 12,
			}),
		]);
	});

	it('adds up levels per code across sites', () => {
		const statuses = parseStockStatus(
			'<SITES><STOCK_STATUS SITE="Shop"><STOCK_ITEM CODE="A"><LEVEL>2</LEVEL><STATUS>1</STATUS></STOCK_ITEM></STOCK_STATUS>' +
				'<STOCK_STATUS SITE="Warehouse"><STOCK_ITEM CODE="A"><LEVEL>5</LEVEL><STATUS>0</STATUS></STOCK_ITEM></STOCK_STATUS></SITES>',
		);
		expect(indexStockStatus(statuses).get('A')).toMatchObject({
			level: 7,
			site: null,
			status: { code: 0 },
		});
	});

	it('reads the web category tree and indexes category paths by stock code', () => {
		const tree = parseWebCategories(fixture('xml-examples/KSDXMLWebCategoriesEx2.xml'));
		expect(tree).toMatchObject({ website_id: '7215', website_name: 'KSDWeb' });
		expect(tree.categories.map((category) => category.name)).toEqual(['Misc', 'Other']);
		expect(tree.categories[0].children[0]).toMatchObject({
			id: '7218',
			name: 'Etc',
			path: ['Misc', 'Etc'],
			file_name: 'K:\\Images\\EtcItems.jpg',
		});
		expect(tree.website_stock_items[0]).toEqual(
			expect.objectContaining({ stock_code: 'KSDMISCITEM', website_stock_code: 'MISCITEM' }),
		);
		const paths = categoryPathsByStockCode(tree);
		expect(paths.get('KSDETCITEM')).toEqual(['Misc > Etc']);
		expect(paths.get('KSDMISCITEM')).toEqual(['Misc']);
		expect(paths.get('KSDOTHERITEM')).toEqual(['Other']);
	});

	it('leaves deleted categories and items out of the index', () => {
		const tree = parseWebCategories(fixture('xml-examples/KSDXMLWebCategories.xml'));
		expect(tree.categories[0]).toMatchObject({ name: 'Top level category 1', deleted: true });
		expect(tree.categories[0].children[0].stock_items[0]).toMatchObject({
			deleted: true,
			canonical: true,
			scs_codes: ['AAA1222_1', 'AAA1222_2', 'AAA1222_3', 'AAA1222_4'],
		});
		const paths = categoryPathsByStockCode(tree);
		expect(paths.get('AAA1222')).toEqual(['Books']);
		expect(paths.get('RRR5555')).toEqual(['Books > Paperbacks']);
		expect(paths.has('CCC1111')).toBe(false);
	});
});
