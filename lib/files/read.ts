/**
 * Reads POS exports row by row. Delimited text streams through csv-parse (and iconv-lite, for
 * text that is not UTF-8) in constant memory, whatever the file size. Excel workbooks (xlsx, xls) go through SheetJS, which
 * cannot stream-read: the whole file and the parsed sheet are held in memory, so workbooks are
 * limited by memory where text files are not.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';

import { CsvError, parse, type Info, type Options as CsvOptions } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import * as iconv from 'iconv-lite';
import * as XLSX from 'xlsx';

import {
	SAMPLE_BYTES,
	detectDelimiter,
	detectEncoding,
	delimiterHint,
	detectFormat,
	isDelimiterHintRecord,
	type Delimiter,
	type FileFormat,
	type TextEncoding,
} from './detect';
import { FileReadError, asFileReadError } from './errors';

export interface FileInspection {
	format: FileFormat;
	/** null for workbooks. */
	encoding: TextEncoding | null;
	/** Whether the text starts with a byte order mark (never part of `header`). */
	bom: boolean;
	/** null for workbooks. */
	delimiter: Delimiter | null;
	/** The first non-blank row as text; [] when the file has no rows. */
	header: string[];
	/** The sheet read, for workbooks: the first unless another was asked for. */
	sheetName: string | null;
}

/**
 * A cell as read. Always a string in text files. In workbooks numbers stay numbers (dates too:
 * they are Excel serial numbers, left for the mapping layer to convert), booleans stay booleans,
 * error cells read as their text (`#DIV/0!`). Empty cells are ''.
 */
export type CellValue = string | number | boolean;

/** The first non-blank row, yielded first and exactly once; `values` is [] when the file has no rows. */
export interface HeaderRow {
	kind: 'header';
	values: string[];
}

/**
 * A data row. `line` is the 1-based physical line the record starts on in a text file (a record
 * with quoted line breaks spans several lines), or the Excel row number in a workbook.
 *
 * Field-count mismatches are left to the caller: text rows are never padded or cut, so compare
 * `values.length` with the header's length to find rows with missing or extra fields. Workbook
 * rows are padded with '' to the header's width, because Excel does not store empty trailing
 * cells; they are longer only when they have values right of the header.
 */
export interface RowEvent {
	kind: 'row';
	line: number;
	values: CellValue[];
}

/**
 * A record of a text file that could not be parsed, such as one with a stray quote; reading goes
 * on after it. It runs from `line` to `lastLine`: more than one line when it holds quoted line
 * breaks, or when a quote left open took in the lines after it until a quote closed (csv-parse
 * reads those as part of the bad record, so they are skipped with it). `raw` is its text up to
 * where the problem was found, at most 1,000 characters.
 */
export interface SkippedRow {
	kind: 'skipped';
	line: number;
	lastLine: number;
	reason: string;
	raw?: string;
	/**
	 * The values of `raw` as far as they can be told apart, split at each delimiter outside quotes:
	 * right up to the problem, and a best guess after it. Enough to tell which order a row was of.
	 */
	values?: string[];
}

export type RowResult = HeaderRow | RowEvent | SkippedRow;

/** A path, a file held in memory, or a stream of its bytes. */
export type RowSource = string | Buffer | NodeJS.ReadableStream;

export interface ReadOptions {
	/** The name used in error messages (a path source is still read from its path). */
	fileName: string;
	/** An earlier inspection of the same file, to skip detection. */
	inspection?: FileInspection;
	/** Overrides the detected encoding of a text file. */
	encoding?: TextEncoding;
	/** Overrides the detected delimiter of a text file. */
	delimiter?: Delimiter;
	/** The workbook sheet to read; matched case-insensitively when no name matches exactly. Default: the first. */
	sheetName?: string;
}

/** Records longer than this are taken as a quote that never closes, rather than buffered on. */
const MAX_RECORD_CHARACTERS = 1_000_000;
/** A line longer than this is rejected as a row on its own, and reading goes on after it. */
const MAX_LINE_BYTES = 1_000_000;
const RAW_EXCERPT_CHARACTERS = 1000;
/** A run of bad records longer than this is replayed in parts, so that memory stays flat. */
const FAILED_STRETCH_PART_BYTES = 1024 * 1024;
/** A run of bad records that cannot be split in parts and grows past this is given up on. */
const FAILED_STRETCH_LIMIT_BYTES = 64 * 1024 * 1024;
const STREAM_CHUNK_BYTES = 64 * 1024;
const SHEET_BATCH_ROWS = 1000;

/**
 * What a file is and what its header says. Reads the first SAMPLE_BYTES of a text file, and the
 * whole of a workbook. `fileName` (default: the path's base name) is used in error messages.
 */
export async function inspectFile(path: string, fileName = basename(path)): Promise<FileInspection> {
	try {
		const file = new FileSource(path);
		const sample = await file.readSample();
		if (detectFormat(sample.bytes, fileName) === 'csv') return inspectSample(sample.bytes, fileName, sample.isWholeFile);
		return inspectSample(await file.readAll(), fileName, true);
	} catch (error) {
		throw asFileReadError(error, fileName);
	}
}

/**
 * What a file is and what its header says, from bytes already in memory. For a text file a sample
 * of the first SAMPLE_BYTES is enough (more is ignored); say whether it is the whole file, so that a
 * record or character cut off at its end is not held against it. A workbook cannot be read from
 * part of it: for one, `sample` must be the whole file, or this throws a plain Error (a mistake in
 * the caller, not in the file); use inspectFile when the file is on disk.
 */
