/**
 * The product feed from Khaos to a web store: which products changed since a cursor (revisions and,
 * optionally, stock movements, from GetStockList), turned into web products (ExportStock in chunks,
 * with ExportStockStatus levels and web categories), and a bounded memory of the stock codes already
 * seen, which decides `needs_web_review`.
 *
 * Times: Khaos writes and reads times without a zone, on its own (UK) clock. The cursor keeps
 * Khaos's own times, so the n8n host's clock and zone never matter; a date typed with a zone is
 * converted to UK time first.
 *
 * Cursor: GetStockList returns items changed at or after DateValue, to the second, so the cursor is
 * the newest change time delivered plus the products already delivered at exactly that second, each
 * with a fingerprint of what was delivered. The next read starts at that second and builds those
 * products again: one that still matches its fingerprint is skipped, one that changed again within
 * that same second is delivered again. So nothing is missed, and nothing is sent twice unless it
 * changed.
 */
import { createHash } from 'node:crypto';

import { DateTime } from 'luxon';

import type { KhaosClient } from './client';
import type { StockMappingType } from './settings';
import type { KhaosStockItem } from './stock';
import { categoryPathsByStockCode, indexStockStatus, type KhaosStockStatus, type StockListEntry } from './stock-status';
import { ScsChildDirectory, resolveScsChildren } from './scs-children';
import { toWebProduct, type WebProduct } from './web-product';

/** Khaos Control runs on UK time. */
export const KHAOS_TIME_ZONE = 'Europe/London';

/** Delphi's zero date: "since the beginning", which lists every item. */
export const KHAOS_ZERO_TIME = '1899-12-30T00:00:00';

/** How many stock codes the first-seen memory keeps; the least recently seen are forgotten first. */
export const SEEN_CODES_LIMIT = 10_000;

export interface FeedCursor {
	/** Khaos time, yyyy-MM-ddTHH:mm:ss: the newest change already delivered. */
	since: string;
	/**
	 * Top-level stock codes already delivered whose change time is exactly `since`, each with the
	 * fingerprint of the product delivered ('' when unknown: the product is then delivered again).
	 */
	done: Record<string, string>;
}

export type ChangeKind = 'revision' | 'movement';

/** One product (a top-level stock item: a plain item, pack or SCS parent) that changed. */
export interface ChangedProduct {
	stock_code: string;
	/** Newest change of the item or its SCS children, Khaos time. */
	changed_at: string;
	/** Newest revision (edit) of the item or its children, when it was revised in the window. */
	last_updated: string | null;
	changes: ChangeKind[];
}

export interface FeedProductOptions {
	/** Add ExportStockStatus levels and statuses (needed for the run-to-zero rule). Default true. */
	includeStock?: boolean;
	/** Stock site for levels; -1 (default) adds up all sites. */
	siteId?: number;
	/** Add web category paths from this website's ExportWebCategories; none when blank. */
	website?: string | null;
	/** What the codes asked for are: 1 stock code (default), 2 other ref, 4 description. */
	mappingType?: StockMappingType;
	/** True when a stock code has never been seen before; becomes needs_web_review. */
	firstSeen?: (stockCode: string) => boolean;
	/** Revision times by stock code, for last_updated. */
	lastUpdated?: ReadonlyMap<string, string | null>;
	/** Codes per ExportStock call. Default 15. */
	chunkSize?: number;
	/** Where SCS children missing from ExportStock are looked up; one per run saves listing them twice. */
	scsChildren?: ScsChildDirectory;
}

export interface ChangeQuery {
	/** Also list items whose stock moved (GetStockList DateType 2), not only edited ones. Default true. */
	includeMovements?: boolean;
}

// ---- times and cursors ----

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * A time as Khaos reads and writes it: yyyy-MM-ddTHH:mm:ss on its own clock, to the second
 * (fractions are dropped, which only ever widens a "changed since" window). Accepts a date
 * (2024-05-01), a local date-time, a date-time with a zone (converted to UK time) or a Date.
 */
