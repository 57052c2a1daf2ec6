/** A small HTML page of tables for the sandbox fakes' /__admin/page: every value escaped. */
import type { ServerResponse } from 'node:http';

export interface HtmlTable {
	heading: string;
	columns: string[];
	rows: unknown[][];
}

export function escapeHtml(value: unknown): string {
	const text =
		value === null || value === undefined
			? ''
			: typeof value === 'object'
				? JSON.stringify(value)
				: String(value);
	return text.replace(
		/[&<>"']/g,
		(character) =>
			({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!,
	);
}

export function htmlPage(title: string, tables: readonly HtmlTable[]): string {
	const table = ({ heading, columns, rows }: HtmlTable) =>
		`<h2>${escapeHtml(heading)} (${rows.length})</h2>` +
		(rows.length === 0
			? '<p>None yet.</p>'
			: `<table><tr>${columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('')}</table>`);
	return [
		'<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">',
		`<title>${escapeHtml(title)}</title>`,
		'<style>body{font-family:Arial,Helvetica,sans-serif;font-size:14px;margin:24px;color:#222}table{border-collapse:collapse;margin-bottom:16px}th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}th{background:#f4f4f4}</style>',
		`</head><body><h1>${escapeHtml(title)}</h1><p>Refreshes every 10 seconds.</p>`,
		...tables.map(table),
		'</body></html>',
	].join('');
}

export function sendHtml(res: ServerResponse, html: string): void {
	res.writeHead(200, {
		'Content-Type': 'text/html; charset=utf-8',
		'Content-Length': Buffer.byteLength(html),
		'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
	});
	res.end(html);
}
