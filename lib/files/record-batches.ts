/**
 * Records in batches, for files too large to pass between nodes one item per record. A batch is
 * the records as newline-delimited JSON (one record a line), so the node can store it as a file
 * beside the execution instead of in it, and the next node reads it back one record at a time.
 *
 * A file whose records never pass the threshold keeps one item per record: nothing changes for a
 * 40-row test file.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';

/** Records per batch, and the count a file's records must pass before they go in batches. */
export const RECORDS_PER_BATCH = 5000;

/** What a batch item's JSON says about the batch it carries. */
export interface RecordBatchInfo {
	/** The source file the records came from (as in each record's `_source.file`). */
	file: string;
	/** The feed of the records, when the export gave several (as each record's `_source.feed`). */
	feed?: string;
	/** 1 for the file's first batch. */
	batch: number;
	records: number;
	first_line: number;
	last_line: number;
}

export const BATCH_MIME = 'application/x-ndjson';
export const BATCH_PROPERTY = 'records';

type BatchRecord = Record<string, unknown> & {
	_source?: { file?: string; lines?: number[]; feed?: string };
};

/**
 * Collects one source's records. Until `threshold` records have come it holds them (`held`); past
 * it, every full batch goes to `flush` as NDJSON, and `finish` flushes the rest.
 */
export class RecordBatcher<R extends BatchRecord> {
	private readonly pending: R[] = [];
	private batches = 0;

	constructor(
		private readonly file: string,
		private readonly flush: (info: RecordBatchInfo, data: Buffer) => Promise<void>,
		private readonly size = RECORDS_PER_BATCH,
		private readonly threshold = RECORDS_PER_BATCH,
	) {}

	/** True once the source's records go in batches. */
	get batched(): boolean {
		return this.batches > 0;
	}

	async add(record: R): Promise<void> {
		this.pending.push(record);
		if (this.batched ? this.pending.length >= this.size : this.pending.length > this.threshold)
			await this.flushFull();
	}

	/** The records held for a small source (one item each); empty once the source went in batches. */
	async finish(): Promise<R[]> {
		if (!this.batched) return this.pending.splice(0);
		if (this.pending.length > 0) await this.send(this.pending.splice(0));
		return [];
	}

	private async flushFull(): Promise<void> {
		while (this.pending.length >= this.size) await this.send(this.pending.splice(0, this.size));
	}

	private async send(records: R[]): Promise<void> {
		this.batches += 1;
		let first = Infinity;
		let last = 0;
		for (const record of records) {
			for (const line of record._source?.lines ?? []) {
				first = Math.min(first, line);
				last = Math.max(last, line);
			}
		}
		const feed = records[0]?._source?.feed;
		const info: RecordBatchInfo = {
			file: records[0]?._source?.file ?? this.file,
			...(feed ? { feed } : {}),
			batch: this.batches,
			records: records.length,
			first_line: last ? first : 0,
			last_line: last,
		};
		await this.flush(info, encodeBatch(records));
	}
}

export function encodeBatch(records: readonly unknown[]): Buffer {
	return Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');
}

/** The batch info an item's JSON carries, or undefined when the item is a record of its own. */
export function recordBatchInfo(json: Record<string, unknown>): RecordBatchInfo | undefined {
	const info = json.record_batch as Partial<RecordBatchInfo> | undefined;
	if (
		!info ||
		typeof info !== 'object' ||
		typeof info.records !== 'number' ||
		typeof info.file !== 'string'
	)
		return undefined;
	return info as RecordBatchInfo;
}

/** A batch's records, read one line at a time; a line that is not a JSON object is an error naming the batch. */
export async function* readBatch(
	data: Buffer | Readable,
	name: string,
): AsyncGenerator<Record<string, unknown>> {
	const input = Buffer.isBuffer(data) ? Readable.from([data]) : data;
	let line = 0;
	for await (const text of createInterface({ input, crlfDelay: Infinity })) {
		line += 1;
		if (text.trim() === '') continue;
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			throw new Error(`Record ${line} of the batch ${name} is not readable JSON`);
		}
		if (!value || typeof value !== 'object' || Array.isArray(value))
			throw new Error(`Record ${line} of the batch ${name} is not a record`);
		yield value as Record<string, unknown>;
	}
}
