/**
 * The product feed from Khaos to a web store: which products changed since a cursor (revisions and,
 * optionally, stock movements, from GetStockList), turned into web products (ExportStock in chunks,
 * with SCS children, ExportStockStatus levels and web categories). How the cursor never loses or
 * repeats a change: see feed-cursor.ts; the memory of codes already seen: seen-stock-codes.ts.
 */
import type { KhaosClient } from './client';
import { exportStockCompressedChunks } from './compressed';
import {
	DEFAULT_OVERLAP_SECONDS,
	KHAOS_ZERO_TIME,
	codeKey,
	khaosTime,
	productFingerprint,
	readStart,
	type DoneEntry,
	type FeedCursor,
} from './feed-cursor';
import { ScsChildDirectory, resolveScsChildren } from './scs-children';
import type { StockMappingType } from './settings';
import type { KhaosStockItem } from './stock';
import {
	categoryPathsByStockCode,
	indexStockStatus,
	type KhaosStockStatus,
	type StockListEntry,
} from './stock-status';
import { toWebProduct, type WebProduct } from './web-product';

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
	/** Fetch product data with ExportStockCompressed (ZIP), for large catalogues that time out. */
	compressed?: boolean;
}

export interface ChangeQuery {
	/** Also list items whose stock moved (GetStockList DateType 2), not only edited ones. Default true. */
	includeMovements?: boolean;
	/** How many seconds before the cursor each read reaches back (the guide's buffer). Default 300. */
	overlapSeconds?: number;
	/** List changes with GetStockListCompressed (ZIP). */
	compressed?: boolean;
}

// ---- what changed ----

/** Products changed at or after `since` (Khaos time), oldest change first, ties by stock code. SCS children count as their parent. */
export async function listChanges(
	client: KhaosClient,
	since: string,
	query: ChangeQuery = {},
): Promise<ChangedProduct[]> {
	const compressed = query.compressed === true;
	const revisions = await client.getStockList({ dateType: 0, since, compressed });
	const movements =
		query.includeMovements === false
			? []
			: await client.getStockList({ dateType: 2, since, compressed });
	return groupChanges(revisions, movements, since);
}

