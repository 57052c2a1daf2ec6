import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as XLSX from 'xlsx';

import { FileReadError, readRows } from '../../../lib/files';
import { readMappingWorkbook } from '../../../lib/mapping';
import { suggestFromFile, type Suggestion } from '../../../lib/mapping/suggest';
import {
	REPO,
	loadLayouts,
	precisionAndRecall,
	scoreLayout,
	type LayoutScore,
} from '../../helpers/suggest-layouts';
import { runMapping } from './run-mapping';

const layouts = loadLayouts();

describe('Suggest Mapping on every real layout of the answer key', () => {
	const scores: LayoutScore[] = [];

	test.each(layouts.map((layout) => [layout.name, layout] as const))(
		'%s: the feed, the grain and every field it fills are the correct mapping’s, dates in the right order',
		async (_, layout) => {
			const score = await scoreLayout(layout);
			scores.push(score);
			expect(score.result.suggestion.feed.feed).toBe(layout.feed);
			if (layout.rowGrain)
				expect(score.result.suggestion.feed.grain?.rowGrain).toBe(layout.rowGrain);
			expect(score.verdicts.filter((verdict) => verdict.verdict === 'wrong')).toEqual([]);
			expect(score.wrongDates).toEqual([]);
			expect(score.ambiguousDates).toEqual([]);
			for (const field of layout.mustStayEmpty ?? [])
				expect(score.result.suggestion.fields.find((each) => each.field === field)?.source).toBe(
					'',
				);
		},
	);

	test('over the whole set, precision is at least 95% and recall at least 85%', () => {
		expect(scores).toHaveLength(layouts.length);
		const { precision, recall } = precisionAndRecall(scores);
		expect(precision).toBeGreaterThanOrEqual(0.95);
		expect(recall).toBeGreaterThanOrEqual(0.85);
	});

	test.each(layouts.map((layout) => [layout.name, layout] as const))(
		'%s: the suggested workbook, applied by Apply Mapping to the whole export, gives balanced records and no mapping fault',
		async (_, layout) => {
			const path = join(REPO, layout.file);
			const { workbook } = await suggestFromFile(readFileSync(path), 'export.csv');
			const mapping = await readMappingWorkbook(workbook, 'shop-mapping.xlsx', layout.feed);
			const run = await runMapping(
				readRows(readFileSync(path), { fileName: 'export.csv' }),
				mapping,
			);
			expect(run.summary.balanced).toBe(true);
			expect(run.summary.rows_read).toBe(run.summary.rows_in_records + run.summary.rejected);
			expect(run.summary.records).toBeGreaterThan(0);
			// What is rejected is the till's data (a malformed email, a short row), never the mapping's.
			expect(run.rejected.filter((rejection) => rejection.owner !== 'till data')).toEqual([]);
			expect(run.summary.rejected).toBeLessThanOrEqual(Math.max(1, run.summary.rows_read / 10));
		},
	);
});

async function suggestCsv(text: string, fileName = 'export.csv') {
	return await suggestFromFile(Buffer.from(text, 'utf8'), fileName);
}

function field(suggestion: Suggestion, name: string) {
	return suggestion.fields.find((each) => each.field === name)!;
}

