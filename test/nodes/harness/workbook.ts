import { writeFileSync } from 'node:fs';

import * as XLSX from 'xlsx';

import { buildMappingTemplate } from '../../../lib/mapping';

/** Each sheet's fields: the column a field comes from, and its format where it needs one. */
export type SheetFields = Record<string, Record<string, [string, string?]>>;

/** The package's own mapping template with the given fields filled in, written to `path`. */
export function writeMappingWorkbook(path: string, sheets: SheetFields): string {
	const workbook = XLSX.read(buildMappingTemplate(), { type: 'buffer' });
	for (const [sheet, fields] of Object.entries(sheets)) {
		const rows = XLSX.utils.sheet_to_json<string[]>(workbook.Sheets[sheet], {
			header: 1,
			defval: '',
		});
		for (const [field, [source, format = '']] of Object.entries(fields)) {
			const index = rows.findIndex((row) => row[0] === field);
			rows[index][1] = source;
			rows[index][3] = format;
		}
		workbook.Sheets[sheet] = XLSX.utils.aoa_to_sheet(rows);
	}
	writeFileSync(path, XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
	return path;
}
