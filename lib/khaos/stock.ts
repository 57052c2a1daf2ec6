/**
 * Khaos stock data: ExportStock (KSDXMLStock) into typed items and web-friendly products,
 * GetStockList (TStockList), ExportStockStatus (KSDXMLStockStatus) and ExportWebCategories
 * (KSDXMLWebCategories).
 */
import { soapList, soapText, type SoapValue } from './soap';
import { nonBlank, parseKhaosBoolean, parseKhaosDate, parseNumber } from './values';
import { attribute, childElement, childElements, childText, descendants, parseXml, type XmlElement } from './xml';

// ---- ExportStock: raw items ----

export interface KhaosUserDefined {
	name: string;
	/** TEXT, DATE, YES/NO, NUMBER, LIST or CHOICE; '' when Khaos leaves it out (as in SCS children of the sample). */
	type: string;
	value: string;
}

export interface KhaosLinkedItem {
	stockCode: string;
	/** 1 upsell, 2 cross-sell, 3 pack, 4 associated. */
	linkType: number | null;
	/** Pack quantity for packs, special price for up/cross-sells. */
	linkValue: number | null;
}

/** What a stock item and an SCS child item have in common. */
export interface KhaosStockFields {
	stockCode: string;
	stockId: string;
	/** Other Ref (ASSOCIATED_REF); for SCS children Khaos puts the parent's code here. */
	otherRef: string;
	/** STOCK_DESC for items, DESCRIPTION for SCS children. */
	description: string;
	longDesc: string;
	webTeaser: string;
	sellPrice: number | null;
	/** 0 or blank means "not set". */
	sellPriceWeb: number | null;
	vatRate: number | null;
	/** DELETED -1; when blank, derived from WEB 0 or DISCONTINUED -1 as Khaos does. */
	deleted: boolean;
	runToZero: boolean;
	stockControlled: boolean | null;
	userDefined: KhaosUserDefined[];
	barcodes: string[];
	/** Full paths as Khaos stores them (`P:\Images\x.jpg`), STOCK_IMAGES first, then IMAGE_FILENAME unless it is `?`. */
	imagePaths: string[];
	linkedItems: KhaosLinkedItem[];
}

export interface KhaosStockItem extends KhaosStockFields {
	/** SELL_PRICE IS_NET: true = price excludes VAT. SCS children inherit it. */
	sellPriceIsNet: boolean | null;
	manufacturer: string;
	stockType: string;
	scs: KhaosScs | null;
}

export interface KhaosScs {
	/** Level → heading (Size, Colour, …). Real data puts them after the styles and in any case. */
	headings: Map<number, string>;
	children: KhaosScsChild[];
}

export interface KhaosScsOption {
	level: number;
	heading: string;
	/** The level's DESCRIPTION, or its SCS_CODE_SUFFIX when Khaos wrote "Null" or nothing. */
	value: string;
	suffix: string;
}

export interface KhaosScsChild extends KhaosStockFields {
	options: KhaosScsOption[];
}

/** Parses an ExportStock result. Placeholder items without any content are dropped. */
export function parseExportStock(xml: string): KhaosStockItem[] {
	return descendants(parseXml(xml), 'STOCK_ITEM')
		.filter((element) => element.children.length > 0)
		.map(readStockItem);
}

function readStockItem(element: XmlElement): KhaosStockItem {
	const scs = childElement(element, 'SCS');
	return {
		...readStockFields(element, childText(element, 'STOCK_DESC')),
		sellPriceIsNet: parseKhaosBoolean(attribute(childElement(element, 'SELL_PRICE'), 'IS_NET')),
		manufacturer: childText(element, 'MANUFACTURER'),
		stockType: childText(element, 'STOCK_TYPE'),
		scs: scs ? readScs(scs) : null,
	};
}

