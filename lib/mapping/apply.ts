/**
 * Runs mappings over an export's rows: one mapping, or several feeds (customers, products, orders)
 * from one read of the same export. Every data row ends in exactly one place per feed: in a
 * record, or rejected with a reason and the owner of the fix.
 */
import type { RowResult } from '../files';
import { RowMapper } from './engine';
import type { HoldingOptions } from './held-records';
import type { MappingOutcome } from './outcomes';
import { MappingError, assertValidMapping, type Mapping } from './mapping';
import { FEED_DEFINITIONS, type Feed } from './schema';

export interface MappingSummary {
	file: string;
	feed: Feed;
	rows_read: number;
	records: number;
	rejected: number;
	/** Rows that went into records: rows_read = rows_in_records + rejected when nothing is lost. */
	rows_in_records: number;
	rejected_by_rule: Record<string, number>;
	/** Mapped fields marked "may be absent" whose columns the export lacks; left empty. */
	missing_optional_fields: string[];
	/** Header names the export repeats, renamed so that no column is lost: the second `name` is `name (2)`. */
	renamed_columns: string[];
	/** Customer and product rows that joined an earlier row's record (the same customer ID, email or SKU). */
	merged_rows: number;
	balanced: boolean;
}

/** Rows as readRows or readRowBatches give them: header first, one at a time or in batches. */
export type MappingInput =
	AsyncIterable<RowResult | readonly RowResult[]> | Iterable<RowResult | readonly RowResult[]>;

export interface MappingRunOptions {
	/** How many rows of records are held in memory before they go to a temporary file (held-records.ts). */
	holding?: HoldingOptions;
}

/**
 * Outcomes the end of a file completes are yielded this many at a time: few, so that they are passed
 * on while young (see ROWS_HELD_IN_MEMORY).
 */
export const OUTCOMES_PER_YIELD = 500;

/**
 * Maps rows (header first), yielding what they complete in batches: everything one input batch
 * completed, in order. Returns the summary when the rows end. A mapping that does not fit the file
 * (see faults.ts) throws a MappingError at the end, after its outcomes: hold them until then.
 */
export async function* applyMapping(
	rows: MappingInput,
	mapping: Mapping,
	file: string,
	options: MappingRunOptions = {},
): AsyncGenerator<MappingOutcome[], MappingSummary, undefined> {
	const [summary] = yield* applyMappings(rows, [mapping], file, options);
	return summary;
}

/**
 * Maps one export into several feeds at once, reading it once: a per-sale export that carries the
 * customer and the product on every row gives customers, products and orders. Each feed is its own
 * source, `<file> (customers)`, with its own summary, and each record's `_source.feed` names it.
 * The header row, delimiter and sheet are the first mapping's.
 */
