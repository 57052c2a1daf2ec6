/** Public shapes of the fake Khaos server: options, admin API, what it stores. */
import type { MailingHistoryEntry } from './customers';

export type { MailingHistoryEntry };

export interface FakeKhaosSeed {
	/** KSDXMLStock documents (STOCK_ITEMS roots) and when their items were last revised. Replaces the default catalogue. */
	stock?: Array<{ xml: string; lastUpdated: Date }>;
	/** Levels by stock code, as in seed/stock-levels.json. Replaces the default levels. */
	levels?: Record<string, FakeStockLevel>;
	/** A WEBSITES document holding KSDXMLWebCategories WEBSITE elements. */
	webCategoriesXml?: string;
	/** A KSDXMLCustomer document (COMPANYS root). */
	customersXml?: string;
	/** What GetVersion returns. */
	version?: string;
	/** Name of the stock site (KSDXMLStockStatus SITE attribute). */
	siteName?: string;
}

export interface FakeKhaosOptions {
	port?: number;
	/** Defaults to 127.0.0.1. */
	host?: string;
	/** Defaults to KhaosKSD.exe; the service lives under /<exeName>/. */
	exeName?: string;
	/** When set, every request to the service (WSDL and SOAP) needs this HTTP Basic login; /__admin/ does not. */
	basicAuth?: { user: string; password: string };
	seed?: FakeKhaosSeed;
	/**
	 * Path the SOAP endpoint is served on and advertised in the WSDL's soap:address. Defaults to
	 * /<exeName>/soap/IKosWeb; change it to prove a client posts where the WSDL says, not where it guesses.
	 */
	soapPath?: string;
	/** Clock for every timestamp the fake writes (order dates, LastUpdated). Defaults to the real clock. */
	clock?: () => Date;
}

export interface FakeStockLevel {
	level: number;
	/** KSDXMLStockStatus STATUS; worked out from level, DISCONTINUED and STOCK_CONTROLLED when left out. */
	status?: number;
	/** yyyy-mm-dd of the next purchase order. */
	leadTime?: string;
}

/** A stock item for addStock. For anything this does not cover, pass `xml`: one STOCK_ITEM element. */
export interface FakeStockItemInput {
	code: string;
	desc?: string;
	otherRef?: string;
	longDesc?: string;
	webTeaser?: string;
	sellPrice?: number;
	sellPriceIsNet?: boolean;
	/** 0 means not set, as in Khaos. */
	sellPriceWeb?: number;
	buyPrice?: number;
	vatRate?: number;
	web?: boolean;
	discontinued?: boolean;
	runToZero?: boolean;
	/** Defaults to true, or false for packs and SCS parents. */
	stockControlled?: boolean;
	level?: number;
	leadTime?: string;
	launchDate?: string;
	userDefined?: Array<{ name: string; type: string; value: string }>;
	/** Makes the item a Pack: LINKED_ITEMS with LINK_TYPE 3 and LINK_VALUE = qty. */
	pack?: Array<{ code: string; qty: number }>;
	/**
	 * Makes the item an SCS parent; each child sits under STYLE elements, one per suffix. As in the
	 * real installation, ExportStock of the parent leaves the children out unless itemsInExport.
	 */
	scs?: {
		headings: string[];
		itemsInExport?: boolean;
		children: Array<{
			code: string;
			suffixes: string[];
			descriptions?: string[];
			otherRef?: string;
			level?: number;
			sellPrice?: number;
		}>;
	};
	xml?: string;
}

export type FakeStockPatch = Partial<Omit<FakeStockItemInput, 'code' | 'pack' | 'scs' | 'xml'>>;

