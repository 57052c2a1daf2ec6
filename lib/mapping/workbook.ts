/**
 * The mapping workbook: the template the build generates from the schema, and the reader that
 * turns a filled-in copy (.xlsx, .xls or .csv) into a Mapping. Cells are read as the values Excel
 * saved; formulas are never evaluated.
 */
import * as XLSX from 'xlsx';

import { readRows } from '../files';
import {
	DEFAULT_SETTINGS,
	FIELD_TYPES,
	MappingError,
	TRANSFORM_LABELS,
	TRANSFORMS,
	UNMATCHED_LABELS,
	defaultType,
	type FieldMapping,
	type Mapping,
	type MappingSettings,
	type Transform,
} from './mapping';
import { normaliseColumnName } from './columns';
import { columnsSeen } from './headers-seen';
import { CONSENT_SHEET, CONSENT_SHEET_HEADER, CONSENT_SHEET_ROWS } from './consent-sheet';
import { FEED_DEFINITIONS, FEEDS, type Feed } from './schema';
import { SETTING_DEFINITIONS, settingsFrom } from './settings';

type FieldColumn = keyof Pick<
	FieldMapping,
	| 'target'
	| 'source'
	| 'type'
	| 'format'
	| 'required'
	| 'defaultValue'
	| 'transform'
	| 'valueMap'
	| 'unmatched'
	| 'clearWhenBlank'
	| 'mayBeAbsent'
>;

/** The columns of a feed sheet that the reader uses, in template order. */
const FIELD_COLUMNS: ReadonlyArray<{ key: FieldColumn; label: string }> = [
	{ key: 'target', label: 'Field' },
	{ key: 'source', label: 'Source column(s)' },
	{ key: 'type', label: 'Type' },
	{ key: 'format', label: 'Format' },
	{ key: 'required', label: 'Required' },
	{ key: 'defaultValue', label: 'Default' },
	{ key: 'transform', label: 'Transform' },
	{ key: 'valueMap', label: 'Value map' },
	{ key: 'unmatched', label: 'Not in the map' },
	{ key: 'clearWhenBlank', label: 'Blank clears the field' },
	{ key: 'mayBeAbsent', label: 'Column may be absent' },
];
/** Columns the template adds for the reader's benefit; the reader ignores them. */
const HELP_COLUMNS = ['What it is', 'Example', 'Columns seen in real exports'];

export const SETTINGS_SHEET = 'Settings';
export const VALUE_MAPS_SHEET = 'Value Maps';
const INSTRUCTIONS_SHEET = 'Instructions';

export const TEMPLATE_FILE_NAME = 'mapping-template.xlsx';

const INSTRUCTIONS = [
	'POS Sync mapping workbook',
	'',
	'This workbook tells the Mapping Apply node how to turn your till’s export files into customers, products and orders.',
	'The node reads it as it is: save it, point the node at it, and the next file uses it. Nobody needs to configure anything else.',
	'',
	'1. Open the sheet for the export you are mapping: Customers, Products or Transactions.',
	'2. For each field you want, type the export’s column name in "Source column(s)", as ' +
		'it appears in the export’s header row (capitals, spaces, underscores and punctuation ' +
		'do not matter: Invoice No is InvoiceNo).',
	'   • Several names separated by | are alternatives: "Email | E-mail Address" uses the first that has a value.',
	'   • Names joined by + are put together: "Address 1 + Address 2". The Format column can give the joining text (a space by default).',
	'   • Put a name containing | or + in double quotes: "Size+Fit".',
	'3. Leave "Source column(s)" blank for fields your export does not have. Blank rows are ignored.',
	`4. Type: ${FIELD_TYPES.join(', ')}. Leave blank for the field's usual type.`,
	'   • money understands $1,149.00, (33.62) for a negative, £4,250.00 and, with the decimal comma setting, 12,50.',
	'   • date and datetime need the Format the till uses, for example dd/MM/yyyy or ' +
		'M/d/yy H:mm (d = day, M = month, yy/yyyy = year, H = hour 0-23, h = hour 1-12 with a ' +
		'for AM/PM, mm = minutes, ss = seconds). Separate alternatives with ||. Excel dates ' +
		'need no format. A date that could be read two ways, or that does not exist, is ' +
		'rejected with a reason, never guessed.',
	'   • boolean understands Y/N, yes/no, true/false, 1/0 and -1/0. phone numbers are sent in international form (+44…) using the Default country setting.',
	'   • percent reads a rate: 20%, 0.2 and 20 are all 20%. On lines.discount or lines.tax it is applied to the line: a 20% discount on a £10 line is £2.00.',
	'5. Required: Yes rejects a row that has no value for the field. Default: the value used when the cell is blank.',
	`6. Transform: ${TRANSFORMS.map((transform) => TRANSFORM_LABELS[transform]).join(', ')}.`,
	'   For a Value map, name a map from the Value Maps sheet (for example store codes → store names) and say what to do with values not in it.',
	'   Pad with leading zeros puts back the zeros a number lost, to the length in Format: a US ZIP code 2134 with Format 5 is 02134.',
	"   A list in one cell, on lines.sku or lines.name, makes one order line per item (quantity 1) of a basket written ['Ketchup', 'Milk'] or Ketchup, Milk.",
	'   Calculate works a number out from other columns of the row with the formula in ' +
		'Format: columns in [square brackets], numbers, + - * / and brackets, for example ' +
		'[Line Total] / [Quantity] for lines.unit_price. Leave Source empty. A blank column ' +
		'leaves the field blank; a division by 0 rejects the row.',
	'   Every column named must be in the export: a missing one stops the file before ' +
		'anything is sent, naming the closest columns found. Set "Column may be absent" to Yes ' +
		'for a column some exports leave out; the field is then left empty.',
	'7. A blank cell never overwrites what Dotdigital or Khaos already holds. Set "Blank clears the field" to Yes only where a blank really means "remove it".',
	'8. Extra fields: write custom.<name> in the Field column (for example custom.loyalty_tier).',
	'9. Check the Settings sheet: delimiter, encoding, date format, decimal separator, row grain, order key and header row.',
	'',
	'Rows the node cannot map go to its Rejected output with the file, line, field, value, a plain reason and who fixes it: the till data, or this mapping.',
];