export function inspectSample(sample: Buffer, fileName: string, isWholeFile: boolean): FileInspection {
	const format = detectFormat(sample, fileName);
	if (format !== 'csv') {
		if (!isWholeFile) {
			throw new Error(`inspectSample needs all of "${fileName}" to inspect an Excel workbook; pass the whole file, or use inspectFile`);
		}
		return inspectWorkbook(sample, format, fileName);
	}
	const head = sample.subarray(0, SAMPLE_BYTES);
	const headIsWholeFile = isWholeFile && sample.length <= SAMPLE_BYTES;
	const { encoding, bom } = detectEncoding(head, headIsWholeFile);
	const text = iconv.decode(head, encoding);
	const delimiter = detectDelimiter(text, headIsWholeFile);
	return { format, encoding, bom, delimiter, header: readHeaderOfText(text, delimiter, fileName), sheetName: null };
}

/**
 * The file's rows: the header first, then data rows and skipped records in file order. Text is
 * streamed, so memory stays flat however large the file; a workbook is read whole (see the module
 * comment). Blank lines, and rows whose values are all empty or whitespace, are left out, in text
 * and workbooks alike. Problems with single records of a text file come as `skipped` entries;
 * a file that cannot be read at all throws a FileReadError naming it, from the first iteration.
 */
export async function* readRows(source: RowSource, options: ReadOptions): AsyncGenerator<RowResult, void, undefined> {
	for await (const batch of readRowBatches(source, options)) {
		for (const result of batch) yield result;
	}
}

/** What readRows yields, in batches as they are read (never empty): the faster way through a large file. */
export async function* readRowBatches(source: RowSource, options: ReadOptions): AsyncGenerator<RowResult[], void, undefined> {
	const { fileName } = options;
	try {
		const bytes = byteSource(source);
		const plan = await planReading(bytes, options);
		if (plan.format === 'csv') {
			yield* readTextBatches(bytes.stream(), plan, fileName);
		} else {
			const sheetName = options.sheetName ?? options.inspection?.sheetName ?? undefined;
			let batch: RowResult[] = [];
			for (const result of sheetRows(openSheet(await bytes.readAll(), fileName, sheetName).rows)) {
				batch.push(result);
				if (batch.length === SHEET_BATCH_ROWS) {
					yield batch;
					batch = [];
				}
			}
			if (batch.length) yield batch;
		}
	} catch (error) {
		throw asFileReadError(error, fileName);
	}
}

type ReadingPlan = { format: 'csv'; encoding: TextEncoding; delimiter: Delimiter } | { format: 'xlsx' | 'xls' };

async function planReading(bytes: ByteSource, options: ReadOptions): Promise<ReadingPlan> {
	const { inspection } = options;
	if (inspection) {
		if (inspection.format !== 'csv') return { format: inspection.format };
		return {
			format: 'csv',
			encoding: options.encoding ?? inspection.encoding ?? 'utf-8',
			delimiter: options.delimiter ?? inspection.delimiter ?? ',',
		};
	}
	const sample = await bytes.readSample();
	const format = detectFormat(sample.bytes, options.fileName);
	if (format !== 'csv') return { format };
	const encoding = options.encoding ?? detectEncoding(sample.bytes, sample.isWholeFile).encoding;
	const delimiter = options.delimiter ?? detectDelimiter(iconv.decode(sample.bytes, encoding), sample.isWholeFile);
	return { format, encoding, delimiter };
}

// ---------------------------------------------------------------------------------------------
// Sources

interface Sample {
	bytes: Buffer;
	isWholeFile: boolean;
}

/** A source's bytes. Read once: readSample() at most once, then either stream() or readAll(). */
interface ByteSource {
	/** The first SAMPLE_BYTES, and whether that is all there is. */
	readSample(): Promise<Sample>;
	/** Everything from the first byte. */
	stream(): Readable;
	readAll(): Promise<Buffer>;
}

function byteSource(source: RowSource): ByteSource {
	if (typeof source === 'string') return new FileSource(source);
	if (Buffer.isBuffer(source)) return new BufferSource(source);
	return new PeekableStream(source);
}

class FileSource implements ByteSource {
	constructor(private readonly path: string) {}

	async readSample(): Promise<Sample> {
		const file = await open(this.path, 'r');
		try {
			// One byte more than a sample tells whether the sample is the whole file.
			const buffer = Buffer.alloc(SAMPLE_BYTES + 1);
			let filled = 0;
			while (filled < buffer.length) {
				const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, filled);
				if (bytesRead === 0) break;
				filled += bytesRead;
			}
			return { bytes: buffer.subarray(0, Math.min(filled, SAMPLE_BYTES)), isWholeFile: filled <= SAMPLE_BYTES };
		} finally {
			await file.close();
		}
	}

	stream(): Readable {
		return createReadStream(this.path, { highWaterMark: STREAM_CHUNK_BYTES });
	}

	readAll(): Promise<Buffer> {
		return readFile(this.path);
	}
}

class BufferSource implements ByteSource {
	constructor(private readonly buffer: Buffer) {}

	async readSample(): Promise<Sample> {
		return { bytes: this.buffer.subarray(0, SAMPLE_BYTES), isWholeFile: this.buffer.length <= SAMPLE_BYTES };
	}

	stream(): Readable {
		// In chunks, so that a large buffer is not decoded into one large string.
		return Readable.from(chunksOf(this.buffer), { objectMode: false });
	}

	async readAll(): Promise<Buffer> {
		return this.buffer;
	}
}

