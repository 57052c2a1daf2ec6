/**
 * The two kinds of evidence a suggestion rests on: how close a column's header is to the names
 * real exports use for a field (from the one table in headers-seen.ts), and whether its values
 * are what the field holds. Each answers with a score and the words of the why column.
 */
import { distance } from 'fastest-levenshtein';

import { normaliseColumnName } from '../columns';
import { headersSeen } from '../headers-seen';
import type { Feed, FieldDefinition } from '../schema';
import type { ColumnProfile, ValueKind } from './profile';

export interface HeaderMatch {
	score: number;
	header: string;
	seenIn: string;
	how: 'same name' | 'contains the name' | 'spelt almost the same';
}

/** The words of a header: `CustomerID`, `customer_id` and `Customer ID` are all `customer id`. */
export function headerWords(header: string): string[] {
	return header
		.replace(/([a-z])([A-Z])/g, '$1 $2')
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean);
}

/** How well a header names a field: 1 for a name seen in real exports, less for one containing it or a typo away. */
export function headerMatch(feed: Feed, field: string, header: string): HeaderMatch | undefined {
	const squashed = normaliseColumnName(header);
	const words = headerWords(header);
	let best: HeaderMatch | undefined;
	for (const [known, seenIn] of headersSeen(feed, field)) {
		const knownSquashed = normaliseColumnName(known);
		let match: HeaderMatch | undefined;
		if (squashed === knownSquashed) match = { score: 1, header: known, seenIn, how: 'same name' };
		else {
			const knownWords = headerWords(known);
			const extra = words.length - knownWords.length;
			// One word more than a name of two or more ("Original Order Date"); a one-word name inside a
			// longer header says too little ("Card Brand" is not the product's brand).
			if (knownWords.length > 1 && extra === 1 && knownWords.every((word) => words.includes(word)))
				match = { score: 0.85, header: known, seenIn, how: 'contains the name' };
			else if (knownSquashed.length >= 5) {
				const similarity =
					1 - distance(squashed, knownSquashed) / Math.max(squashed.length, knownSquashed.length);
				if (similarity >= 0.85)
					match = { score: 0.9 * similarity, header: known, seenIn, how: 'spelt almost the same' };
			}
		}
		if (match && (!best || match.score > best.score)) best = match;
	}
	return best;
}

/** What the values of a field look like, as a kind of value and the share of values that must be of it. */
interface Expectation {
	kind: ValueKind | 'date' | 'any';
	share: number;
	/** The kind in a person's words, for the why column. */
	words: string;
}

const IDENTIFIERS = new Set([
	'customer_id',
	'order_id',
	'sku',
	'parent_sku',
	'lines.sku',
	'loyalty_number',
]);
const WORDS = new Set([
	'first_name',
	'last_name',
	'full_name',
	'title',
	'town',
	'county',
	'country',
	'brand',
	'colour',
	'category',
	'lines.category',
	'lines.name',
	'name',
	'status',
	'payment_method',
	'address_1',
]);

export function expectation(field: FieldDefinition): Expectation {
	if (IDENTIFIERS.has(field.name)) return { kind: 'identifier', share: 0.9, words: 'identifiers' };
	if (field.name === 'barcode') return { kind: 'barcode', share: 0.9, words: 'barcodes' };
	if (field.name === 'postcode') return { kind: 'postcode', share: 0.9, words: 'postcodes' };
	if (field.name === 'currency')
		return { kind: 'isoCurrency', share: 0.9, words: 'currency codes' };
	if (field.name === 'image_url') return { kind: 'url', share: 0.9, words: 'links' };
	if (WORDS.has(field.name)) return { kind: 'letters', share: 0.8, words: 'words' };
	switch (field.type) {
		case 'email':
			return { kind: 'email', share: 0.9, words: 'emails' };
		case 'phone':
			return { kind: 'phone', share: 0.9, words: 'phone numbers' };
		case 'money':
			return { kind: 'money', share: 1, words: 'amounts of money' };
		case 'number':
			return { kind: 'number', share: 1, words: 'numbers' };
		case 'integer':
			return { kind: 'integer', share: 1, words: 'whole numbers' };
		case 'boolean':
			return { kind: 'boolean', share: 1, words: 'yes/no values' };
		case 'date':
		case 'datetime':
			return { kind: 'date', share: 1, words: 'dates' };
		default:
			return { kind: 'any', share: 0, words: 'values' };
	}
}

export interface ValueEvidence {
	/** The values fit the field; false with a reason when they do not. */
	fits: boolean;
	/** 0..1: the share of values of the expected kind (0.5 when the sample has none to check). */
	score: number;
	words: string;
	/** For money fields: the column holds rates (0.2, 20%), not amounts. */
	rate?: boolean;
}

export function valueEvidence(field: FieldDefinition, column: ColumnProfile): ValueEvidence {
	const count = column.values.length;
	if (!count) return { fits: true, score: 0.5, words: 'no values in the sample to check' };
	const expected = expectation(field);
	if (expected.kind === 'any')
		return { fits: true, score: 0.8, words: `${count} values, e.g. ${quoteExamples(column)}` };
	if (expected.kind === 'date') {
		const choice = column.date(field.type === 'date' ? 'date' : 'datetime');
		return choice.kind === 'unreadable'
			? { fits: false, score: 0, words: choice.description }
			: { fits: true, score: choice.kind === 'ambiguous' ? 0.7 : 1, words: choice.description };
	}
	if ((expected.kind === 'money' || expected.kind === 'number') && column.share.rate === 1) {
		return {
			fits: false,
			score: 0,
			rate: expected.kind === 'money',
			words: `all ${count} values are rates between 0 and 1 (${quoteExamples(column)}), not ${expected.words}`,
		};
	}
	const share = column.share[expected.kind];
	const fits =
		share >= expected.share && !(expected.kind === 'number' && column.currencies.size > 0);
	const of = `${Math.round(share * count)}/${count} values are ${expected.words}`;
	return { fits, score: share, words: fits ? of : `only ${of} (e.g. ${quoteExamples(column)})` };
}

export function quoteExamples(column: ColumnProfile): string {
	return column.examples.map((value) => `"${value}"`).join(', ');
}
