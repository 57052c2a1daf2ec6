/** ExportStock items as web-friendly products: prices, variants, tags, visibility by the guide's rules. */
import { mostAvailable, type KhaosStockStatus, type StockStatusInfo } from './stock-status';
import {
	isNullWord,
	unique,
	type KhaosScsChild,
	type KhaosStockFields,
	type KhaosStockItem,
	type KhaosUserDefined,
} from './stock';
import { nonBlank, parseKhaosBoolean } from './values';

export type UnpublishedReason =
	'deleted' | 'run_to_zero_out_of_stock' | 'no_published_variants' | 'variants_unresolved';

/** A product as the web store wants it, keyed by Khaos Stock Code. */
export interface WebProduct {
	stock_code: string; // Khaos Stock Code: the key between Khaos and the web store
	stock_id: string; // Khaos's internal stock ID
	other_ref: string | null; // Khaos Other Ref (ASSOCIATED_REF)
	name: string; // Stock Desc
	summary: string | null; // WEB teaser
	description: string | null; // Long Desc
	price: number | null; // Sell Price Web when above 0, else Sell Price
	price_is_net: boolean | null; // true when the price excludes VAT (SELL_PRICE IS_NET=-1)
	price_source: 'web' | 'standard' | null; // which of the two prices `price` is
	vat_rate: number | null; // VAT percentage, e.g. 20
	brand: string | null; // Manufacturer
	barcodes: string[]; // barcodes of the item itself
	variants: WebProductVariant[]; // SCS children (size/colour/style), [] for plain items
	tags: string[]; // UDAs with a value: "Name: value", or "Name" for a yes/no that is yes
	categories: string[]; // web category paths ("Shoes > Sandals") this item or its variants are in
	pack_components: PackComponent[]; // what a static bundle (Pack) contains; [] when not a pack
	images: string[]; // image file names without their Khaos folder, in Khaos's order
	stock_level: number | null; // available level from ExportStockStatus; for SCS parents the variants' total
	stock_status: StockStatusInfo | null; // ExportStockStatus STATUS with its meaning; for SCS parents the most available variant's
	published: boolean; // false when the guide says not to sell it online
	unpublished_reason: UnpublishedReason | null; // why `published` is false
	needs_web_review: boolean; // someone should check it on the web: first time seen, or variants Khaos could not give
	review_reasons: string[]; // why needs_web_review is set
	last_updated: string | null; // Khaos's last revision date (from GetStockList), when known
}

export interface WebProductVariant {
	stock_code: string; // the child's own Stock Code (what orders must use)
	stock_id: string; // Khaos's internal stock ID
	name: string; // Khaos's description, "Null" levels replaced by their code suffix
	size: string | null; // value of the level headed "Size"
	colour: string | null; // value of the level headed "Colour"/"Color"
	style: string | null; // value of the level headed "Style"
	options: Record<string, string>; // every level: heading → value
	price: number | null; // as for the product, falling back to the parent's
	price_source: 'web' | 'standard' | null; // which price `price` is
	barcodes: string[]; // the child's barcodes
	stock_level: number | null; // from ExportStockStatus, when given
	stock_status: StockStatusInfo | null; // from ExportStockStatus, when given
	published: boolean; // the guide's rules applied to the child
}

export interface PackComponent {
	stock_code: string; // a stock item inside the pack
	qty: number; // how many of it the pack holds
}

export interface WebProductOptions {
	/** True the first time this stock code is seen; becomes `needs_web_review`. */
	firstSeen?: boolean;
	/** ExportStockStatus results by stock code (see indexStockStatus). */
	stockStatus?: ReadonlyMap<string, KhaosStockStatus>;
	/** Category paths by stock code (see categoryPathsByStockCode). */
	categories?: ReadonlyMap<string, readonly string[]>;
	/** GetStockList's LastUpdated for this item. */
	lastUpdated?: string | null;
}

/**
 * Turns an ExportStock item into a web product. Visibility follows the guide: hidden when DELETED
 * is -1, or when RUN_TO_ZERO is -1 and the level is 0 or below. Without a known level the
 * run-to-zero rule cannot apply, so pass stockStatus for run-to-zero items.
 */
export function toWebProduct(item: KhaosStockItem, options: WebProductOptions = {}): WebProduct {
	const status = options.stockStatus?.get(item.stockCode);
	const price = choosePrice(item);
	const variants = (item.scs?.children ?? []).map((child) => toVariant(child, item, options));
	const isScsParent = (item.scs?.leaves.length ?? 0) > 0 || variants.length > 0;
	// An SCS parent is a template that holds no stock itself: its variants' figures are what count.
	const stockLevel = isScsParent ? sumLevels(variants) : (status?.level ?? null);
	const stockStatus = isScsParent
		? mostAvailable(variants.map((variant) => variant.stock_status))
		: (status?.status ?? null);
	const unpublishedReason =
		publishBlocker(item, stockLevel) ?? variantBlocker(isScsParent, variants);
	const reviewReasons = [
		...(options.firstSeen === true ? ['first time this product is seen'] : []),
		...(item.scs?.problems ?? []),
	];
	const codes = [item.stockCode, ...variants.map((variant) => variant.stock_code)];
	return {
		stock_code: item.stockCode,
		stock_id: item.stockId,
		other_ref: nonBlank(item.otherRef),
		name: item.description,
		summary: nonBlank(item.webTeaser),
		description: nonBlank(item.longDesc),
		price: price.price,
		price_is_net: item.sellPriceIsNet,
		price_source: price.source,
		vat_rate: item.vatRate,
		brand: nonBlank(item.manufacturer),
		barcodes: item.barcodes,
		variants,
		tags: udaTags(item.userDefined),
		categories: unique(codes.flatMap((code) => options.categories?.get(code) ?? [])),
		pack_components: item.linkedItems
			.filter((link) => link.linkType === 3)
			.map((link) => ({ stock_code: link.stockCode, qty: link.linkValue ?? 1 })),
		images: unique(item.imagePaths.map(fileNameOf)),
		stock_level: stockLevel,
		stock_status: stockStatus,
		published: unpublishedReason === null,
		unpublished_reason: unpublishedReason,
		needs_web_review: reviewReasons.length > 0,
		review_reasons: reviewReasons,
		last_updated: options.lastUpdated ?? null,
	};
}

