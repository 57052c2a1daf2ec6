/** Delimited text as rows: csv-parse, with bad records placed on their lines and read on past. */
import { Readable, pipeline } from 'node:stream';

import { CsvError, parse, type Info, type Options as CsvOptions } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import * as iconv from 'iconv-lite';

import { MAX_ROUGH_CHARACTERS, describeCsvProblem, roughValues } from './csv-problems';
import { delimiterHint, isDelimiterHintRecord, type Delimiter, type TextEncoding } from './detect';
import { FileReadError } from './errors';
import {
	KeptText,
	LineIndex,
	LongLineFilter,
	MAX_LINE_BYTES,
	RAW_EXCERPT_CHARACTERS,
	type DroppedLine,
} from './line-index';
import { readableBatches } from './readable-batches';
import { RecordPositions, lineBreaksIn, splitRaw } from './record-positions';
import type { CellValue, RowResult, SkippedRow } from './rows';

/** Records longer than this are taken as a quote that never closes, rather than buffered on. */
const MAX_RECORD_CHARACTERS = 1_000_000;
/** A run of bad records longer than this is replayed in parts, so that memory stays flat. */
const FAILED_STRETCH_PART_BYTES = 1024 * 1024;
/** A run of bad records that cannot be split in parts and grows past this is given up on. */
const FAILED_STRETCH_LIMIT_BYTES = 64 * 1024 * 1024;

//
// Good records take a fast path: csv-parse reports where each ends (`info.bytes`), and a LineIndex
// of the same bytes turns that into lines. Placing a bad record needs csv-parse's `raw` text too,
// which would slow every record by a third, so instead the bytes since the last good record are
// kept, and when records fail that stretch is parsed again with `raw` (replayFailures): once the
// next good record ends it, or in parts of FAILED_STRETCH_PART_BYTES while it runs on.

export interface ParsedRecord {
	record: string[];
	info: Info;
	raw?: string;
}

export interface ParseFailure {
	error: CsvError;
	raw: string;
}

export type ParserOutput = ParsedRecord | ParseFailure;

