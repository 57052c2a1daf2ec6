import { join } from 'node:path';

import { readRows, type RowResult } from '../../../lib/files';
import {
	applyMapping,
	type CanonicalRecord,
	type Mapping,
	type MappingInput,
	type MappingSummary,
	type Rejection,
} from '../../../lib/mapping';

export const SQUARE_SAMPLE = join(__dirname, '../../fixtures/pos/square-item-detail.csv');
export const SALES_SAMPLE = join(__dirname, '../../fixtures/pos/sales-data-sample.csv');

export interface MappingRun {
	records: CanonicalRecord[];
	rejected: Rejection[];
	summary: MappingSummary;
	/** Records and rejections in the order the engine gave them. */
	order: Array<'record' | 'rejected'>;
}

/** Runs a mapping to the end, collecting what it yields and the summary it returns. */
export async function runMapping(
	rows: MappingInput,
	mapping: Mapping,
	file = 'export.csv',
): Promise<MappingRun> {
	const records: CanonicalRecord[] = [];
	const rejected: Rejection[] = [];
	const order: MappingRun['order'] = [];
	const outcomes = applyMapping(rows, mapping, file);
	for (let step = await outcomes.next(); ; step = await outcomes.next()) {
		if (step.done) return { records, rejected, summary: step.value, order };
		expect(step.value.length).toBeGreaterThan(0);
		for (const outcome of step.value) {
			order.push(outcome.kind);
			if (outcome.kind === 'record') records.push(outcome.record);
			else rejected.push(outcome.rejection);
		}
	}
}

/** The rows of a CSV written in the test, as readRows gives them. */
export function csvRows(
	text: string,
	fileName = 'export.csv',
): AsyncGenerator<RowResult, void, undefined> {
	return readRows(Buffer.from(text, 'utf8'), { fileName });
}

/** Maps a CSV written in the test. */
export function mapCsv(
	text: string,
	mapping: Mapping,
	fileName = 'export.csv',
): Promise<MappingRun> {
	return runMapping(csvRows(text, fileName), mapping, fileName);
}