export interface StoredOrderLine {
	lineNo: number;
	stockCode: string;
	stockId: string;
	/** What the order sent in STOCK_CODE (or STOCK_DESC for MAPPING_TYPE 4), before mapping. */
	requested: string;
	mappingType: number;
	description: string;
	extendedDesc: string;
	qty: number;
	priceNet: number | null;
	priceGrs: number | null;
	discount: number | null;
	taxRate: string;
	packSortOrder: string;
	/** True for a line whose item is a Pack; its components follow it. */
	packHeader: boolean;
	/** For a component Khaos added: the pack's stock code. */
	packComponentOf: string | null;
}

export interface StoredInvoice {
	invoiceCode: string;
	stage: number;
	courier: string;
	consignmentRef: string;
	trackingUrl: string;
	invoiceDate: string;
	shipDate: string | null;
	issueDate: string | null;
	moved: boolean;
}

export interface StoredOrder {
	salesOrderCode: string;
	associatedRef: string;
	companyCode: string;
	companyName: string;
	customerOtherRef: string;
	newCustomer: boolean;
	stage: number;
	complete: boolean;
	cancelled: boolean;
	cancelledAt: string | null;
	createdAt: string;
	updatedAt: string;
	trackingChangedAt: string | null;
	currency: string;
	orderAmount: string;
	deliveryNet: string;
	deliveryGrs: string;
	courier: string;
	invoice: StoredInvoice;
	lines: StoredOrderLine[];
	/** ORDER_HEADER leaf values, entity-decoded. */
	header: Record<string, string>;
	/** CUSTOMER_DETAIL leaf values including INVADDR/DELADDR fields (IADDRESS1, DSURNAME, ...), entity-decoded. */
	customer: Record<string, string>;
	payments: Array<Record<string, string>>;
	/** The SALES_ORDER element as Khaos received it, re-serialised. */
	xml: string;
}

/** 'reset' drops the connection before the call is carried out, 'drop-reply' after: the call took effect, the answer is lost. */
export type FaultKind = 'soap-fault' | 'http-503' | 'http-401' | 'delay' | 'reset' | 'drop-reply';

export interface FaultSpec {
	/** SOAP method name (as in SOAPAction), or 'wsdl' for the WSDL GET. Any SOAP call when left out. */
	method?: string;
	kind: FaultKind;
	/** How many matching requests it hits. Default 1. */
	times?: number;
	/** faultstring for 'soap-fault'. */
	message?: string;
	/** For 'delay'. Default 5000. */
	delayMs?: number;
}

export interface CallRecord {
	/** The method SOAPAction named ('' when it named none). */
	method: string;
	params: Record<string, string>;
	/** xsi:type of each parameter as sent. */
	types: Record<string, string>;
	at: number;
	/** The SOAPAction header exactly as sent (undefined when missing). */
	soapAction: string | undefined;
	/** The request body exactly as sent, for asserting on the envelope itself (escaping, no CDATA, xsi:types). */
	body: string;
	/** The injected fault this call met, if any. */
	fault?: FaultKind;
}

export interface AdvanceExtras {
	consignmentRef?: string;
	trackingUrl?: string;
	courier?: string;
}

export interface FakeKhaos {
	baseUrl: string;
	wsdlUrl: string;
	endpointUrl: string;
	stop(): Promise<void>;
	orders(): StoredOrder[];
	advanceOrder(associatedRef: string, stage: number | 'next', extras?: AdvanceExtras): void;
	cancelOrder(associatedRef: string): void;
	addStock(item: FakeStockItemInput): void;
	updateStock(code: string, patch: FakeStockPatch): void;
	deleteStock(code: string): void;
	/** Deletes a customer as Khaos does, for GetDeletedEntries; mergedInto names the customer it was merged into. */
	deleteCustomer(code: string, mergedInto?: string): void;
	/** Every customer's code, duplicates included, in the order Khaos holds them. */
	customerCodes(): string[];
	/** Every MAILING_STATUS each customer ever had (seeded, on creation, after each update), by customer code. */
	mailingHistory(): Record<string, MailingHistoryEntry[]>;
	injectFault(fault: FaultSpec): void;
	calls(): CallRecord[];
	reset(): void;
}
