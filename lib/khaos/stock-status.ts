/**
 * Khaos stock lists: GetStockList (TStockList), ExportStockStatus (KSDXMLStockStatus) and
 * ExportWebCategories (KSDXMLWebCategories).
 */
import { KhaosProtocolError } from './errors';
import { soapList, soapText, type SoapValue } from './soap-response';
import { nonBlank, parseKhaosBoolean, parseKhaosDate, parseNumber } from './values';
import { attribute, childElement, childElements, childText, descendants, parseXml } from './xml';
import type { XmlElement } from './xml';

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

/** The status with the lowest code: in stock beats allocated beats out of stock. */
export function mostAvailable(
	statuses: readonly (StockStatusInfo | null)[],
): StockStatusInfo | null {
	const known = statuses.filter((info): info is StockStatusInfo => info !== null);
	return known.length === 0
		? null
		: known.reduce((best, info) => (info.code < best.code ? info : best));
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
	const list =
		result && typeof result === 'object' && !Array.isArray(result) ? result.List : result;
	return stockListEntries(soapList(list).map((entry) => (name: string) => soapText(entry, name)));
}

/** TStockInfo entries, each read through its own field reader; entries without a stock code are dropped. */
function stockListEntries(entries: ReadonlyArray<(name: string) => string>): StockListEntry[] {
	return entries
		.map((text) => ({
			stock_code: text('StockCode'),
			other_ref: nonBlank(text('OtherRef')),
			stock_desc: text('StockDesc'),
			parent_code: nonBlank(text('ParentCode')),
			parent_other_ref: nonBlank(text('ParentOtherRef')),
			last_updated: nonBlank(text('LastUpdated')),
		}))
		.filter((entry) => entry.stock_code !== '');
}

/**
 * GetStockListCompressed's unzipped document. The guide says only that it "will match" GetStockList's
 * TStockList (Count, List of TStockInfo), not its element names, so each element holding a StockCode
 * is read as one TStockInfo, whatever it and its ancestors are called.
 */
export function parseStockListXml(method: string, xml: string): StockListEntry[] {
	const root = parseXml(xml);
	const infos: XmlElement[] = [];
	const walk = (element: XmlElement): void => {
		if (childElement(element, 'StockCode') !== undefined) infos.push(element);
		else element.children.forEach(walk);
	};
	walk(root);
	const count = childText(root, 'Count').trim();
	if (count !== '' && Number(count) !== infos.length)
		throw new KhaosProtocolError(
			method,
			`the list says Count ${count} but holds ${infos.length} stock items`,
		);
	return stockListEntries(infos.map((entry) => (name: string) => childText(entry, name)));
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
export function indexStockStatus(
	statuses: readonly KhaosStockStatus[],
): Map<string, KhaosStockStatus> {
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
			level:
				seen.level === null && status.level === null
					? null
					: (seen.level ?? 0) + (status.level ?? 0),
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
		website_stock_items: childElements(
			childElement(website, 'WEBSITE_STOCK_ITEMS'),
			'STOCK_ITEM',
		).map((item) => ({
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
		item_codes: childElements(element, 'ITEM')
			.map((item) => item.text.trim())
			.filter(Boolean),
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
		scs_codes: childElements(childElement(item, 'SCS'), 'STOCK_CODE')
			.map((code) => code.text.trim())
			.filter(Boolean),
	};
}

/**
 * Category paths ("Books > Paperbacks") for each stock code, from STOCK_ITEM entries, their SCS
 * codes and legacy ITEM entries. Deleted categories and deleted item entries are left out.
 */
export function categoryPathsByStockCode(
	tree: WebCategoryTree,
	separator = ' > ',
): Map<string, string[]> {
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
