/**
 * What a mapping is, wherever it came from (workbook, node UI or preset), and the checks that
 * make a bad mapping fail before any row is read.
 */
import type { Delimiter, TextEncoding } from '../files';
import { CUSTOM_PREFIX, FEED_DEFINITIONS, fieldDefinition, isLineField, type Feed } from './schema';
import { FormulaError, parseFormula } from './formula';
import type { FieldType, TextCase } from './values';

export const FIELD_TYPES: readonly FieldType[] = [
	'text',
	'email',
	'phone',
	'integer',
	'number',
	'money',
	'percent',
	'date',
	'datetime',
	'boolean',
];

/**
 * How a cell becomes a value, after the type's own clean-up. `first_name`, `last_name` and
 * `name_title` take their part of a full name; `map` looks the value up in a value map; `pad_zeros`
 * puts back the leading zeros a number lost (to the length in Format); `split_list` makes one order
 * line per item of a list written in one cell (`['Ketchup', 'Milk']`); `calculate` works the value
 * out from other columns with the formula in Format (see formula.ts).
 */
export type Transform =
	| 'none'
	| TextCase
	| 'first_name'
	| 'last_name'
	| 'name_title'
	| 'map'
	| 'pad_zeros'
	| 'split_list'
	| 'calculate';

export const TRANSFORM_LABELS: Readonly<Record<Transform, string>> = {
	none: 'None',
	upper: 'UPPER CASE',
	lower: 'lower case',
	title: 'Title Case',
	first_name: 'First name, from a full name',
	last_name: 'Last name, from a full name',
	name_title: 'Title (Mr, Ms…), from a full name',
	map: 'Value map',
	pad_zeros: 'Pad with leading zeros (to the length in Format)',
	split_list: 'A list in one cell: one order line per item',
	calculate: 'Calculate from other columns (the formula in Format)',
};

/** The types a calculated field can have. */
const CALCULATED_TYPES: readonly FieldType[] = ['number', 'integer', 'money', 'percent'];

export const TRANSFORMS = Object.keys(TRANSFORM_LABELS) as Transform[];

export const UNMATCHED_LABELS: Readonly<Record<NonNullable<FieldMapping['unmatched']>, string>> = {
	keep: 'Keep as written',
	blank: 'Leave blank',
	reject: 'Reject the row',
};

export interface FieldMapping {
	/** A canonical field (`email`, `lines.qty`) or `custom.<name>`. */
	target: string;
	/**
	 * The columns to read, as written by the consultant: alternatives separated by `|` (the first
	 * one with a value wins), columns joined by `+` (`First Name + Last Name`). Empty when the field
	 * only takes its default.
	 */
	source: string;
	type: FieldType;
	/** Date formats, or the joining text for `+` (default a space). */
	format?: string;
	required: boolean;
	/** Used when the source is blank; written like a cell. */
	defaultValue?: string;
	transform: Transform;
	/** The value map to use when `transform` is `map`. */
	valueMap?: string;
	/** What to do with a value the map does not list. */
	unmatched?: 'keep' | 'blank' | 'reject';
	/** A blank cell clears the field downstream, instead of leaving it alone. */
	clearWhenBlank: boolean;
	/**
	 * The export may lack the column: the field is then left empty. Otherwise a mapped column the
	 * export does not have stops the mapping before any row is read.
	 */
	mayBeAbsent?: boolean;
}

export type RowGrain = 'line' | 'basket';

export interface MappingSettings {
	/** The delimiter and encoding of text exports; detected when not set. */
	delimiter?: Delimiter;
	encoding?: TextEncoding;
	/** The date format used by date fields that do not give their own. */
	dateFormat?: string;
	decimalSeparator: '.' | ',';
	/** Transactions: one row per item sold (grouped into orders), or one row per order. */
	rowGrain: RowGrain;
	/** Transactions: the field whose value groups rows into one order. */
	orderKey: string;
	/** The spreadsheet row holding the column names (1 = the first non-blank row). */
	headerRow: number;
	/** Transactions: order numbers starting with this are refunds or cancellations (`C` in Online Retail). */
	refundPrefix?: string;
	/** Phone numbers without an international prefix are in this country (ISO code). */
	defaultCountry: string;
	/** The time zone the till writes times in (IANA name). */
	timeZone: string;
	/** Transactions: line prices already include tax, so the order total does not add it again. */
	pricesIncludeTax: boolean;
	/** The currency of money values that carry no symbol. */
	currency?: string;
	/** Keep columns the mapping does not use, under `custom`. */
	keepUnmappedColumns: boolean;
	/** The sheet to read, for Excel exports. */
	sheetName?: string;
}

export interface Mapping {
	feed: Feed;
	fields: FieldMapping[];
	settings: MappingSettings;
	valueMaps: Record<string, ReadonlyMap<string, string>>;
	/** Where the mapping came from, for messages: a workbook's name, "the node's field list", a preset's name. */
	origin: string;
}

export const DEFAULT_SETTINGS: MappingSettings = {
	decimalSeparator: '.',
	rowGrain: 'line',
	orderKey: 'order_id',
	headerRow: 1,
	defaultCountry: 'GB',
	timeZone: 'UTC',
	pricesIncludeTax: false,
	keepUnmappedColumns: false,
};

/** A mapping that cannot work. Lists every problem at once, so one fix round is enough. */
export class MappingError extends Error {
	constructor(
		readonly problems: string[],
		readonly origin: string,
	) {
		super(
			problems.length === 1
				? problems[0]
				: `${problems.length} problems in ${origin}: ${problems.join('; ')}`,
		);
		this.name = 'MappingError';
	}
}

