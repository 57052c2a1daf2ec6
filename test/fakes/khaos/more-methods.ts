/**
 * The rest of the guide's operations the nodes use: reference lists (GetSaleSource, GetSiteList,
 * GetSOPData couriers, GetPriceLists), price lists (ExportPriceList, ExportPriceListEx), deleted
 * customers (GetDeletedEntries), GetStockPotential, ExportStockCompressed and GetStockListCompressed. Shapes as the guide
 * and the XML examples give them; where the guide is silent, the least convenient reading.
 */
import { crc32, deflateRawSync } from 'node:zlib';

import type { CustomerBook } from './customers';
import { DELPHI_ZERO_DATE, formatDmy, formatSoapDateTime } from './dates';
import type { Args, MethodSpec } from './methods';
import {
	SoapFault,
	soapArray,
	soapBase64,
	soapDouble,
	soapInt,
	soapString,
	soapStruct,
	stringResponse,
	structResponse,
} from './soap';
import type { SoapCall } from './soap';
import type { StockCatalogue, StockEntry, StockMapping } from './stock';
import { el, leaf, serialize } from './xml';

export interface MoreState {
	stock: StockCatalogue;
	customers: CustomerBook;
	deletedCompanies: Array<{ id: string; mergedInto: string; at: Date }>;
}

export const MORE_METHODS: Record<string, MethodSpec> = {
	GetSaleSource: { params: {}, returns: 'TDataArray' },
	GetSiteList: { params: {}, returns: 'TSiteList' },
	GetPriceLists: { params: {}, returns: 'TDataArray' },
	GetSOPData: {
		params: {
			Courier: 'boolean',
			DelRate: 'boolean',
			CourierBanding: 'boolean',
			BOGOF: 'boolean',
			SpecialOffer: 'boolean',
			TelesalePrompt: 'boolean',
			KeyCode: 'boolean',
			BarredItems: 'boolean',
		},
		returns: 'xsd:string',
	},
	ExportPriceList: { params: { PriceList: 'string' }, returns: 'xsd:string' },
	ExportPriceListEx: {
		params: { PriceLists: 'string', PriceListType: 'int', PriceListIDs: 'boolean' },
		returns: 'xsd:string',
	},
	GetDeletedEntries: {
		params: { DateFrom: 'dateTime', DateTo: 'dateTime', DocumentType: 'int', ObjectID: 'string' },
		returns: 'xsd:string',
	},
	GetStockPotential: {
		params: { StockCode: 'string', MappingType: 'int' },
		returns: 'TStockPotentialArray',
	},
	ExportStockCompressed: {
		params: {
			StockCode: 'string',
			MappingType: 'int',
			LastUpdated: 'dateTime',
			CompressionMethod: 'int',
		},
		returns: 'TCompressedResult',
	},
	GetStockListCompressed: {
		params: {
			DateType: 'int',
			DateValue: 'dateTime',
			StockItemType: 'int',
			CompressionMethod: 'int',
		},
		returns: 'TCompressedResult',
	},
};

export const SALE_SOURCES = ['Web', 'Telephone', 'Shop'];
export const COURIERS: Array<{ code: string; name: string }> = [
	{ code: 'RM', name: 'Royal Mail' },
	{ code: 'RM48', name: 'Royal Mail 48' },
	{ code: 'DPD', name: 'DPD Next Day' },
];

/** Stock item price lists by classification (Promotion > Stock Item / Price List), and one customer's prices. */
const CLASS_PRICES: Record<
	string,
	Array<{ code: string; amount: number; from: number; to: number }>
> = {
	'Web Prices': [
		{ code: 'HL0453', amount: 52.99, from: 1, to: 9999 },
		{ code: 'AMU15/SMPU-SMPU-10', amount: 28, from: 1, to: 9999 },
	],
	'Web Sale': [{ code: 'HL0454', amount: 29.5, from: 1, to: 9999 }],
	Trade: [
		{ code: 'HL0453', amount: 40, from: 1, to: 4 },
		{ code: 'HL0453', amount: 36, from: 5, to: 9999 },
	],
};
const CUSTOMER_PRICES: Record<string, Array<{ code: string; amount: number }>> = {
	KCS001: [{ code: 'HL0454', amount: 30 }],
};

