/**
 * Suggest Mapping: from an export nobody has seen to a mapping, field by field, each with a
 * confidence and the reason. A field is filled only when the column's header is a name real
 * exports use for it (or very close) and its values are what the field holds, or, for email,
 * when nearly every value is an email; anything less is left empty and listed. Nothing here
 * knows a particular till: the knowledge is the header table and the value readers.
 */
import type { CellValue } from '../../files';
import { uniqueHeader } from '../columns';
import {
	FEED_DEFINITIONS,
	FEEDS,
	fieldDefinition,
	type Feed,
	type FieldDefinition,
} from '../schema';
import type { FieldType } from '../values';
import { expectation, headerMatch, headerWords, quoteExamples, valueEvidence } from './evidence';
import type { DateChoice } from './dates';
import { decimalSeparatorOf, profileColumns, type ColumnProfile } from './profile';

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

/** A header match good enough to suggest on, when the values fit too. */
const HEADER_THRESHOLD = 0.8;
/** Share of values that must be emails for an email column to be suggested on its values alone. */
const EMAIL_BY_VALUES = 0.95;
const IDENTITY: Record<Feed, string[]> = {
	customer: ['customer_id', 'email', 'mobile'],
	product: ['sku'],
	transaction: ['order_id', 'purchase_date'],
};

interface Candidate {
	field: FieldDefinition;
	column: ColumnProfile;
	score: number;
	confidence: number;
	why: string;
	format: string;
	dateReading?: DateReading;
	ambiguous?: string;
}

export function suggestMapping(input: SampleInput, feedWanted?: Feed): Suggestion {
	const { header } = uniqueHeader(input.header);
	const decimal = decimalSeparatorOf(input.rows);
	const columns = profileColumns(header, input.rows, decimal.separator);
	const perFeed = Object.fromEntries(FEEDS.map((feed) => [feed, assign(feed, columns)])) as Record<
		Feed,
		Assignment
	>;
	const feed = feedWanted ? guessWith(perFeed, feedWanted) : guessFeed(perFeed);
	const chosen = perFeed[feed.feed];
	const grain = feed.feed === 'transaction' ? rowGrain(chosen, columns) : undefined;
	if (grain) feed.grain = grain;
	if (grain?.rowGrain === 'basket') moveToOrder(chosen);
	const fields = FEED_DEFINITIONS[feed.feed].fields.map((field) => {
		const candidate = chosen.byField.get(field.name);
		if (!candidate)
			return {
				field: field.name,
				source: '',
				type: field.type,
				format: '',
				confidence: 0,
				why: chosen.emptyWhy.get(field.name) ?? 'no column looks like it',
			};
		return {
			field: field.name,
			source: candidate.source ?? candidate.column.header,
			type: field.type,
			format: candidate.format,
			dateReading: candidate.dateReading,
			confidence: candidate.confidence,
			why: candidate.why,
		};
	});
	const leftEmpty = FEED_DEFINITIONS[feed.feed].fields
		.filter((field) => !chosen.byField.has(field.name))
		.map((field) => ({
			field: field.name,
			required: isRequiredField(feed.feed, field),
			why: chosen.emptyWhy.get(field.name) ?? 'no column looks like it',
		}))
		.sort((a, b) => Number(b.required) - Number(a.required));
	const used = new Set(
		[...chosen.byField.values()].flatMap(
			(candidate) => candidate.columns ?? [candidate.column.index],
		),
	);
	return {
		feed,
		fields,
		leftEmpty,
		ambiguousDates: [...chosen.byField.values()]
			.filter((candidate) => candidate.ambiguous)
			.map((candidate) => ({
				field: candidate.field.name,
				column: candidate.source ?? candidate.column.header,
				why: candidate.ambiguous!,
			})),
		settings: settingsFrom(input, decimal, columns, feed, chosen),
		warnings: warningsFor(feed.feed, chosen, leftEmpty),
		unusedColumns: columns
			.filter((column) => !used.has(column.index) && column.header.trim())
			.map((column) => column.header),
	};
}

export function isRequiredField(feed: Feed, field: FieldDefinition): boolean {
	return field.required === true || (feed === 'transaction' && field.name === 'order_id');
}

interface Assignment {
	byField: Map<string, Candidate & { source?: string; columns?: number[] }>;
	emptyWhy: Map<string, string>;
	/** Money fields whose best column holds rates. */
	rates: Array<{ field: string; column: string; why: string }>;
	/** The fields matched, weighted; 0 when the feed's key columns are not all there with values. */
	score: number;
	/** The same before the key columns are checked: which feed the file is closest to when none has its keys. */
	matched: number;
}

