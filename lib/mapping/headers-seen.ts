/**
 * The column names seen in real exports for a canonical field, from the table in
 * headers-seen-table.ts.
 */
import { normaliseColumnName } from './columns';
import { HEADERS_SEEN, type HeaderSeen } from './headers-seen-table';
import type { Feed } from './schema';

/** The headers seen for a field, most common first, without repeats that differ only in case. */
export function headersSeen(feed: Feed, field: string): HeaderSeen[] {
	return Object.hasOwn(HEADERS_SEEN[feed], field) ? [...HEADERS_SEEN[feed][field]] : [];
}

/** The header names alone, as the template workbook lists them. */
export function columnsSeen(feed: Feed, field: string): string[] {
	const names: string[] = [];
	const seen = new Set<string>();
	for (const [header] of headersSeen(feed, field)) {
		const key = normaliseColumnName(header);
		if (!seen.has(key)) names.push(header);
		seen.add(key);
	}
	return names;
}
