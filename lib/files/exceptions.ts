/**
 * The exceptions workbook: one row per row the mapping rejected and per record a sending node
 * refused, in the same columns, owner first, each with a message in plain words (never a bare code
 * such as `missingIdentifier`). Written as a stream: an .xlsx (a zip of XML parts, cells as inline
 * strings, so no value is ever read as a formula) or a .csv (values that a spreadsheet would read
 * as a formula are prefixed with an apostrophe).
 */
import { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';

export const EXCEPTION_COLUMNS = [
	'owner',
	'message',
	'reason',
	'stage',
	'file',
	'line',
	'field',
	'value',
	'identifier',
	'retry_helps',
] as const;
export type ExceptionRow = Record<(typeof EXCEPTION_COLUMNS)[number], string | number>;

type Json = Record<string, unknown>;
const text = (value: unknown): string =>
	value === undefined || value === null
		? ''
		: typeof value === 'object'
			? JSON.stringify(value)
			: String(value);
const baseName = (file: unknown): string => text(file).split(/[\\/]/).pop() ?? '';

/** What a failure code means, for the person who fixes it. */
const PLAIN_WORDS: Record<string, string> = {
	missingIdentifier:
		'The customer has no email address (or mobile number, if contacts are matched on it), so Dotdigital cannot tell who they are. Add it at the till.',
	noValidIdentifiers:
		'Dotdigital found no usable email address or mobile number on this customer. Correct it at the till.',
	invalidEmail: 'Dotdigital does not accept this email address. Correct it at the till.',
	invalidPhoneNumber:
		'Dotdigital does not accept this mobile number. Correct it at the till (with the country code).',
	duplicateIdentifier:
		'The same email address or mobile number came twice in one import. Check the till for duplicate customers.',
	idAlreadyExists:
		'This email address or mobile number already belongs to another Dotdigital contact. Check which customer it really is.',
	contactNotFound: 'Dotdigital has no contact with this identifier.',
	invalidIdentifier:
		'The identifier this record is matched on does not exist in the Dotdigital account. Check the node settings.',
	dataFieldNotFound:
		'A Dotdigital data field the mapping sends to does not exist. Create it, or turn on Create Missing Data Fields.',
	invalidDataFieldValue:
		'A value does not fit the type of its Dotdigital data field (for example text in a number field). Correct the value or the field type.',
	listNotFound:
		'An address book (list) in Add to Lists does not exist in Dotdigital. Check the list IDs in the node.',
	listsNotApplied:
		'The contact was saved, but could not be added to its lists. Check the list IDs in the node.',
	consentRecordsNotApplied:
		'The contact was saved, but its consent record was refused. Check the consent text and URL in the node.',
	consentNotApplied:
		'Dotdigital had deleted this contact and made it again subscribed; setting it unsubscribed failed. The next run sets it before anything else.',
	contactCheckFailed:
		'Nothing was sent: Dotdigital could not be asked which contacts exist, and a new ' +
		'customer without an opt-in must be created unsubscribed. The next run sends it.',
	customerLookupFailed:
		'The order has no Dotdigital contact to belong to. Sync the customer first, or turn on Create Missing Contacts First.',
	missingOrderId:
		'The order has no order ID, so it cannot be saved. Check the mapping of order_id.',
	missingSku:
		'The product has no SKU, so it cannot be saved. Add it at the till or check the mapping of sku.',
	recordTooLarge:
		'The record is larger than Dotdigital accepts in one request. Shorten its longest values.',
	runFailed:
		'The whole run stopped before this record could be sent (see the reason). Sending it again is safe.',
	notProcessed: 'The record was not processed. Sending it again is safe.',
	notReported: 'Dotdigital did not report on this record. Sending it again is safe.',
	importTimedOut:
		'Dotdigital was still working on the import when the node stopped waiting. It may still finish; sending it again is safe.',
	importFailed: 'Dotdigital stopped the whole import this record was in (see the reason).',
	globallySuppressed:
		'The contact is suppressed in Dotdigital (a hard bounce or complaint), so it cannot be changed.',
	'mapping.invalid':
		'The mapping does not fit this file, so nothing in it was sent. Fix the mapping workbook.',
	'file.unreadable': 'The file could not be read. Check it is a complete CSV or Excel export.',
};

/** A message in plain words for a failure code; Dotdigital's own description is kept in `reason`. */
export function plainWords(code: string, reason: string): string {
	const known =
		PLAIN_WORDS[code] ??
		Object.entries(PLAIN_WORDS).find(([key]) => key.toLowerCase() === code.toLowerCase())?.[1];
	if (known) return known;
	if (/^Json/.test(code))
		return `Dotdigital could not read this record's data (${reason || 'no reason given'}). Check the mapping of its fields.`;
	return reason
		? `Not accepted: ${reason.replace(new RegExp(`^${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\s*`), '')}`
		: 'Not accepted, and no reason was given.';
}

/** A Rejected item of Mapping Apply or a Failed item of a sending node as a workbook row. */
export function exceptionRow(json: Json, sender = 'Dotdigital'): ExceptionRow {
	if (typeof json.rule === 'string' && 'line' in json) {
		const code = json.rule;
		const message = text(json.message);
		const wholeFile = code === 'mapping.invalid' || code === 'file.unreadable';
		return {
			owner: text(json.owner),
			message: wholeFile ? `${PLAIN_WORDS[code]} ${message}` : message,
			reason: message,
			stage: 'Mapping',
			file: baseName(json.file),
			line: Number(json.line) || 0,
			field: text(json.field),
			value: text(json.value),
			identifier: text(json.order_id),
			retry_helps: 'No',
		};
	}
	const record = (json.record ?? {}) as Json;
	const source = (record._source ?? {}) as { file?: unknown; lines?: unknown };
	const code = text(json.code);
	const reason = text(json.description);
	return {
		owner: text(json.owner),
		message: plainWords(code, reason),
		reason,
		stage: sender,
		file: baseName(source.file),
		line: Array.isArray(source.lines) && source.lines.length > 0 ? Number(source.lines[0]) || 0 : 0,
		field: code,
		value: '',
		identifier: text(json.key),
		retry_helps: json.retryable ? 'Yes' : 'No',
	};
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvCell(value: string | number): string {
	let cell = typeof value === 'number' ? String(value) : value;
	if (typeof value === 'string' && FORMULA_START.test(cell)) cell = `'${cell}`;
	return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export async function* exceptionsCsv(rows: Iterable<ExceptionRow>): AsyncGenerator<Buffer> {
	yield Buffer.from(`\ufeff${EXCEPTION_COLUMNS.join(',')}\r\n`, 'utf8');
	let chunk: string[] = [];
	for (const row of rows) {
		chunk.push(`${EXCEPTION_COLUMNS.map((column) => csvCell(row[column])).join(',')}\r\n`);
		if (chunk.length >= 2000) {
			yield Buffer.from(chunk.join(''), 'utf8');
			chunk = [];
		}
	}
	if (chunk.length) yield Buffer.from(chunk.join(''), 'utf8');
}

/** Text as XML character data: escaped, and without the control characters XML cannot hold. */
function xmlText(value: string): string {
	// eslint-disable-next-line no-control-regex
	return value
		.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
		.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function columnName(index: number): string {
	let name = '';
	for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
		name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
	return name;
}

function sheetRow(number: number, values: ReadonlyArray<string | number>): string {
	const cells = values.map((value, index) => {
		const ref = `${columnName(index)}${number}`;
		if (typeof value === 'number' && Number.isFinite(value))
			return `<c r="${ref}"><v>${value}</v></c>`;
		const cell = text(value);
		return cell === ''
			? ''
			: `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(cell)}</t></is></c>`;
	});
	return `<row r="${number}">${cells.join('')}</row>`;
}

const XLSX_PARTS = {
	'[Content_Types].xml':
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
		'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
		'<Default Extension="rels" ' +
		'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
		'<Default Extension="xml" ContentType="application/xml"/>' +
		'<Override PartName="/xl/workbook.xml" ' +
		'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
		'<Override PartName="/xl/worksheets/sheet1.xml" ' +
		'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
		'</Types>',
	'_rels/.rels':
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
		'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
		'<Relationship Id="rId1" ' +
		'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" ' +
		'Target="xl/workbook.xml"/>' +
		'</Relationships>',
	'xl/workbook.xml':
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
		'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
		'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
		'<sheets><sheet name="Exceptions" sheetId="1" r:id="rId1"/></sheets>' +
		'</workbook>',
	'xl/_rels/workbook.xml.rels':
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
		'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
		'<Relationship Id="rId1" ' +
		'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" ' +
		'Target="worksheets/sheet1.xml"/>' +
		'</Relationships>',
};

/** The sheet's XML, a few thousand rows at a time. */
function* sheetXml(rows: Iterable<ExceptionRow>): Generator<string> {
	yield (
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
		'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
		sheetRow(1, EXCEPTION_COLUMNS)
	);
	let number = 1;
	let chunk: string[] = [];
	for (const row of rows) {
		chunk.push(
			sheetRow(
				++number,
				EXCEPTION_COLUMNS.map((column) => row[column]),
			),
		);
		if (chunk.length >= 2000) {
			yield chunk.join('');
			chunk = [];
		}
	}
	yield `${chunk.join('')}</sheetData></worksheet>`;
}

/**
 * The workbook as a zip written front to back: each part deflated in pieces, its sizes and CRC in
 * a data descriptor after it, so no part is held whole.
 */
export async function* exceptionsXlsx(rows: Iterable<ExceptionRow>): AsyncGenerator<Buffer> {
	const central: Buffer[] = [];
	let offset = 0;
	const parts: Array<[string, Iterable<string>]> = [
		...Object.entries(XLSX_PARTS).map(([name, xml]): [string, Iterable<string>] => [name, [xml]]),
		['xl/worksheets/sheet1.xml', sheetXml(rows)],
	];
	for (const [name, pieces] of parts) {
		const nameBytes = Buffer.from(name, 'utf8');
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 names
		local.writeUInt16LE(8, 8); // deflate
		local.writeUInt16LE(nameBytes.length, 26);
		const start = offset;
		yield Buffer.concat([local, nameBytes]);
		offset += 30 + nameBytes.length;
		let crc = 0;
		let size = 0;
		let compressed = 0;
		// Each piece a deflate block of its own (raw, no final bit until the last), so the part is one deflate stream.
		const deflater = new PieceDeflater();
		for (const piece of pieces) {
			const data = Buffer.from(piece, 'utf8');
			crc = crc32(data, crc);
			size += data.length;
			const out = deflater.push(data);
			compressed += out.length;
			offset += out.length;
			yield out;
		}
		const last = deflater.end();
		compressed += last.length;
		offset += last.length;
		const descriptor = Buffer.alloc(16);
		descriptor.writeUInt32LE(0x08074b50, 0);
		descriptor.writeUInt32LE(crc >>> 0, 4);
		descriptor.writeUInt32LE(compressed, 8);
		descriptor.writeUInt32LE(size, 12);
		offset += 16;
		yield Buffer.concat([last, descriptor]);
		const entry = Buffer.alloc(46);
		entry.writeUInt32LE(0x02014b50, 0);
		entry.writeUInt16LE(20, 4);
		entry.writeUInt16LE(20, 6);
		entry.writeUInt16LE(0x0808, 8);
		entry.writeUInt16LE(8, 10);
		entry.writeUInt32LE(crc >>> 0, 16);
		entry.writeUInt32LE(compressed, 20);
		entry.writeUInt32LE(size, 24);
		entry.writeUInt16LE(nameBytes.length, 28);
		entry.writeUInt32LE(start, 42);
		central.push(entry, nameBytes);
	}
	const directory = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(parts.length, 8);
	end.writeUInt16LE(parts.length, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	yield Buffer.concat([directory, end]);
}

/** Raw deflate over pieces: each piece is compressed and flushed to a byte boundary (not final), and `end` closes the stream. */
class PieceDeflater {
	push(data: Buffer): Buffer {
		// A full flush ends the piece on a byte boundary with an empty stored block; stripping the zlib framing is not needed for raw deflate.
		return deflateRawSync(data, { finishFlush: 3 /* Z_FULL_FLUSH */ });
	}

	end(): Buffer {
		// An empty final stored block: BFINAL=1, BTYPE=00, LEN=0, NLEN=0xffff.
		return Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]);
	}
}

/** The workbook or CSV as a readable stream. */
export function exceptionsFile(rows: Iterable<ExceptionRow>, format: 'xlsx' | 'csv'): Readable {
	return Readable.from(format === 'csv' ? exceptionsCsv(rows) : exceptionsXlsx(rows), {
		objectMode: false,
	});
}
