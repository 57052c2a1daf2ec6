/**
 * Works out what a file is from a sample of its first bytes: spreadsheet or text, which text
 * encoding, which delimiter. Pure functions: they never read files themselves.
 */
import * as iconv from 'iconv-lite';

import { FileReadError } from './errors';

export type FileFormat = 'csv' | 'xlsx' | 'xls';
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type Delimiter = ',' | ';' | '\t' | '|';

/** How much of a file detection looks at. */
export const SAMPLE_BYTES = 64 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];
const ZIP_LOCAL_FILE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_CENTRAL_DIRECTORY_FILE = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
const ZIP_END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

interface Signature {
	bytes: number[] | string;
	at?: number;
	looksLike: string;
}

const NOT_SPREADSHEET_SIGNATURES: Signature[] = [
	{ bytes: '%PDF', looksLike: 'a PDF' },
	{ bytes: [0x89, 0x50, 0x4e, 0x47], looksLike: 'a PNG image' },
	{ bytes: [0xff, 0xd8, 0xff], looksLike: 'a JPEG image' },
	{ bytes: 'GIF8', looksLike: 'a GIF image' },
	{ bytes: 'WEBP', at: 8, looksLike: 'a WebP image' },
	{ bytes: [0x49, 0x49, 0x2a, 0x00], looksLike: 'a TIFF image' },
	{ bytes: [0x4d, 0x4d, 0x00, 0x2a], looksLike: 'a TIFF image' },
	{ bytes: [0x1f, 0x8b], looksLike: 'a gzip archive' },
	{ bytes: 'Rar!', looksLike: 'a RAR archive' },
	{ bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], looksLike: 'a 7-Zip archive' },
];

/**
 * Tells an Excel workbook from text by content, whatever the file is called: a `.csv` that is
 * really an xlsx comes out `xlsx`, a `.xls` that is really tab-separated text comes out `csv`
 * (which covers every delimited text file). Throws a FileReadError for anything that is neither.
 * Text is judged on the first SAMPLE_BYTES; a ZIP on all it is given (its directory is at the end).
 */
export function detectFormat(sample: Buffer, fileName: string): FileFormat {
	if (sample.length === 0) throw new FileReadError(fileName, 'the file is empty');
	if (startsWith(sample, ZIP_LOCAL_FILE)) return zipFormat(sample, fileName);
	if (startsWith(sample, OLE2_MAGIC)) return 'xls';
	const signature = NOT_SPREADSHEET_SIGNATURES.find((s) => startsWith(sample, s.bytes, s.at));
	if (signature) throw notASpreadsheet(fileName, signature.looksLike);

	const text = decodeForSniffing(sample.subarray(0, SAMPLE_BYTES));
	if (text === undefined) throw notASpreadsheet(fileName, 'binary data');
	const markup = describeMarkup(text);
	if (markup) throw notASpreadsheet(fileName, markup);
	return 'csv';
}

function notASpreadsheet(fileName: string, looksLike: string): FileReadError {
	return new FileReadError(
		fileName,
		`it is not a CSV, TSV or Excel file (it looks like ${looksLike})`,
	);
}

/**
 * An xlsx is a ZIP whose entries live under `xl/`. Entry names are read from the local headers
 * (and from the central directory, when the sample reaches the end of a small file).
 */
function zipFormat(sample: Buffer, fileName: string): FileFormat {
	const names = zipEntryNames(sample);
	if (
		names.some((name) => name.startsWith('xl/') || name === '[Content_Types].xml') &&
		!names.some(isOtherOfficeEntry)
	) {
		return 'xlsx';
	}
	if (names.some((name) => name.startsWith('word/')))
		throw notASpreadsheet(fileName, 'a Word document');
	if (names.some((name) => name.startsWith('ppt/')))
		throw notASpreadsheet(fileName, 'a PowerPoint presentation');
	if (names.includes('mimetype'))
		throw notASpreadsheet(fileName, 'an OpenDocument file; save it as .xlsx or CSV');
	// Without the central directory the sample may simply not reach the workbook's entries: let
	// the spreadsheet reader open the whole file and decide.
	if (sample.includes(ZIP_END_OF_CENTRAL_DIRECTORY))
		throw notASpreadsheet(fileName, 'a ZIP archive');
	return 'xlsx';
}

function isOtherOfficeEntry(name: string): boolean {
	return name.startsWith('word/') || name.startsWith('ppt/');
}

