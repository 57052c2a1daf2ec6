import { detectFormat, SAMPLE_BYTES, type FileFormat } from './detect';
import type { ExportFile, ExportFolder } from './export-folder';
import { inspectSample, type FileInspection } from './read';

/** What the trigger tells the next node about a file, besides the file itself. */
export interface ExportFileDetails {
	name: string;
	size: number;
	modified_at: string;
	sha256: string;
	format: FileFormat;
	encoding: string | null;
	delimiter: string | null;
	sheet: string | null;
	header: string[];
}

const MIME_TYPES: Record<FileFormat, string> = {
	csv: 'text/csv',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	xls: 'application/vnd.ms-excel',
};

export function mimeTypeFor(format: FileFormat): string {
	return MIME_TYPES[format];
}

/**
 * Reads what a file is through the folder, which never follows a link out of it: the first
 * bytes of a text file, or the whole of a workbook, which cannot be read in part.
 */
async function inspectInFolder(file: ExportFile, folder: ExportFolder): Promise<FileInspection> {
	const head = await folder.read(file, SAMPLE_BYTES);
	if (detectFormat(head, file.name) === 'csv')
		return inspectSample(head, file.name, head.length < SAMPLE_BYTES);
	return inspectSample(await folder.read(file), file.name, true);
}

/**
 * Inspects a file's content. Content that is not an export throws a FileReadError naming the file;
 * a failure to read it at all (locked, no permission, a share hiccup) is thrown as it is, since
 * trying again later may work.
 */
export async function describeExportFile(
	file: ExportFile,
	folder: ExportFolder,
	sha256?: string,
): Promise<ExportFileDetails> {
	const inspection = await inspectInFolder(file, folder);
	return {
		name: file.name,
		size: file.size,
		modified_at: new Date(file.mtimeMs).toISOString(),
		sha256: sha256 ?? (await folder.sha256(file)),
		format: inspection.format,
		encoding: inspection.encoding,
		delimiter: inspection.delimiter,
		sheet: inspection.sheetName,
		header: inspection.header,
	};
}