export function invokeMore(state: MoreState, call: SoapCall, args: Args): string {
	switch (call.method) {
		case 'GetSaleSource':
			return structResponse(call.method, soapArray('xsd:string', SALE_SOURCES.map(soapString)));
		case 'GetPriceLists':
			return structResponse(
				call.method,
				soapArray('xsd:string', Object.keys(CLASS_PRICES).map(soapString)),
			);
		case 'GetSiteList':
			return structResponse(
				call.method,
				soapStruct('TSiteList', [
					[
						'List',
						soapArray('TSite', [
							soapStruct('TSite', [
								['SiteID', soapInt(1)],
								['SiteName', soapString(state.stock.siteName)],
							]),
						]),
					],
					['CurrentSiteID', soapInt(1)],
				]),
			);
		case 'GetSOPData': {
			const couriers = args.bool('Courier')
				? [
						el(
							'COURIERS',
							{},
							...COURIERS.map((courier) => leaf('COURIER', courier.name, { CODE: courier.code })),
						),
					]
				: [];
			return stringResponse(call.method, serialize(el('SOPDATA', {}, ...couriers)));
		}
		case 'ExportPriceList': {
			const wanted = args.string('PriceList').trim();
			// "If no price list is specified then the system will look for a price list that begins with the text 'web'", and fails on more than one.
			const names = Object.keys(CLASS_PRICES).filter((name) =>
				wanted === '' ? /^web/i.test(name) : name.toUpperCase() === wanted.toUpperCase(),
			);
			if (names.length === 0) throw new SoapFault(`Price list '${wanted}' not found`);
			if (names.length > 1)
				throw new SoapFault(
					`More than one price list matches '${wanted || 'web'}': ${names.join(', ')}`,
				);
			return stringResponse(call.method, priceListsXml(names, []));
		}
		case 'ExportPriceListEx': {
			const type = args.oneOf(
				'PriceListType',
				0,
				[1, 2, 3, 4],
				'use 1 stock item/customer, 2 stock type/customer, 3 stock item/price list or 4 stock type/price list',
			);
			const names = args.list('PriceLists');
			if (type === 3)
				return stringResponse(
					call.method,
					priceListsXml(
						Object.keys(CLASS_PRICES).filter((name) =>
							names.some((wanted) => wanted.toUpperCase() === name.toUpperCase()),
						),
						[],
					),
				);
			if (type === 1)
				return stringResponse(
					call.method,
					priceListsXml(
						[],
						names.filter((code) => CUSTOMER_PRICES[code.toUpperCase()]),
					),
				);
			return stringResponse(call.method, '<PriceLists/>');
		}
		case 'GetDeletedEntries': {
			const from = args.date('DateFrom');
			const to = args.date('DateTo');
			if (from === undefined || to === undefined)
				throw new SoapFault('DateFrom and DateTo are required');
			const type = args.int('DocumentType', 0);
			// "5: Company entries. At present, this is the only document type supported."
			if (type !== 5)
				throw new SoapFault(
					`DocumentType ${type} is not supported: 5 (companies) is the only document type`,
				);
			// Deletion dates are days (DD/MM/YYYY): a day counts when it falls between the two dates' days.
			const day = (date: Date): number =>
				Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
			const entries = state.deletedCompanies.filter(
				(entry) => day(entry.at) >= day(from) && day(entry.at) <= day(to),
			);
			return stringResponse(
				call.method,
				serialize(
					el(
						'DELETED_ENTRIES',
						{},
						...entries.map((entry) =>
							el(
								'DELETED_ENTRY',
								{},
								leaf('HEADER_ID', entry.id),
								leaf('DOCUMENT_TYPE', '5'),
								leaf('ADDITIONAL_REF', entry.mergedInto),
								leaf('DELETION_DATE', formatDmy(entry.at)),
								leaf('PARENT_ID', ''),
							),
						),
					),
				),
			);
		}
		case 'GetStockPotential': {
			// MappingType 0 (STOCK_ID) is the default; left out, codes are read as internal IDs.
			const mapping = args.oneOf(
				'MappingType',
				0,
				[0, 1, 2, 4],
				'use 0 STOCK_ID, 1 STOCK_CODE, 2 OTHER_REF or 4 SHORT_DESC',
			);
			const all = state.stock.all();
			const wanted = args
				.list('StockCode')
				.flatMap((code) =>
					mapping === 0
						? all.filter((entry) => state.stock.stockId(entry) === code)
						: state.stock.lookup(code, mapping as StockMapping, all),
				);
			return structResponse(
				call.method,
				soapArray(
					'TStockPotential',
					[...new Set(wanted)].map((entry) => potential(state.stock, entry)),
				),
			);
		}
		case 'ExportStockCompressed': {
			const method = args.oneOf('CompressionMethod', 0, [0, 1], 'use 0 ZIP or 1 BZip2');
			if (method === 1) throw new SoapFault('BZip2 compression is not available on this server');
			const mapping = args.oneOf(
				'MappingType',
				1,
				[1, 2, 4],
				'use 1 STOCK_CODE, 2 OTHER_REF or 4 SHORT_DESC',
			) as StockMapping;
			const all = state.stock.all();
			const wanted = new Set(
				args.list('StockCode').flatMap((code) => state.stock.lookup(code, mapping, all)),
			);
			return compressedResponse(
				call.method,
				'KSDXMLStock.xml',
				state.stock.exportStock(all.filter((entry) => wanted.has(entry))),
			);
		}
		case 'GetStockListCompressed': {
			const method = args.oneOf('CompressionMethod', 0, [0, 1], 'use 0 ZIP or 1 BZip2');
			if (method === 1) throw new SoapFault('BZip2 compression is not available on this server');
			const dateType = args.oneOf(
				'DateType',
				0,
				[0, 1, 2],
				'use 0 REVISION_DATE, 1 LAUNCH_DATE or 2 MOVEMENT_DATE',
			);
			const itemType = args.oneOf(
				'StockItemType',
				0,
				[0, 1, 2],
				'use 0 all, 1 SCS parents or 2 SCS children',
			);
			const list = state.stock.stockList(
				dateType,
				args.date('DateValue') ?? DELPHI_ZERO_DATE,
				itemType,
			);
			// The guide: the unzipped Data "will match the returned result format of GetStockList".
			const xml = serialize(
				el(
					'TStockList',
					{},
					leaf('Count', list.length),
					el(
						'List',
						{},
						...list.map((info) =>
							el(
								'TStockInfo',
								{},
								leaf('StockCode', info.stockCode),
								leaf('OtherRef', info.otherRef),
								leaf('StockDesc', info.stockDesc),
								leaf('ParentCode', info.parentCode),
								leaf('ParentOtherRef', info.parentOtherRef),
								leaf('LastUpdated', formatSoapDateTime(info.lastUpdated)),
							),
						),
					),
				),
			);
			return compressedResponse(call.method, 'StockList.xml', xml);
		}
	}
	throw new SoapFault(`No method named '${call.method}'`, 'Client', 'ERemotableException');
}