function zipEntryNames(sample: Buffer): string[] {
	return [
		...namesAfter(sample, ZIP_LOCAL_FILE, { nameLengthAt: 26, nameAt: 30 }),
		...namesAfter(sample, ZIP_CENTRAL_DIRECTORY_FILE, { nameLengthAt: 28, nameAt: 46 }),
	];
}

function namesAfter(
	sample: Buffer,
	signature: Buffer,
	layout: { nameLengthAt: number; nameAt: number },
): string[] {
	const names: string[] = [];
	for (
		let at = sample.indexOf(signature);
		at !== -1;
		at = sample.indexOf(signature, at + signature.length)
	) {
		if (at + layout.nameAt > sample.length) break;
		const nameEnd = at + layout.nameAt + sample.readUInt16LE(at + layout.nameLengthAt);
		if (nameEnd > sample.length) break;
		names.push(sample.toString('latin1', at + layout.nameAt, nameEnd));
	}
	return names;
}

/** The sample as text, or undefined when it is binary (NUL bytes, many control characters). */
function decodeForSniffing(sample: Buffer): string | undefined {
	const text = iconv.decode(sample, detectEncoding(sample).encoding);
	if (text.includes('\u0000') || controlCharacterRatio(text) > MAX_CONTROL_CHARACTER_RATIO)
		return undefined;
	return text;
}

const MAX_CONTROL_CHARACTER_RATIO = 0.01;

/** Share of characters that are C0 controls other than tab, line breaks, form feed and the DOS end-of-file mark. */
function controlCharacterRatio(text: string): number {
	if (text.length === 0) return 0;
	let controls = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (
			(code < 0x20 &&
				code !== 0x09 &&
				code !== 0x0a &&
				code !== 0x0c &&
				code !== 0x0d &&
				code !== 0x1a) ||
			code === 0x7f
		) {
			controls++;
		}
	}
	return controls / text.length;
}

/** Web pages and XML are text, but not delimited text; some systems save HTML tables as `.xls`. */
function describeMarkup(text: string): string | undefined {
	const start = text.slice(0, 1024).trimStart().toLowerCase();
	if (/^<(!doctype html|html|head|body|table)\b/.test(start)) return 'an HTML page';
	if (start.startsWith('<?xml')) return 'an XML document';
	return undefined;
}

/**
 * The sample's text encoding. A byte order mark decides; without one, UTF-16 shows as NUL bytes
 * in every other position, then anything that is valid UTF-8 is UTF-8 and the rest is taken as
 * Windows-1252 (a superset of ISO-8859-1 for printable characters, so a `£` stored as 0xA3 reads
 * as `£`). When the sample is not the whole file, a multi-byte character cut off at its end does
 * not count against UTF-8.
 */
export function detectEncoding(
	sample: Buffer,
	isWholeFile = false,
): { encoding: TextEncoding; bom: boolean } {
	if (startsWith(sample, UTF8_BOM)) return { encoding: 'utf-8', bom: true };
	if (startsWith(sample, UTF16LE_BOM)) return { encoding: 'utf-16le', bom: true };
	if (startsWith(sample, UTF16BE_BOM)) return { encoding: 'utf-16be', bom: true };
	const utf16 = utf16FromNulPattern(sample);
	if (utf16) return { encoding: utf16, bom: false };
	return { encoding: isValidUtf8(sample, isWholeFile) ? 'utf-8' : 'windows-1252', bom: false };
}

/** UTF-16 text that is mostly Latin has a NUL high byte in each code unit: odd bytes for LE, even for BE. */
function utf16FromNulPattern(sample: Buffer): TextEncoding | undefined {
	const units = Math.floor(Math.min(sample.length, 4096) / 2);
	if (units < 2) return undefined;
	let nulsInEvenBytes = 0;
	let nulsInOddBytes = 0;
	for (let unit = 0; unit < units; unit++) {
		if (sample[unit * 2] === 0) nulsInEvenBytes++;
		if (sample[unit * 2 + 1] === 0) nulsInOddBytes++;
	}
	const mostly = (count: number) => count / units > 0.4;
	const rarely = (count: number) => count / units < 0.1;
	if (mostly(nulsInOddBytes) && rarely(nulsInEvenBytes)) return 'utf-16le';
	if (mostly(nulsInEvenBytes) && rarely(nulsInOddBytes)) return 'utf-16be';
	return undefined;
}

function isValidUtf8(sample: Buffer, isWholeFile: boolean): boolean {
	try {
		// In streaming mode the decoder holds back an incomplete trailing sequence instead of failing.
		new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !isWholeFile });
		return true;
	} catch {
		return false;
	}
}

