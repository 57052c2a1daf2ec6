/**
 * One record per customer and per product in a file. Exports made per sale carry the customer and
 * the product on every row; their rows merge into one record: a customer by customer ID (else by
 * email), a product by SKU. Later rows' filled-in values win, and the record names every line it
 * came from, so rows read still equals rows in records plus rejected.
 */
import { HeldRecords, type HoldingOptions } from './held-records';
import type { Feed } from './schema';

type MergeableRecord = Record<string, unknown> & { _source: { file: string; lines: number[] } };

export class RecordMerger<R extends MergeableRecord> {
	private readonly records: HeldRecords<R>;
	/** Rows that joined the record of an earlier row. */
	mergedRows = 0;

	constructor(
		private readonly feed: Feed,
		holding: HoldingOptions = {},
	) {
		this.records = new HeldRecords(holding);
	}

	private keyless = 0;

	/**
	 * Holds the record until the file ends, merged with any earlier one of the same customer or
	 * product. A record with nothing to merge on is held too, so that records keep the file's order.
	 */
	add(record: R): void {
		const key = mergeKey(this.feed, record);
		const earlier = key === undefined ? undefined : this.records.get(key);
		if (!earlier) this.records.add(key ?? `row\u0000${this.keyless++}`, record);
		else {
			mergeInto(earlier, record);
			this.mergedRows += record._source.lines.length;
		}
	}

	/** Every merged record, in the order their first rows came. */
	drain(): Generator<R, void, undefined> {
		return this.records.drain();
	}

	/** Lets go of the records held (and their temporary file) when the run stops early. */
	close(): void {
		this.records.close();
	}
}

function mergeKey(feed: Feed, record: MergeableRecord): string | undefined {
	const text = (value: unknown) =>
		value === undefined || value === null || value === '' ? undefined : String(value);
	if (feed === 'customer') {
		const id = text(record.customer_id);
		if (id !== undefined) return `id\u0000${id}`;
		const email = text(record.email);
		return email === undefined ? undefined : `email\u0000${email.toLowerCase()}`;
	}
	if (feed === 'product') {
		const sku = text(record.sku);
		return sku === undefined ? undefined : `sku\u0000${sku}`;
	}
	return undefined;
}

function mergeInto(target: MergeableRecord, later: MergeableRecord): void {
	for (const key of Object.keys(later)) {
		const value = later[key];
		if (key === '_source') target._source.lines.push(...later._source.lines);
		else if (key === 'custom')
			target.custom = {
				...(target.custom as Record<string, unknown> | undefined),
				...filledIn(value as Record<string, unknown>),
			};
		else if (value !== undefined && value !== null) target[key] = value;
		else if (value === null && target[key] === undefined) target[key] = null;
	}
}

function filledIn(values: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(values).filter(([, value]) => value !== undefined && value !== null),
	);
}
