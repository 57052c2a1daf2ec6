/** Excel workbooks (xlsx, xls) through SheetJS: read whole, formulas never evaluated. */
import * as XLSX from 'xlsx';

import type { FileFormat } from './detect';
import { FileReadError } from './errors';
import type { CellValue, FileInspection, RowResult } from './rows';
import { isBlank } from './text-rows';

export const WORKBOOK_READ_OPTIONS: XLSX.ParsingOptions = {
	type: 'buffer',
	dense: true,
	// Formulas are never evaluated: only the value Excel cached when it last saved is read.
	cellFormula: false,
	cellHTML: false,
	cellText: false,
	cellDates: false,
	raw: true,
};

export function inspectWorkbook(
	bytes: Buffer,
	format: FileFormat,
	fileName: string,
): FileInspection {
	const sheet = openSheet(bytes, fileName);
	const header = findHeaderRow(sheet.rows)?.values ?? [];
	return { format, encoding: null, bom: false, delimiter: null, header, sheetName: sheet.name };
}

export function openSheet(
	bytes: Buffer,
	fileName: string,
	sheetName?: string,
): { name: string; rows: XLSX.CellObject[][] } {
	// Only the sheet wanted is parsed (xlsx; SheetJS parses every sheet of an xls).
	let workbook = readWorkbook(bytes, fileName, sheetName ?? 0);
	if (workbook.SheetNames.length === 0)
		throw new FileReadError(fileName, 'the workbook has no sheets');
	const name =
		sheetName === undefined
			? workbook.SheetNames[0]
			: findSheetName(workbook.SheetNames, sheetName);
	if (name === undefined) {
		const sheets = workbook.SheetNames.map((n) => `"${n}"`).join(', ');
		throw new FileReadError(
			fileName,
			`it has no sheet named "${sheetName}" (its sheets: ${sheets})`,
		);
	}
	if (!workbook.Sheets[name]) workbook = readWorkbook(bytes, fileName, name);
	return { name, rows: workbook.Sheets[name]?.['!data'] ?? [] };
}

export function readWorkbook(
	bytes: Buffer,
	fileName: string,
	sheet: string | number,
): XLSX.WorkBook {
	try {
		return XLSX.read(bytes, { ...WORKBOOK_READ_OPTIONS, sheets: sheet });
	} catch (error) {
		const detail = error instanceof Error ? error.message : String(error);
		const reason = /password/i.test(detail)
			? 'the workbook is password-protected'
			: `it is not a readable Excel workbook; it may be damaged or incomplete (${detail})`;
		throw new FileReadError(fileName, reason, { cause: error });
	}
}

export function findSheetName(names: string[], wanted: string): string | undefined {
	return (
		names.find((name) => name === wanted) ??
		names.find((name) => name.toLowerCase() === wanted.toLowerCase())
	);
}

export function* sheetRows(rows: XLSX.CellObject[][]): Generator<RowResult> {
	const header = findHeaderRow(rows);
	yield { kind: 'header', values: header?.values ?? [] };
	if (!header) return;
	for (let index = header.index + 1; index < rows.length; index++) {
		const values = rowValues(rows[index]);
		if (isBlank(values)) continue;
		while (values.length < header.values.length) values.push('');
		yield { kind: 'row', line: index + 1, values };
	}
}

export function findHeaderRow(
	rows: XLSX.CellObject[][],
): { index: number; values: string[] } | undefined {
	for (let index = 0; index < rows.length; index++) {
		const values = rowValues(rows[index]);
		if (!isBlank(values)) return { index, values: values.map(String) };
	}
	return undefined;
}

/** A dense row's values, without the empty cells at its end. Rows and cells never written are holes. */
export function rowValues(row: XLSX.CellObject[] | undefined): CellValue[] {
	if (!row) return [];
	const values = Array.from(row, cellValue);
	while (values.length > 0 && values[values.length - 1] === '') values.pop();
	return values;
}

export function cellValue(cell: XLSX.CellObject | undefined): CellValue {
	if (cell?.v === undefined || cell.v === null) return '';
	if (cell.t === 'e') return XLSX.utils.format_cell(cell);
	const { v } = cell;
	return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : String(v);
}
