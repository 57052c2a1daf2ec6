/**
 * Which stock codes the product feed has seen before: a product never seen is flagged
 * `needs_web_review`.
 */
import { codeKey } from './feed-cursor';

/** How many stock codes the first-seen memory keeps; the least recently seen are forgotten first. */
export const SEEN_CODES_LIMIT = 10_000;

/**
 * The stock codes seen before, kept in a small plain object (n8n's workflow static data), most
 * recently seen last. Beyond `limit` codes the least recently seen are forgotten, so memory stays
 * bounded; a forgotten product that changes again is flagged for review again.
 */
export class SeenStockCodes {
	private readonly codes: Set<string>;

	constructor(
		private readonly store: Record<string, unknown>,
		private readonly limit: number = SEEN_CODES_LIMIT,
		private readonly key = 'seenStockCodes',
	) {
		const stored = store[key];
		this.codes = new Set(
			Array.isArray(stored)
				? stored.filter((code): code is string => typeof code === 'string')
				: [],
		);
	}

	get size(): number {
		return this.codes.size;
	}

	has(stockCode: string): boolean {
		return this.codes.has(codeKey(stockCode));
	}

	/** Remembers the codes as the most recently seen and saves the set back into the store. */
	remember(stockCodes: Iterable<string>): void {
		for (const code of stockCodes) {
			const key = codeKey(code);
			if (key === '') continue;
			this.codes.delete(key);
			this.codes.add(key);
		}
		const kept = [...this.codes].slice(-this.limit);
		if (kept.length < this.codes.size) {
			this.codes.clear();
			kept.forEach((code) => this.codes.add(code));
		}
		this.store[this.key] = kept;
	}
}