/** The template workbook, generated from the schema. */
export function buildMappingTemplate(): Buffer {
	const workbook = XLSX.utils.book_new();
	const instructions = XLSX.utils.aoa_to_sheet(INSTRUCTIONS.map((line) => [line]));
	instructions['!cols'] = [{ wch: 140 }];
	XLSX.utils.book_append_sheet(workbook, instructions, INSTRUCTIONS_SHEET);

	for (const feed of FEEDS) {
		const definition = FEED_DEFINITIONS[feed];
		const rows = definition.fields.map((field) => [
			field.name,
			'',
			field.type,
			'',
			field.required ? 'Yes' : '',
			'',
			'',
			'',
			'',
			'',
			'',
			field.description,
			field.example,
			columnsSeen(feed, field.name).join(' | '),
		]);
		const sheet = XLSX.utils.aoa_to_sheet([
			[...FIELD_COLUMNS.map((column) => column.label), ...HELP_COLUMNS],
			...rows,
		]);
		sheet['!cols'] = [22, 30, 10, 22, 10, 14, 22, 18, 16, 12, 12, 60, 26, 40].map((wch) => ({
			wch,
		}));
		XLSX.utils.book_append_sheet(workbook, sheet, definition.sheet);
	}

	const settings = XLSX.utils.aoa_to_sheet([
		['Setting', 'Value', 'What it means', 'Allowed values'],
		...SETTING_DEFINITIONS.map((setting) => [
			setting.label,
			writtenDefault(setting),
			setting.example ? `${setting.description} Example: ${setting.example}.` : setting.description,
			setting.kind === 'choice'
				? setting.choices!.map((choice) => choice.label).join(', ')
				: setting.kind === 'yes/no'
					? 'Yes, No'
					: '',
		]),
	]);
	settings['!cols'] = [{ wch: 24 }, { wch: 18 }, { wch: 90 }, { wch: 50 }];
	XLSX.utils.book_append_sheet(workbook, settings, SETTINGS_SHEET);

	const valueMaps = XLSX.utils.aoa_to_sheet([
		['Map', 'From', 'To'],
		['Stores', 'LDN01', 'London Oxford Street'],
		['Stores', 'MAN02', 'Manchester Arndale'],
	]);
	valueMaps['!cols'] = [{ wch: 20 }, { wch: 24 }, { wch: 40 }];
	XLSX.utils.book_append_sheet(workbook, valueMaps, VALUE_MAPS_SHEET);
	const consent = XLSX.utils.aoa_to_sheet([
		[...CONSENT_SHEET_HEADER],
		...CONSENT_SHEET_ROWS.map((row) => [...row]),
	]);
	XLSX.utils.book_append_sheet(workbook, consent, CONSENT_SHEET);

	return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

/** A setting's default as a person would write it in the Settings sheet; blank when there is none. */
function writtenDefault(setting: (typeof SETTING_DEFINITIONS)[number]): string {
	const value = DEFAULT_SETTINGS[setting.key];
	if (value === undefined) return '';
	if (setting.kind === 'yes/no') return value ? 'Yes' : 'No';
	if (setting.kind === 'choice')
		return setting.choices!.find((choice) => choice.value === value)?.label ?? String(value);
	return String(value);
}

export type Grid = string[][];

/**
 * Reads the mapping for one feed from a filled-in workbook. A .csv file holds just the field
 * table (the feed sheet's columns); its settings come from `settings`. Every problem is reported
 * at once in a MappingError naming the sheet and row.
 */
export async function readMappingWorkbook(
	bytes: Buffer,
	fileName: string,
	feed: Feed,
	settings: Partial<MappingSettings> = {},
): Promise<Mapping> {
	const sheets = await readSheets(bytes, fileName);
	const problems: string[] = [];
	const definition = FEED_DEFINITIONS[feed];
	const names = [...sheets.keys()];
	const sheetName =
		names.length === 1
			? names[0]
			: names.find((name) => name.trim().toLowerCase() === definition.sheet.toLowerCase());
	if (!sheetName)
		throw new MappingError(
			[
				`"${fileName}" has no "${definition.sheet}" sheet; its sheets are ${names.map((name) => `"${name}"`).join(', ')}`,
			],
			fileName,
		);

	const valueMaps = readValueMaps(sheets.get(findSheet(names, VALUE_MAPS_SHEET) ?? ''), problems);
	const settingsGrid = sheets.get(findSheet(names, SETTINGS_SHEET) ?? '');
	const written = settingsGrid ? readSettings(settingsGrid, problems) : {};
	const parsed = settingsFrom(written, { ...DEFAULT_SETTINGS, ...settings });
	problems.push(...parsed.problems.map((problem) => `${SETTINGS_SHEET} sheet: ${problem}`));
	const fields = readFields(sheets.get(sheetName)!, sheetName, feed, valueMaps, problems);

	if (problems.length) throw new MappingError(problems, fileName);
	return {
		feed,
		fields,
		settings: parsed.settings,
		valueMaps,
		origin: `the mapping workbook "${fileName}"`,
	};
}

export async function readSheets(bytes: Buffer, fileName: string): Promise<Map<string, Grid>> {
	const sheets = new Map<string, Grid>();
	if (/\.(csv|txt|tsv)$/i.test(fileName)) {
		const grid: Grid = [];
		for await (const row of readRows(bytes, { fileName }))
			if (row.kind !== 'skipped') grid.push(row.values.map(cellText));
		sheets.set(fileName, grid);
		return sheets;
	}
	const workbook = XLSX.read(bytes, {
		type: 'buffer',
		cellFormula: false,
		cellHTML: false,
		cellText: false,
		cellDates: false,
	});
	for (const name of workbook.SheetNames) {
		const rows = XLSX.utils.sheet_to_json<unknown[]>(workbook.Sheets[name], {
			header: 1,
			raw: true,
			defval: '',
			blankrows: false,
		});
		sheets.set(
			name,
			rows.map((row) => row.map(cellText)),
		);
	}
	return sheets;
}

/** A cell as written, spaces kept: the Format column's joining text (", ") needs them. Readers trim the rest. */
function cellText(value: unknown): string {
	return value === null || value === undefined ? '' : String(value);
}

export function findSheet(names: string[], wanted: string): string | undefined {
	return names.find((name) => name.trim().toLowerCase() === wanted.toLowerCase());
}

/** Column positions by reader key, from a header row matched by label (case and spacing ignored). */
export function columnPositions<K extends string>(
	header: string[],
	columns: ReadonlyArray<{ key: K; label: string }>,
): Map<K, number> {
	const positions = new Map<K, number>();
	const byLabel = new Map(header.map((label, index) => [normaliseColumnName(label), index]));
	for (const { key, label } of columns) {
		const position = byLabel.get(normaliseColumnName(label));
		if (position !== undefined) positions.set(key, position);
	}
	return positions;
}

function readFields(
	grid: Grid,
	sheetName: string,
	feed: Feed,
	valueMaps: Mapping['valueMaps'],
	problems: string[],
): FieldMapping[] {
	const headerIndex = grid.findIndex((row) =>
		row.some((cell) => normaliseColumnName(cell) === 'field'),
	);
	if (headerIndex < 0) {
		problems.push(
			`the "${sheetName}" sheet needs a header row with "Field" and "Source column(s)" columns, as in the template`,
		);
		return [];
	}
	const positions = columnPositions(grid[headerIndex], FIELD_COLUMNS);
	if (!positions.has('source'))
		problems.push(`the "${sheetName}" sheet has no "Source column(s)" column`);
	const cell = (row: string[], key: FieldColumn) => {
		const position = positions.get(key);
		const text = position === undefined ? '' : (row[position] ?? '');
		return key === 'format' && text.trim() !== '' ? text : text.trim();
	};
	const fields: FieldMapping[] = [];
	grid.slice(headerIndex + 1).forEach((row, offset) => {
		const target = cell(row, 'target');
		const source = cell(row, 'source');
		const defaultValue = cell(row, 'defaultValue');
		const calculated = parseLabel(cell(row, 'transform'), TRANSFORM_LABELS) === 'calculate';
		if (!target || (!source && !defaultValue && !calculated)) return;
		const where = `${sheetName} sheet, row ${headerIndex + offset + 2} (${target})`;
		const typeText = cell(row, 'type').toLowerCase();
		const type = typeText
			? FIELD_TYPES.find((candidate) => candidate === typeText)
			: defaultType(feed, target);
		if (!type) problems.push(`${where}: unknown type "${typeText}"; use ${FIELD_TYPES.join(', ')}`);
		const valueMap = cell(row, 'valueMap') || undefined;
		const transform =
			parseLabel(cell(row, 'transform'), TRANSFORM_LABELS) ?? (valueMap ? 'map' : undefined);
		if (transform === undefined && cell(row, 'transform'))
			problems.push(`${where}: unknown transform "${cell(row, 'transform')}"`);
		if (transform === 'map' && !(valueMap && Object.hasOwn(valueMaps, valueMap))) {
			problems.push(
				`${where}: the value map "${valueMap ?? ''}" is not on the ${VALUE_MAPS_SHEET} sheet`,
			);
		}
		const unmatched = parseLabel(cell(row, 'unmatched'), UNMATCHED_LABELS);
		if (unmatched === undefined && cell(row, 'unmatched'))
			problems.push(
				`${where}: "Not in the map" must be ${Object.values(UNMATCHED_LABELS).join(', ')}`,
			);
		fields.push({
			target,
			source,
			type: type ?? 'text',
			format: cell(row, 'format') || undefined,
			required: yes(cell(row, 'required')),
			defaultValue: defaultValue || undefined,
			transform: (transform ?? 'none') as Transform,
			valueMap,
			unmatched,
			clearWhenBlank: yes(cell(row, 'clearWhenBlank')),
			mayBeAbsent: yes(cell(row, 'mayBeAbsent')),
		});
	});
	return fields;
}

function yes(text: string): boolean {
	return /^(y|yes|true|1|-1)$/i.test(text.trim());
}

/** The key whose id or label matches the text (case and spacing ignored); undefined for blank. */
function parseLabel<K extends string>(
	text: string,
	labels: Readonly<Record<K, string>>,
): K | undefined {
	const wanted = normaliseColumnName(text);
	if (!wanted) return undefined;
	return (Object.keys(labels) as K[]).find(
		(key) => normaliseColumnName(key) === wanted || normaliseColumnName(labels[key]) === wanted,
	);
}

export function readSettings(
	grid: Grid,
	problems: string[],
): Partial<Record<keyof MappingSettings, unknown>> {
	const written: Partial<Record<keyof MappingSettings, unknown>> = {};
	for (const row of grid.slice(1)) {
		const label = (row[0] ?? '').trim();
		const value = row[1];
		if (!label) continue;
		const definition = SETTING_DEFINITIONS.find(
			(setting) => normaliseColumnName(setting.label) === normaliseColumnName(label),
		);
		if (definition) written[definition.key] = value;
		else
			problems.push(
				`${SETTINGS_SHEET} sheet: unknown setting "${label}"; the settings are ${SETTING_DEFINITIONS.map((setting) => setting.label).join(', ')}`,
			);
	}
	return written;
}

export function readValueMaps(grid: Grid | undefined, problems: string[]): Mapping['valueMaps'] {
	const maps: Record<string, Map<string, string>> = {};
	if (!grid) return maps;
	grid.slice(1).forEach((row, offset) => {
		const [name, from, to] = row.map((cell) => cell.trim());
		if (!name && !from && !to) return;
		if (!name || !from) {
			problems.push(
				`${VALUE_MAPS_SHEET} sheet, row ${offset + 2}: each row needs a map name and a From value`,
			);
			return;
		}
		if (!Object.hasOwn(maps, name))
			Object.defineProperty(maps, name, { value: new Map(), enumerable: true });
		maps[name].set(from, to ?? '');
	});
	return maps;
}