export function khaosTime(value: string | Date, zone: string = KHAOS_TIME_ZONE): string {
	if (value instanceof Date) {
		const time = DateTime.fromJSDate(value).setZone(zone);
		if (!time.isValid) throw new Error('Not a valid date');
		return time.toFormat("yyyy-MM-dd'T'HH:mm:ss");
	}
	const text = value.trim();
	const local = LOCAL_TIME.exec(text);
	if (local) {
		const [, year, month, day, hour = '00', minute = '00', second = '00'] = local;
		const time = DateTime.fromObject(
			{ year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) },
			{ zone: 'UTC' },
		);
		if (!time.isValid || time.day !== Number(day)) throw new Error(`"${text}" is not a real date`);
		return time.toFormat("yyyy-MM-dd'T'HH:mm:ss");
	}
	if (ZONED_TIME.test(text)) {
		const time = DateTime.fromISO(text.replace(' ', 'T').replace(/\s+/g, ''), { setZone: true });
		if (time.isValid) return time.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm:ss");
	}
	throw new Error(`"${text}" is not a date: use 2024-05-01 or 2024-05-01T10:30:00`);
}

/**
 * A cursor from its text: a date or date-time ("changed since then"), or what formatCursor wrote
 * (`2024-05-01T10:30:00|CODE1:fingerprint,CODE2:fingerprint`: products already delivered at exactly
 * that second). Stock codes cannot contain commas in Khaos's lists, so the list is unambiguous.
 */
export function parseCursor(text: string): FeedCursor {
	const trimmed = text.trim();
	if (trimmed === '') throw new Error('No date or cursor given');
	const bar = trimmed.indexOf('|');
	const since = khaosTime(bar < 0 ? trimmed : trimmed.slice(0, bar));
	const done: Record<string, string> = {};
	if (bar >= 0) {
		for (const entry of trimmed.slice(bar + 1).split(',')) {
			const colon = entry.lastIndexOf(':');
			const fingerprint = colon >= 0 && /^[0-9a-f]+$/.test(entry.slice(colon + 1).trim()) ? entry.slice(colon + 1).trim() : '';
			const code = (fingerprint === '' ? entry : entry.slice(0, colon)).trim();
			if (code !== '') done[code] = fingerprint;
		}
	}
	return { since, done };
}

export function formatCursor(cursor: FeedCursor): string {
	const done = Object.entries(cursor.done).map(([code, fingerprint]) => (fingerprint === '' ? code : `${code}:${fingerprint}`));
	return done.length === 0 ? cursor.since : `${cursor.since}|${done.join(',')}`;
}

/**
 * The cursor after delivering these products (changed_at from their changes): the newest second
 * delivered, with every product delivered at that second and its fingerprint.
 */
export function advanceCursor(cursor: FeedCursor, delivered: readonly { change: ChangedProduct; product?: WebProduct }[]): FeedCursor {
	if (delivered.length === 0) return cursor;
	const newest = delivered.reduce((latest, { change }) => (change.changed_at > latest ? change.changed_at : latest), cursor.since);
	const done: Record<string, string> = newest === cursor.since ? { ...cursor.done } : {};
	for (const { change, product } of delivered) {
		if (change.changed_at !== newest) continue;
		for (const code of Object.keys(done)) if (codeKey(code) === codeKey(change.stock_code)) delete done[code];
		done[change.stock_code] = product ? productFingerprint(product) : '';
	}
	return { since: newest, done };
}

/**
 * A short hash of what a web product says, leaving out what does not come from Khaos's data
 * (needs_web_review, last_updated): equal fingerprints mean nothing the web store uses has changed.
 */
export function productFingerprint(product: WebProduct): string {
	const { needs_web_review: _review, review_reasons: _reasons, last_updated: _updated, ...content } = product;
	return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12);
}

// ---- what changed ----

/** Products changed at or after `since` (Khaos time), oldest change first, ties by stock code. SCS children count as their parent. */
export async function listChanges(client: KhaosClient, since: string, query: ChangeQuery = {}): Promise<ChangedProduct[]> {
	const revisions = await client.getStockList({ dateType: 0, since });
	const movements = query.includeMovements === false ? [] : await client.getStockList({ dateType: 2, since });
	return groupChanges(revisions, movements, since);
}

