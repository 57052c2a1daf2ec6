/**
 * Suggest Mapping on a sample export: reads its first rows, suggests, writes the workbook, and
 * previews it by reading that very workbook back and applying it to the sample, so the preview is
 * what Apply Mapping will do with the workbook as saved.
 */
import { inspectSample, readRows, type CellValue, type RowResult } from '../../files';
import { applyMapping, type MappingSummary } from '../apply';
import { MappingError } from '../mapping';
import type { CanonicalRecord } from '../outcomes';
import type { Feed } from '../schema';
import { readMappingWorkbook } from '../workbook';
import { suggestMapping } from './suggest';
import type { Suggestion } from './suggestion';
import { suggestedWorkbook } from './workbook';

export interface SuggestOptions {
	/** Suggest for this feed rather than the one the file looks like. */
	feed?: Feed;
	/** Rows read from the export (default 1000). */
	sampleRows?: number;
	/** Records shown in the preview (default 5). */
	previewRecords?: number;
}

export interface SuggestionPreview {
	records: CanonicalRecord[];
	summary?: MappingSummary;
	/** What Apply Mapping would stop on (a date it cannot read, a column that does not fit), then what to check. */
	faults: string[];
}

export interface SuggestedMapping {
	suggestion: Suggestion;
	workbook: Buffer;
	preview: SuggestionPreview;
}

export async function suggestFromFile(
	bytes: Buffer,
	fileName: string,
	options: SuggestOptions = {},
): Promise<SuggestedMapping> {
	const limit = options.sampleRows ?? 1000;
	const inspection = inspectSample(bytes, fileName, true);
	const sample: RowResult[] = [];
	let header: string[] = [];
	const rows: CellValue[][] = [];
	for await (const row of readRows(bytes, { fileName, inspection })) {
		if (row.kind === 'header') header = row.values;
		else if (row.kind === 'row') rows.push(row.values);
		sample.push(row);
		if (rows.length >= limit) break;
	}
	if (!header.length)
		throw new MappingError(
			[`"${fileName}" has no rows, so there is nothing to suggest a mapping from`],
			'Suggest Mapping',
		);
	const suggestion = suggestMapping(
		{ header, rows, delimiter: inspection.delimiter, encoding: inspection.encoding },
		options.feed,
	);
	const workbook = suggestedWorkbook(suggestion, fileName);
	const preview = await previewOf(
		workbook,
		suggestion,
		sample,
		fileName,
		options.previewRecords ?? 5,
	);
	return { suggestion, workbook, preview };
}

async function previewOf(
	workbook: Buffer,
	suggestion: Suggestion,
	sample: RowResult[],
	fileName: string,
	wanted: number,
): Promise<SuggestionPreview> {
	const records: CanonicalRecord[] = [];
	const faults: string[] = [];
	let summary: MappingSummary | undefined;
	try {
		const mapping = await readMappingWorkbook(
			workbook,
			'suggested-mapping.xlsx',
			suggestion.feed.feed,
		);
		const run = applyMapping(sample, mapping, fileName);
		let next = await run.next();
		while (!next.done) {
			for (const outcome of next.value)
				if (outcome.kind === 'record' && records.length < wanted) records.push(outcome.record);
			next = await run.next();
		}
		summary = next.value;
	} catch (error) {
		if (!(error instanceof MappingError)) throw error;
		faults.push(...error.problems);
	}
	faults.push(...suggestion.warnings);
	return { records, summary, faults };
}
