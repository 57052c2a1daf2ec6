/**
 * The consent file's layout as the consultant maps it in the shop's mapping workbook: the
 * "Consent File" sheet has one row per column of the till's file (its heading, the field it comes
 * from or a fixed value, and outbound transforms: a value map for the status words, a date format
 * for when it changed). Read with the workbook's own sheet, value map and settings readers; a
 * layout that does not fit stops with every problem named by sheet, row and column.
 */
import { DateTime } from 'luxon';

import { MappingError, UNMATCHED_LABELS, type Mapping } from '../mapping/mapping';
import { normaliseColumnName } from '../mapping/columns';
import { settingsFrom } from '../mapping/settings';
import { mapValue } from '../mapping/values';
import { compileLuxonFormat } from '../mapping/values/date-formats';
import {
	SETTINGS_SHEET,
	VALUE_MAPS_SHEET,
	columnPositions,
	findSheet,
	readSettings,
	readSheets,
	readValueMaps,
} from '../mapping/workbook';
import { csvText, encodeText } from '../files/csv-out';
import type { Delimiter, TextEncoding } from '../files/detect';
import { CONSENT_SHEET } from '../mapping/consent-sheet';
import type { ConsentChange } from './consent-back';
import { CONSENT_FIELDS, type ConsentField } from './consent-file';

export { CONSENT_SHEET } from '../mapping/consent-sheet';

const LAYOUT_COLUMNS = [
	{ key: 'heading', label: 'Column heading' },
	{ key: 'field', label: 'Comes from' },
	{ key: 'fixed', label: 'Fixed value' },
	{ key: 'valueMap', label: 'Value map' },
	{ key: 'unmatched', label: 'Not in the map' },
	{ key: 'format', label: 'Date format' },
] as const;
type LayoutKey = (typeof LAYOUT_COLUMNS)[number]['key'];

/** How the "Comes from" column names each field, as a consultant would write it. */
export const CONSENT_FIELD_LABELS: Record<ConsentField, string> = {
	email: 'Email',
	mobile_number: 'Mobile number',
	contact_id: 'Dotdigital contact id',
	status: 'Status',
	changed_at: 'Changed at',
};

const IDENTIFYING: readonly ConsentField[] = ['email', 'mobile_number', 'contact_id'];

export interface ConsentLayoutColumn {
	heading: string;
	/** The field the value comes from; absent for a fixed value. */
	field?: ConsentField;
	fixed?: string;
	valueMap?: ReadonlyMap<string, string>;
	unmatched: 'keep' | 'blank';
	/** Luxon tokens for a date, written in the Settings sheet's time zone; ISO when absent. */
	format?: string;
}

export interface ConsentLayout {
	columns: ConsentLayoutColumn[];
	timeZone: string;
	/** The Settings sheet's Delimiter and Encoding, the till's own; a comma and UTF-8 when blank. */
	delimiter: Delimiter;
	encoding: TextEncoding;
	origin: string;
}

export async function readConsentLayout(bytes: Buffer, fileName: string): Promise<ConsentLayout> {
	const sheets = await readSheets(bytes, fileName);
	const names = [...sheets.keys()];
	const sheetName = findSheet(names, CONSENT_SHEET);
	if (!sheetName)
		throw new MappingError(
			[
				`"${fileName}" has no "${CONSENT_SHEET}" sheet; its sheets are ${names.map((name) => `"${name}"`).join(', ')}`,
			],
			fileName,
		);
	const problems: string[] = [];
	const valueMaps = readValueMaps(sheets.get(findSheet(names, VALUE_MAPS_SHEET) ?? ''), problems);
	const settingsGrid = sheets.get(findSheet(names, SETTINGS_SHEET) ?? '');
	const parsed = settingsFrom(settingsGrid ? readSettings(settingsGrid, problems) : {});
	problems.push(...parsed.problems.map((problem) => `${SETTINGS_SHEET} sheet: ${problem}`));
	const columns = readLayoutRows(sheets.get(sheetName)!, sheetName, valueMaps, problems);
	if (problems.length) throw new MappingError(problems, fileName);
	return {
		columns,
		timeZone: parsed.settings.timeZone || 'UTC',
		delimiter: parsed.settings.delimiter ?? ',',
		encoding: parsed.settings.encoding ?? 'utf-8',
		origin: `the mapping workbook "${fileName}"`,
	};
}

