/**
 * Rows written as CSV for a till to read: RFC 4180 quoting, CRLF line ends, and a value a
 * spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) made plain text.
 */
export function csvText(
	header: readonly string[],
	rows: ReadonlyArray<readonly unknown[]>,
): string {
	return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: unknown): string {
	let text = value === null || value === undefined ? '' : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