/** Names that would reach an object's prototype if used as keys. */
const UNSAFE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** A custom field's name as it appears in records: lower snake case, never a prototype key. */
export function customFieldName(name: string): string {
	const snake = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
	return UNSAFE_NAMES.has(snake) ? `${snake}_` : snake;
}

/** The type a field gets when the mapping does not say. */
export function defaultType(feed: Feed, target: string): FieldType {
	return fieldDefinition(feed, target)?.type ?? 'text';
}

/** Every problem with a mapping that can be seen without reading the export. */
export function mappingProblems(mapping: Mapping): string[] {
	const problems: string[] = [];
	const { feed, fields, settings, valueMaps } = mapping;
	const seen = new Set<string>();
	for (const field of fields) {
		const where = `"${field.target || '(no field name)'}"`;
		if (field.target.startsWith(CUSTOM_PREFIX)) {
			const name = field.target.slice(CUSTOM_PREFIX.length);
			if (!name || customFieldName(name) !== name) {
				problems.push(
					`${where}: custom field names are lower case letters, digits and _ (for example custom.${customFieldName(name) || 'loyalty_tier'})`,
				);
			}
		} else if (!fieldDefinition(feed, field.target)) {
			problems.push(
				`${where} is not a ${FEED_DEFINITIONS[feed].label.toLowerCase()} field; use one of the fields listed in the template, or custom.<name>`,
			);
		}
		if (seen.has(field.target)) problems.push(`${where} is mapped twice`);
		seen.add(field.target);
		if (!FIELD_TYPES.includes(field.type))
			problems.push(`${where}: unknown type "${field.type}" (use ${FIELD_TYPES.join(', ')})`);
		if (!TRANSFORMS.includes(field.transform))
			problems.push(`${where}: unknown transform "${field.transform}"`);
		if (
			field.transform === 'map' &&
			!(field.valueMap && Object.hasOwn(valueMaps, field.valueMap))
		) {
			problems.push(
				`${where} uses the value map "${field.valueMap ?? ''}", which the mapping does not define`,
			);
		}
		if (field.transform === 'calculate') problems.push(...formulaProblems(field, where));
		else if (!field.source.trim() && field.defaultValue === undefined)
			problems.push(`${where} has neither a source column nor a default`);
		if (feed !== 'transaction' && isLineField(field.target))
			problems.push(`${where} only applies to transactions`);
		if (field.transform === 'pad_zeros' && !/^\s*([1-9]|[1-4]\d|50)\s*$/.test(field.format ?? ''))
			problems.push(
				`${where}: padding with zeros needs the length in Format, a whole number from 1 to 50 (5 for a US ZIP code)`,
			);
		if (field.transform === 'split_list' && !isLineField(field.target))
			problems.push(
				`${where}: only a line field (lines.sku, lines.name) can be split into one order line per item`,
			);
	}
	for (const definition of FEED_DEFINITIONS[feed].fields) {
		if (
			definition.required &&
			!seen.has(definition.name) &&
			!(feed === 'transaction' && definition.name === settings.orderKey)
		) {
			problems.push(`"${definition.name}" is required: map it to a column`);
		}
	}
	if (feed === 'customer' && !seen.has('email') && !seen.has('mobile')) {
		problems.push(
			"neither email nor mobile is mapped, so no customer can become a Dotdigital contact: map the export's email or mobile column",
		);
	}
	const split = fields.find((field) => field.transform === 'split_list');
	const perItem = fields.filter((field) =>
		[
			'lines.qty',
			'lines.unit_price',
			'lines.gross_amount',
			'lines.discount',
			'lines.tax',
			'lines.line_total',
		].includes(field.target),
	);
	if (split && perItem.length) {
		problems.push(
			`"${split.target}" is split into one line per item, ` +
				`so ${perItem.map((field) => field.target).join(', ')} cannot be read per line: ` +
				"map the basket's amounts to order fields (order_total, discount_total…)",
		);
	}
	if (feed === 'transaction' && !seen.has(settings.orderKey))
		problems.push(`the order key "${settings.orderKey}" is not mapped to a column`);
	if (feed === 'transaction' && isLineField(settings.orderKey))
		problems.push(
			`the order key "${settings.orderKey}" is a line field; use an order field such as order_id`,
		);
	if (!Number.isInteger(settings.headerRow) || settings.headerRow < 1)
		problems.push(`the header row must be a whole number from 1 (got ${settings.headerRow})`);
	return problems;
}

function formulaProblems(field: FieldMapping, where: string): string[] {
	const problems: string[] = [];
	if (!CALCULATED_TYPES.includes(field.type))
		problems.push(
			`${where}: a calculated field is a number, so its type must be ${CALCULATED_TYPES.join(', ')} (not ${field.type})`,
		);
	if (!field.format?.trim())
		problems.push(
			`${where}: Calculate needs a formula in Format, for example [Line Total] / [Quantity]`,
		);
	else {
		try {
			parseFormula(field.format);
		} catch (error) {
			if (!(error instanceof FormulaError)) throw error;
			problems.push(`${where}: the formula in Format cannot be read: ${error.message}`);
		}
	}
	return problems;
}

export function assertValidMapping(mapping: Mapping): void {
	const problems = mappingProblems(mapping);
	if (problems.length) throw new MappingError(problems, mapping.origin);
}