function readStockFields(element: XmlElement, description: string): KhaosStockFields {
	const deleted = parseKhaosBoolean(childText(element, 'DELETED'));
	return {
		stockCode: childText(element, 'STOCK_CODE'),
		stockId: childText(element, 'STOCK_ID'),
		otherRef: childText(element, 'ASSOCIATED_REF'),
		description,
		longDesc: childText(element, 'LONG_DESC'),
		webTeaser: childText(element, 'WEB_TEASER'),
		sellPrice: parseNumber(childText(element, 'SELL_PRICE')),
		sellPriceWeb: parseNumber(childText(element, 'SELL_PRICE_WEB')),
		vatRate: parseNumber(childText(element, 'VAT_RATE')),
		deleted:
			deleted ??
			(parseKhaosBoolean(childText(element, 'WEB')) === false || parseKhaosBoolean(childText(element, 'DISCONTINUED')) === true),
		runToZero: parseKhaosBoolean(childText(element, 'RUN_TO_ZERO')) === true,
		stockControlled: parseKhaosBoolean(childText(element, 'STOCK_CONTROLLED')),
		userDefined: childElements(element, 'USER_DEFINED').map((uda) => ({
			name: attribute(uda, 'NAME'),
			type: attribute(uda, 'TYPE').toUpperCase(),
			value: uda.text.trim(),
		})),
		barcodes: unique(childElements(childElement(element, 'BARCODES'), 'BARCODE').map((barcode) => barcode.text.trim())),
		imagePaths: unique([
			...childElements(childElement(element, 'STOCK_IMAGES'), 'STOCK_IMAGE').map((image) => childText(image, 'FILE_NAME')),
			childText(element, 'IMAGE_FILENAME').replace(/^\?$/, ''),
		]),
		linkedItems: childElements(childElement(element, 'LINKED_ITEMS'), 'LINK_ITEM')
			.map((link) => ({
				stockCode: childText(link, 'STOCK_CODE'),
				linkType: parseNumber(childText(link, 'LINK_TYPE')),
				linkValue: parseNumber(childText(link, 'LINK_VALUE')),
			}))
			.filter((link) => link.stockCode !== ''),
	};
}

function readScs(scs: XmlElement): KhaosScs {
	const headings = new Map<number, string>();
	for (const heading of childElements(scs, 'HEADING')) {
		const level = parseNumber(attribute(heading, 'LEVEL'));
		if (level !== null) headings.set(level, heading.text.trim());
	}
	const children: KhaosScsChild[] = [];
	const walk = (parent: XmlElement, path: KhaosScsOption[]): void => {
		for (const style of childElements(parent, 'STYLE')) {
			const level = path.length + 1;
			const suffix = childText(style, 'SCS_CODE_SUFFIX');
			const option = { level, heading: headings.get(level) ?? `Level ${level}`, value: scsValue(childText(style, 'DESCRIPTION'), suffix), suffix };
			const options = [...path, option];
			for (const item of childElements(style, 'SCS_ITEM')) {
				children.push({ ...readStockFields(item, childText(item, 'DESCRIPTION')), options });
			}
			walk(style, options);
		}
	};
	walk(scs, []);
	return { headings, children };
}

/** Real exports describe unnamed levels as "Null"; the code suffix is then the only name there is. */
function scsValue(description: string, suffix: string): string {
	return description === '' || isNullWord(description) ? suffix : description;
}

function isNullWord(text: string): boolean {
	return text.trim().toLowerCase() === 'null';
}

// ---- ExportStock: web products ----

export interface StockStatusInfo {
	/** 0 in stock, 1 all allocated, 2 out of stock (due in), 3 out of stock (not due), 4 discontinued, 5 not stock-controlled. */
	code: number;
	label: string;
}

const STOCK_STATUS_LABELS: Readonly<Record<number, string>> = {
	0: 'in stock',
	1: 'all allocated',
	2: 'out of stock, due in',
	3: 'out of stock, not due',
	4: 'discontinued',
	5: 'not stock-controlled',
};

export function stockStatusInfo(code: number | null): StockStatusInfo | null {
	if (code === null) return null;
	return { code, label: STOCK_STATUS_LABELS[code] ?? `status ${code}` };
}

