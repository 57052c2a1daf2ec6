/**
 * Reads POS exports row by row. Delimited text streams through csv-parse (and iconv-lite, for
 * text that is not UTF-8) in constant memory, whatever the file size. Excel workbooks (xlsx, xls) go through SheetJS, which
 * cannot stream-read: the whole file and the parsed sheet are held in memory, so workbooks are
 * limited by memory where text files are not.
 */
import { basename } from 'node:path';

import * as iconv from 'iconv-lite';

import {
	SAMPLE_BYTES,
	detectDelimiter,
	detectEncoding,
	detectFormat,
	type Delimiter,
	type TextEncoding,
} from './detect';
import { asFileReadError } from './errors';
import { FileSource, byteSource, type ByteSource } from './byte-sources';
import { readHeaderOfText, readTextBatches } from './text-rows';
import { inspectWorkbook, openSheet, sheetRows } from './workbooks';
import type { FileInspection, RowResult, RowSource } from './rows';

export type {
	CellValue,
	FileInspection,
	HeaderRow,
	RowEvent,
	RowResult,
	RowSource,
	SkippedRow,
} from './rows';

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

const SHEET_BATCH_ROWS = 1000;

/**
 * What a file is and what its header says. Reads the first SAMPLE_BYTES of a text file, and the
 * whole of a workbook. `fileName` (default: the path's base name) is used in error messages.
 */
export async function inspectFile(
	path: string,
	fileName = basename(path),
): Promise<FileInspection> {
	try {
		const file = new FileSource(path);
		const sample = await file.readSample();
		if (detectFormat(sample.bytes, fileName) === 'csv')
			return inspectSample(sample.bytes, fileName, sample.isWholeFile);
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
export function inspectSample(
	sample: Buffer,
	fileName: string,
	isWholeFile: boolean,
): FileInspection {
	const format = detectFormat(sample, fileName);
	if (format !== 'csv') {
		if (!isWholeFile) {
			throw new Error(
				`inspectSample needs all of "${fileName}" to inspect an Excel workbook; pass the whole file, or use inspectFile`,
			);
		}
		return inspectWorkbook(sample, format, fileName);
	}
	const head = sample.subarray(0, SAMPLE_BYTES);
	const headIsWholeFile = isWholeFile && sample.length <= SAMPLE_BYTES;
	const { encoding, bom } = detectEncoding(head, headIsWholeFile);
	const text = iconv.decode(head, encoding);
	const delimiter = detectDelimiter(text, headIsWholeFile);
	return {
		format,
		encoding,
		bom,
		delimiter,
		header: readHeaderOfText(text, delimiter, fileName),
		sheetName: null,
	};
}

/**
 * The file's rows: the header first, then data rows and skipped records in file order. Text is
 * streamed, so memory stays flat however large the file; a workbook is read whole (see the module
 * comment). Blank lines, and rows whose values are all empty or whitespace, are left out, in text
 * and workbooks alike. Problems with single records of a text file come as `skipped` entries;
 * a file that cannot be read at all throws a FileReadError naming it, from the first iteration.
 */
export async function* readRows(
	source: RowSource,
	options: ReadOptions,
): AsyncGenerator<RowResult, void, undefined> {
	for await (const batch of readRowBatches(source, options)) {
		for (const result of batch) yield result;
	}
}

/** What readRows yields, in batches as they are read (never empty): the faster way through a large file. */
export async function* readRowBatches(
	source: RowSource,
	options: ReadOptions,
): AsyncGenerator<RowResult[], void, undefined> {
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

type ReadingPlan =
	{ format: 'csv'; encoding: TextEncoding; delimiter: Delimiter } | { format: 'xlsx' | 'xls' };

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
	const delimiter =
		options.delimiter ?? detectDelimiter(iconv.decode(sample.bytes, encoding), sample.isWholeFile);
	return { format, encoding, delimiter };
}
