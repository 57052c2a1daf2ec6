import * as XLSX from 'xlsx';

import {
	FileReadError,
	describeDelimiter,
	detectDelimiter,
	detectEncoding,
	detectFormat,
} from '../../../lib/files';

function workbookBytes(bookType: 'xlsx' | 'xls'): Buffer {
	const workbook = XLSX.utils.book_new();
	XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['Item'], ['Latte']]), 'Sales');
	return XLSX.write(workbook, { bookType, type: 'buffer' }) as Buffer;
}

function zipOf(entryNames: string[]): Buffer {
	const zip = XLSX.CFB.utils.cfb_new();
	for (const name of entryNames)
		XLSX.CFB.utils.cfb_add(zip, name, Buffer.from(`content of ${name}`));
	return XLSX.CFB.write(zip, { fileType: 'zip', type: 'buffer' }) as Buffer;
}

function rejection(sample: Buffer, fileName: string): FileReadError {
	try {
		detectFormat(sample, fileName);
	} catch (error) {
		if (error instanceof FileReadError) return error;
		throw error;
	}
	throw new Error(`${fileName} was accepted`);
}

describe('detectFormat', () => {
	it('recognises workbooks by content whatever their name says', () => {
		expect(detectFormat(workbookBytes('xlsx'), 'sales.csv')).toBe('xlsx');
		expect(detectFormat(workbookBytes('xls'), 'sales.csv')).toBe('xls');
		expect(detectFormat(Buffer.from('Item\tQty\nLatte\t2\n'), 'sales.xls')).toBe('csv');
	});

	it('takes text in any of the supported encodings as csv', () => {
		expect(detectFormat(Buffer.from('\ufeffItem;Preis\n', 'utf8'), 'a.csv')).toBe('csv');
		expect(detectFormat(Buffer.from('Item,Price\n£4,250.00\n', 'latin1'), 'a.csv')).toBe('csv');
		expect(detectFormat(Buffer.from('\ufeffItem,Price\n', 'utf16le'), 'a.csv')).toBe('csv');
		expect(detectFormat(Buffer.from('Item,Price\nLatte,3.50\n', 'utf16le'), 'a.csv')).toBe('csv');
	});

	it.each([
		['prices.pdf', 'a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')],
		[
			'photo.csv',
			'a PNG image',
			Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
		],
		['photo.jpg', 'a JPEG image', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46])],
		['export.csv.gz', 'a gzip archive', Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0])],
		[
			'table.xls',
			'an HTML page',
			Buffer.from('<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table></body></html>'),
		],
		[
			'random.bin',
			'binary data',
			Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
		],
	])('rejects %s, saying it looks like %s', (fileName, looksLike, sample) => {
		const error = rejection(sample, fileName);
		expect(error.fileName).toBe(fileName);
		expect(error.message).toBe(
			`Cannot read "${fileName}": it is not a CSV, TSV or Excel file (it looks like ${looksLike}).`,
		);
	});

	it('rejects an empty file', () => {
		expect(rejection(Buffer.alloc(0), 'sales.csv').message).toBe(
			'Cannot read "sales.csv": the file is empty.',
		);
	});

	it('rejects a ZIP archive that holds no workbook, naming Office documents', () => {
		expect(rejection(zipOf(['notes.txt', 'photo.jpg']), 'export.xlsx').message).toContain(
			'(it looks like a ZIP archive)',
		);
		expect(
			rejection(zipOf(['[Content_Types].xml', 'word/document.xml']), 'export.xlsx').message,
		).toContain('(it looks like a Word document)');
	});
});

describe('detectEncoding', () => {
	it('follows a byte order mark', () => {
		expect(detectEncoding(Buffer.from('\ufeffa,b', 'utf8'))).toEqual({
			encoding: 'utf-8',
			bom: true,
		});
		expect(detectEncoding(Buffer.from('\ufeffa,b', 'utf16le'))).toEqual({
			encoding: 'utf-16le',
			bom: true,
		});
		const bigEndian = Buffer.from('\ufeffa,b', 'utf16le').swap16();
		expect(detectEncoding(bigEndian)).toEqual({ encoding: 'utf-16be', bom: true });
	});

	it('recognises UTF-16 without a byte order mark by its NUL bytes', () => {
		expect(detectEncoding(Buffer.from('Item,Qty\nLatte,2\n', 'utf16le'))).toEqual({
			encoding: 'utf-16le',
			bom: false,
		});
		expect(detectEncoding(Buffer.from('Item,Qty\nLatte,2\n', 'utf16le').swap16())).toEqual({
			encoding: 'utf-16be',
			bom: false,
		});
	});

	it('takes valid UTF-8 as UTF-8 and anything else as Windows-1252', () => {
		expect(detectEncoding(Buffer.from('Café,£4\n', 'utf8'))).toEqual({
			encoding: 'utf-8',
			bom: false,
		});
		expect(detectEncoding(Buffer.from('Café,£4\n', 'latin1'))).toEqual({
			encoding: 'windows-1252',
			bom: false,
		});
	});

	it('does not hold a character cut off at the end of a sample against UTF-8, unless the sample is the whole file', () => {
		const cut = Buffer.from('Item,Price\nLatte,£', 'utf8').subarray(0, -1);
		expect(detectEncoding(cut, false).encoding).toBe('utf-8');
		expect(detectEncoding(cut, true).encoding).toBe('windows-1252');
	});
});

describe('detectDelimiter', () => {
	it.each([
		['a,b,c\n1,2,3\n', ','],
		['a;b;c\n1;2;3\n', ';'],
		['a\tb\tc\n1\t2\t3\n', '\t'],
		['a|b|c\n1|2|3\n', '|'],
	] as const)('finds the delimiter of %j', (text, delimiter) => {
		expect(detectDelimiter(text)).toBe(delimiter);
	});

	it('takes a semicolon file with decimal commas as semicolon-separated', () => {
		expect(detectDelimiter('Preis;Menge\n12,50;3\n')).toBe(';');
		expect(
			detectDelimiter('Artikel;Preis;Rabatt\nKaffee;3,50;0,10\nTee;2,80;0,00\nKuchen;4,20;1,05\n'),
		).toBe(';');
	});

	it('ignores delimiters inside quoted fields, including ones that span lines', () => {
		const text = 'Item;Note\n"Latte";"oat, hot\nextra, shot, syrup"\n"Mocha";"a, b, c, d"\n';
		expect(detectDelimiter(text)).toBe(';');
	});

	it('takes text without any delimiter as one comma-separated column', () => {
		expect(detectDelimiter('Email\nann@example.com\nbob@example.com\n')).toBe(',');
	});

	it('prefers the delimiter that agrees on more lines over one that is more frequent', () => {
		const text = 'Name\tAddress\nAnn\t1 High St, Leeds, LS1\nBob\t2 Low Rd\nCy\t3 Mid Lane, York\n';
		expect(detectDelimiter(text)).toBe('\t');
	});

	it('does not count the last record of a sample cut off mid-file', () => {
		// Cut after "9,99": counted as a record it would tie commas with semicolons.
		const sample = 'Preis;Menge\n12,50;3\n13,00;4\n9,99';
		expect(detectDelimiter(sample, false)).toBe(';');
		expect(detectDelimiter(sample, true)).toBe(',');
	});

	it('names delimiters for people', () => {
		expect(
			[',', ';', '\t', '|'].map((d) => describeDelimiter(d as ',' | ';' | '\t' | '|')),
		).toEqual(['comma', 'semicolon', 'tab', 'pipe']);
	});
});