export type UnpublishedReason = 'deleted' | 'run_to_zero_out_of_stock' | 'no_published_variants';

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
	needs_web_review: boolean; // first time this item was seen: someone should check it on the web
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
	// An SCS parent is a template that holds no stock itself: its variants' figures are what count.
	const stockLevel = (variants.length > 0 ? sumLevels(variants) : null) ?? status?.level ?? null;
	const stockStatus = (variants.length > 0 ? mostAvailable(variants.map((variant) => variant.stock_status)) : null) ?? status?.status ?? null;
	const unpublishedReason = publishBlocker(item, stockLevel) ?? (variants.length > 0 && !variants.some((variant) => variant.published) ? 'no_published_variants' : null);
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
		needs_web_review: options.firstSeen === true,
		last_updated: options.lastUpdated ?? null,
	};
}

function toVariant(child: KhaosScsChild, parent: KhaosStockItem, options: WebProductOptions): WebProductVariant {
	const status = options.stockStatus?.get(child.stockCode);
	const own = choosePrice(child);
	const price = own.price === null ? choosePrice(parent) : own;
	const byHeading = (pattern: RegExp): string | null => child.options.find((option) => pattern.test(option.heading))?.value ?? null;
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

function choosePrice(fields: KhaosStockFields): { price: number | null; source: WebProduct['price_source'] } {
	if (fields.sellPriceWeb !== null && fields.sellPriceWeb > 0) return { price: fields.sellPriceWeb, source: 'web' };
	if (fields.sellPrice !== null) return { price: fields.sellPrice, source: 'standard' };
	return { price: null, source: null };
}

function publishBlocker(fields: KhaosStockFields, level: number | null): UnpublishedReason | null {
	if (fields.deleted) return 'deleted';
	if (fields.runToZero && level !== null && level <= 0) return 'run_to_zero_out_of_stock';
	return null;
}

function sumLevels(variants: readonly WebProductVariant[]): number | null {
	const levels = variants.map((variant) => variant.stock_level).filter((level): level is number => level !== null);
	return levels.length === 0 ? null : levels.reduce((total, level) => total + level, 0);
}

/** The status with the lowest code: in stock beats allocated beats out of stock. */
function mostAvailable(statuses: readonly (StockStatusInfo | null)[]): StockStatusInfo | null {
	const known = statuses.filter((info): info is StockStatusInfo => info !== null);
	return known.length === 0 ? null : known.reduce((best, info) => (info.code < best.code ? info : best));
}

/** "Shoe - Slv Met Pu - Null" → "Shoe - Slv Met Pu - 10": each "Null" part takes the next unnamed level's suffix. */
function variantName(child: KhaosScsChild): string {
	const unnamed = child.options.filter((option) => option.value === option.suffix).map((option) => option.suffix);
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

function unique(values: readonly string[]): string[] {
	return [...new Set(values.filter((value) => value !== ''))];
}

// ---- GetStockList ----

export interface StockListEntry {
	stock_code: string; // Khaos Stock Code
	other_ref: string | null; // Other Ref
	stock_desc: string; // Stock Desc
	parent_code: string | null; // SCS parent's code, for SCS children
	parent_other_ref: string | null; // SCS parent's Other Ref
	last_updated: string | null; // as Khaos sent it (xsd:dateTime)
}

/** Reads GetStockList's TStockList (Count, List of TStockInfo). */
export function parseStockList(result: SoapValue | undefined): StockListEntry[] {
	const list = result && typeof result === 'object' && !Array.isArray(result) ? result.List : result;
	return soapList(list)
		.map((entry) => ({
			stock_code: soapText(entry, 'StockCode'),
			other_ref: nonBlank(soapText(entry, 'OtherRef')),
			stock_desc: soapText(entry, 'StockDesc'),
			parent_code: nonBlank(soapText(entry, 'ParentCode')),
			parent_other_ref: nonBlank(soapText(entry, 'ParentOtherRef')),
			last_updated: nonBlank(soapText(entry, 'LastUpdated')),
		}))
		.filter((entry) => entry.stock_code !== '');
}

// ---- ExportStockStatus ----

export interface KhaosStockStatus {
	stock_code: string; // CODE
	stock_id: string | null; // ID
	other_ref: string | null; // OTHER_REF
	description: string | null; // DESC
	site: string | null; // stock site the figures are for
	level: number | null; // stock available to sell
	status: StockStatusInfo | null; // STATUS with its meaning
	min_level: number | null; // minimum reorder level
	safe_level: number | null; // safe reorder level
	buy_price: number | null; // Buy Price
	sell_price: number | null; // Sell Price
	web_sell_price: number | null; // Web Sell Price
	lead_time: string | null; // next purchase order due date, ISO yyyy-MM-dd
	build_potential: number | null; // for build parents: how many could be built from child stock
}

/** Reads an ExportStockStatus result; with SiteID -1 there is one entry per item and site. */
export function parseStockStatus(xml: string): KhaosStockStatus[] {
	const root = parseXml(xml);
	return descendants(root, 'STOCK_STATUS').flatMap((site) =>
		childElements(site, 'STOCK_ITEM').map((item) => ({
			stock_code: attribute(item, 'CODE'),
			stock_id: nonBlank(attribute(item, 'ID')),
			other_ref: nonBlank(attribute(item, 'OTHER_REF')),
			description: nonBlank(attribute(item, 'DESC')),
			site: nonBlank(attribute(site, 'SITE')),
			level: parseNumber(childText(item, 'LEVEL')),
			status: stockStatusInfo(parseNumber(childText(item, 'STATUS'))),
			min_level: parseNumber(childText(item, 'MIN_LEVEL')),
			safe_level: parseNumber(childText(item, 'SAFE_LEVEL')),
			buy_price: parseNumber(childText(item, 'BUY_PRICE')),
			sell_price: parseNumber(childText(item, 'SELL_PRICE')),
			web_sell_price: parseNumber(childText(item, 'WEBSELL_PRICE')),
			lead_time: parseKhaosDate(childText(item, 'LEAD_TIME')),
			build_potential: parseNumber(childText(item, 'BUILD_POTENTIAL_CHILDREN')),
		})),
	);
}

/**
 * Stock status by stock code. When an item appears once per site (SiteID -1), levels are added up
 * and the most available status (the lowest code) is kept.
 */
export function indexStockStatus(statuses: readonly KhaosStockStatus[]): Map<string, KhaosStockStatus> {
	const index = new Map<string, KhaosStockStatus>();
	for (const status of statuses) {
		const seen = index.get(status.stock_code);
		if (!seen) {
			index.set(status.stock_code, status);
			continue;
		}
		index.set(status.stock_code, {
			...seen,
			site: null,
			level: seen.level === null && status.level === null ? null : (seen.level ?? 0) + (status.level ?? 0),
			status: mostAvailable([seen.status, status.status]),
		});
	}
	return index;
}

// ---- ExportWebCategories ----

export interface WebCategoryItem {
	stock_code: string; // Khaos Stock Code
	stock_id: string | null; // Khaos stock ID
	category_stock_code: string | null; // code used for the item in this category
	short_desc: string | null; // category-specific name, overrides ExportStock's
	long_desc: string | null; // category-specific description
	web_teaser: string | null; // category-specific teaser
	sell_price: number | null; // category-specific price (0 = not set)
	image_name: string | null; // IMAGE_NAME from ExportStock to use here
	canonical: boolean | null; // this is the item's canonical category
	deleted: boolean; // DELETE="-1": remove the item from this category
	scs_codes: string[]; // SCS children listed for the item
}

export interface WebCategory {
	id: string; // Khaos web category ID
	name: string; // category name
	path: string[]; // names from the top category down to this one
	short_desc: string | null;
	long_desc: string | null;
	file_name: string | null; // category image
	deleted: boolean; // DELETE="-1"
	stock_items: WebCategoryItem[]; // items with their per-category properties
	item_codes: string[]; // legacy ITEM codes
	children: WebCategory[]; // sub-categories
}

export interface WebCategoryTree {
	website_id: string | null;
	website_name: string | null;
	categories: WebCategory[];
	website_stock_items: WebsiteStockItem[]; // per-website item overrides
}

export interface WebsiteStockItem {
	stock_code: string;
	stock_id: string | null;
	website_stock_code: string | null;
	short_desc: string | null;
	long_desc: string | null;
	web_teaser: string | null;
}

/** Reads an ExportWebCategories result (KSDXMLWebCategories). */
export function parseWebCategories(xml: string): WebCategoryTree {
	const website = parseXml(xml);
	return {
		website_id: nonBlank(attribute(website, 'ID')),
		website_name: nonBlank(attribute(website, 'NAME')),
		categories: childElements(website, 'CATEGORY').map((category) => readCategory(category, [])),
		website_stock_items: childElements(childElement(website, 'WEBSITE_STOCK_ITEMS'), 'STOCK_ITEM').map((item) => ({
			stock_code: childText(item, 'STOCK_CODE'),
			stock_id: nonBlank(childText(item, 'STOCK_ID')),
			website_stock_code: nonBlank(childText(item, 'WEBSITE_STOCK_CODE')),
			short_desc: nonBlank(childText(item, 'SHORT_DESC')),
			long_desc: nonBlank(childText(item, 'LONG_DESC')),
			web_teaser: nonBlank(childText(item, 'WEB_TEASER')),
		})),
	};
}

function readCategory(element: XmlElement, parentPath: readonly string[]): WebCategory {
	const name = attribute(element, 'NAME');
	const path = [...parentPath, name];
	return {
		id: attribute(element, 'ID'),
		name,
		path,
		short_desc: nonBlank(attribute(element, 'SHORT_DESC')),
		long_desc: nonBlank(attribute(element, 'LONG_DESC')),
		file_name: nonBlank(attribute(element, 'FILE_NAME')),
		deleted: parseKhaosBoolean(attribute(element, 'DELETE')) === true,
		stock_items: childElements(element, 'STOCK_ITEM').map(readCategoryItem),
		item_codes: childElements(element, 'ITEM').map((item) => item.text.trim()).filter(Boolean),
		children: childElements(element, 'CATEGORY').map((child) => readCategory(child, path)),
	};
}

function readCategoryItem(item: XmlElement): WebCategoryItem {
	return {
		stock_code: childText(item, 'STOCK_CODE'),
		stock_id: nonBlank(childText(item, 'STOCK_ID')),
		category_stock_code: nonBlank(childText(item, 'CATEGORY_STOCK_CODE')),
		short_desc: nonBlank(childText(item, 'SHORT_DESC')),
		long_desc: nonBlank(childText(item, 'LONG_DESC')),
		web_teaser: nonBlank(childText(item, 'WEB_TEASER')),
		sell_price: parseNumber(childText(item, 'SELL_PRICE')),
		image_name: nonBlank(childText(item, 'IMAGE_NAME')),
		canonical: parseKhaosBoolean(childText(item, 'CANONICAL_ITEM')),
		deleted: parseKhaosBoolean(attribute(item, 'DELETE')) === true,
		scs_codes: childElements(childElement(item, 'SCS'), 'STOCK_CODE').map((code) => code.text.trim()).filter(Boolean),
	};
}

/**
 * Category paths ("Books > Paperbacks") for each stock code, from STOCK_ITEM entries, their SCS
 * codes and legacy ITEM entries. Deleted categories and deleted item entries are left out.
 */
export function categoryPathsByStockCode(tree: WebCategoryTree, separator = ' > '): Map<string, string[]> {
	const index = new Map<string, string[]>();
	const add = (code: string, path: string): void => {
		const paths = index.get(code) ?? [];
		if (!paths.includes(path)) paths.push(path);
		index.set(code, paths);
	};
	const visit = (category: WebCategory): void => {
		if (category.deleted) return;
		const path = category.path.join(separator);
		for (const item of category.stock_items.filter((entry) => !entry.deleted)) {
			[item.stock_code, ...item.scs_codes].filter(Boolean).forEach((code) => add(code, path));
		}
		category.item_codes.forEach((code) => add(code, path));
		category.children.forEach(visit);
	};
	tree.categories.forEach(visit);
	return index;
}
