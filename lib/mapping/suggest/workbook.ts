/**
 * The suggested mapping as the mapping workbook itself: the template with the sources, formats and
 * settings filled in, two more columns per field (Confidence, Why) and a Suggestion sheet with the
 * feed, the grain and what to check. Apply Mapping reads it unchanged: the reader ignores the
 * columns and sheets it does not know.
 */
import * as XLSX from 'xlsx';

import { SETTING_DEFINITIONS } from '../settings';
import { FEED_DEFINITIONS } from '../schema';
import { buildMappingTemplate } from '../workbook';
import type { Suggestion } from './suggestion';

export const SUGGESTION_SHEET = 'Suggestion';
const SOURCE_COLUMN = 1;
const FORMAT_COLUMN = 3;

export function suggestedWorkbook(suggestion: Suggestion, fileName: string): Buffer {
	const workbook = XLSX.read(buildMappingTemplate(), { type: 'buffer' });
	const sheetName = FEED_DEFINITIONS[suggestion.feed.feed].sheet;
	const grid = XLSX.utils.sheet_to_json<string[]>(workbook.Sheets[sheetName], {
		header: 1,
		defval: '',
	});
	const byField = new Map(suggestion.fields.map((field) => [field.field, field]));
	grid[0].push('Confidence', 'Why');
	for (const row of grid.slice(1)) {
		const field = byField.get(row[0]);
		if (!field) continue;
		row[SOURCE_COLUMN] = field.source;
		row[FORMAT_COLUMN] = field.format;
		row.push(
			field.source ? `${field.confidence}%` : '',
			field.source ? field.why : `left empty: ${field.why}`,
		);
	}
	const sheet = XLSX.utils.aoa_to_sheet(grid);
	sheet['!cols'] = [...(workbook.Sheets[sheetName]['!cols'] ?? []), { wch: 12 }, { wch: 90 }];
	workbook.Sheets[sheetName] = sheet;

	const settingsGrid = XLSX.utils.sheet_to_json<string[]>(workbook.Sheets.Settings, {
		header: 1,
		defval: '',
	});
	settingsGrid[0].push('Why suggested');
	for (const row of settingsGrid.slice(1)) {
		const suggested = suggestion.settings.find(
			(setting) => setting.setting.toLowerCase() === String(row[0]).toLowerCase(),
		);
		if (!suggested) continue;
		const definition = SETTING_DEFINITIONS.find((setting) => setting.label === row[0]);
		const label = definition?.choices?.find((choice) => choice.value === suggested.value)?.label;
		// The time zone is left to the consultant: the template's value stays until they set the shop's.
		if (suggested.setting !== 'Time zone') row[1] = label ?? suggested.value;
		row[4] = suggested.why;
	}
	const settings = XLSX.utils.aoa_to_sheet(settingsGrid);
	settings['!cols'] = [...(workbook.Sheets.Settings['!cols'] ?? []), { wch: 90 }];
	workbook.Sheets.Settings = settings;

	const about = XLSX.utils.aoa_to_sheet([
		[
			'Suggested by Mapping Apply → Suggest Mapping. Check every row of the mapped sheet, ' +
				'set what is left empty if the export has it, then save this workbook to the mapping ' +
				'folder.',
		],
		[],
		['Export', fileName],
		['Feed', FEED_DEFINITIONS[suggestion.feed.feed].label],
		...suggestion.feed.evidence.map((line) => ['Why this feed', line]),
		...(suggestion.feed.grain
			? [['Row grain', `${suggestion.feed.grain.rowGrain}: ${suggestion.feed.grain.evidence}`]]
			: []),
		...suggestion.ambiguousDates.map((date) => [
			'Ambiguous date',
			`${date.field} from "${date.column}": ${date.why}`,
		]),
		...suggestion.warnings.map((warning) => ['Check', warning]),
		...suggestion.leftEmpty.map((empty) => [
			'Left empty',
			`${empty.field}${empty.required ? ' (required)' : ''}: ${empty.why}`,
		]),
		...(suggestion.unusedColumns.length
			? [['Columns not used', suggestion.unusedColumns.join(', ')]]
			: []),
	]);
	about['!cols'] = [{ wch: 18 }, { wch: 140 }];
	XLSX.utils.book_append_sheet(workbook, about, SUGGESTION_SHEET);
	workbook.SheetNames = [
		SUGGESTION_SHEET,
		...workbook.SheetNames.filter((name) => name !== SUGGESTION_SHEET),
	];
	return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}
