/**
 * How one mapped field is filled, worked out once per file from the mapping: its columns, where
 * its value goes, its type and options, transform, default and formula.
 */
import type { CellValue } from '../files';
import { isRequired, type ResolvedField } from './columns';
import { parseFormula, type Formula } from './formula';
import { RATE_KEYS } from './lines';
import type { FieldMapping, Mapping } from './mapping';
import { CUSTOM_PREFIX, isLineField } from './schema';
import { isBlank, type Coerced, type FieldType, type ValueOptions } from './values';

export type Place = 'record' | 'line' | 'custom';

/**
 * How one field is filled, worked out once per file. Every plan has every property, set in the
 * same order, so that the per-row code sees one object shape.
 */
export interface FieldPlan {
	field: FieldMapping;
	/** The ways to fill the field, in preference order; [] when it only takes its default. */
	choices: number[][];
	/** For each choice, its column name(s) as a rejection shows them: `First + Last`. */
	choiceLabels: string[];
	key: string;
	place: Place;
	joiner: string;
	type: FieldType;
	options: ValueOptions;
	required: boolean;
	transform: FieldMapping['transform'];
	/** Whether the transform changes the value before it is coerced (a value map or a name split). */
	reshapes: boolean;
	/** The length digits are padded to with leading zeros; 0 when they are not. */
	padWidth: number;
	/** The formula of a calculated field; its columns are the plan's only choice. */
	formula: Formula | undefined;
	valueMap: ReadonlyMap<string, string> | undefined;
	unmatched: NonNullable<FieldMapping['unmatched']>;
	/** undefined when the default is blank. */
	defaultValue: string | undefined;
	clearWhenBlank: boolean;
	/** The last value coerced and what came of it: rows of one order repeat its date, customer and store. */
	lastRaw: CellValue | undefined;
	lastResult: Coerced | undefined;
}

export function planField(
	entry: ResolvedField,
	mapping: Mapping,
	header: readonly string[],
): FieldPlan {
	const { field } = entry;
	const { settings, valueMaps } = mapping;
	const isCustom = field.target.startsWith(CUSTOM_PREFIX);
	const place: Place = isCustom ? 'custom' : isLineField(field.target) ? 'line' : 'record';
	const type = field.type;
	const textCase =
		field.transform === 'upper' || field.transform === 'lower' || field.transform === 'title'
			? field.transform
			: 'none';
	const isDate = type === 'date' || type === 'datetime';
	return {
		field,
		choices: entry.choices,
		choiceLabels:
			field.transform === 'calculate'
				? [field.format ?? '']
				: entry.choices.map((choice) => choice.map((position) => header[position]).join(' + ')),
		key: isCustom
			? field.target.slice(CUSTOM_PREFIX.length)
			: place === 'line'
				? lineKey(field.target.slice('lines.'.length), type)
				: field.target,
		place,
		joiner:
			!isDate &&
			field.transform !== 'pad_zeros' &&
			field.format !== undefined &&
			field.format !== ''
				? field.format
				: ' ',
		type,
		options: {
			format: isDate ? field.format || settings.dateFormat : undefined,
			decimalSeparator: settings.decimalSeparator,
			defaultCountry: settings.defaultCountry,
			timeZone: settings.timeZone,
			textCase,
		},
		required: isRequired(field, mapping),
		transform: field.transform,
		reshapes: ['map', 'first_name', 'last_name', 'name_title'].includes(field.transform),
		padWidth: field.transform === 'pad_zeros' ? Number(field.format) : 0,
		formula: field.transform === 'calculate' ? parseFormula(field.format ?? '') : undefined,
		valueMap: field.transform === 'map' && field.valueMap ? valueMaps[field.valueMap] : undefined,
		unmatched: field.unmatched ?? 'keep',
		defaultValue:
			field.defaultValue !== undefined && !isBlank(field.defaultValue)
				? field.defaultValue
				: undefined,
		clearWhenBlank: field.clearWhenBlank,
		lastRaw: undefined,
		lastResult: undefined,
	};
}

/** Where a line field is kept: a discount or tax given as a rate waits under its rate key until the line is finished. */
function lineKey(name: string, type: FieldType): string {
	return type === 'percent' && Object.hasOwn(RATE_KEYS, name) ? RATE_KEYS[name] : name;
}
