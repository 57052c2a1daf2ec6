export { KhaosClient } from './client';
export { chunked, csvSafeCodes } from './codes';
export type { ChunkOptions, KhaosTransport, OrderStatusQuery, StockListQuery } from './client';
export type { SendOrderResult, SendOrdersOptions } from './send-orders';
export { toAlpha3CountryCode } from './countries';
export { parseCompanyList, parseExportCompany } from './customers';
export type { CompanyListEntry, KhaosCustomer } from './customers';
export {
	KhaosError,
	KhaosFaultError,
	KhaosHttpError,
	KhaosNetworkError,
	KhaosProtocolError,
	khaosSystemFault,
} from './errors';
export {
	KHAOS_FIELD_LIMITS,
	OrderValidationError,
	buildImportOrdersXml,
	classifySkipReason,
	khaosPaymentType,
	parseOrderImportResult,
	validateOrder,
} from './orders';
export type {
	ImportOrdersOptions,
	ImportedOrder,
	OrderImportResult,
	OrderProblem,
	SkipKind,
	SkippedOrder,
	WebOrder,
	WebOrderAddress,
	WebOrderCustomer,
	WebOrderLine,
	WebOrderPayment,
} from './orders';
export { KhaosSoapClient, backoffDelay, isReadMethod } from './soap';
export type { KhaosAuth, KhaosSoapClientOptions, RetryPolicy } from './soap';
export { KHAOS_NAMESPACE, formatSoapDateTime } from './soap-envelope';
export type { SoapParam, SoapParamType, SoapParamValue } from './soap-envelope';
export { soapList, soapText } from './soap-response';
export type { SoapValue } from './soap-response';
export { parseOrderStatus, parseOrderStatusEx, stageLabel } from './status';
export type { InvoiceBox, OrderInvoice, OrderStatus } from './status';
export { parseExportStock } from './stock';
export type {
	KhaosLinkedItem,
	KhaosScs,
	KhaosScsChild,
	KhaosScsLeaf,
	KhaosScsOption,
	KhaosStockFields,
	KhaosStockItem,
	KhaosUserDefined,
} from './stock';
export { toWebProduct, udaTags } from './web-product';
export type {
	PackComponent,
	UnpublishedReason,
	WebProduct,
	WebProductOptions,
	WebProductVariant,
} from './web-product';
export {
	categoryPathsByStockCode,
	indexStockStatus,
	parseStockList,
	parseStockStatus,
	parseWebCategories,
	stockStatusInfo,
} from './stock-status';
export type {
	KhaosStockStatus,
	StockListEntry,
	StockStatusInfo,
	WebCategory,
	WebCategoryItem,
	WebCategoryTree,
	WebsiteStockItem,
} from './stock-status';
export { formatMoney, khaosFlag, parseKhaosBoolean, parseKhaosDate, parseNumber } from './values';
export {
	KhaosXmlError,
	buildXml,
	escapeXmlAttribute,
	escapeXmlText,
	parseXml,
	stripInvalidXmlChars,
	xmlElement,
} from './xml';
export type { XmlContent, XmlElement, XmlNode } from './xml';
export { khaosSettings } from './settings';
export type { KhaosCredentialFields, KhaosSettings, StockMappingType } from './settings';
export {
	DEFAULT_OVERLAP_SECONDS,
	KHAOS_TIME_ZONE,
	KHAOS_ZERO_TIME,
	cursorFromState,
	formatCursor,
	khaosTime,
	parseCursor,
	productFingerprint,
	readStart,
	shiftKhaosTime,
} from './feed-cursor';
export type { DoneEntry, FeedCursor } from './feed-cursor';
export { SEEN_CODES_LIMIT, SeenStockCodes } from './seen-stock-codes';
export {
	changedProducts,
	currentPosition,
	listChanges,
	sampleChangedProducts,
	webProducts,
} from './product-feed';
export type {
	ChangeKind,
	ChangeQuery,
	ChangedProduct,
	ChangedProductsResult,
	FeedProductOptions,
} from './product-feed';
export { ScsChildDirectory, fitsLeaf, resolveScsChildren } from './scs-children';
export { orderTracking, salesOrderCodes, webOrderFromJson } from './order-flow';
export type { OrderTracking, WebOrderInputOptions } from './order-flow';
export { changedCustomers } from './customer-feed';
export type { CustomerQuery } from './customer-feed';
export { decompressResult, exportStockCompressedChunks, firstFileOfZip } from './compressed';
export {
	getCouriers,
	getDeletedCustomers,
	getSaleSources,
	getSiteList,
	getStockPotential,
	parseDataArray,
	parseDeletedEntries,
	parseStockPotential,
} from './lookups';
export type { DeletedCustomer, KhaosCourier, KhaosSite, StockPotential } from './lookups';
export { exportPriceList, exportPriceListEx, getPriceLists, parsePriceLists } from './price-lists';
export type { PriceListRow, PriceListType } from './price-lists';
export { checkSettings, sendOrdersChecked } from './settings-check';
export type { SettingsToCheck } from './settings-check';
export {
	MAILING_STATUS_NAMES,
	NO_MARKETING_STATUSES,
	buildMailingStatusXml,
	isNoMarketingStatus,
	parseCustomerImportResult,
	parseMailingRecords,
	raisesMailingStatus,
} from './mailing-status';
export type { CustomerImportResult, MailingRecord, NoMarketingStatus } from './mailing-status';
export {
	CustomerFinder,
	DEFAULT_MAILING_TARGETS,
	MailingUpdateError,
	applyConsentChange,
	mailingErrorOwner,
} from './mailing-update';
export type {
	ConsentKind,
	CustomerLookup,
	MailingChange,
	MailingOutcome,
	MailingOwner,
	MailingTargets,
} from './mailing-update';
