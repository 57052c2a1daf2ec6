/**
 * The IKosWeb operations the fake implements: parameter names and types as in the web integration
 * guide (Available Methods in the Web Service), typed as in the wire contract (WideString
 * xsd:string, Integer xsd:int, Boolean xsd:boolean true/false, DateTime xsd:dateTime).
 */
import { IMPORT_COMPANY, importCompany } from './company-import';
import { CustomerBook } from './customers';
import { DELPHI_ZERO_DATE, parseSoapDateTime } from './dates';
import { OrderBook } from './orders';
import {
	INTERFACE,
	SoapFault,
	soapArray,
	soapDateTime,
	soapInt,
	soapString,
	soapStruct,
	stringResponse,
	structResponse,
} from './soap';
import type { SoapCall } from './soap';
import { MORE_METHODS, compressedResponse, invokeMore, type MoreState } from './more-methods';
import { StockCatalogue } from './stock';
import type { StockEntry, StockMapping } from './stock';
import { attr, elements, parseXml, serialize } from './xml';
import type { XElement } from './xml';
import type { FakeKhaosSeed } from './types';

export type ParamType = 'string' | 'int' | 'boolean' | 'dateTime';

export interface MethodSpec {
	params: Record<string, ParamType>;
	/** xsd:string, or the Delphi struct type returned in multiRef form. */
	returns:
		| 'xsd:string'
		| 'TStockList'
		| 'TOrderImportResult'
		| 'TCompanyList'
		| 'TCustomerImportResult'
		| 'TDataArray'
		| 'TSiteList'
		| 'TStockPotentialArray'
		| 'TCompressedResult';
}

export const METHODS: Record<string, MethodSpec> = {
	GetVersion: { params: {}, returns: 'xsd:string' },
	GetStockList: {
		params: { DateType: 'int', DateValue: 'dateTime', StockItemType: 'int' },
		returns: 'TStockList',
	},
	ExportStock: {
		params: { StockCode: 'string', MappingType: 'int', LastUpdated: 'dateTime' },
		returns: 'xsd:string',
	},
	ExportStockStatus: {
		params: {
			StockCode: 'string',
			MappingType: 'int',
			LastUpdated: 'dateTime',
			SiteID: 'int',
			PotentialLeadTime: 'boolean',
		},
		returns: 'xsd:string',
	},
	ExportWebCategories: { params: { Website: 'string' }, returns: 'xsd:string' },
	// The guide's signature says WideString, its Return Results a TCompressedResult like its siblings'.
	ExportWebCategoriesCompressed: {
		params: { Website: 'string', CompressionMethod: 'int' },
		returns: 'TCompressedResult',
	},
	ImportOrders: { params: { Orders: 'string' }, returns: 'TOrderImportResult' },
	ExportOrderStatus: { params: {}, returns: 'xsd:string' },
	ExportOrderStatusEx: {
		params: {
			IDs: 'string',
			MappingType: 'int',
			WebOnly: 'boolean',
			ConfirmedOnly: 'boolean',
			IncludeTracking: 'boolean',
			IncludeCancelled: 'boolean',
			DateFrom: 'dateTime',
			DateTo: 'dateTime',
			InvoiceStageIDs: 'string',
			ShowItems: 'boolean',
		},
		returns: 'xsd:string',
	},
	GetCompanyList: {
		params: { LastUpdated: 'dateTime', CompanyClassList: 'string' },
		returns: 'TCompanyList',
	},
	ExportCompany: {
		params: { CompanyCode: 'string', MappingType: 'int', LastUpdated: 'dateTime' },
		returns: 'xsd:string',
	},
	ImportCompany: IMPORT_COMPANY,
	...MORE_METHODS,
};

export class KhaosState implements MoreState {
	readonly stock: StockCatalogue;
	readonly deletedCompanies: Array<{ id: string; mergedInto: string; at: Date }> = [];
	readonly customers: CustomerBook;
	readonly orders: OrderBook;
	readonly websites: XElement[];
	readonly version: string;