/** Every field's candidates, then the best pairs first: a column fills one field, a field takes one column. */
function assign(feed: Feed, columns: ColumnProfile[]): Assignment {
	const candidates: Candidate[] = [];
	const emptyWhy = new Map<string, string>();
	const rates: Assignment['rates'] = [];
	for (const field of FEED_DEFINITIONS[feed].fields) {
		for (const column of columns) {
			const named = headerMatch(feed, field.name, column.header);
			const values = valueEvidence(field, column);
			// With no values to check, only a name real exports use for the field itself will do.
			if (named && named.score >= (column.values.length ? HEADER_THRESHOLD : 1)) {
				const said = `header "${column.header}" ~ ${field.name} (${named.how === 'same name' ? `as in ${named.seenIn}` : `${named.how} "${named.header}", ${named.seenIn}`})`;
				if (!values.fits) {
					if (values.rate)
						rates.push({ field: field.name, column: column.header, why: values.words });
					if (!emptyWhy.has(field.name)) emptyWhy.set(field.name, `${said}, but ${values.words}`);
					continue;
				}
				candidates.push(
					candidate(field, column, named.score, values.score, `${said}; ${values.words}`),
				);
			} else if (
				expectation(field).kind === 'email' &&
				column.values.length &&
				column.share.email >= EMAIL_BY_VALUES
			) {
				candidates.push(
					candidate(
						field,
						column,
						0.6,
						column.share.email,
						`${values.words}, though the header "${column.header}" is not a name seen for it`,
					),
				);
			}
		}
	}
	// On a tie the column with more values wins (Shopify's "Created at" over "Paid at", blank for unpaid orders).
	candidates.sort(
		(a, b) =>
			b.score - a.score ||
			b.column.values.length - a.column.values.length ||
			Number(b.field.required ?? false) - Number(a.field.required ?? false),
	);
	const byField: Assignment['byField'] = new Map();
	const taken = new Set<number>();
	for (const each of candidates) {
		if (byField.has(each.field.name) || taken.has(each.column.index)) continue;
		byField.set(each.field.name, each);
		taken.add(each.column.index);
	}
	joinSeparateTimes(byField, columns, taken);
	let score = 0;
	for (const each of byField.values())
		score += each.score * (IDENTITY[feed].includes(each.field.name) ? 3 : 1);
	const matched = score;
	// The feed's key must be there and hold values: a blank SKU column does not make a product export.
	const keyed = (name: string) => (byField.get(name)?.column.values.length ?? 0) > 0;
	if (!IDENTITY[feed].some(keyed) || (feed !== 'customer' && !IDENTITY[feed].every(keyed)))
		score = 0;
	return { byField, emptyWhy, rates, score, matched };
}

function candidate(
	field: FieldDefinition,
	column: ColumnProfile,
	headerScore: number,
	valueScore: number,
	why: string,
): Candidate {
	const score = 0.6 * headerScore + 0.4 * valueScore;
	const dated =
		field.type === 'date' || field.type === 'datetime'
			? dateFields(column.date(field.type))
			: { format: '' };
	return { field, column, score, confidence: Math.round(score * 100), why, ...dated };
}

function dateFields(choice: DateChoice): Pick<Candidate, 'format' | 'dateReading' | 'ambiguous'> {
	switch (choice.kind) {
		case 'plain':
			return { format: '', dateReading: 'ISO or Excel dates' };
		case 'format':
			return { format: choice.format, dateReading: choice.order };
		case 'ambiguous':
			return { format: '', dateReading: 'ambiguous', ambiguous: choice.description };
		default:
			return { format: '' };
	}
}

/** A date-only column next to a column of times (Square's Date and Time): the field reads both, joined. */
function joinSeparateTimes(
	byField: Assignment['byField'],
	columns: ColumnProfile[],
	taken: Set<number>,
): void {
	for (const [name, chosen] of byField) {
		if (chosen.field.type !== 'datetime') continue;
		const choice = chosen.column.date('datetime');
		if (choice.kind === 'unreadable' || choice.hasTime) continue;
		const time = columns.find(
			(column) =>
				!taken.has(column.index) &&
				column.values.length &&
				column.share.time === 1 &&
				headerWords(column.header).includes('time'),
		);
		if (!time) continue;
		const joined =
			chosen.column.values.length === time.values.length
				? chosen.column.values.map((value, index) => `${value} ${time.values[index]}`)
				: [];
		if (!joined.length) continue;
		const joinedProfile = profileColumns(
			[`${chosen.column.header} + ${time.header}`],
			joined.map((value) => [value]),
			'.',
		)[0];
		const joinedChoice = joinedProfile.date('datetime');
		if (joinedChoice.kind === 'unreadable') continue;
		taken.add(time.index);
		byField.set(name, {
			...chosen,
			source: `${chosen.column.header} + ${time.header}`,
			columns: [chosen.column.index, time.index],
			...dateFields(joinedChoice),
			why: `${chosen.why}; joined with the times in "${time.header}": ${joinedChoice.description}`,
		});
	}
}

