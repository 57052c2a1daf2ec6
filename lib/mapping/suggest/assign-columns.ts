/** Which column fills which field of a feed: each pair scored on its header and its values, the best pairs first. */
import { FEED_DEFINITIONS, type Feed, type FieldDefinition } from '../schema';
import type { DateChoice } from './dates';
import { expectation, headerMatch, headerWords, valueEvidence } from './evidence';
import { profileColumns, type ColumnProfile } from './profile';
import type { DateReading } from './suggestion';

/** A header match good enough to suggest on, when the values fit too. */
const HEADER_THRESHOLD = 0.8;
/** Share of values that must be emails for an email column to be suggested on its values alone. */
const EMAIL_BY_VALUES = 0.95;
export const IDENTITY: Record<Feed, string[]> = {
	customer: ['customer_id', 'email', 'mobile'],
	product: ['sku'],
	transaction: ['order_id', 'purchase_date'],
};

export interface Candidate {
	field: FieldDefinition;
	column: ColumnProfile;
	score: number;
	confidence: number;
	why: string;
	format: string;
	dateReading?: DateReading;
	ambiguous?: string;
}

export interface Assignment {
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
export function assign(feed: Feed, columns: ColumnProfile[]): Assignment {
	const candidates: Candidate[] = [];
	const emptyWhy = new Map<string, string>();
	const rates: Assignment['rates'] = [];
	for (const field of FEED_DEFINITIONS[feed].fields) {
		for (const column of columns) {
			const named = headerMatch(feed, field.name, column.header);
			const values = valueEvidence(field, column);
			// With no values to check, only a name real exports use for the field itself will do.
			if (named && named.score >= (column.values.length ? HEADER_THRESHOLD : 1)) {
				const how =
					named.how === 'same name'
						? `as in ${named.seenIn}`
						: `${named.how} "${named.header}", ${named.seenIn}`;
				const said = `header "${column.header}" ~ ${field.name} (${how})`;
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
