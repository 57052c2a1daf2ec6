/**
 * Khaos price lists: GetPriceLists (their names), ExportPriceList (a stock item price list, by
 * name, or the one whose name begins with "web") and ExportPriceListEx (customer, customer-class
 * and stock-type lists), all read from KSDXMLPriceLists into one row per price.
 */
import type { KhaosClient } from './client';
import { parseDataArray } from './lookups';
import { parseNumber } from './values';
import { attribute, childElements, childText, parseXml, type XmlElement } from './xml';

/** ExportPriceListEx's PriceListType. */
export type PriceListType = 1 | 2 | 3 | 4;

export interface PriceListRow {
	list_type:
		'stock_item_customer' | 'stock_type_customer' | 'stock_item_class' | 'stock_type_class';
	price_list: string; // the customer class (CompClass) or customer code (CompanyCode) the prices are for
	company_name: string | null; // for customer lists
	stock_code: string | null; // stock item lists
	stock_type: string | null; // stock type lists (StockTypeDesc)
	qty_start: number | null; // quantity band
	qty_end: number | null;
	sell_price: number | null; // SellPrice, when Khaos gives it
	amount: number | null; // AmountValue: the price for this band
	discount: number | null; // DiscountValue (percent)
	mark_up: number | null;
}

const SECTIONS: Array<{
	list: string;
	entry: string;
	item: 'StockItem' | 'StockType';
	owner: 'CompanyCode' | 'CompClass';
	type: PriceListRow['list_type'];
}> = [
	{
		list: 'StockItem-Customers',
		entry: 'StockItem-Customer',
		item: 'StockItem',
		owner: 'CompanyCode',
		type: 'stock_item_customer',
	},
	{
		list: 'StockItem-CustomerClassificationsList',
		entry: 'StockItem-CustomerClassifications',
		item: 'StockItem',
		owner: 'CompClass',
		type: 'stock_item_class',
	},
	{
		list: 'StockType-Customers',
		entry: 'StockType-Customer',
		item: 'StockType',
		owner: 'CompanyCode',
		type: 'stock_type_customer',
	},
	{
		list: 'StockType-CustomersClassificationsList',
		entry: 'StockType-CustomerClassifications',
		item: 'StockType',
		owner: 'CompClass',
		type: 'stock_type_class',
	},
];

/** Reads KSDXMLPriceLists. Empty placeholder entries (`<StockItem />`) are left out. */
export function parsePriceLists(xml: string): PriceListRow[] {
	if (xml.trim() === '') return [];
	const root = parseXml(xml);
	return SECTIONS.flatMap((section) =>
		childElements(root, section.list).flatMap((list) =>
			childElements(list, section.entry).flatMap((entry) =>
				childElements(entry, section.item)
					.filter((item) => item.children.length > 0)
					.map((item) => row(section, entry, item)),
			),
		),
	);
}

function row(
	section: (typeof SECTIONS)[number],
	entry: XmlElement,
	item: XmlElement,
): PriceListRow {
	const stockItem = section.item === 'StockItem';
	return {
		list_type: section.type,
		price_list: attribute(entry, section.owner),
		company_name: attribute(entry, 'CompanyName') || null,
		stock_code: stockItem ? childText(item, 'StockCode') || null : null,
		stock_type: stockItem ? null : childText(item, 'StockTypeDesc') || null,
		qty_start: parseNumber(childText(item, 'QtyStart')),
		qty_end: parseNumber(childText(item, 'QtyEnd')),
		sell_price: parseNumber(childText(item, 'SellPrice')),
		amount: parseNumber(childText(item, 'AmountValue')),
		discount: parseNumber(childText(item, 'DiscountValue')),
		mark_up: parseNumber(childText(item, 'MarkUp')),
	};
}

export async function getPriceLists(client: KhaosClient): Promise<string[]> {
	return parseDataArray(await client.call('GetPriceLists'));
}

/**
 * A stock item price list by name; with no name, Khaos takes the one whose name begins with "web"
 * (and faults when several do).
 */
export async function exportPriceList(client: KhaosClient, name: string): Promise<PriceListRow[]> {
	return parsePriceLists(
		await client.text('ExportPriceList', [['PriceList', name.trim(), 'string']]),
	);
}

/** Customer (1, 2: customer codes) or classification (3, 4: price list names) price lists. */
export async function exportPriceListEx(
	client: KhaosClient,
	names: readonly string[],
	type: PriceListType,
): Promise<PriceListRow[]> {
	return parsePriceLists(
		await client.text('ExportPriceListEx', [
			[
				'PriceLists',
				names
					.map((name) => name.trim())
					.filter(Boolean)
					.join(','),
				'string',
			],
			['PriceListType', type, 'int'],
		]),
	);
}