function scoresOf(perFeed: Record<Feed, Assignment>): Record<Feed, number> {
	return Object.fromEntries(
		FEEDS.map((feed) => [feed, Math.round(perFeed[feed].score * 10) / 10]),
	) as Record<Feed, number>;
}

function guessFeed(perFeed: Record<Feed, Assignment>): FeedGuess {
	const scores = scoresOf(perFeed);
	// Rows with an order number and a date of sale are sales, even when they carry the customer and the product too.
	const sale = scores.transaction > 0;
	const keyless = FEEDS.every((each) => scores[each] === 0);
	const rank = (each: Feed) => (keyless ? perFeed[each].matched : scores[each]);
	const feed = sale ? 'transaction' : [...FEEDS].sort((a, b) => rank(b) - rank(a))[0];
	const guess = guessWith(perFeed, feed);
	if (keyless)
		guess.evidence.unshift(
			`no feed has all its key columns with values; ${FEED_DEFINITIONS[feed].label.toLowerCase()} is the closest by the columns matched`,
		);
	const others = FEEDS.filter((each) => each !== 'transaction' && scores[each] > 0);
	if (sale && others.length) {
		guess.evidence.push(
			`the rows carry ${others.map((each) => FEED_DEFINITIONS[each].label.toLowerCase()).join(' and ')} columns too: suggest again with the feed set to map them from this export`,
		);
	}
	return guess;
}

function guessWith(perFeed: Record<Feed, Assignment>, feed: Feed): FeedGuess {
	const scores = scoresOf(perFeed);
	const sourceOf = (name: string) =>
		perFeed[feed].byField.get(name)!.source ?? perFeed[feed].byField.get(name)!.column.header;
	const found = IDENTITY[feed]
		.filter((name) => perFeed[feed].byField.has(name))
		.map((name) => `${name} from "${sourceOf(name)}"`);
	const evidence = [
		found.length
			? `its key columns: ${found.join(', ')}`
			: `no key column for ${FEED_DEFINITIONS[feed].label.toLowerCase()} (${IDENTITY[feed].join(', ')})`,
		`${perFeed[feed].byField.size} fields matched; scores ${FEEDS.map((each) => `${FEED_DEFINITIONS[each].label.toLowerCase()} ${scores[each]}`).join(', ')}`,
	];
	return { feed, evidence, scores };
}

/** One row per basket: an amount that looked like a line's is the order's (Clover's Discount is the basket's discount). */
const ORDER_AMOUNT_OF: Readonly<Record<string, string>> = {
	'lines.discount': 'discount_total',
	'lines.tax': 'tax_total',
	'lines.line_total': 'order_total',
	'lines.gross_amount': 'order_subtotal',
};

function moveToOrder(chosen: Assignment): void {
	for (const [line, order] of Object.entries(ORDER_AMOUNT_OF)) {
		const candidate = chosen.byField.get(line);
		if (!candidate || chosen.byField.has(order)) continue;
		chosen.byField.delete(line);
		chosen.byField.set(order, {
			...candidate,
			field: fieldDefinition('transaction', order)!,
			why: `${candidate.why}; one row per basket, so it is the order's ${order}, not a line's`,
		});
	}
}

