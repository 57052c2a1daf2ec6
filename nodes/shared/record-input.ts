import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { BATCH_PROPERTY, readBatch, recordBatchInfo } from '../../lib/files';

/** The records a node received: items of one record each, and Mapping Apply's batches opened. */
export interface RecordInput {
	records: Array<Record<string, unknown>>;
	/** The input item each record came in (its batch's item for a batched record). */
	itemOf: number[];
	/** True when any of them came in a batch: the node then reports per file rather than per record. */
	batched: boolean;
}

export async function readRecordInput(ctx: IExecuteFunctions, items: INodeExecutionData[]): Promise<RecordInput> {
	const input: RecordInput = { records: [], itemOf: [], batched: false };
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		const info = recordBatchInfo(item.json);
		const binary = item.binary?.[BATCH_PROPERTY];
		if (!info || !binary) {
			input.records.push(item.json);
			input.itemOf.push(itemIndex);
			continue;
		}
		input.batched = true;
		const name = `${info.file} batch ${info.batch}`;
		const data = binary.id ? await ctx.helpers.getBinaryStream(binary.id) : await ctx.helpers.getBinaryDataBuffer(itemIndex, BATCH_PROPERTY);
		let count = 0;
		try {
			for await (const record of readBatch(data, name)) {
				input.records.push(record);
				input.itemOf.push(itemIndex);
				count += 1;
			}
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex, description: 'The batch Mapping Apply wrote is damaged; run the file through Mapping Apply again.' });
		}
		if (count !== info.records) {
			throw new NodeOperationError(ctx.getNode(), `The batch ${name} holds ${count} records, but Mapping Apply wrote ${info.records}`, { itemIndex, description: 'Run the file through Mapping Apply again.' });
		}
	}
	return input;
}

/** Where a record came from, as its Failed item shows it. */
export function sourceOf(record: Record<string, unknown>): IDataObject {
	return record._source ? { _source: record._source as IDataObject } : {};
}