export async function* applyMappings(
	rows: MappingInput,
	mappings: readonly Mapping[],
	file: string,
	options: MappingRunOptions = {},
): AsyncGenerator<MappingOutcome[], MappingSummary[], undefined> {
	for (const mapping of mappings) assertValidMapping(mapping);
	const several = mappings.length > 1;
	const sourceOf = (mapping: Mapping) =>
		several ? `${file} (${FEED_DEFINITIONS[mapping.feed].label.toLowerCase()})` : file;
	const summaries = mappings.map((mapping) => emptySummary(sourceOf(mapping), mapping.feed));
	const { headerRow } = mappings[0].settings;
	let mappers: RowMapper[] | undefined;
	let rowNumber = 0;
	try {
		return yield* mapRows();
	} finally {
		mappers?.forEach((mapper) => mapper.dispose());
	}

	async function* mapRows(): AsyncGenerator<MappingOutcome[], MappingSummary[], undefined> {
		reading: for await (const input of rows) {
			const batch: readonly RowResult[] = Array.isArray(input) ? input : [input as RowResult];
			const outcomes: MappingOutcome[][] = mappings.map(() => []);
			for (const row of batch) {
				if (!mappers) {
					if (row.kind === 'header' && !row.values.length) break reading;
					rowNumber++;
					if (rowNumber === headerRow) {
						if (row.kind === 'skipped')
							throw new MappingError(
								[`the header row (row ${rowNumber}) of "${file}" cannot be read: ${row.reason}`],
								mappings[0].origin,
							);
						const header = row.values.map((value) => String(value));
						if (!header.length) break reading;
						mappers = openMappers(mappings, header, sourceOf, options.holding);
						mappers.forEach((mapper, index) => {
							summaries[index].missing_optional_fields = mapper.missingOptional;
							summaries[index].renamed_columns = mapper.renamedColumns;
						});
					}
					continue;
				}
				if (row.kind === 'header') continue;
				for (let index = 0; index < mappers.length; index++) {
					summaries[index].rows_read++;
					if (row.kind === 'skipped') mappers[index].addUnreadable(row, outcomes[index]);
					else mappers[index].add(row.values, row.line, outcomes[index]);
				}
			}
			const done = outcomes.flatMap((feedOutcomes, index) =>
				count(summaries[index], feedOutcomes, several ? mappings[index].feed : undefined),
			);
			if (done.length) yield done;
		}
		if (mappers) {
			let done: MappingOutcome[] = [];
			for (const [index, mapper] of mappers.entries()) {
				for (const outcome of mapper.finish()) {
					done.push(outcome);
					if (done.length < OUTCOMES_PER_YIELD) continue;
					yield count(summaries[index], done, several ? mappings[index].feed : undefined);
					done = [];
				}
				if (done.length)
					yield count(summaries[index], done, several ? mappings[index].feed : undefined);
				done = [];
				summaries[index].merged_rows = mapper.mergedRows;
			}
			const faults = mappers.flatMap((mapper, index) =>
				mapper.faults(summaries[index].rows_read).map((fault) => ({
					fault: `${fault} (in ${summaries[index].file})`,
					origin: mappings[index].origin,
				})),
			);
			if (faults.length)
				throw new MappingError(
					faults.map(({ fault }) => fault),
					faults[0].origin,
				);
		} else if (rowNumber > 0) {
			const rowsFound = `${rowNumber} non-blank ${rowNumber === 1 ? 'row' : 'rows'}`;
			throw new MappingError(
				[`the header row is set to row ${headerRow}, but "${file}" has only ${rowsFound}`],
				mappings[0].origin,
			);
		}
		for (const summary of summaries)
			summary.balanced = summary.rows_read === summary.rows_in_records + summary.rejected;
		return summaries;
	}
}

/** A mapper per feed; every feed's missing columns are reported at once. */
function openMappers(
	mappings: readonly Mapping[],
	header: string[],
	sourceOf: (mapping: Mapping) => string,
	holding: HoldingOptions | undefined,
): RowMapper[] {
	const problems: string[] = [];
	const mappers = mappings.map((mapping) => {
		try {
			return new RowMapper(mapping, header, sourceOf(mapping), holding);
		} catch (error) {
			if (!(error instanceof MappingError) || mappings.length === 1) throw error;
			problems.push(
				...error.problems.map((problem) => `${FEED_DEFINITIONS[mapping.feed].label}: ${problem}`),
			);
			return undefined;
		}
	});
	if (problems.length) throw new MappingError(problems, mappings[0].origin);
	return mappers as RowMapper[];
}

function emptySummary(file: string, feed: Feed): MappingSummary {
	return {
		file,
		feed,
		rows_read: 0,
		records: 0,
		rejected: 0,
		rows_in_records: 0,
		rejected_by_rule: {},
		missing_optional_fields: [],
		renamed_columns: [],
		merged_rows: 0,
		balanced: true,
	};
}

function count(
	summary: MappingSummary,
	outcomes: MappingOutcome[],
	feed: Feed | undefined,
): MappingOutcome[] {
	for (const outcome of outcomes) {
		if (outcome.kind === 'record') {
			summary.records++;
			summary.rows_in_records += outcome.record._source.lines.length;
			if (feed) outcome.record._source.feed = feed;
		} else {
			summary.rejected++;
			summary.rejected_by_rule[outcome.rejection.rule] =
				(summary.rejected_by_rule[outcome.rejection.rule] ?? 0) + 1;
		}
	}
	return outcomes;
}
