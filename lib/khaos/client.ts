/**
 * KhaosClient: one method per Khaos call the nodes need, on top of the SOAP transport, plus
 * sendOrders, the checked and idempotent way to push web orders (send-orders.ts).
 */
import {
	parseCompanyList,
	parseExportCompany,
	type CompanyListEntry,
	type KhaosCustomer,
} from './customers';
import { chunked, csvSafeCodes } from './codes';
import { KhaosProtocolError } from './errors';
import { parseOrderImportResult, type OrderImportResult } from './order-import-result';
import { sendOrders, type SendOrderResult, type SendOrdersOptions } from './send-orders';
import {
	KhaosSoapClient,
	type KhaosSoapClientOptions,
	type SoapParam,
	type SoapValue,
} from './soap';
import { parseOrderStatus, parseOrderStatusEx, type OrderStatus } from './status';
import { parseExportStock, type KhaosStockItem } from './stock';
import { decompressResult } from './compressed';
import {
	parseStockList,
	parseStockListXml,
	parseStockStatus,
	parseWebCategories,
	type KhaosStockStatus,
	type StockListEntry,
	type WebCategoryTree,
} from './stock-status';
import type { WebOrder } from './web-order';

/** What KhaosClient needs from a transport; KhaosSoapClient is the real one. */
export interface KhaosTransport {
	call(method: string, params?: readonly SoapParam[]): Promise<SoapValue | undefined>;
}

type DateInput = string | Date;

export interface StockListQuery {
	/** 0 revision date (default), 1 launch date, 2 movement date. */
	dateType?: 0 | 1 | 2;
	/** Changed since when; include a buffer, as the guide advises. */
	since: DateInput;
	/** 0 all items (default), 1 SCS parents only, 2 SCS children only. */
	itemType?: 0 | 1 | 2;
	/** Ask with GetStockListCompressed (ZIP) instead, for catalogues where the plain list times out. */
	compressed?: boolean;
}

export interface ChunkOptions {
	/** What the codes are: 1 stock code (default), 2 other ref, 4 description. */
	mappingType?: 1 | 2 | 4;
	/** Codes per call. Default 15, as public integrations use for ExportStock. */
	chunkSize?: number;
}

export interface OrderStatusQuery {
	/** Order references; what they are depends on mappingType. Optional only when dateFrom and dateTo are set. */
	ids?: readonly string[];
	/** 1 customer code, 2 customer other ref, 3 Khaos order code, 4 web order reference (default). */
	mappingType?: 1 | 2 | 3 | 4;
	webOnly?: boolean;
	confirmedOnly?: boolean;
	includeTracking?: boolean;
	includeCancelled?: boolean;
	dateFrom?: DateInput;
	dateTo?: DateInput;
	/** Only orders with invoices in these stages. */
	invoiceStageIds?: readonly number[];
	/** Include invoice items and boxes. */
	showItems?: boolean;
	/** IDs per call. Default 50. */
	chunkSize?: number;
}

export class KhaosClient {
	private readonly transport: KhaosTransport;

	constructor(transport: KhaosTransport | KhaosSoapClientOptions) {
		this.transport = 'call' in transport ? transport : new KhaosSoapClient(transport);
	}

	/** The web service's version: the harmless call used to test a credential. */
	async getVersion(): Promise<string> {
		return this.text('GetVersion', []);
	}

	async getStockList(query: StockListQuery): Promise<StockListEntry[]> {
		if (query.compressed === true) {
			const zipped = await this.transport.call('GetStockListCompressed', [
				['DateType', query.dateType ?? 0, 'int'],
				['DateValue', query.since, 'dateTime'],
				['StockItemType', query.itemType ?? 0, 'int'],
				['CompressionMethod', 0, 'int'],
			]);
			return parseStockListXml(
				'GetStockListCompressed',
				decompressResult('GetStockListCompressed', zipped),
			);
		}
		const result = await this.transport.call('GetStockList', [
			['DateType', query.dateType ?? 0, 'int'],
			['DateValue', query.since, 'dateTime'],
			['StockItemType', query.itemType ?? 0, 'int'],
		]);
		return parseStockList(result);
	}

	/** ExportStock for these codes, one chunk at a time, so a large catalogue never sits in memory at once. */
	async *exportStockChunks(
		codes: readonly string[],
		options: ChunkOptions = {},
	): AsyncGenerator<KhaosStockItem[]> {
		for (const chunk of chunked(csvSafeCodes(codes), options.chunkSize ?? 15)) {
			const xml = await this.text('ExportStock', [
				['StockCode', chunk.join(','), 'string'],
				['MappingType', options.mappingType ?? 1, 'int'],
			]);
			yield parseExportStock(xml);
		}
	}

	/** ExportStock for these codes, all chunks collected. No codes, no call (an empty list would export everything). */
	async exportStock(
		codes: readonly string[],
		options: ChunkOptions = {},
	): Promise<KhaosStockItem[]> {
		const items: KhaosStockItem[] = [];
		for await (const chunk of this.exportStockChunks(codes, options)) items.push(...chunk);
		return items;
	}