function* chunksOf(buffer: Buffer): Generator<Buffer> {
	for (let at = 0; at < buffer.length; at += STREAM_CHUNK_BYTES) yield buffer.subarray(at, at + STREAM_CHUNK_BYTES);
}

/** A stream whose first chunks are read for detection, then played again ahead of the rest. */
class PeekableStream implements ByteSource {
	private readonly chunks: AsyncIterator<unknown>;
	private peeked: Buffer[] = [];
	private peekedBytes = 0;
	private ended = false;

	constructor(source: NodeJS.ReadableStream) {
		this.chunks = source[Symbol.asyncIterator]();
	}

	async readSample(): Promise<Sample> {
		while (!this.ended && this.peekedBytes <= SAMPLE_BYTES) {
			const chunk = await this.nextChunk();
			if (chunk === undefined) break;
			this.peeked.push(chunk);
			this.peekedBytes += chunk.length;
		}
		const bytes = Buffer.concat(this.peeked, this.peekedBytes).subarray(0, SAMPLE_BYTES);
		return { bytes, isWholeFile: this.peekedBytes <= SAMPLE_BYTES };
	}

	stream(): Readable {
		return Readable.from(this.replay(), { objectMode: false });
	}

	async readAll(): Promise<Buffer> {
		const chunks: Buffer[] = [];
		for await (const chunk of this.replay()) chunks.push(chunk);
		return Buffer.concat(chunks);
	}

	private async *replay(): AsyncGenerator<Buffer> {
		const peeked = this.peeked;
		this.peeked = [];
		yield* peeked;
		try {
			for (let chunk = await this.nextChunk(); chunk !== undefined; chunk = await this.nextChunk()) yield chunk;
		} finally {
			// Stopped early by the reader: let the source stream close.
			if (!this.ended) await this.chunks.return?.();
		}
	}

	private async nextChunk(): Promise<Buffer | undefined> {
		const { done, value } = await this.chunks.next();
		if (done) {
			this.ended = true;
			return undefined;
		}
		if (typeof value === 'string') return Buffer.from(value);
		if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
		throw new TypeError(`readRows needs a stream of bytes, got a chunk of type ${typeof value}`);
	}
}

// ---------------------------------------------------------------------------------------------
// Delimited text
//
// Good records take a fast path: csv-parse reports where each ends (`info.bytes`), and a LineIndex
// of the same bytes turns that into lines. Placing a bad record needs csv-parse's `raw` text too,
// which would slow every record by a third, so instead the bytes since the last good record are
// kept, and when records fail that stretch is parsed again with `raw` (replayFailures): once the
// next good record ends it, or in parts of FAILED_STRETCH_PART_BYTES while it runs on.

interface ParsedRecord {
	record: string[];
	info: Info;
	raw?: string;
}

interface ParseFailure {
	error: CsvError;
	raw: string;
}

type ParserOutput = ParsedRecord | ParseFailure;

/** csv-parse settings shared by the streaming reader, the replay of failures and the header read of an inspection. */
function csvOptions(delimiter: Delimiter): CsvOptions {
	return {
		delimiter,
		// Every line break ends a record, so that a file whose line endings change half-way (one
		// program wrote it, another appended to it) still splits into its rows.
		record_delimiter: ['\r\n', '\n', '\r'],
		bom: true,
		skip_empty_lines: true,
		relax_column_count: true,
	};
}

/** Settings for reading records one by one, skipping bad ones; `onSkip` hears of each problem. */
function recordOptions(delimiter: Delimiter, raw: boolean, onSkip: (failure: ParseFailure) => void): CsvOptions {
	return {
		...csvOptions(delimiter),
		info: true,
		raw,
		skip_records_with_error: true,
		max_record_size: MAX_RECORD_CHARACTERS,
		on_skip: (error, rawText) => {
			if (error) onSkip({ error, raw: rawText ?? '' });
		},
	};
}

async function* readTextBatches(
	input: Readable,
	settings: { encoding: TextEncoding; delimiter: Delimiter },
	fileName: string,
): AsyncGenerator<RowResult[]> {
	const text = new KeptText();
	const longLines = new LongLineFilter();
	// Failures are pushed into the parser's output so that they arrive in order with the records.
	const parser = parse(recordOptions(settings.delimiter, false, (failure) => parser.push(failure)));
	// UTF-8 goes to csv-parse as it is (it decodes UTF-8 itself); other encodings become UTF-8 first.
	const stages: NodeJS.ReadWriteStream[] = settings.encoding === 'utf-8' ? [] : [iconv.decodeStream(settings.encoding), iconv.encodeStream('utf-8')];
	// Errors reach the loop below: pipeline destroys the parser with them.
	pipeline([input, ...stages, longLines, text, parser], () => {});

	const rows = new TextRows(text, longLines.dropped, settings.delimiter, fileName, (count) => expectFieldCount(parser, count));
	for await (const batch of readableBatches<ParserOutput>(parser)) {
		const results = rows.take(batch);
		if (results.length) yield results;
	}
	const last = rows.finish();
	if (last.length) yield last;
}

/**
 * Turns csv-parse's output into rows: the first non-blank record is the header, blank ones are
 * left out, and each row gets the line it starts on.
 */
class TextRows {
	private header: string[] | undefined;
	/** Where the last record read ends: the byte just past its line break, and its last line. */
	private lastEnd = 0;
	private lastEndLine = 0;
	/** Bad records since the last good one: where they start, and from where to try to split them off. */
	private failedStretch: { start: number; firstLine: number; splitFrom: number } | undefined;