function toVariant(
	child: KhaosScsChild,
	parent: KhaosStockItem,
	options: WebProductOptions,
): WebProductVariant {
	const status = options.stockStatus?.get(child.stockCode);
	const own = choosePrice(child);
	const price = own.price === null ? choosePrice(parent) : own;
	const byHeading = (pattern: RegExp): string | null =>
		child.options.find((option) => pattern.test(option.heading))?.value ?? null;
	return {
		stock_code: child.stockCode,
		stock_id: child.stockId,
		name: variantName(child),
		size: byHeading(/\bsizes?\b/i),
		colour: byHeading(/\bcolou?rs?\b/i),
		style: byHeading(/\bstyles?\b/i),
		options: Object.fromEntries(child.options.map((option) => [option.heading, option.value])),
		price: price.price,
		price_source: price.source,
		barcodes: child.barcodes,
		stock_level: status?.level ?? null,
		stock_status: status?.status ?? null,
		published: publishBlocker(child, status?.level ?? null) === null,
	};
}

function choosePrice(fields: KhaosStockFields): {
	price: number | null;
	source: WebProduct['price_source'];
} {
	if (fields.sellPriceWeb !== null && fields.sellPriceWeb > 0)
		return { price: fields.sellPriceWeb, source: 'web' };
	if (fields.sellPrice !== null) return { price: fields.sellPrice, source: 'standard' };
	return { price: null, source: null };
}

function publishBlocker(fields: KhaosStockFields, level: number | null): UnpublishedReason | null {
	if (fields.deleted) return 'deleted';
	if (fields.runToZero && level !== null && level <= 0) return 'run_to_zero_out_of_stock';
	return null;
}

/** A product with sizes is never sold without one: no variants, no product; none for sale, hidden. */
function variantBlocker(
	isScsParent: boolean,
	variants: readonly WebProductVariant[],
): UnpublishedReason | null {
	if (!isScsParent) return null;
	if (variants.length === 0) return 'variants_unresolved';
	return variants.some((variant) => variant.published) ? null : 'no_published_variants';
}

/** What can be sold: a variant below zero (oversold, back-ordered) has nothing to offer, and takes nothing from the others. */
function sumLevels(variants: readonly WebProductVariant[]): number | null {
	const levels = variants
		.map((variant) => variant.stock_level)
		.filter((level): level is number => level !== null);
	return levels.length === 0
		? null
		: levels.reduce((total, level) => total + Math.max(0, level), 0);
}

/** "Shoe - Slv Met Pu - Null" → "Shoe - Slv Met Pu - 10": each "Null" part takes the next unnamed level's suffix. */
function variantName(child: KhaosScsChild): string {
	const unnamed = child.options
		.filter((option) => option.value === option.suffix)
		.map((option) => option.suffix);
	let next = 0;
	return child.description
		.split(' - ')
		.map((part) => (isNullWord(part) && next < unnamed.length ? unnamed[next++] : part))
		.join(' - ');
}

/**
 * UDAs as tags. Empty ones are skipped; yes/no answers (a YES/NO UDA, or a choice whose value is
 * Yes/No as in real exports) become the bare name when yes and nothing when no; LIST values
 * (`"Option 2","Option 3"`) give one tag per option; everything else is "Name: value".
 */
export function udaTags(userDefined: readonly KhaosUserDefined[]): string[] {
	return unique(
		userDefined.flatMap(({ name, type, value }) => {
			if (name === '' || value === '') return [];
			const answer = type === 'YES/NO' ? parseYesNo(value) : parseYesNoWord(value);
			if (answer !== null) return answer ? [name] : [];
			if (type === 'YES/NO') return [];
			return listValues(value).map((option) => `${name}: ${option}`);
		}),
	);
}

function parseYesNo(value: string): boolean | null {
	return value === '1' ? true : parseKhaosBoolean(value);
}

function parseYesNoWord(value: string): boolean | null {
	return /^(yes|no|true|false)$/i.test(value) ? parseKhaosBoolean(value) : null;
}

function listValues(value: string): string[] {
	const quoted = [...value.matchAll(/"([^"]*)"/g)].map((match) => match[1].trim()).filter(Boolean);
	return quoted.length > 0 ? quoted : [value];
}

function fileNameOf(path: string): string {
	return path.split(/[\\/]/).pop() ?? path;
}
