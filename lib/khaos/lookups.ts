/**
 * Khaos's reference data and the smaller exports: sales sources (GetSaleSource), stock sites
 * (GetSiteList), couriers (GetSOPData), deleted customers (GetDeletedEntries) and stock potential
 * for kits and builds (GetStockPotential).
 */
import type { KhaosClient } from './client';
import { csvSafeCodes } from './codes';
import { soapList, soapText, type SoapValue } from './soap-response';
import { nonBlank, parseNumber } from './values';
import { attribute, childElement, childElements, childText, descendants, parseXml } from './xml';

/** A TDataArray (array of WideString) as trimmed, non-blank strings. */
export function parseDataArray(value: SoapValue | undefined): string[] {
	return soapList(value)
		.map((entry) =>
			typeof entry === 'string' || typeof entry === 'number' ? String(entry).trim() : '',
		)
		.filter((entry) => entry !== '');
}

export async function getSaleSources(client: KhaosClient): Promise<string[]> {
	return parseDataArray(await client.call('GetSaleSource'));
}

export interface KhaosSite {
	site_id: number;
	site_name: string;
}

/** GetSiteList's TSiteList: the sites and which one is the default. */
export async function getSiteList(
	client: KhaosClient,
): Promise<{ sites: KhaosSite[]; current_site_id: number | null }> {
	const result = await client.call('GetSiteList');
	const list =
		result && typeof result === 'object' && !Array.isArray(result) ? result.List : result;
	return {
		sites: soapList(list)
			.map((site) => ({
				site_id: Number(soapText(site, 'SiteID')),
				site_name: soapText(site, 'SiteName'),
			}))
			.filter((site) => Number.isInteger(site.site_id)),
		current_site_id: parseNumber(soapText(result ?? undefined, 'CurrentSiteID')),
	};
}

export interface KhaosCourier {
	name: string;
	code: string | null;
}

/** The couriers set up in Khaos (GetSOPData with Courier only; KSDXMLSOPData COURIERS/COURIER). */
export async function getCouriers(client: KhaosClient): Promise<KhaosCourier[]> {
	const xml = await client.text('GetSOPData', [
		['Courier', true, 'boolean'],
		['DelRate', false, 'boolean'],
		['CourierBanding', false, 'boolean'],
		['BOGOF', false, 'boolean'],
		['SpecialOffer', false, 'boolean'],
		['TelesalePrompt', false, 'boolean'],
		['KeyCode', false, 'boolean'],
		['BarredItems', false, 'boolean'],
	]);
	if (xml.trim() === '') return [];
	return childElements(childElement(parseXml(xml), 'COURIERS'), 'COURIER')
		.map((courier) => ({ name: courier.text.trim(), code: nonBlank(attribute(courier, 'CODE')) }))
		.filter((courier) => courier.name !== '');
}

export interface DeletedCustomer {
	company_id: string; // HEADER_ID: Khaos's internal ID of the deleted customer
	merged_into: string | null; // ADDITIONAL_REF: the customer it was merged into; export that one again
	deleted_on: string | null; // DELETION_DATE as an ISO date
}

/**
 * Customers deleted (or merged) in Khaos between two dates: GetDeletedEntries with DocumentType 5,
 * the only kind the guide says it returns. Khaos gives deletion dates without a time.
 */
export async function getDeletedCustomers(
	client: KhaosClient,
	from: string,
	to: string,
): Promise<DeletedCustomer[]> {
	const xml = await client.text('GetDeletedEntries', [
		['DateFrom', from, 'dateTime'],
		['DateTo', to, 'dateTime'],
		['DocumentType', 5, 'int'],
	]);
	return parseDeletedEntries(xml)
		.filter((entry) => entry.document_type === 5)
		.map(({ document_type: _type, ...entry }) => entry);
}

export function parseDeletedEntries(
	xml: string,
): Array<DeletedCustomer & { document_type: number | null }> {
	if (xml.trim() === '') return [];
	return descendants(parseXml(xml), 'DELETED_ENTRY')
		.map((entry) => ({
			company_id: childText(entry, 'HEADER_ID'),
			merged_into: nonBlank(childText(entry, 'ADDITIONAL_REF')),
			deleted_on: dmyToIso(childText(entry, 'DELETION_DATE')),
			document_type: parseNumber(childText(entry, 'DOCUMENT_TYPE')),
		}))
		.filter((entry) => entry.company_id !== '');
}

function dmyToIso(value: string): string | null {
	const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(value.trim());
	if (dmy) return `${dmy[3]}-${dmy[2].padStart(2, '0')}-${dmy[1].padStart(2, '0')}`;
	return /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? value.trim().slice(0, 10) : nonBlank(value);
}

export interface StockPotential {
	stock_code: string; // StockCode
	other_ref: string | null; // OtherRef
	available: number | null; // for sale now
	on_order: number | null; // on purchase orders not yet delivered
	back_order: number | null; // on sales orders without stock
	potential: number | null; // available + on order - back order; may be negative
}

/** GetStockPotential for kits and builds, by stock code (1) or other ref (2). */
export async function getStockPotential(
	client: KhaosClient,
	codes: readonly string[],
	mappingType: 1 | 2 = 1,
): Promise<StockPotential[]> {
	const cleaned = csvSafeCodes(codes);
	if (cleaned.length === 0) return [];
	// MappingType must be sent: left out, Khaos reads the codes as internal STOCK_IDs.
	const result = await client.call('GetStockPotential', [
		['StockCode', cleaned.join(','), 'string'],
		['MappingType', mappingType, 'int'],
	]);
	return parseStockPotential(result);
}

/** The guide types the answer as WideString but describes TStockPotential records: both are read. */
export function parseStockPotential(result: SoapValue | undefined): StockPotential[] {
	if (typeof result === 'string') {
		if (result.trim() === '') return [];
		const root = parseXml(result);
		const records =
			descendants(root, 'TStockPotential').length > 0
				? descendants(root, 'TStockPotential')
				: descendants(root, 'STOCK_ITEM');
		return records.map((record) => ({
			stock_code: childText(record, 'StockCode') || childText(record, 'STOCK_CODE'),
			other_ref: nonBlank(childText(record, 'OtherRef')),
			available: parseNumber(childText(record, 'Available')),
			on_order: parseNumber(childText(record, 'OnOrder')),
			back_order: parseNumber(childText(record, 'BackOrder')),
			potential: parseNumber(childText(record, 'Potential')),
		}));
	}
	return soapList(result).map((record) => ({
		stock_code: soapText(record, 'StockCode'),
		other_ref: nonBlank(soapText(record, 'OtherRef')),
		available: parseNumber(soapText(record, 'Available')),
		on_order: parseNumber(soapText(record, 'OnOrder')),
		back_order: parseNumber(soapText(record, 'BackOrder')),
		potential: parseNumber(soapText(record, 'Potential')),
	}));
}