	/** The field count of the last data row; see expectFieldCount. */
	private fieldCount = -1;
	/** Until the first non-blank record: it may be Excel's `sep=` line rather than the header. */
	private firstRecord = true;

	constructor(
		private readonly text: KeptText,
		/** Lines too long to be rows, taken out of the text before csv-parse; reported in their place. */
		private readonly dropped: DroppedLine[],
		private readonly delimiter: Delimiter,
		private readonly fileName: string,
		private readonly onFieldCountChange: (count: number) => void,
	) {}

	take(batch: ParserOutput[]): RowResult[] {
		const results: RowResult[] = [];
		for (const item of batch) {
			// Before a failure, only lines before the last good record: the failure's own place is worked out later.
			this.reportDroppedBefore('error' in item ? this.lastEnd : item.info.bytes, results);
			if ('error' in item) {
				const stretch = (this.failedStretch ??= { start: this.lastEnd, firstLine: this.lastEndLine + 1, splitFrom: this.lastEnd + FAILED_STRETCH_PART_BYTES });
				if (item.error.code === 'CSV_MAX_RECORD_SIZE') {
					// Reported now, rather than once the parser has skipped the rest of the runaway record.
					appendTo(results, this.endFailedStretch(this.text.bytesSince(stretch.start), 'end'));
				} else if (typeof item.error.bytes === 'number' && item.error.bytes >= stretch.splitFrom) {
					appendTo(results, this.splitFailedStretch(item.error.bytes));
				}
				continue;
			}
			const end = item.info.bytes;
			const endLine = this.text.lines.lineAt(end - 1);
			let line: number;
			if (this.failedStretch) {
				appendTo(results, this.endFailedStretch(this.text.bytesBetween(this.failedStretch.start, end), 'record'));
				line = endLine - lineBreaksIn(item.record);
			} else {
				// Right after the record before, it can only be a record of one line.
				line = endLine === this.lastEndLine + 1 ? endLine : endLine - lineBreaksIn(item.record);
			}
			this.lastEnd = end;
			this.lastEndLine = endLine;
			this.text.release(end);
			if (isBlank(item.record)) continue;
			const first = this.firstRecord;
			this.firstRecord = false;
			if (first && isDelimiterHintRecord(item.record)) continue;
			if (this.header) {
				results.push({ kind: 'row', line, values: item.record });
				if (item.record.length !== this.fieldCount) this.onFieldCountChange((this.fieldCount = item.record.length));
			} else {
				this.header = item.record;
				results.push({ kind: 'header', values: this.header });
			}
		}
		return results;
	}

	/** What is left once the parser has read everything: the last failures, and an empty header for a file with no rows. */
	finish(): RowResult[] {
		const results: RowResult[] = this.failedStretch ? this.endFailedStretch(this.text.bytesSince(this.failedStretch.start), 'end') : [];
		this.reportDroppedBefore(Number.POSITIVE_INFINITY, results);
		if (!this.header) results.push({ kind: 'header', values: [] });
		return results;
	}

	/** The over-long lines taken out before `offset` of the text, as skipped rows in their place. */
	private reportDroppedBefore(offset: number, results: RowResult[]): void {
		while (this.dropped.length && this.dropped[0].offset < offset) {
			const line = this.dropped.shift()!;
			const number = this.text.lines.lineAt(line.offset);
			const reason = `the line is ${line.bytes.toLocaleString('en-GB')} bytes long, more than the ${MAX_LINE_BYTES.toLocaleString('en-GB')} a row may have, so it is not read`;
			if (!this.header) throw new FileReadError(this.fileName, `the header row on line ${number} cannot be read: ${reason}`, { line: number });
			results.push({ kind: 'skipped', line: number, lastLine: number, reason, raw: line.raw, values: roughValues(line.raw, this.delimiter) });
		}
	}

	private endFailedStretch(stretch: Buffer, ending: 'record' | 'end'): SkippedRow[] {
		const { firstLine } = this.failedStretch!;
		this.failedStretch = undefined;
		return this.replayFailures(stretch, firstLine, ending)!;
	}

	/**
	 * Replays the bad records before the line holding `offset` (a failure's position), when that
	 * line starts a record; the rest of the stretch starts there. Otherwise the stretch grows on,
	 * up to FAILED_STRETCH_LIMIT_BYTES.
	 */
	private splitFailedStretch(offset: number): SkippedRow[] {
		const stretch = this.failedStretch!;
		stretch.splitFrom = offset + FAILED_STRETCH_PART_BYTES;
		const { line, start } = this.text.lines.lineStartOf(offset);
		const { firstLine, splitFrom } = stretch;
		const part = start > stretch.start ? this.replayFailures(this.text.bytesBetween(stretch.start, start), firstLine, 'split') : undefined;
		if (part !== undefined) {
			this.failedStretch = { start, firstLine: line, splitFrom };
			this.text.release(start);
			return part;
		}
		if (offset - stretch.start > FAILED_STRETCH_LIMIT_BYTES) {
			const reason = `from line ${firstLine} on, more than ${FAILED_STRETCH_LIMIT_BYTES / 1024 / 1024} MB of the file cannot be read as rows; check its delimiter and quotes`;
			throw new FileReadError(this.fileName, reason, { line: firstLine });
		}
		return [];
	}

