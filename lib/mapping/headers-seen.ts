/**
 * The column names seen in real exports for a canonical field, from the tables in
 * headers-seen-table.ts and headers-seen-sales.ts.
 */
import { normaliseColumnName } from './columns';
import { SALES_HEADERS_SEEN } from './headers-seen-sales';
import {
	CUSTOMER_HEADERS_SEEN,
	PRODUCT_HEADERS_SEEN,
	type FieldHeaders,
	type HeaderSeen,
} from './headers-seen-table';
import type { Feed } from './schema';

const HEADERS_SEEN: Readonly<Record<Feed, FieldHeaders>> = {
	customer: CUSTOMER_HEADERS_SEEN,
	product: PRODUCT_HEADERS_SEEN,
	transaction: SALES_HEADERS_SEEN,
};

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