function groupChanges(revisions: readonly StockListEntry[], movements: readonly StockListEntry[], floor: string): ChangedProduct[] {
	const byProduct = new Map<string, ChangedProduct>();
	const add = (entry: StockListEntry, kind: ChangeKind): void => {
		const code = entry.parent_code ?? entry.stock_code;
		const at = changeTime(entry.last_updated, floor);
		const key = codeKey(code);
		const change = byProduct.get(key) ?? { stock_code: code, changed_at: at, last_updated: null, changes: [] };
		if (at > change.changed_at) change.changed_at = at;
		if (kind === 'revision' && (change.last_updated === null || at > change.last_updated)) change.last_updated = at;
		if (!change.changes.includes(kind)) change.changes.push(kind);
		byProduct.set(key, change);
	};
	revisions.forEach((entry) => add(entry, 'revision'));
	movements.forEach((entry) => add(entry, 'movement'));
	return [...byProduct.values()].sort((a, b) => compare(a.changed_at, b.changed_at) || compare(a.stock_code, b.stock_code));
}

/** Khaos listed it, so it changed at or after the floor; an unreadable or earlier time counts as the floor. */
function changeTime(value: string | null, floor: string): string {
	if (value === null) return floor;
	try {
		const time = khaosTime(value);
		return time < floor ? floor : time;
	} catch {
		return floor;
	}
}

// ---- web products ----

/**
 * Web products for these codes: ExportStock a chunk at a time, each chunk with its stock levels,
 * plus category paths when a website is given. Codes Khaos does not export (unknown, or SCS
 * children, which only come inside their parent) give no product. Stock-code lookups keep the
 * order of `codes`; other lookups keep Khaos's order.
 */
export async function webProducts(client: KhaosClient, codes: readonly string[], options: FeedProductOptions = {}): Promise<WebProduct[]> {
	if (codes.length === 0) return [];
	const mappingType = options.mappingType ?? 1;
	const website = options.website?.trim() ?? '';
	const categories = website === '' ? undefined : categoryPathsByStockCode(await client.exportWebCategories(website));
	const products: WebProduct[] = [];
	const scsChildren = options.scsChildren ?? new ScsChildDirectory(client);
	for await (const chunk of client.exportStockChunks(codes, { mappingType, chunkSize: options.chunkSize })) {
		await resolveScsChildren(client, chunk, scsChildren, { chunkSize: options.chunkSize });
		const stockStatus = options.includeStock === false ? undefined : await stockStatusFor(client, chunk, options.siteId);
		for (const item of chunk) {
			products.push(
				toWebProduct(item, {
					firstSeen: options.firstSeen?.(item.stockCode) ?? false,
					stockStatus,
					categories,
					lastUpdated: options.lastUpdated?.get(codeKey(item.stockCode)) ?? null,
				}),
			);
		}
	}
	if (mappingType !== 1) return products;
	const order = new Map(codes.map((code, index) => [codeKey(code), index]));
	return products.sort((a, b) => (order.get(codeKey(a.stock_code)) ?? Infinity) - (order.get(codeKey(b.stock_code)) ?? Infinity));
}

async function stockStatusFor(client: KhaosClient, items: readonly KhaosStockItem[], siteId: number | undefined): Promise<Map<string, KhaosStockStatus>> {
	const codes = items.flatMap((item) => [item.stockCode, ...(item.scs?.children ?? []).map((child) => child.stockCode)]).filter((code) => !code.includes(','));
	if (codes.length === 0) return new Map();
	return indexStockStatus(await client.exportStockStatus(codes, { siteId: siteId ?? -1 }));
}

export interface ChangedProductsResult {
	products: WebProduct[];
	/** The changes delivered (products holds the ones Khaos could still export). */
	delivered: ChangedProduct[];
	/** Where the next read should start. */
	cursor: FeedCursor;
	/** Changes left for a later read because of `max`. */
	remaining: number;
}

/**
 * Changed products since the cursor, at most `max` (0 = all), and the cursor after them. Products
 * the cursor says were delivered at its second are built again and delivered only if they differ
 * from what was delivered.
 */