	/**
	 * Parses the stretch of bad records again, this time keeping their raw text, and returns them
	 * as skipped rows. The stretch runs from the end of the last good record either to the end of
	 * the next one (`record`), or to the end of the text (`end`), or to the start of a line that
	 * may start a record (`split`): undefined when it does not, because a quoted value runs on.
	 */
	private replayFailures(stretch: Buffer, firstLine: number, ending: 'record' | 'end' | 'split'): SkippedRow[] | undefined {
		const lines = new LineIndex();
		lines.note(stretch);
		lines.end();
		const outputs: ParserOutput[] = [];
		parseCsv(stretch, {
			...recordOptions(this.delimiter, true, (failure) => outputs.push(failure)),
			on_record: (record) => {
				outputs.push(record as unknown as ParsedRecord);
				return undefined;
			},
		});
		const last = outputs[outputs.length - 1];
		if (ending === 'split' && last !== undefined && 'error' in last && last.error.code === 'CSV_QUOTE_NOT_CLOSED') return undefined;

		const skippedRows: SkippedRow[] = [];
		const lineOffset = firstLine - 1;
		const positions = new RecordPositions(lines);
		// A skipped record is held back until the next record shows where it ended.
		let skipped: SkippedRow | undefined;
		for (const item of outputs) {
			if (!('error' in item)) {
				// The good record that ends the stretch.
				if (skipped) skippedRows.push(endSkipped(skipped, lineOffset + positions.ofRecord(item.info, item.raw ?? '').previousRecordEnd));
				skipped = undefined;
				continue;
			}
			const place = positions.ofFailure(item.error, item.raw);
			if (place === undefined) continue;
			const line = lineOffset + place.line;
			if (skipped) skippedRows.push(endSkipped(skipped, lineOffset + place.previousRecordEnd));
			if (item.error.code === 'CSV_MAX_RECORD_SIZE') {
				const reason = `the record starting on line ${line} is over a million characters long; a quote is probably never closed`;
				throw new FileReadError(this.fileName, reason, { line, cause: item.error });
			}
			const reason = describeCsvProblem(item.error, this.header);
			if (!this.header) {
				throw new FileReadError(this.fileName, `the header row on line ${line} cannot be read: ${reason}`, { line, cause: item.error });
			}
			const record = splitRaw(item.raw).record;
			const raw = record.slice(0, RAW_EXCERPT_CHARACTERS);
			skipped = { kind: 'skipped', line, lastLine: line, reason, raw, values: roughValues(record.slice(0, MAX_ROUGH_CHARACTERS), this.delimiter) };
		}
		if (skipped) skippedRows.push(endSkipped(skipped, ending === 'record' ? skipped.line : lineOffset + lines.lastLineWithText()));
		return skippedRows;
	}
}

/**
 * Tells csv-parse how many fields to expect. It builds an error object (a stack trace and a JSON
 * copy of the record) for every record whose field count differs from the first record's, even
 * with relax_column_count, which makes a file whose rows all end in an extra delimiter read eight
 * times slower. There is no option for this, so the parser's state is set, when it has one.
 */
function expectFieldCount(parser: unknown, count: number): void {
	const state = (parser as { state?: { expectedRecordLength?: unknown } }).state;
	if (typeof state?.expectedRecordLength === 'number') state.expectedRecordLength = count;
}

/**
 * A readable stream's objects in batches: everything it holds each time it has something, so that
 * the reader pays one wait per batch rather than one per object.
 */
async function* readableBatches<T>(stream: Readable): AsyncGenerator<T[]> {
	try {
		for (;;) {
			const batch: T[] = [];
			for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) batch.push(item);
			if (batch.length) {
				yield batch;
				continue;
			}
			if (stream.errored) throw stream.errored;
			if (stream.readableEnded) return;
			if (stream.destroyed) throw new Error('the file stopped before its end');
			await nextReadableEvent(stream);
		}
	} finally {
		// Stopped early by the reader, or failed: let the source close.
		if (!stream.readableEnded) stream.destroy();
	}
}

function nextReadableEvent(stream: Readable): Promise<void> {
	return new Promise((resolve) => {
		const settle = () => {
			for (const event of ['readable', 'end', 'error', 'close']) stream.off(event, settle);
			resolve();
		};
		for (const event of ['readable', 'end', 'error', 'close']) stream.on(event, settle);
	});
}

/** Adds `items` one by one: a run of bad records can be too long to spread into push(). */
function appendTo<T>(target: T[], items: readonly T[]): void {
	for (const item of items) target.push(item);
}

const MAX_ROUGH_CHARACTERS = 64 * 1024;

/** A bad record's values as far as they can be told apart: split at delimiters outside quotes, quotes taken off. */
function roughValues(record: string, delimiter: string): string[] {
	const values: string[] = [];
	let current = '';
	let quoted = false;
	for (let at = 0; at < record.length; at++) {
		const character = record[at];
		if (character === '"') {
			if (quoted && record[at + 1] === '"') {
				current += '"';
				at++;
			} else quoted = !quoted;
		} else if (!quoted && record.startsWith(delimiter, at)) {
			values.push(current);
			current = '';
			at += delimiter.length - 1;
		} else current += character;
	}
	values.push(current);
	return values;
}

function endSkipped(skipped: SkippedRow, lastLine: number): SkippedRow {
	return { ...skipped, lastLine: Math.max(skipped.line, lastLine) };
}

function readHeaderOfText(text: string, delimiter: Delimiter, fileName: string): string[] {
	try {
		// Excel's `sep=;` line comes before the header.
		const from = delimiterHint(text) ? 2 : 1;
		const [header] = parseCsv(text, { ...csvOptions(delimiter), skip_records_with_empty_values: true, from, to: from }) as string[][];
		return header ?? [];
	} catch (error) {
		if (!(error instanceof CsvError)) throw error;
		const line = typeof error.lines === 'number' ? error.lines : 1;
		const reason = `the header row on line ${line} cannot be read: ${describeCsvProblem(error, undefined)}`;
		throw new FileReadError(fileName, reason, { line, cause: error });
	}
}