/** Line items when the order key repeats (rows of one order next to each other), otherwise one row per basket. */
function rowGrain(chosen: Assignment, columns: ColumnProfile[]): FeedGuess['grain'] {
	const key = chosen.byField.get('order_id');
	if (!key)
		return {
			rowGrain: 'line',
			evidence: 'no order key found, so the grain cannot be seen; one row per item sold is assumed',
		};
	const column = columns[key.column.index];
	const rows = column.values.length;
	if (column.distinct < rows) {
		const adjacent = column.repeatsAdjacent
			? 'the rows of one order are next to each other'
			: 'but the rows of one order are not all next to each other';
		return {
			rowGrain: 'line',
			evidence: `${rows} rows hold ${column.distinct} distinct "${column.header}" values, so several rows make one order; ${adjacent}`,
		};
	}
	const lines = ['lines.qty', 'lines.sku', 'lines.name'].filter((name) => chosen.byField.has(name));
	if (lines.length)
		return {
			rowGrain: 'line',
			evidence: `every "${column.header}" value is different in ${rows} rows, but the rows have item columns (${lines.join(', ')}): one item per order in this sample`,
		};
	return {
		rowGrain: 'basket',
		evidence: `every "${column.header}" value is different in ${rows} rows and there is no item column: one row per basket`,
	};
}

function settingsFrom(
	input: SampleInput,
	decimal: ReturnType<typeof decimalSeparatorOf>,
	columns: ColumnProfile[],
	feed: FeedGuess,
	chosen: Assignment,
): SettingSuggestion[] {
	const settings: SettingSuggestion[] = [];
	if (input.delimiter)
		settings.push({
			setting: 'Delimiter',
			value: input.delimiter === '\t' ? 'Tab' : input.delimiter,
			why: 'found by reading the file',
		});
	if (input.encoding)
		settings.push({
			setting: 'Encoding',
			value: input.encoding.toUpperCase(),
			why: 'found by reading the file',
		});
	settings.push({ setting: 'Decimal separator', value: decimal.separator, why: decimal.evidence });
	if (feed.grain)
		settings.push({ setting: 'Row grain', value: feed.grain.rowGrain, why: feed.grain.evidence });
	const currencies = new Map<string, number>();
	for (const candidate of chosen.byField.values()) {
		for (const [code, count] of columns[candidate.column.index].currencies)
			currencies.set(code, (currencies.get(code) ?? 0) + count);
	}
	if (currencies.size === 1) {
		const [[code, count]] = [...currencies];
		const dollar =
			code === 'USD'
				? '; $ is also the sign of CAD, AUD and other dollars: change it if the shop is not in the US'
				: '';
		settings.push({
			setting: 'Currency',
			value: code,
			why: `${count} amounts carry its symbol${dollar}`,
		});
	} else if (currencies.size > 1) {
		settings.push({
			setting: 'Currency',
			value: '',
			why: `the amounts carry several currencies (${[...currencies.keys()].join(', ')}), so none is set`,
		});
	} else {
		settings.push({
			setting: 'Currency',
			value: '',
			why: "no amount carries a currency symbol: set the shop's currency",
		});
	}
	const zoneColumn = columns.find(
		(column) => headerWords(column.header).join(' ') === 'time zone' && column.values.length,
	);
	settings.push({
		setting: 'Time zone',
		value: '',
		why: `left to you: the file's times carry no time zone${zoneColumn ? ` that can be trusted as a zone name ("${zoneColumn.header}" says ${quoteExamples(zoneColumn)})` : ''}; set the shop's, e.g. Europe/London`,
	});
	return settings;
}

function warningsFor(feed: Feed, chosen: Assignment, leftEmpty: Suggestion['leftEmpty']): string[] {
	const warnings: string[] = [];
	const has = (name: string) => chosen.byField.has(name);
	if (feed === 'customer' && !has('customer_id') && !has('email') && !has('mobile'))
		warnings.push(
			'no identity column: no customer ID, email or mobile column was found, so no customer can be matched',
		);
	if (feed === 'product' && !has('sku'))
		warnings.push(
			'no identity column: no SKU or stock code column was found, so no product can be matched',
		);
	if (feed === 'transaction' && !has('order_id'))
		warnings.push(
			'no identity column: no order, receipt or transaction number column was found, so rows cannot become orders',
		);
	if ((feed === 'customer' || feed === 'transaction') && !has('email') && !has('mobile')) {
		warnings.push(
			`no email or mobile column: ${feed === 'customer' ? 'Dotdigital contacts need an email or a mobile number, so these customers can only be matched by customer ID' : 'these orders can reach a Dotdigital contact only through the customer ID'}`,
		);
	}
	for (const rate of chosen.rates)
		warnings.push(
			`a rate read as money: "${rate.column}" looks like ${rate.field}, but ${rate.why}; it is left empty (map it with Type percent if it is a rate)`,
		);
	for (const empty of leftEmpty.filter((each) => each.required))
		warnings.push(`a required field with no candidate: ${empty.field} (${empty.why})`);
	return warnings;
}
