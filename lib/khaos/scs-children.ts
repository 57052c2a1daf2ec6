/**
 * The SCS children ExportStock leaves out. A real installation sends most size/colour parents with
 * their heading tree but without SCS_ITEM records, or with only some of them. The guide's way to the
 * rest: GetStockList with StockItemType 2 lists every SCS child with its ParentCode, and ExportStock
 * of those codes gives each child's own data. A child is placed on its parent's tree by its code,
 * which Khaos builds from the parent's code and the level suffixes (AMU15/SMPU + SMPU + 10 →
 * AMU15/SMPU-SMPU-10, in every real response).
 */
import type { KhaosClient } from './client';
import { exportStockCompressedChunks } from './compressed';
import type { StockListEntry } from './stock-status';
import type {
	KhaosScs,
	KhaosScsChild,
	KhaosScsLeaf,
	KhaosStockFields,
	KhaosStockItem,
} from './stock';

/** Delphi's zero date: "since the beginning". */
const ZERO_TIME = '1899-12-30T00:00:00';

/** Separators seen or plausible between a parent code and its level suffixes. */
const SEPARATORS = ['-', '', '/', '_', '.', ' '];

/**
 * Every SCS child in Khaos by parent code, listed once (GetStockList StockItemType 2) the first
 * time a parent needs it and then reused for the rest of the run.
 */
export class ScsChildDirectory {
	private listing: Promise<Map<string, StockListEntry[]>> | undefined;

	constructor(
		private readonly client: KhaosClient,
		private readonly compressed = false,
	) {}

	async childrenOf(parentCode: string): Promise<StockListEntry[]> {
		this.listing ??= this.client
			.getStockList({ dateType: 0, since: ZERO_TIME, itemType: 2, compressed: this.compressed })
			.then((entries) => {
				const byParent = new Map<string, StockListEntry[]>();
				for (const entry of entries) {
					if (entry.parent_code === null) continue;
					const list = byParent.get(codeKey(entry.parent_code)) ?? [];
					list.push(entry);
					byParent.set(codeKey(entry.parent_code), list);
				}
				return byParent;
			});
		return (await this.listing).get(codeKey(parentCode)) ?? [];
	}
}

/** True when the tree describes variants that came without their child item. */
export function hasMissingChildren(item: KhaosStockItem): boolean {
	return item.scs !== null && item.scs.leaves.some((leaf) => leaf.stockCode === null);
}

/**
 * Completes the SCS children of these items in place: children missing from ExportStock are found
 * through the directory and exported by code. Variants that still cannot be found, and children
 * that fit nowhere on the tree, are written to `scs.problems`.
 */
export async function resolveScsChildren(
	client: KhaosClient,
	items: readonly KhaosStockItem[],
	directory: ScsChildDirectory,
	options: { chunkSize?: number; compressed?: boolean } = {},
): Promise<void> {
	const incomplete = items.filter(hasMissingChildren);
	if (incomplete.length === 0) return;
	const placements = new Map<
		KhaosStockItem,
		Array<{ leaf: KhaosScsLeaf; entry: StockListEntry }>
	>();
	for (const item of incomplete) {
		const scs = item.scs as KhaosScs;
		const known = new Set(scs.children.map((child) => codeKey(child.stockCode)));
		const placed: Array<{ leaf: KhaosScsLeaf; entry: StockListEntry }> = [];
		for (const entry of await directory.childrenOf(item.stockCode)) {
			if (known.has(codeKey(entry.stock_code))) continue;
			const leaf = scs.leaves.find(
				(candidate) =>
					candidate.stockCode === null && fitsLeaf(item.stockCode, candidate, entry.stock_code),
			);
			if (leaf === undefined) {
				scs.problems.push(
					`Khaos lists ${entry.stock_code} as a child of ${item.stockCode}, but its code fits none of the ${treeNames(scs)} options`,
				);
				continue;
			}
			leaf.stockCode = entry.stock_code;
			placed.push({ leaf, entry });
		}
		placements.set(item, placed);
	}

	const codes = [...placements.values()]
		.flatMap((placed) => placed.map(({ entry }) => entry.stock_code))
		.filter((code) => !code.includes(','));
	const exported = new Map<string, KhaosStockItem>();
	const chunks = options.compressed
		? exportStockCompressedChunks(client, codes, { chunkSize: options.chunkSize })
		: client.exportStockChunks(codes, { chunkSize: options.chunkSize });
	for await (const chunk of chunks)
		for (const child of chunk) exported.set(codeKey(child.stockCode), child);

	for (const [item, placed] of placements) {
		const scs = item.scs as KhaosScs;
		const found = new Map<KhaosScsLeaf, KhaosScsChild>();
		for (const { leaf, entry } of placed) {
			const data = exported.get(codeKey(entry.stock_code));
			found.set(leaf, {
				...(data ? fieldsOf(data) : fieldsFromListing(item, entry)),
				options: leaf.options,
			});
		}
		const byCode = new Map(scs.children.map((child) => [codeKey(child.stockCode), child]));
		scs.children = scs.leaves
			.map(
				(leaf) =>
					found.get(leaf) ??
					(leaf.stockCode === null ? undefined : byCode.get(codeKey(leaf.stockCode))),
			)
			.filter((child): child is KhaosScsChild => child !== undefined);
		const missing = scs.leaves.filter((leaf) => leaf.stockCode === null);
		if (missing.length > 0) {
			const names = missing.map((leaf) =>
				leaf.options.map((option) => `${option.heading} ${option.value}`).join(', '),
			);
			scs.problems.push(
				`Khaos has no child item for ${missing.length} of the ${scs.leaves.length} variants in the size/colour tree: ${names.join('; ')}`,
			);
		}
	}
}

/** Whether a child code is the parent's code followed by this leaf's suffixes, with one separator throughout. */
export function fitsLeaf(parentCode: string, leaf: KhaosScsLeaf, childCode: string): boolean {
	const wanted = codeKey(childCode);
	const suffixes = leaf.options.map((option) => option.suffix);
	return SEPARATORS.some(
		(separator) => codeKey([parentCode, ...suffixes].join(separator)) === wanted,
	);
}

function fieldsOf(item: KhaosStockItem): KhaosStockFields {
	const {
		sellPriceIsNet: _net,
		manufacturer: _manufacturer,
		stockType: _type,
		scs: _scs,
		...fields
	} = item;
	return fields;
}

/** When Khaos lists a child but will not export it: what the listing says, the rest as the parent has it. */
function fieldsFromListing(parent: KhaosStockItem, entry: StockListEntry): KhaosStockFields {
	return {
		...fieldsOf(parent),
		stockCode: entry.stock_code,
		stockId: '',
		otherRef: entry.other_ref ?? '',
		description: entry.stock_desc,
		barcodes: [],
		imagePaths: [],
		linkedItems: [],
	};
}

function treeNames(scs: KhaosScs): string {
	return [...scs.headings.values()].join('/') || 'size/colour';
}

function codeKey(code: string): string {
	return code.trim().toUpperCase();
}
