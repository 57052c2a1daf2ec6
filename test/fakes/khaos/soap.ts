/**
 * SOAP 1.1 RPC envelopes as a Delphi (WebSnap/SOAP) server reads and writes them, following
 * /work/tmp/khaos-wire.md: method routed on SOAPAction `urn:IKosWebIntf-IKosWeb#<Method>`,
 * results as escaped XML strings or as multiRef-encoded structs, failures as SOAP Faults (HTTP 500)
 * shaped like the examples in Khaos's error-handling.txt.
 */
import {
	XmlError,
	elements,
	escapeText,
	isElement,
	localName,
	parseXml,
	prefixOf,
	textOf,
} from './xml';
import type { XElement } from './xml';
import { formatSoapDateTime } from './dates';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_12_ENV_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const INTF_NS = 'urn:IKosWebIntf-IKosWeb';
export const TYPES_NS = 'urn:IKosWebIntf';
export const INTERFACE = 'IKosWeb';

export class SoapFault extends Error {
	constructor(
		message: string,
		readonly faultCode: 'Client' | 'Server' = 'Server',
		readonly exceptionClass = 'Exception',
		readonly inheritance = 'Exception',
	) {
		super(message);
		this.name = 'SoapFault';
	}
}

export interface SoapCall {
	method: string;
	/** Parameter text by element name, entity-decoded; xsi:nil parameters are left out. */
	params: Record<string, string>;
	/** The xsi:type each parameter was sent with ('' when none), for tests that check the wire types. */
	types: Record<string, string>;
}

/** The method named by a SOAPAction header, or a fault. Quotes around the value are optional. */
export function methodFromSoapAction(header: string | undefined): string {
	if (header === undefined || header.trim() === '' || header.trim() === '""') {
		// Delphi could fall back to the URL here; the wire contract requires the header, so the fake does.
		throw new SoapFault(
			`No SOAPAction header: this service routes on SOAPAction "${INTF_NS}#<Method>"`,
			'Client',
			'ERemotableException',
		);
	}
	const action = header.trim().replace(/^"(.*)"$/, '$1');
	const hash = action.lastIndexOf('#');
	if (hash === -1 || action.slice(0, hash) !== INTF_NS) {
		throw new SoapFault(
			`No interface  registered for soap action '${action}'`,
			'Client',
			'ERemotableException',
		);
	}
	return action.slice(hash + 1);
}

/** Reads the envelope of a request whose SOAPAction named `method`. */
export function readSoapCall(body: string, method: string): SoapCall {
	let root: XElement;
	try {
		root = parseXml(body);
	} catch (error) {
		const message = error instanceof XmlError ? error.message : String(error);
		throw new SoapFault(
			`Invalid SOAP request: ${message}`,
			'Client',
			'EDOMParseError',
			'EDOMParseError,Exception',
		);
	}
	const scope = new NamespaceScope();
	scope.push(root);
	const envelopeNs = scope.resolve(root.name);
	if (localName(root.name) !== 'Envelope' || envelopeNs !== SOAP_ENV_NS) {
		const hint =
			envelopeNs === SOAP_12_ENV_NS ? ' (a SOAP 1.2 envelope; this service speaks SOAP 1.1)' : '';
		throw new SoapFault(
			`Invalid SOAP request: root element must be {${SOAP_ENV_NS}}Envelope${hint}`,
			'Client',
		);
	}
	const parts = elements(root);
	const header = parts.find((part) => localName(part.name) === 'Header');
	for (const entry of header ? elements(header) : []) {
		const must = entry.attrs.find(([name]) => localName(name) === 'mustUnderstand')?.[1];
		if (must === '1' || must === 'true')
			throw new SoapFault(
				`Soap header ${localName(entry.name)} with attribute 'mustUnderstand' set to true was not handled`,
				'Client',
			);
	}
	const soapBody = parts.find(
		(part) => localName(part.name) === 'Body' && scope.resolve(part.name) === SOAP_ENV_NS,
	);
	if (soapBody === undefined) throw new SoapFault('Invalid SOAP request: no Body', 'Client');
	scope.push(soapBody);
	const calls = elements(soapBody);
	if (calls.length === 0) throw new SoapFault('Invalid SOAP request: empty Body', 'Client');
	if (calls.length > 1) throw new SoapFault('Multiple body elements not supported', 'Client');
	const call = calls[0];
	scope.push(call);
	const bodyMethod = localName(call.name);
	if (bodyMethod !== method) {
		throw new SoapFault(
			`SOAPAction names method '${method}' but the Body holds '${bodyMethod}'`,
			'Client',
		);
	}
	const callNs = scope.resolve(call.name);
	if (callNs !== INTF_NS)
		throw new SoapFault(
			`Method element ${bodyMethod} must be in namespace ${INTF_NS}, not '${callNs ?? ''}'`,
			'Client',
		);

	const params: Record<string, string> = {};
	const types: Record<string, string> = {};
	for (const param of elements(call)) {
		const name = localName(param.name);
		if (
			Object.prototype.hasOwnProperty.call(params, name) ||
			Object.prototype.hasOwnProperty.call(types, name)
		) {
			throw new SoapFault(`Parameter ${name} is given more than once`, 'Client');
		}
		const nil = param.attrs.find(([key]) => localName(key) === 'nil')?.[1];
		types[name] = param.attrs.find(([key]) => localName(key) === 'type')?.[1] ?? '';
		if (nil === 'true' || nil === '1') continue;
		if (param.children.some(isElement))
			throw new SoapFault(`Type mismatch in parameter ${name}`, 'Client');
		params[name] = textOf(param);
	}
	return { method, params, types };
}

