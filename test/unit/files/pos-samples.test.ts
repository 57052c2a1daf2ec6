import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { inspectFile } from '../../../lib/files';
import { readAll } from './read-helpers';

const samples = join(__dirname, '../../fixtures/pos');
const squarePath = join(samples, 'square-item-detail.csv');
const salesPath = join(samples, 'sales-data-sample.csv');

describe('real POS exports', () => {
	it('inspects the Square item detail export', async () => {
		const inspection = await inspectFile(squarePath);

		expect(inspection).toMatchObject({
			format: 'csv',
			encoding: 'utf-8',
			bom: false,
			delimiter: ',',
			sheetName: null,
		});
		expect(inspection.header).toHaveLength(33);
		expect(inspection.header.slice(0, 6)).toEqual([
			'Date',
			'Time',
			'Time Zone',
			'Category',
			'Item',
			'Qty',
		]);
		expect(inspection.header).toContain('Modifiers Applied');
		expect(inspection.header.at(-1)).toBe('PAN Suffix');
	});

	it('reads all 417 line items of the Square export, quoted comma lists intact', async () => {
		const { header, rows, skipped } = await readAll(squarePath, {
			fileName: 'square-item-detail.csv',
		});

		expect(skipped).toEqual([]);
		expect(rows).toHaveLength(417);
		expect(rows.every((row) => row.values.length === 33)).toBe(true);
		const first = rows[0];
		const value = (name: string) => first.values[header.indexOf(name)];
		expect(first.line).toBe(2);
		expect(value('Item')).toBe('Matcha Latte');
		expect(value('Modifiers Applied')).toBe('12oz, Whole Milk, Cold Foam, Strawberry');
		expect(value('Gross Sales')).toBe('$8.00');
		expect(value('Customer ID')).toBe('YS5AN0ZVNMSQCGP979B94FG4A8');
		expect(rows.at(-1)?.line).toBe(418);
	});

	it('reads all 1999 order lines of the CRLF sales sample', async () => {
		const inspection = await inspectFile(salesPath);
		const { header, rows, skipped } = await readAll(salesPath, {
			fileName: 'sales-data-sample.csv',
		});

		expect(inspection).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',' });
		expect(header).toHaveLength(25);
		expect(header[0]).toBe('ORDERNUMBER');
		expect(header).toEqual(inspection.header);
		expect(skipped).toEqual([]);
		expect(rows).toHaveLength(1999);
		expect(rows.map((row) => row.line)).toEqual(Array.from({ length: 1999 }, (_, i) => i + 2));
		expect(
			rows.some((row) => row.values.some((v) => typeof v === 'string' && v.includes('\r'))),
		).toBe(false);
		const paris = rows.find((row) => row.line === 11);
		expect(paris?.values[header.indexOf('ADDRESSLINE1')]).toBe('25, rue Lauriston');
		expect(paris?.values[header.indexOf('ORDERDATE')]).toBe('1/15/2004 0:00');
	});

	it('reads the same rows from a path, a Buffer and a stream', async () => {
		const fromPath = await readAll(squarePath, { fileName: 'square-item-detail.csv' });
		const fromBuffer = await readAll(readFileSync(squarePath), {
			fileName: 'square-item-detail.csv',
		});
		const fromStream = await readAll(createReadStream(squarePath, { highWaterMark: 1000 }), {
			fileName: 'square-item-detail.csv',
		});

		expect(fromBuffer).toEqual(fromPath);
		expect(fromStream).toEqual(fromPath);
	});
});
