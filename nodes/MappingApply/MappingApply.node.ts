import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	BATCH_MIME,
	BATCH_PROPERTY,
	FileReadError,
	RecordBatcher,
	readRowBatches,
} from '../../lib/files';
import {
	FEED_DEFINITIONS,
	MappingError,
	TEMPLATE_FILE_NAME,
	applyMappings,
	buildMappingTemplate,
	rowsFromObjects,
	type CanonicalRecord,
	type Feed,
	type Mapping,
	type MappingInput,
	type MappingSummary,
	type Rejection,
} from '../../lib/mapping';
import { mappingCounts, orderValue, type MappingCounts } from '../../lib/state';
import { binaryFile } from '../shared/binary-data';
import { errorJson } from '../shared/node-errors';
import { SYSTEM_OWNER, openState, recordInLedger, syncStateFault } from '../shared/sync-state';
import { MAPPING_APPLY_OUTPUTS, RecordOutputs, splitsByFeed } from './feed-outputs';
import { MappingLoader } from './mapping-loader';
import { mappingApplyProperties } from './properties';
import { suggestMappings } from './suggest-operation';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Outputs {
	records: RecordOutputs;
	rejected: INodeExecutionData[];
	summaries: INodeExecutionData[];
	/** Each source's counts, for the reconciliation ledger. */
	ledger: Array<{ file: string; counts: MappingCounts }>;
}

export class MappingApply implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mapping Apply',
		name: 'mappingApply',
		icon: { light: 'file:mappingApply.svg', dark: 'file:mappingApply.dark.svg' },
		group: ['transform'],
		version: [1],
		subtitle:
			'={{ $parameter["operation"] === "template" ? "Get mapping template" : ' +
			'$parameter["operation"] === "suggest" ? "Suggest mapping" : $parameter["feed"] + " records" }}',
		description:
			'Turns POS export rows into customer, product and order records, using a mapping workbook',
		defaults: { name: 'Mapping Apply' },
		inputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		// Records, Rejected, Summary, and with Split by Feed one output per feed after them.
		outputs: MAPPING_APPLY_OUTPUTS,
		properties: mappingApplyProperties,
	};

	methods = {
		loadOptions: {
			async getTargetFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const feed = this.getCurrentNodeParameter('feed') as Feed;
				const fields = FEED_DEFINITIONS[feed]?.fields ?? [];
				return [
					...fields.map((field) => ({
						name: field.name,
						value: field.name,
						description: field.description,
					})),
					{
						name: 'Custom Field…',
						value: 'custom',
						description: 'Keep a column the record has no field for, under "custom"',
					},
				];
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (this.getNodeParameter('operation', 0) === 'suggest')
			return [await suggestMappings(this), [], []];
		if (this.getNodeParameter('operation', 0) === 'template') {
			const binary = await this.helpers.prepareBinaryData(
				buildMappingTemplate(),
				TEMPLATE_FILE_NAME,
				XLSX_MIME,
			);
			return [
				[{ json: { file: TEMPLATE_FILE_NAME }, binary: { data: binary }, pairedItem: { item: 0 } }],
				[],
				[],
			];
		}

		const outputs: Outputs = {
			records: new RecordOutputs(splitsByFeed(this)),
			rejected: [],
			summaries: [],
			ledger: [],
		};
		const loader = new MappingLoader(this);
		if (this.getNodeParameter('input', 0) === 'items') {
			const file =
				(this.getNodeParameter('sourceName', 0, 'input items') as string) || 'input items';
			const open = async () => ({
				mappings: await loader.mappingsFor(0),
				rows: rowsFromObjects(items.map((item) => item.json)),
			});
			await mapSource(this, outputs, 0, file, open, (line) => line - 1);
		} else {
			for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
				const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
				const fileName =
					items[itemIndex].binary?.[property]?.fileName ??
					(items[itemIndex].json.name as string | undefined) ??
					`item ${itemIndex + 1}`;
				await mapSource(
					this,
					outputs,
					itemIndex,
					fileName,
					async () => {
						const mappings = await loader.mappingsFor(itemIndex);
						const source = await binaryFile(this, itemIndex, property, fileName);
						const { encoding, delimiter, sheetName } = mappings[0].settings;
						return {
							mappings,
							rows: readRowBatches(source, { fileName, encoding, delimiter, sheetName }),
						};
					},
					() => itemIndex,
				);
			}
		}
		if (recordsInLedger(this)) {
			const fault = await writeLedger(this, outputs.ledger);
			if (fault) {
				if (!this.continueOnFail()) throw fault;
				// The records are good and go on; the Summary says the ledger does not have them.
				outputs.summaries.push({
					json: { ...errorJson(fault), owner: SYSTEM_OWNER, ledger: 'not recorded' },
					pairedItem: { item: 0 },
				});
			}
		}
		return [
			outputs.records.records,
			outputs.rejected,
			outputs.summaries,
			...outputs.records.feedOutputs(),
		];
	}
}