/** A TCompressedResult holding `document` as the only file of a ZIP (CompressionMethod 0). */
export function compressedResponse(method: string, fileName: string, document: string): string {
	const xml = Buffer.from(document, 'utf8');
	const zip = zipOne(fileName, xml);
	return structResponse(
		method,
		soapStruct('TCompressedResult', [
			['Method', soapString('ZIP')],
			['FileName', soapString(fileName)],
			['Data', soapBase64(zip)],
			['OriginalSize', soapInt(xml.length)],
			['CompressedSize', soapInt(zip.length)],
			['PasswordProtected', { kind: 'boolean', value: false }],
		]),
	);
}

/** A pack or build can be made as many times as its scarcest component allows; anything else has its own level. */
function potential(stock: StockCatalogue, entry: StockEntry) {
	const components = stock.packComponents(entry);
	const available =
		components.length === 0
			? entry.level
			: Math.min(
					...components.map((part) =>
						Math.floor(Math.max(0, stock.get(part.code)?.level ?? 0) / Math.max(1, part.qty)),
					),
				);
	const onOrder = entry.leadTime !== '' ? 10 : 0;
	return soapStruct('TStockPotential', [
		['StockCode', soapString(entry.code)],
		['OtherRef', soapString(stock.otherRef(entry))],
		['StockDesc', soapString('')],
		['Available', soapDouble(available)],
		['OnOrder', soapDouble(onOrder)],
		['BackOrder', soapDouble(0)],
		['Potential', soapDouble(available + onOrder)],
	]);
}

function priceListsXml(classes: string[], customers: string[]): string {
	const item = (code: string, amount: number, from = 1, to = 9999) =>
		el(
			'StockItem',
			{},
			leaf('AmountValue', amount),
			leaf('DiscountValue', 0),
			leaf('MarkUp', 0),
			leaf('QtyEnd', to),
			leaf('QtyStart', from),
			leaf('StockCode', code),
		);
	return serialize(
		el(
			'PriceLists',
			{},
			el(
				'StockItem-Customers',
				{},
				...customers.map((code) =>
					el(
						'StockItem-Customer',
						{ CompanyCode: code.toUpperCase() },
						...CUSTOMER_PRICES[code.toUpperCase()].map((price) => item(price.code, price.amount)),
					),
				),
			),
			el(
				'StockItem-CustomerClassificationsList',
				{},
				...classes.map((name) =>
					el(
						'StockItem-CustomerClassifications',
						{ CompClass: name },
						...CLASS_PRICES[name].map((price) =>
							item(price.code, price.amount, price.from, price.to),
						),
					),
				),
			),
		),
	);
}

/** A ZIP archive holding one deflated file. */
function zipOne(name: string, data: Buffer): Buffer {
	const compressed = deflateRawSync(data);
	const fileName = Buffer.from(name, 'utf8');
	const crc = crc32(data);
	const local = Buffer.alloc(30);
	local.writeUInt32LE(0x04034b50, 0);
	local.writeUInt16LE(20, 4);
	local.writeUInt16LE(8, 8);
	local.writeUInt32LE(crc, 14);
	local.writeUInt32LE(compressed.length, 18);
	local.writeUInt32LE(data.length, 22);
	local.writeUInt16LE(fileName.length, 26);
	const central = Buffer.alloc(46);
	central.writeUInt32LE(0x02014b50, 0);
	central.writeUInt16LE(20, 4);
	central.writeUInt16LE(20, 6);
	central.writeUInt16LE(8, 10);
	central.writeUInt32LE(crc, 16);
	central.writeUInt32LE(compressed.length, 20);
	central.writeUInt32LE(data.length, 24);
	central.writeUInt16LE(fileName.length, 28);
	const centralOffset = local.length + fileName.length + compressed.length;
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(1, 8);
	end.writeUInt16LE(1, 10);
	end.writeUInt32LE(central.length + fileName.length, 12);
	end.writeUInt32LE(centralOffset, 16);
	return Buffer.concat([local, fileName, compressed, central, fileName, end]);
}
