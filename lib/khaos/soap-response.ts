/** Khaos's SOAP answer decoded: the `return` value, SOAP Faults and HTTP refusals as errors. */
import type { HttpAnswer } from '../http';
import { KhaosFaultError, KhaosHttpError, KhaosProtocolError } from './errors';
import {
	KhaosXmlError,
	childElement,
	childText,
	descendants,
	parseXml,
	type XmlElement,
} from './xml';

/** A decoded SOAP result: strings for WideString, numbers/booleans for typed scalars, objects for structs, arrays for arrays. */
export type SoapValue =
	string | number | boolean | null | SoapValue[] | { [property: string]: SoapValue };

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

export function readSoapResponse(method: string, response: HttpAnswer): SoapValue | undefined {
	const envelope = tryParseEnvelope(method, response);
	const body = childElement(envelope, 'Body');
	const fault = childElement(body, 'Fault');
	if (fault) throw faultError(method, fault, response.status);
	if (response.status < 200 || response.status > 299) throw httpError(method, response);
	if (!body)
		throw new KhaosProtocolError(method, `HTTP ${response.status} without a SOAP envelope`);
	const references = new Map<string, XmlElement>();
	for (const element of body.children) indexIds(element, references);
	const answer =
		body.children.find((element) => element.name === `${method}Response`) ??
		body.children.find((element) => !element.attributes.id);
	if (!answer) throw new KhaosProtocolError(method, 'the SOAP body holds no response element');
	const result = childElement(answer, 'return') ?? answer.children[0];
	return result ? decodeValue(method, result, references, new Set()) : undefined;
}

function tryParseEnvelope(method: string, response: HttpAnswer): XmlElement | undefined {
	try {
		const root = parseXml(response.body);
		return root.name === 'Envelope' ? root : undefined;
	} catch (error) {
		// Say so when the answer was refused for what it declares, not for being no envelope at all.
		// An HTTP error's page (IIS's 401 starts with a DOCTYPE) is the HTTP error it reports.
		const ok = response.status >= 200 && response.status <= 299;
		if (ok && error instanceof KhaosXmlError && /refused for safety/.test(error.message))
			throw new KhaosProtocolError(method, error.message, { cause: error });
		return undefined;
	}
}

function indexIds(element: XmlElement, references: Map<string, XmlElement>): void {
	if (element.attributes.id) references.set(element.attributes.id, element);
	element.children.forEach((child) => indexIds(child, references));
}

function decodeValue(
	method: string,
	element: XmlElement,
	references: Map<string, XmlElement>,
	path: Set<XmlElement>,
): SoapValue {
	const href = element.attributes.href;
	if (href) {
		const target = references.get(href.replace(/^#/, ''));
		if (!target)
			throw new KhaosProtocolError(method, `the response refers to a missing element ${href}`);
		if (path.has(target))
			throw new KhaosProtocolError(method, `the response refers to itself through ${href}`);
		return decodeValue(method, target, references, new Set(path).add(target));
	}
	if (element.attributes.nil === 'true') return null;
	if (isSoapArray(element))
		return element.children.map((child) => decodeValue(method, child, references, path));
	if (element.children.length === 0)
		return decodeScalar(element.text, localTypeName(element.attributes.type));
	const struct: { [property: string]: SoapValue } = {};
	const repeated = new Map<string, SoapValue[]>();
	for (const child of element.children) {
		const value = decodeValue(method, child, references, path);
		const list = repeated.get(child.name);
		if (list) list.push(value);
		else if (child.name in struct) {
			const values = [struct[child.name], value];
			struct[child.name] = values;
			repeated.set(child.name, values);
		} else struct[child.name] = value;
	}
	return struct;
}

function isSoapArray(element: XmlElement): boolean {
	if (element.attributes.arrayType !== undefined) return true;
	if (element.name === 'Array' || localTypeName(element.attributes.type) === 'Array') return true;
	return element.children.length > 0 && element.children.every((child) => child.name === 'item');
}

function localTypeName(type: string | undefined): string {
	return type?.replace(/^.*:/, '') ?? '';
}

const NUMERIC_TYPES = new Set([
	'int',
	'integer',
	'long',
	'short',
	'byte',
	'unsignedInt',
	'unsignedShort',
	'double',
	'float',
	'decimal',
]);

function decodeScalar(text: string, type: string): SoapValue {
	if (NUMERIC_TYPES.has(type)) {
		const number = Number(text.trim());
		return text.trim() !== '' && Number.isFinite(number) ? number : text;
	}
	if (type === 'boolean') return text.trim() === 'true' || text.trim() === '1';
	return text;
}

function faultError(method: string, fault: XmlElement, httpStatus: number): KhaosFaultError {
	const detail = childElement(fault, 'detail');
	const exceptionClass = detail
		? descendants(detail, 'ExceptionClassName')[0]?.text.trim()
		: undefined;
	const inheritance = detail
		? descendants(detail, 'ExceptionInheritance')[0]?.text.trim()
		: undefined;
	const detailText = detail?.text.trim() || detail?.children[0]?.name;
	return new KhaosFaultError({
		method,
		faultCode: childText(fault, 'faultcode'),
		faultString: childText(fault, 'faultstring'),
		faultActor: childText(fault, 'faultactor'),
		detail: {
			...(exceptionClass ? { exceptionClass } : {}),
			...(inheritance ? { inheritance } : {}),
			...(detailText ? { text: detailText } : {}),
		},
		httpStatus,
	});
}

export function httpError(method: string, response: HttpAnswer): KhaosHttpError {
	return new KhaosHttpError(
		method,
		response.status,
		response.statusText,
		RETRYABLE_STATUSES.has(response.status),
	);
}

/** The items of a decoded SOAP array, tolerating the shapes servers send: [], '', null, one struct, or `{ item: … }`. */
export function soapList(value: SoapValue | undefined): SoapValue[] {
	if (Array.isArray(value)) return value;
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'object') return 'item' in value ? soapList(value.item) : [value];
	return [value];
}

/** A struct property as trimmed text ('' when absent or not a scalar). */
export function soapText(struct: SoapValue | undefined, property: string): string {
	if (!struct || typeof struct !== 'object' || Array.isArray(struct)) return '';
	const value = struct[property];
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
		? String(value).trim()
		: '';
}