/**
 * Maps one source (a file, or all the input items) and adds its results to the outputs only
 * once it has been read to the end, so a file that fails halfway leaves no partial records.
 */
async function mapSource(
	ctx: IExecuteFunctions,
	outputs: Outputs,
	itemIndex: number,
	file: string,
	open: () => Promise<{ mappings: Mapping[]; rows: MappingInput }>,
	itemOfLine: (line: number) => number,
) {
	const paired = (lines: number[]) => [...new Set(lines.map(itemOfLine))].map((item) => ({ item }));
	const batchItems: Array<{ item: INodeExecutionData; feed?: Feed }> = [];
	const rejected: INodeExecutionData[] = [];
	// One batcher per source (each feed of a several-feed file is a source of its own).
	const sources = new Map<
		string,
		{ batcher: RecordBatcher<CanonicalRecord>; values: Array<Record<string, unknown>> }
	>();
	const sourceOf = (name: string) => {
		let source = sources.get(name);
		if (!source) {
			const batcher = new RecordBatcher<CanonicalRecord>(name, async (info, data) => {
				const binary = await ctx.helpers.prepareBinaryData(
					data,
					`${name} batch ${info.batch}.ndjson`,
					BATCH_MIME,
				);
				// A batch of one feed of several names it where a record would (`_source.feed`).
				const source = info.feed ? { _source: { file: info.file, feed: info.feed } } : {};
				batchItems.push({
					item: {
						json: { record_batch: info as unknown as IDataObject, ...source },
						binary: { [BATCH_PROPERTY]: binary },
						pairedItem: { item: itemIndex },
					},
					feed: info.feed as Feed | undefined,
				});
			});
			source = { batcher, values: [] };
			sources.set(name, source);
		}
		return source;
	};
	try {
		const { mappings, rows } = await open();
		// A record or batch names its feed only when the file gave several.
		const feedOf = (feed: Feed | undefined) => feed ?? mappings[0].feed;
		const run = applyMappings(rows, mappings, file);
		let next = await run.next();
		while (!next.done) {
			for (const outcome of next.value) {
				if (outcome.kind === 'record') {
					const source = sourceOf(outcome.record._source.file);
					// The ledger's money per file: only what orderValue reads is kept of a record that goes on in a batch.
					if (orderValue(outcome.record))
						source.values.push({
							order_total: outcome.record.order_total,
							currency: outcome.record.currency,
						});
					await source.batcher.add(outcome.record);
				} else
					rejected.push({
						json: outcome.rejection as unknown as IDataObject,
						pairedItem: paired([outcome.rejection.line]),
					});
			}
			next = await run.next();
		}
		// A small source keeps one item per record; a large one is already in batch items.
		for (const source of sources.values()) {
			for (const record of await source.batcher.finish())
				outputs.records.push(
					{ json: record as IDataObject, pairedItem: paired(record._source.lines) },
					feedOf(record._source.feed),
				);
		}
		for (const { item, feed } of batchItems) outputs.records.push(item, feedOf(feed));
		for (const item of rejected) outputs.rejected.push(item);
		// Each feed of the file is a source of its own in the Summary and the ledger.
		next.value.forEach((summary, index) => {
			outputs.summaries.push({
				json: { ...summary, mapping: mappings[index].origin } as unknown as IDataObject,
				pairedItem: { item: itemIndex },
			});
			const feedRejected = rejected
				.map((item) => item.json as unknown as Rejection)
				.filter((rejection) => rejection.file === summary.file);
			outputs.ledger.push({
				file: summary.file,
				counts: mappingCounts(summary, feedRejected, sources.get(summary.file)?.values ?? []),
			});
		});
	} catch (error) {
		const failure = describeFailure(error, file);
		const feed = String(ctx.getNodeParameter('feed', itemIndex, ''));
		const ledgerEntry = failure && {
			file,
			counts: mappingCounts({ ...failure.summary, feed }, [failure.rejection], []),
		};
		if (!failure || !ctx.continueOnFail()) {
			// The ledger keeps why the file stopped, though the node fails and sends nothing on.
			const fault =
				ledgerEntry && recordsInLedger(ctx) ? await writeLedger(ctx, [ledgerEntry]) : undefined;
			const ledgerNote = fault
				? `The sync ledger could not record it: ${fault.message}`
				: undefined;
			if (ledgerNote && error instanceof NodeOperationError)
				error.description = [error.description, ledgerNote].filter(Boolean).join('\n');
			const message = failure?.rejection.message ?? ((error as Error).message || String(error));
			const description =
				[failure?.description, ledgerNote].filter(Boolean).join('\n') || undefined;
			throw error instanceof NodeOperationError
				? error
				: new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
		}
		outputs.rejected.push({
			json: failure.rejection as unknown as IDataObject,
			pairedItem: { item: itemIndex },
		});
		outputs.summaries.push({
			json: failure.summary as unknown as IDataObject,
			pairedItem: { item: itemIndex },
		});
		outputs.ledger.push(ledgerEntry!);
	}
}