/** csv-parse settings shared by the streaming reader, the replay of failures and the header read of an inspection. */
export function csvOptions(delimiter: Delimiter): CsvOptions {
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
export function recordOptions(
	delimiter: Delimiter,
	raw: boolean,
	onSkip: (failure: ParseFailure) => void,
): CsvOptions {
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

export async function* readTextBatches(
	input: Readable,
	settings: { encoding: TextEncoding; delimiter: Delimiter },
	fileName: string,
): AsyncGenerator<RowResult[]> {
	const text = new KeptText();
	const longLines = new LongLineFilter();
	// Failures are pushed into the parser's output so that they arrive in order with the records.
	const parser = parse(recordOptions(settings.delimiter, false, (failure) => parser.push(failure)));
	// UTF-8 goes to csv-parse as it is (it decodes UTF-8 itself); other encodings become UTF-8 first.
	const stages: NodeJS.ReadWriteStream[] =
		settings.encoding === 'utf-8'
			? []
			: [iconv.decodeStream(settings.encoding), iconv.encodeStream('utf-8')];
	// Errors reach the loop below: pipeline destroys the parser with them.
	pipeline([input, ...stages, longLines, text, parser], () => {});

	const rows = new TextRows(text, longLines.dropped, settings.delimiter, fileName, (count) =>
		expectFieldCount(parser, count),
	);
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
export class TextRows {
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
				const stretch = (this.failedStretch ??= {
					start: this.lastEnd,
					firstLine: this.lastEndLine + 1,
					splitFrom: this.lastEnd + FAILED_STRETCH_PART_BYTES,
				});
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
				appendTo(
					results,
					this.endFailedStretch(this.text.bytesBetween(this.failedStretch.start, end), 'record'),
				);
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
				if (item.record.length !== this.fieldCount)
					this.onFieldCountChange((this.fieldCount = item.record.length));
			} else {
				this.header = item.record;
				results.push({ kind: 'header', values: this.header });
			}
		}
		return results;
	}

	/** What is left once the parser has read everything: the last failures, and an empty header for a file with no rows. */
	finish(): RowResult[] {
		const results: RowResult[] = this.failedStretch
			? this.endFailedStretch(this.text.bytesSince(this.failedStretch.start), 'end')
			: [];
		this.reportDroppedBefore(Number.POSITIVE_INFINITY, results);
		if (!this.header) results.push({ kind: 'header', values: [] });
		return results;
	}

	/** The over-long lines taken out before `offset` of the text, as skipped rows in their place. */
	private reportDroppedBefore(offset: number, results: RowResult[]): void {
		while (this.dropped.length && this.dropped[0].offset < offset) {
			const line = this.dropped.shift()!;
			const number = this.text.lines.lineAt(line.offset);
			const reason =
				`the line is ${line.bytes.toLocaleString('en-GB')} bytes long, ` +
				`more than the ${MAX_LINE_BYTES.toLocaleString('en-GB')} a row may have, so it is not read`;
			if (!this.header)
				throw new FileReadError(
					this.fileName,
					`the header row on line ${number} cannot be read: ${reason}`,
					{ line: number },
				);
			results.push({
				kind: 'skipped',
				line: number,
				lastLine: number,
				reason,
				raw: line.raw,
				values: roughValues(line.raw, this.delimiter),
			});
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
		const part =
			start > stretch.start
				? this.replayFailures(this.text.bytesBetween(stretch.start, start), firstLine, 'split')
				: undefined;
		if (part !== undefined) {
			this.failedStretch = { start, firstLine: line, splitFrom };
			this.text.release(start);
			return part;
		}
		if (offset - stretch.start > FAILED_STRETCH_LIMIT_BYTES) {
			const reason =
				`from line ${firstLine} on, more than ${FAILED_STRETCH_LIMIT_BYTES / 1024 / 1024} MB of the file cannot be read as rows; ` +
				'check its delimiter and quotes';
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
	private replayFailures(
		stretch: Buffer,
		firstLine: number,
		ending: 'record' | 'end' | 'split',
	): SkippedRow[] | undefined {
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
		if (
			ending === 'split' &&
			last !== undefined &&
			'error' in last &&
			last.error.code === 'CSV_QUOTE_NOT_CLOSED'
		)
			return undefined;

		const skippedRows: SkippedRow[] = [];
		const lineOffset = firstLine - 1;
		const positions = new RecordPositions(lines);
		// A skipped record is held back until the next record shows where it ended.
		let skipped: SkippedRow | undefined;
		for (const item of outputs) {
			if (!('error' in item)) {
				// The good record that ends the stretch.
				if (skipped)
					skippedRows.push(
						endSkipped(
							skipped,
							lineOffset + positions.ofRecord(item.info, item.raw ?? '').previousRecordEnd,
						),
					);
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
				throw new FileReadError(
					this.fileName,
					`the header row on line ${line} cannot be read: ${reason}`,
					{ line, cause: item.error },
				);
			}
			const record = splitRaw(item.raw).record;
			const raw = record.slice(0, RAW_EXCERPT_CHARACTERS);
			skipped = {
				kind: 'skipped',
				line,
				lastLine: line,
				reason,
				raw,
				values: roughValues(record.slice(0, MAX_ROUGH_CHARACTERS), this.delimiter),
			};
		}
		if (skipped)
			skippedRows.push(
				endSkipped(
					skipped,
					ending === 'record' ? skipped.line : lineOffset + lines.lastLineWithText(),
				),
			);
		return skippedRows;
	}
}

/**
 * Tells csv-parse how many fields to expect. It builds an error object (a stack trace and a JSON
 * copy of the record) for every record whose field count differs from the first record's, even
 * with relax_column_count, which makes a file whose rows all end in an extra delimiter read eight
 * times slower. There is no option for this, so the parser's state is set, when it has one.
 */
export function expectFieldCount(parser: unknown, count: number): void {
	const state = (parser as { state?: { expectedRecordLength?: unknown } }).state;
	if (typeof state?.expectedRecordLength === 'number') state.expectedRecordLength = count;
}

/** Adds `items` one by one: a run of bad records can be too long to spread into push(). */
export function appendTo<T>(target: T[], items: readonly T[]): void {
	for (const item of items) target.push(item);
}

export function endSkipped(skipped: SkippedRow, lastLine: number): SkippedRow {
	return { ...skipped, lastLine: Math.max(skipped.line, lastLine) };
}

export function readHeaderOfText(text: string, delimiter: Delimiter, fileName: string): string[] {
	try {
		// Excel's `sep=;` line comes before the header.
		const from = delimiterHint(text) ? 2 : 1;
		const [header] = parseCsv(text, {
			...csvOptions(delimiter),
			skip_records_with_empty_values: true,
			from,
			to: from,
		}) as string[][];
		return header ?? [];
	} catch (error) {
		if (!(error instanceof CsvError)) throw error;
		const line = typeof error.lines === 'number' ? error.lines : 1;
		const reason = `the header row on line ${line} cannot be read: ${describeCsvProblem(error, undefined)}`;
		throw new FileReadError(fileName, reason, { line, cause: error });
	}
}

export function isBlank(values: CellValue[]): boolean {
	return values.every((value) => typeof value === 'string' && value.trim() === '');
}