/** Candidates in the order that wins a tie. */
const DELIMITERS: readonly Delimiter[] = [',', '\t', ';', '|'];
const DELIMITER_SAMPLE_LINES = 50;

/**
 * The delimiter of delimited text: among `,` `\t` `;` `|`, the one whose count per record is the
 * same on the most records (ignoring anything inside double quotes, where quoted fields may span
 * lines), over the first 50 records. Ties go to the higher count, then to the order above. So a
 * semicolon file with decimal commas (`12,50`) comes out `;`, and text with none of them `,`.
 * Pass `isWholeFile: false` for a sample cut off mid-file, so its last, incomplete record is not
 * counted.
 */
export function detectDelimiter(text: string, isWholeFile = true): Delimiter {
	const hint = delimiterHint(text);
	if (hint) return hint;
	const counts = countDelimitersPerRecord(text, isWholeFile);
	let best: { delimiter: Delimiter; agreeing: number; perRecord: number } | undefined;
	for (const delimiter of DELIMITERS) {
		const { value: perRecord, frequency: agreeing } = mostCommon(counts.map((c) => c[delimiter]));
		if (perRecord === 0) continue;
		if (
			!best ||
			agreeing > best.agreeing ||
			(agreeing === best.agreeing && perRecord > best.perRecord)
		) {
			best = { delimiter, agreeing, perRecord };
		}
	}
	return best?.delimiter ?? ',';
}

const SEP_HINT = /^\uFEFF?sep=([,;\t|])[ \t]*(?:\r\n|\n|\r|$)/i;

/** The delimiter Excel's `sep=;` first line names, which Excel reads and does not show as a row. */
export function delimiterHint(text: string): Delimiter | undefined {
	return SEP_HINT.exec(text)?.[1] as Delimiter | undefined;
}

/** Whether a parsed record is a `sep=` hint line: `sep=` and nothing else (the delimiter split it off). */
export function isDelimiterHintRecord(values: readonly unknown[]): boolean {
	return (
		typeof values[0] === 'string' &&
		/^sep=[,;\t|]?$/i.test(values[0].trim()) &&
		values.slice(1).every((value) => value === '')
	);
}

type DelimiterCounts = Record<Delimiter, number>;

function countDelimitersPerRecord(text: string, isWholeFile: boolean): DelimiterCounts[] {
	const records: DelimiterCounts[] = [];
	let current = emptyCounts();
	let hasContent = false;
	let inQuotes = false;
	for (let i = 0; i < text.length && records.length < DELIMITER_SAMPLE_LINES; i++) {
		const char = text[i];
		if (char === '"') {
			// A doubled quote inside a quoted field toggles twice, which leaves the state as it was.
			inQuotes = !inQuotes;
		} else if (!inQuotes && (char === '\n' || char === '\r')) {
			if (hasContent) records.push(current);
			current = emptyCounts();
			hasContent = false;
			continue;
		} else if (!inQuotes && isDelimiter(char)) {
			current[char]++;
		}
		hasContent = true;
	}
	const lastRecordIsComplete = isWholeFile || records.length === 0;
	if (hasContent && lastRecordIsComplete && records.length < DELIMITER_SAMPLE_LINES)
		records.push(current);
	return records;
}

function emptyCounts(): DelimiterCounts {
	return { ',': 0, '\t': 0, ';': 0, '|': 0 };
}

function isDelimiter(char: string): char is Delimiter {
	return char === ',' || char === '\t' || char === ';' || char === '|';
}

/** The most frequent value and how often it occurs; between equally frequent values, the larger. */
function mostCommon(values: number[]): { value: number; frequency: number } {
	const frequencies = new Map<number, number>();
	for (const value of values) frequencies.set(value, (frequencies.get(value) ?? 0) + 1);
	let best = { value: 0, frequency: 0 };
	for (const [value, frequency] of frequencies) {
		if (frequency > best.frequency || (frequency === best.frequency && value > best.value))
			best = { value, frequency };
	}
	return best;
}

const DELIMITER_NAMES: Record<Delimiter, string> = {
	',': 'comma',
	';': 'semicolon',
	'\t': 'tab',
	'|': 'pipe',
};

export function describeDelimiter(delimiter: Delimiter): string {
	return DELIMITER_NAMES[delimiter];
}

function startsWith(sample: Buffer, bytes: ArrayLike<number> | string, at = 0): boolean {
	const expected = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
	if (sample.length < at + expected.length) return false;
	for (let i = 0; i < expected.length; i++) {
		if (sample[at + i] !== expected[i]) return false;
	}
	return true;
}
