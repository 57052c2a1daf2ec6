/**
 * A WSDL in the style Delphi publishes at <Name>.exe/wsdl/IKosWeb: RPC/encoded, messages named
 * `<Method>0Request`/`<Method>0Response`, structs in urn:IKosWebIntf, soapAction
 * urn:IKosWebIntf-IKosWeb#<Method>, and soap:address pointing at the SOAP endpoint.
 */
import { METHODS } from './methods';
import type { ParamType } from './methods';
import { INTERFACE, INTF_NS, TYPES_NS } from './soap';
import { escapeAttr } from './xml';

const XS_TYPES: Record<ParamType, string> = {
	string: 'xs:string',
	int: 'xs:int',
	boolean: 'xs:boolean',
	dateTime: 'xs:dateTime',
};

const STRUCTS: Record<string, Array<[string, string]>> = {
	TStockList: [
		['Count', 'xs:int'],
		['List', 'ns1:TStockArray'],
	],
	TStockInfo: [
		['StockCode', 'xs:string'],
		['OtherRef', 'xs:string'],
		['StockDesc', 'xs:string'],
		['ParentCode', 'xs:string'],
		['ParentOtherRef', 'xs:string'],
		['LastUpdated', 'xs:dateTime'],
	],
	TOrderImportResult: [
		['ImportedCount', 'xs:int'],
		['OrderImport', 'ns1:TOrderImportArray'],
		['OrderSkipped', 'ns1:TOrderSkippedArray'],
	],
	TOrderImport: [
		['SalesOrderCode', 'xs:string'],
		['AssociatedRef', 'xs:string'],
		['Msg', 'xs:string'],
		['URN', 'xs:string'],
		['OtherRef', 'xs:string'],
	],
	TOrderSkipped: [
		['OrderRef', 'xs:string'],
		['SkipReason', 'xs:string'],
	],
	TCompanyList: [
		['Count', 'xs:int'],
		['List', 'ns1:TCompanyArray'],
	],
	TCustomerImportResult: [
		['ImportedCount', 'xs:int'],
		['CustomerImport', 'ns1:TCustomerImportArray'],
		['CustomerSkipped', 'ns1:TCustomerSkippedArray'],
	],
	TCustomerImport: [
		['URN', 'xs:string'],
		['Action', 'xs:string'],
		['OtherRef', 'xs:string'],
		['PassedReference', 'xs:string'],
	],
	TCustomerSkipped: [
		['CustomerRef', 'xs:string'],
		['SkipReason', 'xs:string'],
		['PassedReference', 'xs:string'],
	],
	TCompany: [
		['CompanyCode', 'xs:string'],
		['OtherRef', 'xs:string'],
		['LastUpdated', 'xs:dateTime'],
	],
};

const ARRAYS: Record<string, string> = {
	TStockArray: 'TStockInfo',
	TOrderImportArray: 'TOrderImport',
	TOrderSkippedArray: 'TOrderSkipped',
	TCompanyArray: 'TCompany',
	TCustomerImportArray: 'TCustomerImport',
	TCustomerSkippedArray: 'TCustomerSkipped',
};

export function wsdlDocument(endpointUrl: string): string {
	const structs = Object.entries(STRUCTS)
		.map(
			([name, fields]) =>
				`<xs:complexType name="${name}"><xs:sequence>${fields.map(([field, type]) => `<xs:element name="${field}" type="${type}"/>`).join('')}</xs:sequence></xs:complexType>`,
		)
		.join('');
	const arrays = Object.entries(ARRAYS)
		.map(
			([name, item]) =>
				`<xs:complexType name="${name}"><xs:complexContent><xs:restriction base="soapenc:Array"><xs:sequence/>` +
				`<xs:attribute ref="soapenc:arrayType" n1:arrayType="ns1:${item}[]" xmlns:n1="http://schemas.xmlsoap.org/wsdl/"/></xs:restriction></xs:complexContent></xs:complexType>`,
		)
		.join('');
	const methods = Object.entries(METHODS);
	const messages = methods
		.map(([method, spec]) => {
			const parts = Object.entries(spec.params)
				.map(([name, type]) => `<part name="${name}" type="${XS_TYPES[type]}"/>`)
				.join('');
			const returns = spec.returns === 'xsd:string' ? 'xs:string' : `ns1:${spec.returns}`;
			return `<message name="${method}0Request">${parts}</message><message name="${method}0Response"><part name="return" type="${returns}"/></message>`;
		})
		.join('');
	const operations = methods
		.map(
			([method]) =>
				`<operation name="${method}"><input message="tns:${method}0Request"/><output message="tns:${method}0Response"/></operation>`,
		)
		.join('');
	const body = `<soap:body use="encoded" encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" namespace="${INTF_NS}"/>`;
	const bindings = methods
		.map(
			([method]) =>
				`<operation name="${method}"><soap:operation soapAction="${INTF_NS}#${method}" style="rpc"/>` +
				`<input message="tns:${method}0Request">${body}</input><output message="tns:${method}0Response">${body}</output></operation>`,
		)
		.join('');
	return (
		'<?xml version="1.0" encoding="utf-8"?>' +
		`<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema" name="${INTERFACE}service" targetNamespace="http://tempuri.org/" ` +
		'xmlns:tns="http://tempuri.org/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" ' +
		`xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" xmlns:ns1="${TYPES_NS}">` +
		`<types><xs:schema targetNamespace="${TYPES_NS}" xmlns="${TYPES_NS}">${structs}${arrays}</xs:schema></types>` +
		messages +
		`<portType name="${INTERFACE}">${operations}</portType>` +
		`<binding name="${INTERFACE}binding" type="tns:${INTERFACE}"><soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>${bindings}</binding>` +
		`<service name="${INTERFACE}service"><port name="${INTERFACE}Port" binding="tns:${INTERFACE}binding"><soap:address location="${escapeAttr(endpointUrl)}"/></port></service>` +
		'</definitions>'
	);
}