	constructor(seed: Required<FakeKhaosSeed>, clock: () => Date) {
		this.stock = new StockCatalogue(seed.stock, seed.levels, seed.siteName, clock);
		this.customers = new CustomerBook(seed.customersXml, clock);
		this.orders = new OrderBook(this.stock, this.customers, clock);
		this.websites = elements(parseXml(seed.webCategoriesXml), 'WEBSITE');
		this.version = seed.version;
	}
}

/** Typed access to a call's parameters; a value that is not of its declared type is a fault, as in Delphi's deserialiser. */
export class Args {
	constructor(
		private readonly call: SoapCall,
		spec: MethodSpec,
	) {
		for (const name of Object.keys(call.types)) {
			// Delphi would silently ignore an unknown element; the fake faults so a misspelt parameter cannot go unnoticed.
			if (!(name in spec.params))
				throw new SoapFault(
					`${call.method} has no parameter named ${name} (expected ${Object.keys(spec.params).join(', ') || 'none'})`,
					'Client',
				);
		}
		for (const [name, type] of Object.entries(spec.params)) {
			const value = call.params[name];
			if (value !== undefined) this.convert(name, type, value);
		}
	}

	private convert(name: string, type: ParamType, value: string): string | number | boolean | Date {
		switch (type) {
			case 'string':
				return value;
			case 'int':
				if (!/^\s*[+-]?\d+\s*$/.test(value))
					throw new SoapFault(
						`'${value}' is not a valid integer value (parameter ${name})`,
						'Client',
						'EConvertError',
						'EConvertError,Exception',
					);
				return Number(value);
			case 'boolean': {
				const text = value.trim();
				if (text === 'true' || text === '1') return true;
				if (text === 'false' || text === '0') return false;
				throw new SoapFault(
					`'${value}' is not a valid boolean value (parameter ${name}; SOAP booleans are true or false)`,
					'Client',
					'EConvertError',
					'EConvertError,Exception',
				);
			}
			case 'dateTime': {
				const date = parseSoapDateTime(value);
				if (date === undefined)
					throw new SoapFault(
						`Invalid date string: ${value} (parameter ${name})`,
						'Client',
						'EConvertError',
						'EConvertError,Exception',
					);
				return date;
			}
		}
	}

	has(name: string): boolean {
		return this.call.params[name] !== undefined && this.call.params[name].trim() !== '';
	}

	string(name: string): string {
		return this.call.params[name] ?? '';
	}

	list(name: string): string[] {
		return this.string(name)
			.split(',')
			.map((value) => value.trim())
			.filter((value) => value !== '');
	}

	int(name: string, fallback: number): number {
		return this.has(name)
			? (this.convert(name, 'int', this.call.params[name]) as number)
			: fallback;
	}

	bool(name: string, fallback = false): boolean {
		return this.has(name)
			? (this.convert(name, 'boolean', this.call.params[name]) as boolean)
			: fallback;
	}

	date(name: string): Date | undefined {
		return this.has(name)
			? (this.convert(name, 'dateTime', this.call.params[name]) as Date)
			: undefined;
	}

	oneOf(name: string, fallback: number, allowed: number[], meaning: string): number {
		const value = this.int(name, fallback);
		if (!allowed.includes(value)) throw new SoapFault(`Invalid ${name} ${value}: ${meaning}`);
		return value;
	}
}

const STOCK_MAPPINGS = '1 STOCK_CODE, 2 OTHER_REF or 4 SHORT_DESC';

