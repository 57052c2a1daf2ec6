import { RecordBatcher, readBatch, type RecordBatchInfo } from '../../../lib/files/record-batches';

type Rec = Record<string, unknown> & { _source: { file: string; lines: number[] } };

const record = (line: number, extra: Record<string, unknown> = {}): Rec => ({
	email: `shopper${line}@example.co.uk`,
	...extra,
	_source: { file: 'Customers.csv', lines: [line] },
});

async function collect(batcher: RecordBatcher<Rec>, records: Rec[]) {
	for (const each of records) await batcher.add(each);
	return batcher.finish();
}

async function read(data: Buffer): Promise<Array<Record<string, unknown>>> {
	const out: Array<Record<string, unknown>> = [];
	for await (const each of readBatch(data, 'test')) out.push(each);
	return out;
}

describe('RecordBatcher', () => {
	it('keeps a source of up to the threshold as records, with no batch', async () => {
		const flushed: RecordBatchInfo[] = [];
		const batcher = new RecordBatcher<Rec>(
			'Customers.csv',
			async (info) => void flushed.push(info),
			3,
			3,
		);
		const records = [1, 2, 3].map((line) => record(line));
		expect(await collect(batcher, records)).toEqual(records);
		expect(flushed).toEqual([]);
		expect(batcher.batched).toBe(false);
	});

	it('past the threshold puts every record, the held ones too, in batches that read back the same', async () => {
		const batches: Array<{ info: RecordBatchInfo; data: Buffer }> = [];
		const batcher = new RecordBatcher<Rec>(
			'Customers.csv',
			async (info, data) => void batches.push({ info, data }),
			3,
			3,
		);
		// Multi-byte text, and a record far longer than the batch's first buffer.
		const records = [2, 3, 4, 5, 6, 7, 8].map((line) =>
			record(line, line === 5 ? { notes: 'é€😀'.repeat(300_000) } : { name: 'Zoë Ó Súilleabháin' }),
		);
		expect(await collect(batcher, records)).toEqual([]);
		expect(batches.map((batch) => batch.info)).toEqual([
			{ file: 'Customers.csv', batch: 1, records: 3, first_line: 2, last_line: 4 },
			{ file: 'Customers.csv', batch: 2, records: 3, first_line: 5, last_line: 7 },
			{ file: 'Customers.csv', batch: 3, records: 1, first_line: 8, last_line: 8 },
		]);
		const back = [];
		for (const batch of batches) back.push(...(await read(batch.data)));
		expect(back).toEqual(records);
	});
});
