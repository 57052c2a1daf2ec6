import * as XLSX from 'xlsx';

import { readRows } from '../../../lib/files';
import {
	mappingFromFieldList,
	type FieldListEntry,
	type MappingSettings,
} from '../../../lib/mapping';
import { mapCsv, runMapping } from './run-mapping';

const FIELDS: FieldListEntry[] = [
	{ target: 'sku', source: 'SKU' },
	{ target: 'name', source: 'Item Name' },
	{ target: 'price', source: 'Price' },
	{ target: 'sale_price', source: 'Sale Price' },
	{ target: 'category', source: 'Category' },
	{ target: 'tags', source: 'Tags' },
	{ target: 'barcode', source: 'Barcode' },
	{ target: 'stock_level', source: 'Current Quantity Main Street' },
	{ target: 'active', source: 'Visible' },
];

/** The test files leave out some of these columns: the mapping says they may be absent. */
function products(settings: Partial<MappingSettings> = {}, fields: FieldListEntry[] = FIELDS) {
	return mappingFromFieldList(
		'product',
		fields.map((field) => ({ mayBeAbsent: true, ...field })),
		[],
		settings,
	);
}

const HEADER =
	'SKU,Item Name,Price,Sale Price,Category,Tags,Barcode,Current Quantity Main Street,Visible';

describe('product rows', () => {
	test('each row is one product: price in the currency of its symbol, tags as a list, barcode kept as written', async () => {
		const csv = `${HEADER}\nTSHIRT-RED-M,Organic T-shirt,£19.99,£14.99,Tops,"organic, summer,,",05012345678900,12,Y\n`;
		const { records, rejected, summary } = await mapCsv(csv, products(), 'products.csv');
		expect(rejected).toEqual([]);
		expect(records).toEqual([
			{
				sku: 'TSHIRT-RED-M',
				name: 'Organic T-shirt',
				price: 19.99,
				sale_price: 14.99,
				currency: 'GBP',
				category: 'Tops',
				barcode: '05012345678900',
				stock_level: 12,
				tags: ['organic', 'summer'],
				active: true,
				_source: { file: 'products.csv', lines: [2] },
			},
		]);
		expect(summary).toMatchObject({
			rows_read: 1,
			records: 1,
			rows_in_records: 1,
			rejected: 0,
			balanced: true,
		});
	});

	test('money without a symbol takes the currency setting, and a mapped currency wins over both', async () => {
		const plain = await mapCsv(`${HEADER}\nMUG,Mug,8.50,,,,,3,N\n`, products({ currency: 'EUR' }));
		expect(plain.records[0]).toMatchObject({ price: 8.5, currency: 'EUR', active: false });
		const withColumn = await mapCsv(
			`${HEADER},Currency\nMUG,Mug,$8.50,,,,,3,N,CAD\n`,
			products({ currency: 'EUR' }, [...FIELDS, { target: 'currency', source: 'Currency' }]),
		);
		expect(withColumn.records[0]).toMatchObject({ price: 8.5, currency: 'CAD' });
		const noCurrency = await mapCsv(`${HEADER}\nMUG,Mug,8.50,,,,,3,N\n`, products());
		expect('currency' in noCurrency.records[0]).toBe(false);
	});

	test('a product without a SKU is rejected: the SKU is what products are matched on', async () => {
		const { records, rejected, summary } = await mapCsv(
			`${HEADER}\n,Mystery item,£1.00,,,,,,\nMUG,Mug,£8.50,,,,,,\n`,
			products(),
			'products.csv',
		);
		expect(records.map((record) => record.sku)).toEqual(['MUG']);
		expect(rejected).toEqual([
			{
				file: 'products.csv',
				line: 2,
				field: 'sku',
				column: 'SKU',
				rule: 'required.missing',
				value: '',
				message: 'sku is empty',
				owner: 'till data',
			},
		]);
		expect(summary.balanced).toBe(true);
	});

	test('a negative stock level is kept, and a stock level in words is rejected', async () => {
		const { records, rejected } = await mapCsv(
			`${HEADER}\nA,Apron,£5,,,,,-2,Y\nB,Bag,£5,,,,,lots,Y\n`,
			products(),
		);
		expect(records.map((record) => [record.sku, record.stock_level])).toEqual([['A', -2]]);
		expect(rejected.map(({ line, field, rule, value }) => ({ line, field, rule, value }))).toEqual([
			{ line: 3, field: 'stock_level', rule: 'number.invalid', value: 'lots' },
		]);
	});

	test('an Excel product list keeps a long barcode whole and reads numbers as numbers', async () => {
		const sheet = XLSX.utils.aoa_to_sheet([
			['SKU', 'Item Name', 'Price', 'Barcode', 'Current Quantity Main Street', 'Visible'],
			[10023, 'Mug', 8.5, 5012345678900, 3, true],
		]);
		const workbook = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(workbook, sheet, 'Items');
		const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
		const { records } = await runMapping(
			readRows(bytes, { fileName: 'items.xlsx' }),
			products({ currency: 'GBP' }),
			'items.xlsx',
		);
		expect(records).toEqual([
			{
				sku: '10023',
				name: 'Mug',
				price: 8.5,
				currency: 'GBP',
				barcode: '5012345678900',
				stock_level: 3,
				active: true,
				_source: { file: 'items.xlsx', lines: [2] },
			},
		]);
	});
});