class NamespaceScope {
	private readonly frames: Array<Map<string, string>> = [];

	push(node: XElement): void {
		const frame = new Map<string, string>();
		for (const [name, value] of node.attrs) {
			if (name === 'xmlns') frame.set('', value);
			else if (name.startsWith('xmlns:')) frame.set(name.slice(6), value);
		}
		this.frames.push(frame);
	}

	resolve(qualifiedName: string): string | undefined {
		const prefix = prefixOf(qualifiedName);
		for (let index = this.frames.length - 1; index >= 0; index--) {
			const uri = this.frames[index].get(prefix);
			if (uri !== undefined) return uri;
		}
		return undefined;
	}
}

// ---------------------------------------------------------------- responses

const ENVELOPE_OPEN =
	'<?xml version="1.0"?>' +
	`<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP_ENV_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="${XSI_NS}" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">`;
const ENVELOPE_CLOSE = '</SOAP-ENV:Envelope>';
const BODY_OPEN =
	'<SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">';

function responseEnvelope(method: string, returnElement: string, multiRefs = ''): string {
	return `${ENVELOPE_OPEN}${BODY_OPEN}<NS1:${method}Response xmlns:NS1="${INTF_NS}">${returnElement}</NS1:${method}Response>${multiRefs}</SOAP-ENV:Body>${ENVELOPE_CLOSE}`;
}

/** A WideString result: the XML document travels as escaped text inside `<return>`. */
export function stringResponse(method: string, value: string): string {
	return responseEnvelope(method, `<return xsi:type="xsd:string">${escapeText(value)}</return>`);
}

export type SoapValue =
	| { kind: 'string'; value: string }
	| { kind: 'int'; value: number }
	| { kind: 'boolean'; value: boolean }
	| { kind: 'dateTime'; value: Date | undefined }
	| { kind: 'double'; value: number }
	| { kind: 'base64'; value: Buffer }
	| { kind: 'struct'; typeName: string; fields: Array<[string, SoapValue]> }
	| { kind: 'array'; itemType: string; items: SoapValue[] };

export const soapString = (value: string): SoapValue => ({ kind: 'string', value });
export const soapInt = (value: number): SoapValue => ({ kind: 'int', value });
export const soapDateTime = (value: Date | undefined): SoapValue => ({ kind: 'dateTime', value });
export const soapDouble = (value: number): SoapValue => ({ kind: 'double', value });
export const soapBase64 = (value: Buffer): SoapValue => ({ kind: 'base64', value });
export const soapStruct = (typeName: string, fields: Array<[string, SoapValue]>): SoapValue => ({
	kind: 'struct',
	typeName,
	fields,
});
export const soapArray = (itemType: string, items: SoapValue[]): SoapValue => ({
	kind: 'array',
	itemType,
	items,
});