describe('what Suggest Mapping will not guess', () => {
	const superstoreHead = readFileSync(
		join(REPO, 'test/fixtures/suggest/superstore-2019.csv'),
		'utf8',
	).split('\r\n')[0];

	test('dates whose days are all 12 or less are reported ambiguous, with no format, and the preview shows the fault Apply Mapping would raise', async () => {
		const csv = [
			'Receipt No,Date,SKU,Qty,Unit Price',
			'R1,03/04/2025,A-1,1,£2.00',
			'R2,05/06/2025,A-2,2,£3.00',
			'R3,11/12/2025,A-1,1,£2.00',
			'R3,11/12/2025,A-3,1,£1.50',
		].join('\n');
		const { suggestion, workbook, preview } = await suggestCsv(csv);
		const date = field(suggestion, 'purchase_date');
		expect(date.source).toBe('Date');
		expect(date.format).toBe('');
		expect(date.dateReading).toBe('ambiguous');
		expect(suggestion.ambiguousDates).toEqual([
			{
				field: 'purchase_date',
				column: 'Date',
				why: expect.stringMatching(/^ambiguous: day first and month first both read all 4 samples/),
			},
		]);
		const sheet = XLSX.utils.sheet_to_json<string[]>(XLSX.read(workbook).Sheets.Transactions, {
			header: 1,
			defval: '',
		});
		expect(sheet.find((row) => row[0] === 'purchase_date')!.slice(1, 4)).toEqual([
			'Date',
			'datetime',
			'',
		]);
		expect(preview.faults.join('\n')).toMatch(/purchase_date/);
	});

	test('a day above 12 in any sample settles the order: day first', async () => {
		const csv = ['Receipt No,Date,SKU,Qty', 'R1,03/04/2025,A-1,1', 'R2,25/06/2025,A-2,2'].join(
			'\n',
		);
		const { suggestion } = await suggestCsv(csv);
		expect(field(suggestion, 'purchase_date')).toMatchObject({
			format: 'd/M/yyyy',
			dateReading: 'day first',
		});
	});

	test('a rate column (Superstore’s Discount, 0.2) is not suggested as a money amount, and the consultant is told why', async () => {
		const { suggestion } = await suggestFromFile(
			readFileSync(join(REPO, 'test/fixtures/suggest/superstore-2019.csv')),
			'superstore.csv',
		);
		expect(superstoreHead).toContain('Discount');
		expect(field(suggestion, 'lines.discount').source).toBe('');
		expect(suggestion.warnings).toContainEqual(
			expect.stringMatching(
				/^a rate read as money: "Discount" looks like lines\.discount, but all \d+ values are rates between 0 and 1/,
			),
		);
		expect(suggestion.leftEmpty.find((each) => each.field === 'lines.discount')?.why).toMatch(
			/rates between 0 and 1/,
		);
	});

	test('an export with no email or mobile says so (Square Item Detail, and a customer list with only IDs and names)', async () => {
		const square = await suggestFromFile(
			readFileSync(join(REPO, 'test/fixtures/pos/square-item-detail.csv')),
			'square.csv',
		);
		expect(square.suggestion.warnings).toContainEqual(
			expect.stringMatching(/^no email or mobile column/),
		);
		expect(square.preview.faults).toContainEqual(
			expect.stringMatching(/^no email or mobile column/),
		);
		const customers = await suggestCsv(
			['Customer No,First Name,Surname', 'C1,Jo,Bloggs', 'C2,Sam,Smith'].join('\n'),
		);
		expect(customers.suggestion.feed.feed).toBe('customer');
		expect(customers.suggestion.warnings).toContainEqual(
			expect.stringMatching(
				/^no email or mobile column: Dotdigital contacts need an email or a mobile number/,
			),
		);
	});

	test('a required field with no candidate is left empty and listed, never filled with the least bad column', async () => {
		const csv = [
			'Receipt No,Notes,Updated,SKU,Qty',
			'R1,left at door,2026-06-01,A-1,1',
			'R2,,2026-06-02,A-2,2',
		].join('\n');
		const { suggestion, preview } = await suggestFromFile(Buffer.from(csv), 'export.csv', {
			feed: 'transaction',
		});
		expect(suggestion.feed.feed).toBe('transaction');
		expect(field(suggestion, 'purchase_date').source).toBe('');
		expect(suggestion.leftEmpty[0]).toMatchObject({
			field: 'purchase_date',
			required: true,
			why: 'no column looks like it',
		});
		expect(suggestion.warnings).toContainEqual(
			'a required field with no candidate: purchase_date (no column looks like it)',
		);
		expect(preview.faults).toContainEqual(
			'a required field with no candidate: purchase_date (no column looks like it)',
		);
		expect(preview.records).toEqual([]);
	});

	test('a column of emails is suggested for email on its values even under an unknown header, and says so', async () => {
		const { suggestion } = await suggestCsv(
			['Customer No,Contact,Surname', 'C1,jo@example.com,Bloggs', 'C2,sam@example.org,Smith'].join(
				'\n',
			),
		);
		expect(field(suggestion, 'email')).toMatchObject({
			source: 'Contact',
			why: expect.stringContaining(
				'2/2 values are emails, though the header "Contact" is not a name seen for it',
			),
		});
	});
});