function groupChanges(
	revisions: readonly StockListEntry[],
	movements: readonly StockListEntry[],
	floor: string,
): ChangedProduct[] {
	const byProduct = new Map<string, ChangedProduct>();
	const add = (entry: StockListEntry, kind: ChangeKind): void => {
		const code = entry.parent_code ?? entry.stock_code;
		const at = changeTime(entry.last_updated, floor);
		const key = codeKey(code);
		const change = byProduct.get(key) ?? {
			stock_code: code,
			changed_at: at,
			last_updated: null,
			changes: [],
		};
		if (at > change.changed_at) change.changed_at = at;
		if (kind === 'revision' && (change.last_updated === null || at > change.last_updated))
			change.last_updated = at;
		if (!change.changes.includes(kind)) change.changes.push(kind);
		byProduct.set(key, change);
	};
	revisions.forEach((entry) => add(entry, 'revision'));
	movements.forEach((entry) => add(entry, 'movement'));
	return [...byProduct.values()].sort(
		(a, b) => compare(a.changed_at, b.changed_at) || compare(a.stock_code, b.stock_code),
	);
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
export async function webProducts(
	client: KhaosClient,
	codes: readonly string[],
	options: FeedProductOptions = {},
): Promise<WebProduct[]> {
	if (codes.length === 0) return [];
	const mappingType = options.mappingType ?? 1;
	const website = options.website?.trim() ?? '';
	const categories =
		website === ''
			? undefined
			: categoryPathsByStockCode(
					await client.exportWebCategories(website, { compressed: options.compressed === true }),
				);
	const products: WebProduct[] = [];
	const scsChildren =
		options.scsChildren ?? new ScsChildDirectory(client, options.compressed === true);
	const chunks = options.compressed
		? exportStockCompressedChunks(client, codes, { mappingType, chunkSize: options.chunkSize })
		: client.exportStockChunks(codes, { mappingType, chunkSize: options.chunkSize });
	for await (const chunk of chunks) {
		await resolveScsChildren(client, chunk, scsChildren, {
			chunkSize: options.chunkSize,
			compressed: options.compressed,
		});
		const stockStatus =
			options.includeStock === false
				? undefined
				: await stockStatusFor(client, chunk, options.siteId);
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
	return products.sort(
		(a, b) =>
			(order.get(codeKey(a.stock_code)) ?? Infinity) -
			(order.get(codeKey(b.stock_code)) ?? Infinity),
	);
}

async function stockStatusFor(
	client: KhaosClient,
	items: readonly KhaosStockItem[],
	siteId: number | undefined,
): Promise<Map<string, KhaosStockStatus>> {
	const codes = items
		.flatMap((item) => [
			item.stockCode,
			...(item.scs?.children ?? []).map((child) => child.stockCode),
		])
		.filter((code) => !code.includes(','));
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

interface Built {
	change: ChangedProduct;
	product?: WebProduct;
}

/**
 * Changed products since the cursor, at most `max` (0 = all), oldest change first, and the cursor
 * after them. The read reaches back by the overlap; products delivered in that window are built
 * again and delivered only if they differ from what was delivered.
 */
export async function changedProducts(
	client: KhaosClient,
	cursor: FeedCursor,
	options: FeedProductOptions & ChangeQuery & { max?: number } = {},
): Promise<ChangedProductsResult> {
	const overlap = options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
	const from = readStart(cursor, overlap);
	const changes = await listChanges(client, from, options);
	const done = new Map(Object.entries(cursor.done).map(([code, entry]) => [codeKey(code), entry]));
	const scsChildren =
		options.scsChildren ?? new ScsChildDirectory(client, options.compressed === true);
	const build = (list: readonly ChangedProduct[]): Promise<Built[]> =>
		buildChanges(client, list, { ...options, scsChildren });

	const rebuilt = await build(changes.filter((change) => done.has(codeKey(change.stock_code))));
	const unchanged = rebuilt.filter(
		({ change, product }) =>
			fingerprintOf(product) === done.get(codeKey(change.stock_code))?.fingerprint,
	);
	const again = new Map(
		rebuilt.filter((built) => !unchanged.includes(built)).map((built) => [built.change, built]),
	);
	const candidates = changes.filter(
		(change) => !unchanged.some((built) => built.change === change),
	);
	const max = options.max && options.max > 0 ? options.max : Infinity;
	const taken = candidates.slice(0, max);
	const fresh = await build(taken.filter((change) => !again.has(change)));
	const delivered = taken.map(
		(change) => again.get(change) ?? fresh.find((built) => built.change === change) ?? { change },
	);

	const since = delivered.reduce(
		(latest, { change }) => (change.changed_at > latest ? change.changed_at : latest),
		cursor.since,
	);
	const next: Record<string, DoneEntry> = {};
	const keep = (code: string, entry: DoneEntry): void => {
		next[codeKey(code)] = entry;
	};
	for (const [code, entry] of done) keep(code, entry);
	for (const { change, product } of unchanged)
		keep(change.stock_code, {
			fingerprint: fingerprintOf(product),
			at: latest(done.get(codeKey(change.stock_code))?.at, change.changed_at),
		});
	for (const { change, product } of delivered)
		keep(change.stock_code, { fingerprint: fingerprintOf(product), at: change.changed_at });
	const nextCursor: FeedCursor = {
		since,
		done: {},
		...(cursor.floor === undefined ? {} : { floor: cursor.floor }),
	};
	const window = readStart(nextCursor, overlap);
	nextCursor.done = Object.fromEntries(
		Object.entries(next).filter(([, entry]) => entry.at >= window),
	);
	return {
		products: delivered
			.map(({ product }) => product)
			.filter((product): product is WebProduct => product !== undefined),
		delivered: delivered.map(({ change }) => change),
		cursor: nextCursor,
		remaining: candidates.length - taken.length,
	};
}

async function buildChanges(
	client: KhaosClient,
	list: readonly ChangedProduct[],
	options: FeedProductOptions,
): Promise<Built[]> {
	if (list.length === 0) return [];
	const lastUpdated = new Map(
		list.map((change) => [codeKey(change.stock_code), change.last_updated]),
	);
	const built = await webProducts(
		client,
		list.map((change) => change.stock_code),
		{ ...options, mappingType: 1, lastUpdated },
	);
	const byCode = new Map(built.map((product) => [codeKey(product.stock_code), product]));
	return list.map((change) => ({ change, product: byCode.get(codeKey(change.stock_code)) }));
}

/** '' for a product Khaos no longer exports, so it is reported once, not at every read. */
function fingerprintOf(product: WebProduct | undefined): string {
	return product ? productFingerprint(product) : '';
}

function latest(a: string | undefined, b: string): string {
	return a !== undefined && a > b ? a : b;
}

/**
 * Where Khaos is now, for a first poll that delivers nothing: the newest revision or stock movement
 * of any item, with the products changed inside the overlap window before it fingerprinted (so the
 * next read, which reaches back into that window, does not send them), and every product's code
 * (to remember as already seen).
 */
export async function currentPosition(
	client: KhaosClient,
	options: FeedProductOptions & ChangeQuery = {},
): Promise<{ cursor: FeedCursor; codes: string[] }> {
	const compressed = options.compressed === true;
	const revisions = await client.getStockList({ dateType: 0, since: KHAOS_ZERO_TIME, compressed });
	const movements =
		options.includeMovements === false
			? []
			: await client.getStockList({ dateType: 2, since: KHAOS_ZERO_TIME, compressed });
	const all = groupChanges(revisions, movements, KHAOS_ZERO_TIME);
	const since = all.reduce(
		(newest, change) => (change.changed_at > newest ? change.changed_at : newest),
		KHAOS_ZERO_TIME,
	);
	const window = readStart({ since, done: {} }, options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS);
	const recent = await buildChanges(
		client,
		all.filter((change) => change.changed_at >= window),
		options,
	);
	const done = Object.fromEntries(
		recent.map(({ change, product }) => [
			codeKey(change.stock_code),
			{ fingerprint: fingerprintOf(product), at: change.changed_at },
		]),
	);
	return { cursor: { since, done }, codes: all.map((change) => change.stock_code) };
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
	const lastUpdated = new Map(
		newest.map((change) => [codeKey(change.stock_code), change.last_updated]),
	);
	return await webProducts(
		client,
		newest.map((change) => change.stock_code),
		{ ...options, mappingType: 1, lastUpdated },
	);
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
