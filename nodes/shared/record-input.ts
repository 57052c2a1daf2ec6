import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { BATCH_PROPERTY, readBatch, recordBatchInfo, type RecordBatchInfo } from '../../lib/files';

/**
 * Records a node sends in one go: a batched file is sent this many records at a time, so memory stays
 * bounded. One full round of contact imports (12 at once of 2,000), three of insight imports (2 of
 * 4,000): records then live only as long as the imports that carry them.
 */
export const RECORDS_PER_SEND = 24_000;

/** Some of the records a node received: items of one record each, or Mapping Apply's batches opened. */
export interface RecordChunk {
	records: Array<Record<string, unknown>>;
	/** The input item each record came in (its batch's item for a batched record). */
	itemOf: number[];
}

/** What the input holds before any batch is opened: whether it is batched, and records per source file. */
export interface RecordInputPlan {
	batched: boolean;
	total: number;
	perFile: Map<string, number>;
}

function batchOf(item: INodeExecutionData): RecordBatchInfo | undefined {
	const info = recordBatchInfo(item.json);
	return info && item.binary?.[BATCH_PROPERTY] ? info : undefined;
}

export function planRecordInput(
	items: INodeExecutionData[],
	fileWithoutSource: string,
): RecordInputPlan {
	const plan: RecordInputPlan = { batched: false, total: 0, perFile: new Map() };
	for (const item of items) {
		const info = batchOf(item);
		const source = item.json._source as { file?: unknown } | undefined;
		const file = info?.file ?? (typeof source?.file === 'string' ? source.file : fileWithoutSource);
		const count = info?.records ?? 1;
		plan.batched ||= info !== undefined;
		plan.total += count;
		plan.perFile.set(file, (plan.perFile.get(file) ?? 0) + count);
	}
	return plan;
}

/**
 * The records, in order, `size` at a time: a batch is read and checked whole before any of its
 * records goes, and items of one record each all come in the first chunk (as the node has always
 * sent them, in one go).
 */
export async function* readRecordChunks(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	size = RECORDS_PER_SEND,
): AsyncGenerator<RecordChunk> {
	let chunk: RecordChunk = { records: [], itemOf: [] };
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		const info = batchOf(item);
		if (!info) {
			chunk.records.push(item.json);
			chunk.itemOf.push(itemIndex);
			continue;
		}
		for (const record of await readOneBatch(ctx, itemIndex, info)) {
			chunk.records.push(record);
			chunk.itemOf.push(itemIndex);
			if (chunk.records.length >= size) {
				yield chunk;
				chunk = { records: [], itemOf: [] };
			}
		}
	}
	if (chunk.records.length > 0) yield chunk;
}

async function readOneBatch(
	ctx: IExecuteFunctions,
	itemIndex: number,
	info: RecordBatchInfo,
): Promise<Array<Record<string, unknown>>> {
	const binary = ctx.getInputData()[itemIndex].binary![BATCH_PROPERTY];
	const name = `${info.file} batch ${info.batch}`;
	const data = binary.id
		? await ctx.helpers.getBinaryStream(binary.id)
		: await ctx.helpers.getBinaryDataBuffer(itemIndex, BATCH_PROPERTY);
	const records: Array<Record<string, unknown>> = [];
	try {
		for await (const record of readBatch(data, name)) records.push(record);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			itemIndex,
			description:
				'The batch Mapping Apply wrote is damaged; run the file through Mapping Apply again.',
		});
	}
	if (records.length !== info.records) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The batch ${name} holds ${records.length} records, but Mapping Apply wrote ${info.records}`,
			{ itemIndex, description: 'Run the file through Mapping Apply again.' },
		);
	}
	return records;
}

/** Where a record came from, as its Done item shows it. */
export function sourceOf(record: Record<string, unknown>): IDataObject {
	return record._source ? { _source: record._source as IDataObject } : {};
}