/** Runs one call and returns the SOAP response body. */
export function invoke(state: KhaosState, call: SoapCall): string {
	const spec = METHODS[call.method];
	if (spec === undefined)
		throw new SoapFault(
			`No method named '${call.method}' is supported by interface '${INTERFACE}'`,
			'Client',
			'ERemotableException',
		);
	const args = new Args(call, spec);
	const { stock, customers, orders } = state;
	switch (call.method) {
		case 'GetVersion':
			return stringResponse(call.method, state.version);

		case 'GetStockList': {
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
			// A DateTime left out is Delphi's zero date (1899-12-30), so everything is listed.
			const list = stock.stockList(dateType, args.date('DateValue') ?? DELPHI_ZERO_DATE, itemType);
			const items = list.map((info) =>
				soapStruct('TStockInfo', [
					['StockCode', soapString(info.stockCode)],
					['OtherRef', soapString(info.otherRef)],
					['StockDesc', soapString(info.stockDesc)],
					['ParentCode', soapString(info.parentCode)],
					['ParentOtherRef', soapString(info.parentOtherRef)],
					['LastUpdated', soapDateTime(info.lastUpdated)],
				]),
			);
			return structResponse(
				call.method,
				soapStruct('TStockList', [
					['Count', soapInt(items.length)],
					['List', soapArray('TStockInfo', items)],
				]),
			);
		}

		case 'ExportStock': {
			const mapping = args.oneOf(
				'MappingType',
				1,
				[1, 2, 4],
				`use ${STOCK_MAPPINGS}`,
			) as StockMapping;
			const topLevel = stock.topLevel();
			let entries: StockEntry[];
			if (args.list('StockCode').length > 0) {
				// "If both StockCode and LastUpdated parameters are specified the StockCode parameter will take precedence."
				// Codes Khaos does not know are simply absent; an SCS child asked for by code comes flat.
				const all = stock.all();
				const wanted = new Set(
					args.list('StockCode').flatMap((code) => stock.lookup(code, mapping, all)),
				);
				entries = all.filter((entry) => wanted.has(entry));
			} else {
				const since = args.date('LastUpdated');
				entries =
					since === undefined
						? topLevel
						: topLevel.filter((entry) => stock.revisedAt(entry) >= since);
			}
			return stringResponse(call.method, stock.exportStock(entries));
		}

		case 'ExportStockStatus': {
			const mapping = args.oneOf(
				'MappingType',
				1,
				[1, 2, 4],
				`use ${STOCK_MAPPINGS}`,
			) as StockMapping;
			const site = args.int('SiteID', 1);
			// One stock site here, ID 1; -1 asks for every site.
			if (site !== 1 && site !== -1) throw new SoapFault(`Stock site ${site} does not exist`);
			args.bool('PotentialLeadTime');
			const all = stock.all();
			let entries: StockEntry[];
			if (args.list('StockCode').length > 0) {
				const wanted = new Set(
					args.list('StockCode').flatMap((code) => stock.lookup(code, mapping, all)),
				);
				entries = all.filter((entry) => wanted.has(entry));
			} else {
				const since = args.date('LastUpdated');
				entries =
					since === undefined
						? all
						: all.filter((entry) => entry.lastUpdated >= since || entry.movedAt >= since);
			}
			return stringResponse(call.method, stock.exportStockStatus(entries));
		}

		case 'ExportWebCategories': {
			const name = args.string('Website').trim();
			const website = state.websites.find(
				(candidate) => (attr(candidate, 'NAME') ?? '').toUpperCase() === name.toUpperCase(),
			);
			// The guide does not say what an unknown website gives; a fault makes a wrong name obvious.
			if (website === undefined) throw new SoapFault(`Website '${name}' not found`);
			return stringResponse(call.method, serialize(website));
		}
		case 'ExportWebCategoriesCompressed': {
			const method = args.oneOf('CompressionMethod', 0, [0, 1], 'use 0 ZIP or 1 BZip2');
			if (method === 1) throw new SoapFault('BZip2 compression is not available on this server');
			const name = args.string('Website').trim();
			const website = state.websites.find(
				(candidate) => (attr(candidate, 'NAME') ?? '').toUpperCase() === name.toUpperCase(),
			);
			if (website === undefined) throw new SoapFault(`Website '${name}' not found`);
			return compressedResponse(call.method, 'KSDXMLWebCategories.xml', serialize(website));
		}

		case 'ImportOrders': {
			const outcome = orders.importOrders(args.string('Orders'));
			return structResponse(
				call.method,
				soapStruct('TOrderImportResult', [
					['ImportedCount', soapInt(outcome.imported.length)],
					[
						'OrderImport',
						soapArray(
							'TOrderImport',
							outcome.imported.map((imported) =>
								soapStruct('TOrderImport', [
									['SalesOrderCode', soapString(imported.salesOrderCode)],
									['AssociatedRef', soapString(imported.associatedRef)],
									['Msg', soapString(imported.msg)],
									['URN', soapString(imported.urn)],
									['OtherRef', soapString(imported.otherRef)],
								]),
							),
						),
					],
					[
						'OrderSkipped',
						soapArray(
							'TOrderSkipped',
							outcome.skipped.map((skipped) =>
								soapStruct('TOrderSkipped', [
									['OrderRef', soapString(skipped.orderRef)],
									['SkipReason', soapString(skipped.reason)],
								]),
							),
						),
					],
				]),
			);
		}

		case 'ExportOrderStatus':
			return stringResponse(call.method, orders.exportOrderStatus());

		case 'ExportOrderStatusEx': {
			const stageIds = args.list('InvoiceStageIDs').map((value) => {
				if (!/^\d+$/.test(value))
					throw new SoapFault(
						`'${value}' is not a valid integer value (InvoiceStageIDs)`,
						'Client',
						'EConvertError',
						'EConvertError,Exception',
					);
				return Number(value);
			});
			return stringResponse(
				call.method,
				orders.exportOrderStatusEx({
					ids: args.list('IDs'),
					mappingType: args.int('MappingType', 1),
					webOnly: args.bool('WebOnly'),
					confirmedOnly: args.bool('ConfirmedOnly'),
					includeTracking: args.bool('IncludeTracking'),
					includeCancelled: args.bool('IncludeCancelled'),
					dateFrom: args.date('DateFrom'),
					dateTo: args.date('DateTo'),
					invoiceStageIds: stageIds,
					showItems: args.bool('ShowItems'),
				}),
			);
		}

		case 'GetCompanyList': {
			const list = customers.list(
				args.date('LastUpdated') ?? DELPHI_ZERO_DATE,
				args.list('CompanyClassList'),
			);
			const items = list.map((entry) =>
				soapStruct('TCompany', [
					['CompanyCode', soapString(customers.code(entry))],
					['OtherRef', soapString(customers.otherRef(entry))],
					['LastUpdated', soapDateTime(entry.lastUpdated)],
				]),
			);
			return structResponse(
				call.method,
				soapStruct('TCompanyList', [
					['Count', soapInt(items.length)],
					['List', soapArray('TCompany', items)],
				]),
			);
		}

		case 'ExportCompany': {
			const mapping = args.oneOf(
				'MappingType',
				1,
				[1, 2, 3, 4, 5],
				'use 1 COMPANY_CODE, 2 OTHER_REF, 3 USER_NAME, 4 COMPANY_NAME or 5 SSOURCE_DESC',
			);
			let entries = customers.all();
			if (args.list('CompanyCode').length > 0) {
				const wanted = new Set(
					args.list('CompanyCode').flatMap((code) => customers.lookup(code, mapping)),
				);
				entries = entries.filter((entry) => wanted.has(entry));
			} else {
				const since = args.date('LastUpdated');
				if (since !== undefined) entries = entries.filter((entry) => entry.lastUpdated >= since);
			}
			return stringResponse(call.method, customers.export(entries));
		}

		case 'ImportCompany':
			return importCompany(customers, args.string('Customers'), args.int('Method', 0));
	}
	if (call.method in MORE_METHODS) return invokeMore(state, call, args);
	throw new SoapFault(
		`No method named '${call.method}' is supported by interface '${INTERFACE}'`,
		'Client',
		'ERemotableException',
	);
}