function simpleValue(name: string, value: SoapValue): string {
	switch (value.kind) {
		case 'string':
			return `<${name} xsi:type="xsd:string">${escapeText(value.value)}</${name}>`;
		case 'int':
			return `<${name} xsi:type="xsd:int">${value.value}</${name}>`;
		case 'boolean':
			return `<${name} xsi:type="xsd:boolean">${value.value ? 'true' : 'false'}</${name}>`;
		case 'double':
			return `<${name} xsi:type="xsd:double">${value.value}</${name}>`;
		case 'base64':
			return `<${name} xsi:type="xsd:base64Binary">${value.value.toString('base64')}</${name}>`;
		case 'dateTime':
			return value.value === undefined
				? `<${name} xsi:nil="true"/>`
				: `<${name} xsi:type="xsd:dateTime">${formatSoapDateTime(value.value)}</${name}>`;
		default:
			throw new Error(`${value.kind} is not a simple value`);
	}
}

const qualifiedType = (typeName: string): string =>
	typeName.startsWith('xsd:') ? typeName : `NS2:${typeName}`;

/**
 * A struct or array result in Delphi's multiRef form: `<return href="#1"/>`, then every struct and
 * array as a sibling of the response element, numbered breadth first (so TOrderImportResult is #1,
 * its OrderImport and OrderSkipped arrays #2 and #3, their items from #4).
 */
export function structResponse(method: string, value: SoapValue): string {
	const queue: Array<{ id: number; value: SoapValue }> = [];
	let nextId = 1;
	const reference = (target: SoapValue): number => {
		const id = nextId++;
		queue.push({ id, value: target });
		return id;
	};
	const member = (name: string, target: SoapValue): string =>
		target.kind === 'struct' || target.kind === 'array'
			? `<${name} href="#${reference(target)}"/>`
			: simpleValue(name, target);

	const returnElement = member('return', value);
	let multiRefs = '';
	while (queue.length > 0) {
		const { id, value: current } = queue.shift()!;
		if (current.kind === 'struct') {
			const fields = current.fields.map(([name, field]) => member(name, field)).join('');
			multiRefs += `<NS2:${current.typeName} id="${id}" xsi:type="NS2:${current.typeName}" xmlns:NS2="${TYPES_NS}">${fields}</NS2:${current.typeName}>`;
		} else if (current.kind === 'array') {
			const items = current.items.map((item) => member('item', item)).join('');
			multiRefs += `<SOAP-ENC:Array id="${id}" SOAP-ENC:arrayType="${qualifiedType(current.itemType)}[${current.items.length}]" xmlns:NS2="${TYPES_NS}">${items}</SOAP-ENC:Array>`;
		}
	}
	return responseEnvelope(method, returnElement, multiRefs);
}

/** The Fault body of error-handling.txt, including the EWebServiceError detail it describes. */
export function faultEnvelope(fault: SoapFault): string {
	return (
		`${ENVELOPE_OPEN}<SOAP-ENV:Body><SOAP-ENV:Fault>` +
		`<faultcode>SOAP-ENV:${fault.faultCode}</faultcode>` +
		`<faultstring>${escapeText(fault.message)}</faultstring>` +
		`<faultactor>${escapeText(fault.exceptionClass)}</faultactor>` +
		'<detail>' +
		'<NS1:EWebServiceError xmlns:NS1="urn:WebServiceP" xsi:type="NS1:EWebServiceError">' +
		`<ExceptionClassName xsi:type="xsd:string">${escapeText(fault.exceptionClass)}</ExceptionClassName>` +
		`<ExceptionInheritance xsi:type="xsd:string">${escapeText(fault.inheritance)}</ExceptionInheritance>` +
		'</NS1:EWebServiceError>' +
		'</detail>' +
		`</SOAP-ENV:Fault></SOAP-ENV:Body>${ENVELOPE_CLOSE}`
	);
}