describe('the suggested workbook', () => {
	test('is the template filled in, with Confidence and Why columns, the settings found and a Suggestion sheet; Apply Mapping reads it unchanged', async () => {
		const bytes = readFileSync(join(REPO, 'test/fixtures/demo-shop/Customers_2026-11-21.csv'));
		const { suggestion, workbook } = await suggestFromFile(bytes, 'Customers.csv');
		const book = XLSX.read(workbook);
		expect(book.SheetNames).toEqual([
			'Suggestion',
			'Instructions',
			'Customers',
			'Products',
			'Transactions',
			'Settings',
			'Value Maps',
			'Consent File',
		]);
		const rows = XLSX.utils.sheet_to_json<string[]>(book.Sheets.Customers, {
			header: 1,
			defval: '',
		});
		expect(rows[0].slice(-2)).toEqual(['Confidence', 'Why']);
		const email = rows.find((row) => row[0] === 'email')!;
		expect(email[1]).toBe('Email');
		expect(email.at(-2)).toMatch(/^\d+%$/);
		expect(email.at(-1)).toMatch(/^header "Email" ~ email .*values are emails$/);
		expect(rows.find((row) => row[0] === 'gender')!.at(-1)).toBe(
			'left empty: no column looks like it',
		);
		const mapping = await readMappingWorkbook(workbook, 'shop-mapping.xlsx', 'customer');
		expect(
			mapping.fields.map(({ target, source, format }) => ({
				target,
				source,
				format: format ?? '',
			})),
		).toEqual(
			suggestion.fields
				.filter((each) => each.source)
				.map(({ field: target, source, format }) => ({ target, source, format })),
		);
		expect(mapping.settings).toMatchObject({
			decimalSeparator: '.',
			delimiter: ',',
			encoding: 'utf-8',
		});
	});

	test('carries the currency found from the symbols, and leaves the time zone to the consultant', async () => {
		const { suggestion, workbook } = await suggestFromFile(
			readFileSync(join(REPO, 'test/fixtures/demo-shop/Products_2026-11-21.csv')),
			'Products.csv',
		);
		expect(suggestion.settings.find((setting) => setting.setting === 'Currency')).toMatchObject({
			value: 'GBP',
		});
		expect(suggestion.settings.find((setting) => setting.setting === 'Time zone')).toMatchObject({
			value: '',
			why: expect.stringMatching(/^left to you/),
		});
		const mapping = await readMappingWorkbook(workbook, 'shop-mapping.xlsx', 'product');
		expect(mapping.settings.currency).toBe('GBP');
		expect(mapping.settings.timeZone).toBe('UTC');
	});

	test('an Excel export: date cells need no format, a rate column is left empty, the preview balances', async () => {
		const book = XLSX.utils.book_new();
		const day = (month: number, date: number) => new Date(Date.UTC(2025, month, date, 10, 30));
		const rows = [
			['Order ID', 'Order Date', 'Customer Email', 'Item Code', 'Qty', 'Unit Price', 'Discount %'],
			['A1', day(0, 15), 'jo@example.com', 'SKU-1', 2, 9.99, 0.1],
			['A1', day(0, 15), 'jo@example.com', 'SKU-2', 1, 4.5, 0],
			['A2', day(1, 3), 'sam@example.org', 'SKU-1', 1, 9.99, 0.25],
		];
		XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows, { cellDates: true }), 'Sales');
		const { suggestion, preview } = await suggestFromFile(
			XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer,
			'sales.xlsx',
		);
		expect(suggestion.feed.feed).toBe('transaction');
		expect(field(suggestion, 'purchase_date')).toMatchObject({
			source: 'Order Date',
			format: '',
			dateReading: 'ISO or Excel dates',
		});
		expect(field(suggestion, 'email').source).toBe('Customer Email');
		expect(field(suggestion, 'lines.discount').source).toBe('');
		expect(preview.summary).toMatchObject({
			rows_read: 3,
			records: 2,
			rejected: 0,
			balanced: true,
		});
	});

	test('a decimal comma is found from the values and set', async () => {
		const { suggestion, workbook } = await suggestCsv(
			['SKU;Description;Price;Stock', 'A-1;Mug;12,50;4', 'A-2;Bowl;7,25;10'].join('\n'),
		);
		expect(field(suggestion, 'price').source).toBe('Price');
		const mapping = await readMappingWorkbook(workbook, 'shop-mapping.xlsx', 'product');
		expect(mapping.settings).toMatchObject({ decimalSeparator: ',', delimiter: ';' });
	});

	test('an empty export, or one with a header and no rows, is a clear error naming the file', async () => {
		await expect(suggestCsv('', 'Customers.csv')).rejects.toThrow(
			new FileReadError('Customers.csv', 'the file is empty'),
		);
		const { suggestion } = await suggestCsv('Customer No,Email\n', 'Customers.csv');
		expect(suggestion.fields.filter((each) => each.source)).toEqual([
			expect.objectContaining({ field: 'customer_id' }),
			expect.objectContaining({ field: 'email' }),
		]);
	});
});
