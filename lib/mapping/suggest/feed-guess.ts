/** Which feed an export is (customers, products or sales), and for sales whether a row is a line or a basket. */
import { FEED_DEFINITIONS, FEEDS, fieldDefinition, type Feed } from '../schema';
import { IDENTITY, type Assignment } from './assign-columns';
import type { ColumnProfile } from './profile';
import type { FeedGuess } from './suggestion';

function scoresOf(perFeed: Record<Feed, Assignment>): Record<Feed, number> {
	return Object.fromEntries(
		FEEDS.map((feed) => [feed, Math.round(perFeed[feed].score * 10) / 10]),
	) as Record<Feed, number>;
}

export function guessFeed(perFeed: Record<Feed, Assignment>): FeedGuess {
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
			`the rows carry ${others.map((each) => FEED_DEFINITIONS[each].label.toLowerCase()).join(' and ')} ` +
				'columns too: suggest again with the feed set to map them from this export',
		);
	}
	return guess;
}

export function guessWith(perFeed: Record<Feed, Assignment>, feed: Feed): FeedGuess {
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

export function moveToOrder(chosen: Assignment): void {
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
export function rowGrain(chosen: Assignment, columns: ColumnProfile[]): FeedGuess['grain'] {
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
			evidence:
				`every "${column.header}" value is different in ${rows} rows, ` +
				`but the rows have item columns (${lines.join(', ')}): one item per order in this sample`,
		};
	return {
		rowGrain: 'basket',
		evidence: `every "${column.header}" value is different in ${rows} rows and there is no item column: one row per basket`,
	};
}
