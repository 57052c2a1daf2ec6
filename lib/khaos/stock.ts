/** Khaos stock data: ExportStock (KSDXMLStock) into typed items, SCS trees included. */
import { parseKhaosBoolean, parseNumber } from './values';
import {
	attribute,
	childElement,
	childElements,
	childText,
	descendants,
	parseXml,
	type XmlElement,
} from './xml';

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
	/** Child items: the SCS_ITEMs ExportStock carried, plus those found by resolveScsChildren. */
	children: KhaosScsChild[];
	/** Every variant the tree describes (its lowest STYLEs), whether or not a child item came with it. */
	leaves: KhaosScsLeaf[];
	/** Why some of the tree's variants have no child item (filled in by resolveScsChildren). */
	problems: string[];
}

export interface KhaosScsLeaf {
	options: KhaosScsOption[];
	/** The child's stock code once known. */
	stockCode: string | null;
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
			(parseKhaosBoolean(childText(element, 'WEB')) === false ||
				parseKhaosBoolean(childText(element, 'DISCONTINUED')) === true),
		runToZero: parseKhaosBoolean(childText(element, 'RUN_TO_ZERO')) === true,
		stockControlled: parseKhaosBoolean(childText(element, 'STOCK_CONTROLLED')),
		userDefined: childElements(element, 'USER_DEFINED').map((uda) => ({
			name: attribute(uda, 'NAME'),
			type: attribute(uda, 'TYPE').toUpperCase(),
			value: uda.text.trim(),
		})),
		barcodes: unique(
			childElements(childElement(element, 'BARCODES'), 'BARCODE').map((barcode) =>
				barcode.text.trim(),
			),
		),
		imagePaths: unique([
			...childElements(childElement(element, 'STOCK_IMAGES'), 'STOCK_IMAGE').map((image) =>
				childText(image, 'FILE_NAME'),
			),
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
	const leaves: KhaosScsLeaf[] = [];
	const walk = (parent: XmlElement, path: KhaosScsOption[]): void => {
		for (const style of childElements(parent, 'STYLE')) {
			const level = path.length + 1;
			const suffix = childText(style, 'SCS_CODE_SUFFIX');
			const option = {
				level,
				heading: headings.get(level) ?? `Level ${level}`,
				value: scsValue(childText(style, 'DESCRIPTION'), suffix),
				suffix,
			};
			const options = [...path, option];
			const items = childElements(style, 'SCS_ITEM').map((item) => ({
				...readStockFields(item, childText(item, 'DESCRIPTION')),
				options,
			}));
			children.push(...items);
			const deeper = childElements(style, 'STYLE').length > 0;
			if (!deeper || items.length > 0)
				leaves.push({ options, stockCode: items[0]?.stockCode ?? null });
			walk(style, options);
		}
	};
	walk(scs, []);
	return { headings, children, leaves, problems: [] };
}

/** Real exports describe unnamed levels as "Null"; the code suffix is then the only name there is. */
function scsValue(description: string, suffix: string): string {
	return description === '' || isNullWord(description) ? suffix : description;
}

export function unique(values: readonly string[]): string[] {
	return [...new Set(values.filter((value) => value !== ''))];
}

export function isNullWord(text: string): boolean {
	return text.trim().toLowerCase() === 'null';
}