function readLayoutRows(
	grid: string[][],
	sheetName: string,
	valueMaps: Mapping['valueMaps'],
	problems: string[],
): ConsentLayoutColumn[] {
	const headerIndex = grid.findIndex((row) =>
		row.some((cell) => normaliseColumnName(cell) === normaliseColumnName('Column heading')),
	);
	if (headerIndex < 0) {
		problems.push(
			`the "${sheetName}" sheet needs a header row with "Column heading" and "Comes from" columns, as in the template`,
		);
		return [];
	}
	const positions = columnPositions(grid[headerIndex], LAYOUT_COLUMNS);
	const cell = (row: string[], key: LayoutKey) => (row[positions.get(key) ?? -1] ?? '').trim();
	const byLabel = new Map(
		CONSENT_FIELDS.map((field) => [normaliseColumnName(CONSENT_FIELD_LABELS[field]), field]),
	);
	const headings = new Map<string, number>();
	const columns: ConsentLayoutColumn[] = [];
	grid.slice(headerIndex + 1).forEach((row, offset) => {
		if (LAYOUT_COLUMNS.every(({ key }) => cell(row, key) === '')) return;
		const rowNumber = headerIndex + offset + 2;
		const where = (column: string) => `${sheetName} sheet, row ${rowNumber}, column "${column}"`;
		const heading = cell(row, 'heading');
		if (!heading) problems.push(`${where('Column heading')}: give the till's column a heading`);
		const seenAt = headings.get(heading.toLowerCase());
		if (heading && seenAt !== undefined)
			problems.push(`${where('Column heading')}: "${heading}" is already used on row ${seenAt}`);
		headings.set(heading.toLowerCase(), rowNumber);
		const fieldText = cell(row, 'field');
		const field = fieldText ? byLabel.get(normaliseColumnName(fieldText)) : undefined;
		const fixed = cell(row, 'fixed');
		if (fieldText && !field)
			problems.push(
				`${where('Comes from')}: unknown field "${fieldText}"; use ${Object.values(CONSENT_FIELD_LABELS).join(', ')}`,
			);
		if (!fieldText && !fixed)
			problems.push(`${where('Comes from')}: name a field or give a Fixed value`);
		if (fieldText && fixed)
			problems.push(`${where('Fixed value')}: a column has a field or a fixed value, not both`);
		const mapName = cell(row, 'valueMap');
		if (mapName && !Object.hasOwn(valueMaps, mapName))
			problems.push(`${where('Value map')}: "${mapName}" is not on the ${VALUE_MAPS_SHEET} sheet`);
		const unmatchedText = cell(row, 'unmatched');
		const unmatched = unmatchedText
			? (Object.entries(UNMATCHED_LABELS).find(
					([, label]) => normaliseColumnName(label) === normaliseColumnName(unmatchedText),
				)?.[0] as 'keep' | 'blank' | 'reject' | undefined)
			: 'keep';
		if (unmatched === undefined || unmatched === 'reject')
			problems.push(
				`${where('Not in the map')}: use ${UNMATCHED_LABELS.keep} or ${UNMATCHED_LABELS.blank}`,
			);
		const format = cell(row, 'format');
		if (format && field !== 'changed_at')
			problems.push(`${where('Date format')}: only the Changed at column takes a date format`);
		const compiled = format ? compileLuxonFormat(format) : undefined;
		if (typeof compiled === 'string') problems.push(`${where('Date format')}: ${compiled}`);
		columns.push({
			heading,
			field,
			fixed: fieldText ? undefined : fixed,
			valueMap: mapName && Object.hasOwn(valueMaps, mapName) ? valueMaps[mapName] : undefined,
			unmatched: unmatched === 'blank' ? 'blank' : 'keep',
			format: format || undefined,
		});
	});
	if (!columns.some((column) => column.field && IDENTIFYING.includes(column.field)))
		problems.push(
			`${sheetName} sheet: no column comes from Email, Mobile number or Dotdigital contact id, so the till could not tell whose consent changed`,
		);
	return columns;
}

/** One change's value for a column, transforms applied. */
export function consentCell(change: ConsentChange, column: ConsentLayoutColumn, zone: string) {
	if (!column.field) return column.fixed ?? '';
	let text = String(change[column.field]);
	if (column.field === 'changed_at' && column.format)
		text = DateTime.fromISO(text, { zone: 'utc' }).setZone(zone).toFormat(column.format);
	if (column.valueMap) {
		const mapped = mapValue(text, column.valueMap, column.unmatched);
		text = mapped.ok ? String(mapped.value ?? '') : text;
	}
	return text;
}

/** The file in the mapped layout (a heading row, then one row per change), in the till's encoding. */
export function consentFileFromLayout(
	changes: readonly ConsentChange[],
	layout: ConsentLayout,
): Buffer {
	const text = csvText(
		layout.columns.map((column) => column.heading),
		changes.map((change) =>
			layout.columns.map((column) => consentCell(change, column, layout.timeZone)),
		),
		layout.delimiter,
	);
	try {
		return encodeText(text, layout.encoding);
	} catch (error) {
		throw new MappingError(
			[`${SETTINGS_SHEET} sheet, Encoding: ${(error as Error).message}`],
			layout.origin,
		);
	}
}
