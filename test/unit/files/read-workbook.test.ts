import { createReadStream, readFileSync, writeFileSync } from 'node:fs';

import * as XLSX from 'xlsx';

import { FileReadError, inspectFile, inspectSample } from '../../../lib/files';
import { readAll, scratchFolder } from './read-helpers';

const folder = scratchFolder();
afterAll(() => folder.remove());

/** Excel's serial number for 2024-01-01. */
const NEW_YEAR_2024 = 45292;

/**
 * Row 1 is empty, so the header is on row 2. The Total formulas would compute Qty × Price; their
 * cached values say otherwise, so reading them shows the cache is used and nothing is evaluated.
 */
function salesWorkbook(): XLSX.WorkBook {
	const sales = XLSX.utils.aoa_to_sheet([
		[],
		['Item', 'Qty', 'Price', 'Total', 'Sold on', 'Note', 'Refunded'],
		[
			'Latte',
			2,
			3.5,
			{ t: 'n', f: 'B3*C3', v: 10 },
			{ t: 'n', v: NEW_YEAR_2024, z: 'yyyy-mm-dd' },
			null,
			false,
		],
		[],
		[
			'Mocha',
			1,
			4.1,
			{ t: 'n', f: 'B5*C5' },
			{ t: 'n', v: NEW_YEAR_2024 + 1, z: 'yyyy-mm-dd' },
			'no sugar',
			true,
		],
		['Tea', 1],
	]);
	const workbook = XLSX.utils.book_new();
	XLSX.utils.book_append_sheet(workbook, sales, 'Sales');
	XLSX.utils.book_append_sheet(
		workbook,
		XLSX.utils.aoa_to_sheet([
			['Customer ID', 'Email'],
			['C1', 'ann@example.com'],
		]),
		'Customers',
	);
	return workbook;
}

const expectedSalesRows = [
	{ kind: 'row', line: 3, values: ['Latte', 2, 3.5, 10, NEW_YEAR_2024, '', false] },
	{ kind: 'row', line: 5, values: ['Mocha', 1, 4.1, '', NEW_YEAR_2024 + 1, 'no sugar', true] },
	{ kind: 'row', line: 6, values: ['Tea', 1, '', '', '', '', ''] },
];

const xlsxPath = folder.path('sales.xlsx');
const xlsPath = folder.path('sales.xls');
beforeAll(() => {
	XLSX.writeFile(salesWorkbook(), xlsxPath);
	writeFileSync(
		xlsPath,
		XLSX.write(salesWorkbook(), { bookType: 'xls', type: 'buffer' }) as Buffer,
	);
});

describe.each([
	['xlsx', () => xlsxPath],
	['xls', () => xlsPath],
] as const)('%s workbooks', (format, path) => {
	it('inspects the first sheet, taking its first non-empty row as the header', async () => {
		expect(await inspectFile(path())).toEqual({
			format,
			encoding: null,
			bom: false,
			delimiter: null,
			header: ['Item', 'Qty', 'Price', 'Total', 'Sold on', 'Note', 'Refunded'],
			sheetName: 'Sales',
		});
	});

	it('reads cached formula values, date serials, booleans and empty cells, numbered by Excel row', async () => {
		const { rows, skipped } = await readAll(path(), { fileName: `sales.${format}` });
		expect(skipped).toEqual([]);
		expect(rows).toEqual(expectedSalesRows);
	});

	it('reads another sheet by name, ignoring case', async () => {
		const { header, rows } = await readAll(path(), {
			fileName: `sales.${format}`,
			sheetName: 'customers',
		});
		expect(header).toEqual(['Customer ID', 'Email']);
		expect(rows).toEqual([{ kind: 'row', line: 2, values: ['C1', 'ann@example.com'] }]);
	});

	it('names the sheets there are when the one asked for is missing', async () => {
		await expect(
			readAll(path(), { fileName: `sales.${format}`, sheetName: 'Refunds' }),
		).rejects.toThrow(
			new FileReadError(
				`sales.${format}`,
				'it has no sheet named "Refunds" (its sheets: "Sales", "Customers")',
			),
		);
	});

	it('reads the same rows from a Buffer and from a stream', async () => {
		expect((await readAll(readFileSync(path()), { fileName: `sales.${format}` })).rows).toEqual(
			expectedSalesRows,
		);
		expect(
			(
				await readAll(createReadStream(path(), { highWaterMark: 1024 }), {
					fileName: `sales.${format}`,
				})
			).rows,
		).toEqual(expectedSalesRows);
	});
});

describe('workbooks under other names or in bad shape', () => {
	it('reads an xlsx renamed to .csv as a workbook', async () => {
		const renamed = folder.write('renamed.csv', readFileSync(xlsxPath));

		expect(await inspectFile(renamed)).toMatchObject({ format: 'xlsx', sheetName: 'Sales' });
		expect((await readAll(renamed, { fileName: 'renamed.csv' })).rows).toEqual(expectedSalesRows);
	});

	it('reads tab-separated text named .xls as text', async () => {
		const path = folder.write('really-text.xls', 'Item\tQty\nLatte\t2\n');

		expect(await inspectFile(path)).toMatchObject({ format: 'csv', delimiter: '\t' });
		expect((await readAll(path, { fileName: 'really-text.xls' })).rows[0].values).toEqual([
			'Latte',
			'2',
		]);
	});

	it('rejects a half-written xlsx, naming the file', async () => {
		const bytes = readFileSync(xlsxPath);
		const path = folder.write('half.xlsx', bytes.subarray(0, Math.floor(bytes.length / 2)));

		const failure = inspectFile(path);
		await expect(failure).rejects.toBeInstanceOf(FileReadError);
		await expect(failure).rejects.toMatchObject({
			fileName: 'half.xlsx',
			message: expect.stringMatching(
				/^Cannot read "half\.xlsx": it is not a readable Excel workbook; it may be damaged or incomplete/,
			),
		});
		await expect(readAll(path, { fileName: 'half.xlsx' })).rejects.toBeInstanceOf(FileReadError);
	});

	it('needs the whole file to inspect a workbook held in memory', () => {
		const bytes = readFileSync(xlsxPath);
		expect(inspectSample(bytes, 'sales.xlsx', true)).toMatchObject({
			format: 'xlsx',
			sheetName: 'Sales',
		});
		expect(() => inspectSample(bytes.subarray(0, 1000), 'sales.xlsx', false)).toThrow(
			/needs all of "sales.xlsx"/,
		);
	});

	it('returns an empty header for a workbook without values', async () => {
		const workbook = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([[], [null, '  ']]), 'Empty');
		const bytes = XLSX.write(workbook, { bookType: 'xlsx', type: 'buffer' }) as Buffer;

		expect(await readAll(bytes, { fileName: 'empty.xlsx' })).toEqual({
			header: [],
			rows: [],
			skipped: [],
		});
	});
});
