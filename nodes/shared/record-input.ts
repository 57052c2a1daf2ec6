import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { BATCH_PROPERTY, readBatch, recordBatchInfo, type RecordBatchInfo } from '../../lib/files';
import { withSystemFault } from './node-errors';

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
 * Reads every batch through once, so that a damaged one stops the run before any record is sent
 * rather than part way through the file.
 */
export async function checkRecordBatches(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<void> {
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const info = batchOf(items[itemIndex]);
		if (!info) continue;
		for await (const record of recordsOfBatch(ctx, itemIndex, info)) void record;
	}
}

/**
 * The records, in order, `size` at a time (a batch may be split between two), with items of one
 * record each all in the first chunk, as the node has always sent them, in one go.
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
		for await (const record of recordsOfBatch(ctx, itemIndex, info)) {
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

/** A batch's records; a batch that cannot be read, or holds another number of records than it says, is an error. */
async function* recordsOfBatch(
	ctx: IExecuteFunctions,
	itemIndex: number,
	info: RecordBatchInfo,
): AsyncGenerator<Record<string, unknown>> {
	const name = `${info.file} batch ${info.batch}`;
	let count = 0;
	try {
		const binary = ctx.getInputData()[itemIndex].binary![BATCH_PROPERTY];
		const data = binary.id
			? await ctx.helpers.getBinaryStream(binary.id)
			: await ctx.helpers.getBinaryDataBuffer(itemIndex, BATCH_PROPERTY);
		for await (const record of readBatch(data, name)) {
			count += 1;
			yield record;
		}
	} catch (error) {
		const reason = (error as Error).message;
		throw unreadableBatch(
			ctx,
			itemIndex,
			reason.includes(name) ? reason : `Cannot read the batch ${name}: ${reason}`,
		);
	}
	if (count !== info.records)
		throw unreadableBatch(
			ctx,
			itemIndex,
			`The batch ${name} holds ${count} records, but Mapping Apply wrote ${info.records}`,
		);
}

/** Nobody's data: the file goes through when it is run again, so the POS File Trigger tries it again later. */
function unreadableBatch(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
): NodeOperationError {
	return withSystemFault(
		new NodeOperationError(ctx.getNode(), message, {
			itemIndex,
			description:
				"Owner: system. Nothing was sent: the records Mapping Apply handed on could not be read back from n8n's binary data storage. " +
				'Running the file again writes them afresh; if it happens again, check the disk n8n keeps its binary data on.',
		}),
		{ system: "n8n's binary data storage", cause: 'a batch of records could not be read back' },
	);
}

/** Where a record came from, as its Done item shows it. */
export function sourceOf(record: Record<string, unknown>): IDataObject {
	return record._source ? { _source: record._source as IDataObject } : {};
}
