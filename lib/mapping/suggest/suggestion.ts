/** What Suggest Mapping returns: the feed guessed, each field's column with its confidence and reason. */
import type { CellValue } from '../../files';
import type { Feed } from '../schema';
import type { FieldType } from '../values';

export type DateReading =
	'ISO or Excel dates' | 'day first' | 'month first' | 'year first' | 'ambiguous';

export interface FieldSuggestion {
	field: string;
	/** The export's column(s), as the workbook's "Source column(s)" writes them; '' when left empty. */
	source: string;
	type: FieldType;
	/** The date format chosen, '' when none is needed or it is ambiguous. */
	format: string;
	/** Date fields: how the values are written (an order of day, month and year), or why no format is set. */
	dateReading?: DateReading;
	/** 0-100. */
	confidence: number;
	why: string;
}

export interface FeedGuess {
	feed: Feed;
	evidence: string[];
	/** Transactions: one row per item sold (rows grouped by a repeated order key) or one per basket. */
	grain?: { rowGrain: 'line' | 'basket'; evidence: string };
	/** Each feed's score, for the record: fields matched, weighted. */
	scores: Record<Feed, number>;
}

export interface SettingSuggestion {
	setting:
		| 'Delimiter'
		| 'Encoding'
		| 'Decimal separator'
		| 'Row grain'
		| 'Currency'
		| 'Time zone'
		| 'Date format';
	value: string;
	why: string;
}

export interface Suggestion {
	feed: FeedGuess;
	fields: FieldSuggestion[];
	/** Fields left empty because no column could be justified (required ones first). */
	leftEmpty: Array<{ field: string; required: boolean; why: string }>;
	/** Date columns whose format cannot be chosen from the values. */
	ambiguousDates: Array<{ field: string; column: string; why: string }>;
	settings: SettingSuggestion[];
	/** What the consultant must know before saving: no identity column, a rate that is not money… */
	warnings: string[];
	/** Columns the suggestion did not use. */
	unusedColumns: string[];
}

export interface SampleInput {
	header: readonly string[];
	rows: readonly CellValue[][];
	/** From reading the file: its delimiter and encoding as the reader found them. */
	delimiter?: string | null;
	encoding?: string | null;
}