export async function changedProducts(
	client: KhaosClient,
	cursor: FeedCursor,
	options: FeedProductOptions & ChangeQuery & { max?: number } = {},
): Promise<ChangedProductsResult> {
	const changes = await listChanges(client, cursor.since, options);
	const doneFingerprint = new Map(Object.entries(cursor.done).map(([code, fingerprint]) => [codeKey(code), fingerprint]));
	const isRecheck = (change: ChangedProduct): boolean => change.changed_at === cursor.since && doneFingerprint.has(codeKey(change.stock_code));
	const build = async (list: readonly ChangedProduct[]): Promise<{ change: ChangedProduct; product?: WebProduct }[]> => {
		const lastUpdated = new Map(list.map((change) => [codeKey(change.stock_code), change.last_updated]));
		const built = await webProducts(
			client,
			list.map((change) => change.stock_code),
			{ ...options, mappingType: 1, lastUpdated },
		);
		const byCode = new Map(built.map((product) => [codeKey(product.stock_code), product]));
		return list.map((change) => ({ change, product: byCode.get(codeKey(change.stock_code)) }));
	};

	const max = options.max && options.max > 0 ? options.max : Infinity;
	const rechecked = (await build(changes.filter(isRecheck))).filter(
		({ change, product }) => product !== undefined && productFingerprint(product) !== doneFingerprint.get(codeKey(change.stock_code)),
	);
	const fresh = changes.filter((change) => !isRecheck(change));
	const again = rechecked.slice(0, max);
	const taken = fresh.slice(0, Math.max(0, max - again.length));
	const position = new Map(changes.map((change, index) => [change, index]));
	const delivered = [...again, ...(await build(taken))].sort((a, b) => (position.get(a.change) ?? 0) - (position.get(b.change) ?? 0));
	return {
		products: delivered.map(({ product }) => product).filter((product): product is WebProduct => product !== undefined),
		delivered: delivered.map(({ change }) => change),
		cursor: advanceCursor(cursor, delivered),
		remaining: rechecked.length - again.length + fresh.length - taken.length,
	};
}

/**
 * Where Khaos is now: the cursor just past every change so far, and every product's code (to
 * remember as already seen). Lists the whole catalogue once with GetStockList, and builds only the
 * few products changed in the newest second, for their fingerprints.
 */
export async function currentPosition(
	client: KhaosClient,
	options: FeedProductOptions & ChangeQuery = {},
): Promise<{ cursor: FeedCursor; codes: string[] }> {
	const revisions = await client.getStockList({ dateType: 0, since: KHAOS_ZERO_TIME });
	const all = groupChanges(revisions, [], KHAOS_ZERO_TIME);
	const newestRevision = all.reduce((latest, change) => (change.changed_at > latest ? change.changed_at : latest), KHAOS_ZERO_TIME);
	const changes = options.includeMovements === false ? all : await listChanges(client, newestRevision, options);
	const newest = changes.reduce((latest, change) => (change.changed_at > latest ? change.changed_at : latest), KHAOS_ZERO_TIME);
	const atNewest = changes.filter((change) => change.changed_at === newest);
	const built = await webProducts(
		client,
		atNewest.map((change) => change.stock_code),
		{ ...options, mappingType: 1 },
	);
	const byCode = new Map(built.map((product) => [codeKey(product.stock_code), product]));
	const cursor = advanceCursor(
		{ since: KHAOS_ZERO_TIME, done: {} },
		atNewest.map((change) => ({ change, product: byCode.get(codeKey(change.stock_code)) })),
	);
	return { cursor, codes: all.map((change) => change.stock_code) };
}

/**
 * Up to `size` of the most recently changed products, newest first: what a test run shows. Looks at
 * the last 30 days first and at the whole catalogue only when that finds too few.
 */
export async function sampleChangedProducts(
	client: KhaosClient,
	size: number,
	options: FeedProductOptions & ChangeQuery & { now?: Date } = {},
): Promise<WebProduct[]> {
	const recent = khaosTime(new Date((options.now ?? new Date()).getTime() - 30 * 24 * 3600 * 1000));
	let changes = await listChanges(client, recent, options);
	if (changes.length < size) changes = await listChanges(client, KHAOS_ZERO_TIME, options);
	const newest = changes.slice(-Math.max(1, size)).reverse();
	const lastUpdated = new Map(newest.map((change) => [codeKey(change.stock_code), change.last_updated]));
	return await webProducts(
		client,
		newest.map((change) => change.stock_code),
		{ ...options, mappingType: 1, lastUpdated },
	);
}

// ---- first seen ----

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
		this.codes = new Set(Array.isArray(stored) ? stored.filter((code): code is string => typeof code === 'string') : []);
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

/** Stock codes match case-insensitively in Khaos. */
function codeKey(code: string): string {
	return code.trim().toUpperCase();
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
