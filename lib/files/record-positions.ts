/** Where each record of a delimited text starts: its physical line, found by byte offset. */
import type { CsvError, Info } from 'csv-parse';

import type { LineIndex } from './line-index';

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
export class RecordPositions {
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
		return this.place(
			this.lines.lineAt(info.bytes - 1) - countLineBreaks(record),
			blankLinesBefore,
		);
	}

	/** Where a skipped record starts; undefined for another problem in the record skipped last (csv-parse reports each). */
	ofFailure(error: CsvError, raw: string): Placement | undefined {
		const previous = this.lastFailureRaw;
		this.lastFailureRaw = raw;
		if (previous !== undefined && raw.length > previous.length && raw.startsWith(previous))
			return undefined;

		const { blankLinesBefore, record } = splitRaw(raw);
		const separatorOffset = typeof error.bytes === 'number' ? error.bytes : 0;
		const start = error.index === 0 ? separatorOffset : this.endOfLastRecord;
		this.endOfLastRecord = undefined;
		if (start !== undefined)
			return this.place(this.lines.lineAt(start) + blankLinesBefore, blankLinesBefore);
		const estimate = this.lines.lineAt(separatorOffset) - countLineBreaks(record);
		return this.place(Math.max(estimate, this.lastLine + 1), blankLinesBefore);
	}

	private place(line: number, blankLinesBefore: number): Placement {
		this.lastLine = line;
		return { line, previousRecordEnd: line - blankLinesBefore - 1 };
	}
}

export interface Placement {
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
export function splitRaw(raw: string): { blankLinesBefore: number; record: string } {
	let start = 0;
	while (start < raw.length && isLineBreak(raw[start])) start++;
	const end = raw.length > start && isLineBreak(raw[raw.length - 1]) ? raw.length - 1 : raw.length;
	return { blankLinesBefore: start, record: raw.slice(start, end) };
}

export function isLineBreak(char: string): boolean {
	return char === '\n' || char === '\r';
}

/** The line breaks inside a record's (quoted) values, which make it span lines. */
export function lineBreaksIn(values: string[]): number {
	let breaks = 0;
	for (const value of values)
		if (value.includes('\n') || value.includes('\r')) breaks += countLineBreaks(value);
	return breaks;
}

/** CRLF, LF and a lone CR each count as one. */
export function countLineBreaks(text: string): number {
	let breaks = 0;
	for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) breaks++;
	for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1)) {
		if (text[at + 1] !== '\n') breaks++;
	}
	return breaks;
}
