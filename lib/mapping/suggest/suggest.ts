/**
 * Suggest Mapping: from an export nobody has seen to a mapping, field by field, each with a
 * confidence and the reason. A field is filled only when the column's header is a name real
 * exports use for it (or very close) and its values are what the field holds, or, for email,
 * when nearly every value is an email; anything less is left empty and listed. Nothing here
 * knows a particular till: the knowledge is the header table and the value readers.
 */
import { uniqueHeader } from '../columns';
import { FEED_DEFINITIONS, FEEDS, type Feed, type FieldDefinition } from '../schema';
import { assign, type Assignment } from './assign-columns';
import { headerWords, quoteExamples } from './evidence';
import { guessFeed, guessWith, moveToOrder, rowGrain } from './feed-guess';
import { decimalSeparatorOf, profileColumns, type ColumnProfile } from './profile';
import type { FeedGuess, SampleInput, SettingSuggestion, Suggestion } from './suggestion';

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
		why:
			"left to you: the file's times carry no time zone" +
			(zoneColumn
				? ` that can be trusted as a zone name ("${zoneColumn.header}" says ${quoteExamples(zoneColumn)})`
				: '') +
			"; set the shop's, e.g. Europe/London",
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
			'no email or mobile column: ' +
				(feed === 'customer'
					? 'Dotdigital contacts need an email or a mobile number, ' +
						'so these customers can only be matched by customer ID'
					: 'these orders can reach a Dotdigital contact only through the customer ID'),
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
