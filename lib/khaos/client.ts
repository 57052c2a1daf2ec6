/**
 * KhaosClient: one method per Khaos call the nodes need, on top of the SOAP transport, plus
 * sendOrders, the checked and idempotent way to push web orders.
 */
import {
	parseCompanyList,
	parseExportCompany,
	type CompanyListEntry,
	type KhaosCustomer,
} from './customers';
import { chunked, csvSafeCodes } from './codes';
import { KhaosError, KhaosFaultError, KhaosProtocolError } from './errors';
import {
	buildImportOrdersXml,
	parseOrderImportResult,
	validateOrder,
	type ImportOrdersOptions,
	type OrderImportResult,
	type OrderProblem,
	type WebOrder,
} from './orders';
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

export interface SendOrdersOptions extends ImportOrdersOptions {
	/** Orders per ImportOrders call. Default 20. */
	batchSize?: number;
}

interface SendResultBase {
	index: number; // position in the input
	order_id: string;
	warnings: OrderProblem[]; // values shortened or left out on the way to Khaos
}

export type SendOrderResult =
	| (SendResultBase & {
			status: 'imported';
			salesOrderCode: string;
			customerCode: string | null;
			message: string | null;
	  })
	| (SendResultBase & { status: 'already_imported'; reason: string })
	| (SendResultBase & {
			status: 'failed';
			reason: string;
			retryable: boolean;
			unknownCodes?: string[];
			problems?: OrderProblem[];
	  });

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
	 * Sends web orders safely. Each order is validated; the stock codes of the valid ones are looked
	 * up in Khaos (ExportStockStatus) and orders with unknown codes fail without being sent, since
	 * Khaos would skip them anyway. The rest go in ImportOrders batches. If Khaos faults a batch, its
	 * orders are re-sent one by one to find the culprit: re-sending is safe because Khaos skips an
	 * ASSOCIATED_REF it has already imported. Every input order gets exactly one result, in input order.
	 */
	async sendOrders(
		orders: readonly WebOrder[],
		options: SendOrdersOptions = {},
	): Promise<SendOrderResult[]> {
		const results: (SendOrderResult | undefined)[] = new Array(orders.length).fill(undefined);
		const duplicates: Duplicate[] = [];
		const pending = this.validForSending(orders, options, results, duplicates);
		const sendable = await this.withKnownCodes(pending, options, results);
		for (const batch of chunked(sendable, Math.max(1, options.batchSize ?? 20))) {
			await this.sendBatch(batch, options, results);
		}
		for (const duplicate of duplicates)
			results[duplicate.index] = sameAsFirst(duplicate, orders, results[duplicate.first]);
		return results.map(
			(result, index) =>
				result ??
				failed(
					{ index, orderId: orders[index]?.order_id, warnings: [] },
					'the order was not processed',
					true,
				),
		);
	}

	private validForSending(
		orders: readonly WebOrder[],
		options: SendOrdersOptions,
		results: (SendOrderResult | undefined)[],
		duplicates: Duplicate[],
	): PendingOrder[] {
		const firstIndexById = new Map<string, number>();
		const pending: PendingOrder[] = [];
		orders.forEach((order, index) => {
			const problems = validateOrder(order, options);
			const warnings = problems.filter((problem) => problem.severity === 'warning');
			const errors = problems.filter((problem) => problem.severity === 'error');
			const base = { index, orderId: order.order_id, warnings };
			const key = normaliseRef(order.order_id);
			if (errors.length > 0) {
				results[index] = {
					...failed(
						base,
						errors.map((problem) => `${problem.field} ${problem.message}`).join('; '),
						false,
					),
					problems: errors,
				};
			} else if (firstIndexById.has(key)) {
				duplicates.push({ index, first: firstIndexById.get(key) as number, warnings });
			} else {
				firstIndexById.set(key, index);
				pending.push({ ...base, order });
			}
		});
		return pending;
	}

	/** Fails orders whose stock codes Khaos does not know; skipped for mapping types ExportStockStatus cannot look up. */
	private async withKnownCodes(
		pending: PendingOrder[],
		options: SendOrdersOptions,
		results: (SendOrderResult | undefined)[],
	): Promise<PendingOrder[]> {
		const mappingType = options.mappingType ?? 1;
		if (pending.length === 0 || (mappingType !== 1 && mappingType !== 2)) return pending;
		const checkable = pending.filter((entry) => {
			const withComma = orderSkus(entry.order).filter((sku) => sku.includes(','));
			if (withComma.length === 0) return true;
			results[entry.index] = failed(
				entry,
				`stock codes with a comma cannot be checked in Khaos: ${withComma.join(' | ')}`,
				false,
			);
			return false;
		});
		if (checkable.length === 0) return [];
		const skus = [...new Set(checkable.flatMap((entry) => orderSkus(entry.order)))];
		let known: Set<string>;
		let parents: Set<string>;
		try {
			const statuses = await this.exportStockStatus(skus, { mappingType });
			known = new Set(
				statuses.map((status) =>
					normaliseRef((mappingType === 2 ? status.other_ref : status.stock_code) ?? ''),
				),
			);
			// An SCS parent is a template: Khaos would take the order, for no size or colour at all.
			const scsParents = await this.getStockList({ dateType: 0, since: ZERO_TIME, itemType: 1 });
			parents = new Set(
				scsParents.map((entry) =>
					normaliseRef((mappingType === 2 ? entry.other_ref : entry.stock_code) ?? ''),
				),
			);
		} catch (error) {
			for (const entry of checkable)
				results[entry.index] = failed(
					entry,
					`could not check the stock codes in Khaos: ${describe(error)}`,
					isRetryable(error),
				);
			return [];
		}
		return checkable.filter((entry) => {
			const unknownCodes = orderSkus(entry.order).filter((sku) => !known.has(normaliseRef(sku)));
			const templates = orderSkus(entry.order).filter((sku) => parents.has(normaliseRef(sku)));
			if (unknownCodes.length > 0) {
				results[entry.index] = {
					...failed(
						entry,
						`stock code${unknownCodes.length > 1 ? 's' : ''} not found in Khaos: ${unknownCodes.join(', ')}`,
						false,
					),
					unknownCodes,
				};
			} else if (templates.length > 0) {
				results[entry.index] = failed(
					entry,
					`choose a size/colour: ${templates.join(', ')} ${templates.length > 1 ? 'are products' : 'is a product'} with sizes or colours, and an order line must name one of its variants`,
					false,
				);
			}
			return results[entry.index] === undefined;
		});
	}

	private async sendBatch(
		batch: readonly PendingOrder[],
		options: SendOrdersOptions,
		results: (SendOrderResult | undefined)[],
	): Promise<void> {
		let outcome: OrderImportResult;
		try {
			outcome = await this.importOrders(
				buildImportOrdersXml(
					batch.map((entry) => entry.order),
					options,
				),
			);
		} catch (error) {
			if (error instanceof KhaosFaultError && batch.length > 1) {
				for (const entry of batch) await this.sendBatch([entry], options, results);
				return;
			}
			const unsure =
				error instanceof KhaosFaultError
					? ''
					: '; Khaos may or may not have imported it, and re-sending is safe';
			for (const entry of batch)
				results[entry.index] = failed(entry, `${describe(error)}${unsure}`, isRetryable(error));
			return;
		}
		for (const entry of batch) results[entry.index] = resultFor(entry, outcome);
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

/** An order whose order_id an earlier item of the same input already has. */
interface Duplicate {
	index: number;
	first: number;
	warnings: OrderProblem[];
}

/** A repeat of an order in the same input: sent once; the repeat is already imported when the first made it in. */
function sameAsFirst(
	duplicate: Duplicate,
	orders: readonly WebOrder[],
	first: SendOrderResult | undefined,
): SendOrderResult {
	const base = {
		index: duplicate.index,
		orderId: orders[duplicate.index]?.order_id,
		warnings: duplicate.warnings,
	};
	const note = `order_id ${base.orderId ?? ''} appears earlier in this input (item ${duplicate.first})`;
	if (first?.status === 'imported' || first?.status === 'already_imported') {
		return {
			index: base.index,
			order_id: base.orderId ?? '',
			warnings: base.warnings,
			status: 'already_imported',
			reason: `${note}, which Khaos has`,
		};
	}
	return failed(
		base,
		`${note}, which was not imported: ${first?.status === 'failed' ? first.reason : 'not processed'}`,
		first?.status === 'failed' ? first.retryable : true,
	);
}

interface PendingOrder {
	index: number;
	orderId: string;
	warnings: OrderProblem[];
	order: WebOrder;
}

function resultFor(entry: PendingOrder, outcome: OrderImportResult): SendOrderResult {
	const ref = normaliseRef(entry.orderId);
	const imported = outcome.imported.find((item) => normaliseRef(item.associatedRef) === ref);
	if (imported) {
		return {
			index: entry.index,
			order_id: entry.orderId,
			warnings: entry.warnings,
			status: 'imported',
			salesOrderCode: imported.salesOrderCode,
			customerCode: imported.urn || null,
			message: imported.msg || null,
		};
	}
	const skipped = outcome.skipped.find((item) => normaliseRef(item.orderRef) === ref);
	if (skipped?.kind === 'already_imported') {
		return {
			index: entry.index,
			order_id: entry.orderId,
			warnings: entry.warnings,
			status: 'already_imported',
			reason: skipped.skipReason,
		};
	}
	if (skipped)
		return failed(
			entry,
			`Khaos skipped the order: ${skipped.skipReason || 'no reason given'}`,
			false,
		);
	return failed(
		entry,
		'Khaos reported this order neither imported nor skipped; re-sending is safe',
		true,
	);
}

function failed(
	entry: { index: number; orderId: string | undefined; warnings: OrderProblem[] },
	reason: string,
	retryable: boolean,
): SendOrderResult & { status: 'failed' } {
	return {
		index: entry.index,
		order_id: entry.orderId ?? '',
		warnings: entry.warnings,
		status: 'failed',
		reason,
		retryable,
	};
}

function orderSkus(order: WebOrder): string[] {
	return [...new Set(order.lines.map((line) => line.sku.trim()))];
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function isRetryable(error: unknown): boolean {
	return error instanceof KhaosError ? error.retryable : false;
}

function normaliseRef(value: string | undefined): string {
	return (value ?? '').trim().toUpperCase();
}

const ZERO_TIME = '1899-12-30T00:00:00';