function describeCsvProblem(error: CsvError, header: string[] | undefined): string {
	const column = describeColumn(error.index, header);
	switch (error.code) {
		case 'INVALID_OPENING_QUOTE':
			return `${column} has a quote (") in a value that is not enclosed in quotes`;
		case 'CSV_INVALID_CLOSING_QUOTE':
			return `${column} has text after the closing quote of a quoted value (a quote inside a quoted value must be doubled: "")`;
		case 'CSV_QUOTE_NOT_CLOSED':
			return `${column} opens a quote that is never closed, so the rest of the file was read as part of this record`;
		default:
			return error.message;
	}
}

function describeColumn(index: unknown, header: string[] | undefined): string {
	if (typeof index !== 'number') return 'a value';
	const name = header?.[index];
	return name ? `column ${index + 1} ("${name}")` : `column ${index + 1}`;
}

function isBlank(values: CellValue[]): boolean {
	return values.every((value) => typeof value === 'string' && value.trim() === '');
}

/**
 * Works out the physical line each record starts on. csv-parse's own `info.lines` will not do: it
 * is the line a record ends on, and it counts a CRLF inside a quoted field as two lines. Records
 * are placed instead by byte offset against a LineIndex: csv-parse gives where a record ends
 * (`info.bytes`), and the quoted line breaks in its raw text lead back to the line it starts on.
 *
 * Records csv-parse skips give no end. A skipped record starts where the record before it ended;
 * csv-parse still knows that offset while the problem is in the record's first field. Otherwise
 * it is known if the record before parsed. After another skipped record it is estimated from the
 * offset of the last field separator read, which is exact unless the bad field itself spans lines.
 */
class RecordPositions {
	/** Byte offset just past the last parsed record, unless a skipped record followed it. */
	private endOfLastRecord: number | undefined = 0;
	/** Raw text of the last skipped record, until a record parses. */
	private lastFailureRaw: string | undefined;
	private lastLine = 0;

	constructor(private readonly lines: LineIndex) {}

	ofRecord(info: Info, raw: string): Placement {
		this.endOfLastRecord = info.bytes;
		this.lastFailureRaw = undefined;
		const { blankLinesBefore, record } = splitRaw(raw);
		// The record's last byte is on its last line.
		return this.place(this.lines.lineAt(info.bytes - 1) - countLineBreaks(record), blankLinesBefore);
	}

	/** Where a skipped record starts; undefined for another problem in the record skipped last (csv-parse reports each). */
	ofFailure(error: CsvError, raw: string): Placement | undefined {
		const previous = this.lastFailureRaw;
		this.lastFailureRaw = raw;
		if (previous !== undefined && raw.length > previous.length && raw.startsWith(previous)) return undefined;

		const { blankLinesBefore, record } = splitRaw(raw);
		const separatorOffset = typeof error.bytes === 'number' ? error.bytes : 0;
		const start = error.index === 0 ? separatorOffset : this.endOfLastRecord;
		this.endOfLastRecord = undefined;
		if (start !== undefined) return this.place(this.lines.lineAt(start) + blankLinesBefore, blankLinesBefore);
		const estimate = this.lines.lineAt(separatorOffset) - countLineBreaks(record);
		return this.place(Math.max(estimate, this.lastLine + 1), blankLinesBefore);
	}

	private place(line: number, blankLinesBefore: number): Placement {
		this.lastLine = line;
		return { line, previousRecordEnd: line - blankLinesBefore - 1 };
	}
}

interface Placement {
	/** The line the record starts on. */
	line: number;
	/** The last line of the record before it (the line before any blank lines in between). */
	previousRecordEnd: number;
}

/**
 * Splits csv-parse's raw text of a record: first the blank lines skipped before it (one character
 * each, as csv-parse keeps only the first character of a line break it reads as a separator), then
 * the record, then the first character of the line break that ended it.
 */
function splitRaw(raw: string): { blankLinesBefore: number; record: string } {
	let start = 0;
	while (start < raw.length && isLineBreak(raw[start])) start++;
	const end = raw.length > start && isLineBreak(raw[raw.length - 1]) ? raw.length - 1 : raw.length;
	return { blankLinesBefore: start, record: raw.slice(start, end) };
}

function isLineBreak(char: string): boolean {
	return char === '\n' || char === '\r';
}

/** The line breaks inside a record's (quoted) values, which make it span lines. */
function lineBreaksIn(values: string[]): number {
	let breaks = 0;
	for (const value of values) if (value.includes('\n') || value.includes('\r')) breaks += countLineBreaks(value);
	return breaks;
}

/** CRLF, LF and a lone CR each count as one. */
function countLineBreaks(text: string): number {
	let breaks = 0;
	for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) breaks++;
	for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1)) {
		if (text[at + 1] !== '\n') breaks++;
	}
	return breaks;
}

interface DroppedLine {
	/** Where the line was, in the text as passed on (the offset of the line break that ended it). */
	offset: number;
	bytes: number;
	/** Its first RAW_EXCERPT_CHARACTERS characters or so. */
	raw: string;
}

/**
 * Takes lines longer than MAX_LINE_BYTES out of the text, keeping their line breaks so that every
 * line keeps its number, and notes each in `dropped`. A line is held back until it ends or grows
 * too long, so memory stays within MAX_LINE_BYTES; text with short lines passes in whole chunks.
 */