function recordsInLedger(ctx: IExecuteFunctions): boolean {
	return ctx.getNodeParameter('options.recordInLedger', 0, true) !== false;
}

/** Writes the counts into the sync ledger; a state that cannot be opened or written is returned as a fault owned by "system". */
async function writeLedger(
	ctx: IExecuteFunctions,
	entries: Array<{ file: string; counts: MappingCounts }>,
): Promise<NodeOperationError | undefined> {
	if (entries.length === 0) return undefined;
	try {
		const state = await openState(ctx);
		try {
			await recordInLedger(ctx, state, entries);
		} finally {
			await state.close();
		}
		return undefined;
	} catch (error) {
		// openState's errors and the guarded state's are all the state's own faults.
		const reason =
			error instanceof NodeOperationError && error.description
				? `${error.message}. ${error.description}`
				: (error as Error).message;
		return syncStateFault(
			ctx.getNode(),
			'The mapping worked, but the sync ledger could not record it',
			{
				description: `Owner: system. ${reason} Ask whoever runs n8n to fix the sync state, or switch off Options → Record in Sync Ledger.`,
			},
		);
	}
}

/** A whole source that could not be mapped, as the Rejected and Summary outputs show it. */
function describeFailure(error: unknown, file: string) {
	const isMapping = error instanceof MappingError;
	if (!isMapping && !(error instanceof FileReadError) && !(error instanceof NodeOperationError))
		return undefined;
	const message = (error as Error).message;
	const rejection: Rejection = {
		file,
		line: 0,
		field: '(whole file)',
		column: '',
		rule: isMapping ? 'mapping.invalid' : 'file.unreadable',
		value: '',
		message,
		owner: isMapping ? 'mapping' : 'till data',
	};
	const summary = {
		file,
		rows_read: 0,
		records: 0,
		rejected: 0,
		rows_in_records: 0,
		balanced: false,
		error: message,
	} satisfies Partial<MappingSummary> & {
		error: string;
	};
	const description = isMapping
		? `Problems in ${error.origin}:\n${error.problems.map((problem) => `• ${problem}`).join('\n')}`
		: undefined;
	return { rejection, summary, description };
}
