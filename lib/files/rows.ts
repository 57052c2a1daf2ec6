/** What reading a POS export yields, row by row. */
import type { Delimiter, FileFormat, TextEncoding } from './detect';

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