class LongLineFilter extends Transform {
	readonly dropped: DroppedLine[] = [];
	private held: Buffer[] = [];
	private heldBytes = 0;
	private dropping: { bytes: number; raw: string } | undefined;
	private passedBytes = 0;

	override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
		const out: Buffer[] = [];
		if (!this.dropping && this.heldBytes + chunk.length <= MAX_LINE_BYTES) {
			const lastBreak = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR));
			if (lastBreak === -1) this.hold(chunk);
			else {
				this.release(out);
				out.push(chunk.subarray(0, lastBreak + 1));
				if (lastBreak + 1 < chunk.length) this.hold(chunk.subarray(lastBreak + 1));
			}
		} else {
			let position = 0;
			while (position < chunk.length) {
				const lf = chunk.indexOf(LF, position);
				const cr = chunk.indexOf(CR, position);
				const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
				if (end === -1) {
					this.addToLine(chunk.subarray(position));
					break;
				}
				this.addToLine(chunk.subarray(position, end));
				this.endLine(out);
				out.push(chunk.subarray(end, end + 1));
				position = end + 1;
			}
		}
		this.send(out, done);
	}

	override _flush(done: TransformCallback): void {
		const out: Buffer[] = [];
		this.endLine(out);
		this.send(out, done);
	}

	private send(out: Buffer[], done: TransformCallback): void {
		const bytes = out.length === 1 ? out[0] : Buffer.concat(out);
		this.passedBytes += bytes.length;
		done(null, bytes.length ? bytes : undefined);
	}

	private hold(part: Buffer): void {
		this.held.push(part);
		this.heldBytes += part.length;
	}

	private release(out: Buffer[]): void {
		for (const part of this.held) out.push(part);
		this.held = [];
		this.heldBytes = 0;
	}

	private addToLine(part: Buffer): void {
		if (this.dropping) {
			this.dropping.bytes += part.length;
			return;
		}
		this.hold(part);
		if (this.heldBytes > MAX_LINE_BYTES) {
			const start = Buffer.concat(this.held).subarray(0, RAW_EXCERPT_CHARACTERS * 4).toString('utf8');
			this.dropping = { bytes: this.heldBytes, raw: start.slice(0, RAW_EXCERPT_CHARACTERS) };
			this.held = [];
			this.heldBytes = 0;
		}
	}

	private endLine(out: Buffer[]): void {
		if (this.dropping) {
			const offset = this.passedBytes + out.reduce((total, part) => total + part.length, 0);
			this.dropped.push({ offset, bytes: this.dropping.bytes, raw: this.dropping.raw });
			this.dropping = undefined;
		} else this.release(out);
	}
}

/**
 * Passes the text through unchanged (as UTF-8 bytes, which is what csv-parse's offsets count),
 * indexing its lines and keeping the bytes the reader may need to parse again: everything from the
 * offset last released on.
 */
class KeptText extends Transform {
	readonly lines = new LineIndex();
	private kept: Buffer[] = [];
	/** The offset of the first kept byte. */
	private keptStart = 0;
	private released = 0;

	override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
		this.lines.note(chunk);
		this.dropReleased();
		this.kept.push(chunk);
		done(null, chunk);
	}

	override _flush(done: TransformCallback): void {
		this.lines.end();
		done();
	}

	/** The bytes before `offset` will not be asked for again. */
	release(offset: number): void {
		this.released = offset;
	}

	bytesSince(start: number): Buffer {
		return this.bytesBetween(start, Number.POSITIVE_INFINITY);
	}

	/** The kept bytes from `start` up to `end`; `start` must not be before the last release. */
	bytesBetween(start: number, end: number): Buffer {
		const parts: Buffer[] = [];
		let chunkStart = this.keptStart;
		for (const chunk of this.kept) {
			const chunkEnd = chunkStart + chunk.length;
			if (chunkEnd > start && chunkStart < end) parts.push(chunk.subarray(Math.max(start - chunkStart, 0), Math.min(end, chunkEnd) - chunkStart));
			chunkStart = chunkEnd;
		}
		return parts.length === 1 ? parts[0] : Buffer.concat(parts);
	}

	private dropReleased(): void {
		while (this.kept.length && this.keptStart + this.kept[0].length <= this.released) this.keptStart += this.kept.shift()!.length;
	}
}

/**
 * The offset at which each line of a text starts, noted chunk by chunk. Lines are looked up in
 * increasing order only, so the offsets already passed are dropped and memory stays bounded.
 */
class LineIndex {
	private bytesSeen = 0;
	/** A CR ended the last chunk: whether the break is CRLF depends on the next chunk. */
	private carriageReturnPending = false;
	private lineStarts: number[] = [];
	private nextLineStart = 0;
	private linesDropped = 0;
	private lastTextOffset = 0;

	/** The 1-based line holding the byte at `offset`. Offsets must not decrease from one call to the next. */
	lineAt(offset: number): number {
		while (this.nextLineStart < this.lineStarts.length && this.lineStarts[this.nextLineStart] <= offset) this.nextLineStart++;
		if (this.nextLineStart > 4096) {
			// The start of the current line stays, for lineStartOf.
			this.lineStarts = this.lineStarts.slice(this.nextLineStart - 1);
			this.linesDropped += this.nextLineStart - 1;
			this.nextLineStart = 1;
		}
		return this.linesDropped + this.nextLineStart + 1;
	}

	/** The line holding the byte at `offset`, and the offset it starts at; the same order rule as lineAt. */
	lineStartOf(offset: number): { line: number; start: number } {
		const line = this.lineAt(offset);
		return { line, start: this.nextLineStart === 0 ? 0 : this.lineStarts[this.nextLineStart - 1] };
	}

