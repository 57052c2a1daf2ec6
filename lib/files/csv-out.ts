/**
 * Rows written as CSV for a till to read: RFC 4180 quoting (around a value holding the delimiter, a
 * quote or a line break), CRLF line ends, and a value a spreadsheet would run as a formula (=, +, -,
 * @, tab, carriage return first) made plain text.
 */
import * as iconv from 'iconv-lite';

import type { Delimiter, TextEncoding } from './detect';

export function csvText(
	header: readonly string[],
	rows: ReadonlyArray<readonly unknown[]>,
	delimiter: Delimiter = ',',
): string {
	const line = (row: readonly unknown[]) =>
		row.map((value) => csvCell(value, delimiter)).join(delimiter);
	return [header, ...rows].map(line).join('\r\n') + '\r\n';
}

function csvCell(value: unknown, delimiter: Delimiter): string {
	let text = value === null || value === undefined ? '' : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /["\r\n']/.test(text) || text.includes(delimiter) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The text in the encoding the till reads: UTF-8 without a byte order mark, UTF-16 with one (a
 * UTF-16 file without it is rarely read right). Refuses a value the encoding cannot hold (an accent
 * Windows-1252 lacks), naming it, rather than writing a question mark in its place.
 */
export function encodeText(text: string, encoding: TextEncoding): Buffer {
	const bytes = iconv.encode(text, encoding, { addBOM: encoding.startsWith('utf-16') });
	if (iconv.decode(bytes, encoding) !== text) {
		const lost = [...text].find(
			(char) => iconv.decode(iconv.encode(char, encoding), encoding) !== char,
		);
		if (lost !== undefined) {
			const line = text.split('\r\n').find((candidate) => candidate.includes(lost)) ?? '';
			throw new Error(
				`"${lost}" cannot be written in ${encoding.toUpperCase()} (in the line ${JSON.stringify(line)}); set the Encoding to UTF-8 if the till reads it`,
			);
		}
	}
	return bytes;
}
