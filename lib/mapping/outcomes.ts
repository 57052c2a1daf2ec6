/** What mapping a row gives: a canonical record, or a rejection saying why and who fixes it. */
import { FEED_DEFINITIONS, isLineField, type Feed } from './schema';
import { newRecord } from './plain-record';

/** Who fixes a rejected row: the shop, in the till's data, or the consultant, in the mapping. */
export type FixOwner = 'till data' | 'mapping';

export interface RowProblem {
	field: string;
	/** The export column(s) the value came from. */
	column: string;
	rule: string;
	value: string;
	message: string;
	owner: FixOwner;
}

export interface Rejection extends RowProblem {
	file: string;
	line: number;
	/** The last line of a record that spans lines. */
	last_line?: number;
	order_id?: string;
	/** Every problem found in the row, when there was more than one. */
	problems?: RowProblem[];
}

/** `_source.feed` is set when one export feeds several feeds at once. */
export type CanonicalRecord = Record<string, unknown> & {
	_source: { file: string; lines: number[]; feed?: Feed };
};

export type MappingOutcome =
	{ kind: 'record'; record: CanonicalRecord } | { kind: 'rejected'; rejection: Rejection };

const KEY_ORDER: Record<Feed, string[]> = Object.fromEntries(
	(['customer', 'product', 'transaction'] as Feed[]).map((feed) => [
		feed,
		[
			...FEED_DEFINITIONS[feed].fields
				.filter((field) => !isLineField(field.name))
				.map((field) => field.name),
			'lines',
			'custom',
			'_source',
		],
	]),
) as Record<Feed, string[]>;

/** The record with its fields in the schema's order, so every record reads the same way. */
export function inCanonicalOrder(record: Record<string, unknown>, feed: Feed): CanonicalRecord {
	const ordered = newRecord();
	for (const key of KEY_ORDER[feed]) if (record[key] !== undefined) ordered[key] = record[key];
	return ordered as CanonicalRecord;
}
