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
 * it, each record is written as its NDJSON line as it comes, so the record itself is garbage at once
 * (a record held until its batch is full outlives the young generation and costs the old one), and
 * every full batch goes to `flush`; `finish` flushes the rest.
 */
export class RecordBatcher<R extends BatchRecord> {
	private held: R[] = [];
	/** The open batch's NDJSON, off the heap: a line as a string would outlive the young generation too. */
	private data = Buffer.alloc(0);
	private bytes = 0;
	private records = 0;
	private open?: Omit<RecordBatchInfo, 'batch' | 'records'>;
	private batches = 0;

	constructor(
		private readonly file: string,
		private readonly flush: (info: RecordBatchInfo, data: Buffer) => Promise<void>,
		private readonly size = RECORDS_PER_BATCH,
		private readonly threshold = RECORDS_PER_BATCH,
	) {}

	/** True once the source's records go in batches. */
	get batched(): boolean {
		return this.batches > 0 || this.records > 0;
	}

	async add(record: R): Promise<void> {
		if (!this.batched) {
			this.held.push(record);
			if (this.held.length <= this.threshold) return;
			for (const earlier of this.held.splice(0)) await this.write(earlier);
			return;
		}
		await this.write(record);
	}

	/** The records held for a small source (one item each); empty once the source went in batches. */
	async finish(): Promise<R[]> {
		if (!this.batched) return this.held.splice(0);
		if (this.records > 0) await this.send();
		return [];
	}

	private async write(record: R): Promise<void> {
		const source = record._source;
		const open = (this.open ??= {
			file: source?.file ?? this.file,
			...(source?.feed ? { feed: source.feed } : {}),
			first_line: 0,
			last_line: 0,
		});
		for (const line of source?.lines ?? []) {
			open.first_line = open.first_line ? Math.min(open.first_line, line) : line;
			open.last_line = Math.max(open.last_line, line);
		}
		const line = `${JSON.stringify(record)}\n`;
		const length = Buffer.byteLength(line, 'utf8');
		if (this.bytes + length > this.data.length) {
			const larger = Buffer.allocUnsafe(
				Math.max(this.data.length * 2, this.bytes + length, 1 << 20),
			);
			this.data.copy(larger, 0, 0, this.bytes);
			this.data = larger;
		}
		this.bytes += this.data.write(line, this.bytes, 'utf8');
		this.records += 1;
		if (this.records >= this.size) await this.send();
	}

	private async send(): Promise<void> {
		const { file, feed, first_line, last_line } = this.open!;
		const info: RecordBatchInfo = {
			file,
			...(feed ? { feed } : {}),
			batch: this.batches + 1,
			records: this.records,
			first_line,
			last_line,
		};
		const data = Buffer.from(this.data.subarray(0, this.bytes));
		this.bytes = 0;
		this.records = 0;
		this.open = undefined;
		this.batches += 1;
		await this.flush(info, data);
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
