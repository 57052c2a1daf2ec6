/** What is wrong with a CSV record csv-parse refused, in words, and its values as far as they can be told. */
import type { CsvError } from 'csv-parse';

export const MAX_ROUGH_CHARACTERS = 64 * 1024;

/** A bad record's values as far as they can be told apart: split at delimiters outside quotes, quotes taken off. */
export function roughValues(record: string, delimiter: string): string[] {
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

export function describeCsvProblem(error: CsvError, header: string[] | undefined): string {
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