	/** The last line that is not blank; call once all text has been noted, as a last lookup. */
	lastLineWithText(): number {
		return this.lineAt(this.lastTextOffset);
	}

	/** Notes the next chunk of the text. */
	note(chunk: Buffer): void {
		const base = this.bytesSeen;
		let lastText = chunk.length - 1;
		while (lastText >= 0 && (chunk[lastText] === LF || chunk[lastText] === CR)) lastText--;
		if (lastText >= 0) this.lastTextOffset = base + lastText;
		let position = 0;
		if (this.carriageReturnPending) {
			this.carriageReturnPending = false;
			if (chunk[0] === LF) position = 1;
			this.lineStarts.push(base + position);
		}
		let nextLf = chunk.indexOf(LF, position);
		let nextCr = chunk.indexOf(CR, position);
		while (nextLf !== -1 || nextCr !== -1) {
			if (nextCr !== -1 && (nextLf === -1 || nextCr < nextLf)) {
				if (nextCr === chunk.length - 1) {
					this.carriageReturnPending = true;
					break;
				}
				position = chunk[nextCr + 1] === LF ? nextCr + 2 : nextCr + 1;
				nextCr = chunk.indexOf(CR, position);
				if (nextLf !== -1 && nextLf < position) nextLf = chunk.indexOf(LF, position);
			} else {
				position = nextLf + 1;
				nextLf = chunk.indexOf(LF, position);
			}
			this.lineStarts.push(base + position);
		}
		this.bytesSeen += chunk.length;
	}

	/** The text has ended: a CR at its very end was a line break. */
	end(): void {
		if (this.carriageReturnPending) this.lineStarts.push(this.bytesSeen);
		this.carriageReturnPending = false;
	}
}

const LF = 0x0a;
const CR = 0x0d;

// ---------------------------------------------------------------------------------------------
// Workbooks

const WORKBOOK_READ_OPTIONS: XLSX.ParsingOptions = {
	type: 'buffer',
	dense: true,
	// Formulas are never evaluated: only the value Excel cached when it last saved is read.
	cellFormula: false,
	cellHTML: false,
	cellText: false,
	cellDates: false,
	raw: true,
};

function inspectWorkbook(bytes: Buffer, format: FileFormat, fileName: string): FileInspection {
	const sheet = openSheet(bytes, fileName);
	const header = findHeaderRow(sheet.rows)?.values ?? [];
	return { format, encoding: null, bom: false, delimiter: null, header, sheetName: sheet.name };
}

function openSheet(bytes: Buffer, fileName: string, sheetName?: string): { name: string; rows: XLSX.CellObject[][] } {
	// Only the sheet wanted is parsed (xlsx; SheetJS parses every sheet of an xls).
	let workbook = readWorkbook(bytes, fileName, sheetName ?? 0);
	if (workbook.SheetNames.length === 0) throw new FileReadError(fileName, 'the workbook has no sheets');
	const name = sheetName === undefined ? workbook.SheetNames[0] : findSheetName(workbook.SheetNames, sheetName);
	if (name === undefined) {
		const sheets = workbook.SheetNames.map((n) => `"${n}"`).join(', ');
		throw new FileReadError(fileName, `it has no sheet named "${sheetName}" (its sheets: ${sheets})`);
	}
	if (!workbook.Sheets[name]) workbook = readWorkbook(bytes, fileName, name);
	return { name, rows: workbook.Sheets[name]?.['!data'] ?? [] };
}

function readWorkbook(bytes: Buffer, fileName: string, sheet: string | number): XLSX.WorkBook {
	try {
		return XLSX.read(bytes, { ...WORKBOOK_READ_OPTIONS, sheets: sheet });
	} catch (error) {
		const detail = error instanceof Error ? error.message : String(error);
		const reason = /password/i.test(detail)
			? 'the workbook is password-protected'
			: `it is not a readable Excel workbook; it may be damaged or incomplete (${detail})`;
		throw new FileReadError(fileName, reason, { cause: error });
	}
}

function findSheetName(names: string[], wanted: string): string | undefined {
	return names.find((name) => name === wanted) ?? names.find((name) => name.toLowerCase() === wanted.toLowerCase());
}

function* sheetRows(rows: XLSX.CellObject[][]): Generator<RowResult> {
	const header = findHeaderRow(rows);
	yield { kind: 'header', values: header?.values ?? [] };
	if (!header) return;
	for (let index = header.index + 1; index < rows.length; index++) {
		const values = rowValues(rows[index]);
		if (isBlank(values)) continue;
		while (values.length < header.values.length) values.push('');
		yield { kind: 'row', line: index + 1, values };
	}
}

function findHeaderRow(rows: XLSX.CellObject[][]): { index: number; values: string[] } | undefined {
	for (let index = 0; index < rows.length; index++) {
		const values = rowValues(rows[index]);
		if (!isBlank(values)) return { index, values: values.map(String) };
	}
	return undefined;
}

/** A dense row's values, without the empty cells at its end. Rows and cells never written are holes. */
function rowValues(row: XLSX.CellObject[] | undefined): CellValue[] {
	if (!row) return [];
	const values = Array.from(row, cellValue);
	while (values.length > 0 && values[values.length - 1] === '') values.pop();
	return values;
}

function cellValue(cell: XLSX.CellObject | undefined): CellValue {
	if (cell?.v === undefined || cell.v === null) return '';
	if (cell.t === 'e') return XLSX.utils.format_cell(cell);
	const { v } = cell;
	return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : String(v);
}