	/** Stock levels and status; `''` asks for every item. */
	async exportStockStatus(
		codes: readonly string[] | '',
		options: ChunkOptions & { siteId?: number; potentialLeadTime?: boolean } = {},
	): Promise<KhaosStockStatus[]> {
		const call = async (stockCode: string): Promise<KhaosStockStatus[]> =>
			parseStockStatus(
				await this.text('ExportStockStatus', [
					['StockCode', stockCode, 'string'],
					['MappingType', options.mappingType ?? 1, 'int'],
					['SiteID', options.siteId, 'int'],
					['PotentialLeadTime', options.potentialLeadTime, 'boolean'],
				]),
			);
		if (codes === '') return call('');
		const statuses: KhaosStockStatus[] = [];
		for (const chunk of chunked(csvSafeCodes(codes), options.chunkSize ?? 15))
			statuses.push(...(await call(chunk.join(','))));
		return statuses;
	}

	/** With `compressed`, ExportWebCategoriesCompressed (ZIP): the same KSDXMLWebCategories document. */
	async exportWebCategories(
		website: string,
		options: { compressed?: boolean } = {},
	): Promise<WebCategoryTree> {
		if (options.compressed === true) {
			const zipped = await this.transport.call('ExportWebCategoriesCompressed', [
				['Website', website, 'string'],
				['CompressionMethod', 0, 'int'],
			]);
			return parseWebCategories(decompressResult('ExportWebCategoriesCompressed', zipped));
		}
		return parseWebCategories(
			await this.text('ExportWebCategories', [['Website', website, 'string']]),
		);
	}

	/** One ImportOrders call. Never retried by the transport; see sendOrders for the safe way to send. */
	async importOrders(xml: string): Promise<OrderImportResult> {
		return parseOrderImportResult(
			await this.transport.call('ImportOrders', [['Orders', xml, 'string']]),
		);
	}

	async exportOrderStatusEx(query: OrderStatusQuery): Promise<OrderStatus[]> {
		const ids = query.ids ? csvSafeCodes(query.ids) : [];
		if (ids.length === 0 && (query.dateFrom === undefined || query.dateTo === undefined)) {
			throw new Error('ExportOrderStatusEx needs order IDs, or both dateFrom and dateTo');
		}
		const call = async (idList: string, mappingType: number): Promise<OrderStatus[]> =>
			parseOrderStatusEx(
				await this.text('ExportOrderStatusEx', [
					['IDs', idList, 'string'],
					['MappingType', mappingType, 'int'],
					['WebOnly', query.webOnly, 'boolean'],
					['ConfirmedOnly', query.confirmedOnly, 'boolean'],
					['IncludeTracking', query.includeTracking, 'boolean'],
					['IncludeCancelled', query.includeCancelled, 'boolean'],
					['DateFrom', query.dateFrom, 'dateTime'],
					['DateTo', query.dateTo, 'dateTime'],
					['InvoiceStageIDs', query.invoiceStageIds?.join(','), 'string'],
					['ShowItems', query.showItems, 'boolean'],
				]),
			);
		// The guide: "If no ID(s) are defined, set this to 1."
		if (ids.length === 0) return call('', 1);
		const statuses: OrderStatus[] = [];
		for (const chunk of chunked(ids, query.chunkSize ?? 50))
			statuses.push(...(await call(chunk.join(','), query.mappingType ?? 4)));
		return statuses;
	}

	/** Web orders issued in the last 48 hours plus all not yet issued. */
	async exportOrderStatus(): Promise<OrderStatus[]> {
		return parseOrderStatus(await this.text('ExportOrderStatus', []));
	}

	async getCompanyList(query: {
		since: DateInput;
		companyClasses?: readonly string[];
	}): Promise<CompanyListEntry[]> {
		const result = await this.transport.call('GetCompanyList', [
			['LastUpdated', query.since, 'dateTime'],
			[
				'CompanyClassList',
				query.companyClasses ? csvSafeCodes(query.companyClasses).join(',') : undefined,
				'string',
			],
		]);
		return parseCompanyList(result);
	}

	/** ExportCompany for these customers, in chunks; `updatedAt` fills updated_at from GetCompanyList. */
	async exportCompany(
		codes: readonly string[],
		options: {
			mappingType?: 1 | 2 | 3 | 4 | 5;
			chunkSize?: number;
			updatedAt?: ReadonlyMap<string, string | null>;
		} = {},
	): Promise<KhaosCustomer[]> {
		const customers: KhaosCustomer[] = [];
		for (const chunk of chunked(csvSafeCodes(codes), options.chunkSize ?? 15)) {
			const xml = await this.text('ExportCompany', [
				['CompanyCode', chunk.join(','), 'string'],
				['MappingType', options.mappingType ?? 1, 'int'],
			]);
			customers.push(...parseExportCompany(xml, options.updatedAt));
		}
		return customers;
	}

	/**
	 * Sends web orders safely: checked, stock codes looked up, sent in batches, one result per order
	 * (send-orders.ts).
	 */
	sendOrders(
		orders: readonly WebOrder[],
		options: SendOrdersOptions = {},
	): Promise<SendOrderResult[]> {
		return sendOrders(this, orders, options);
	}

	/** Any IKosWeb method, for the operations kept outside this class (lookups.ts, price-lists.ts, compressed.ts). */
	async call(method: string, params: readonly SoapParam[] = []): Promise<SoapValue | undefined> {
		return this.transport.call(method, params);
	}

	/** A method that returns an XML document as text. */
	async text(method: string, params: readonly SoapParam[]): Promise<string> {
		const result = await this.transport.call(method, params);
		if (typeof result === 'string') return result;
		if (result === undefined || result === null) return '';
		throw new KhaosProtocolError(method, 'expected text (an XML document) but got a structure');
	}
}
