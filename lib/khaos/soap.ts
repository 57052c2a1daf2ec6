/**
 * The one transport to Khaos Control's SOAP web service (KhaosWS, interface IKosWeb): RPC-style
 * SOAP 1.1 over HTTP(S), optional Basic auth, optional self-signed certificates, bounded retries.
 *
 * Retries: only reads are retried, on 429 and 5xx answers that are not SOAP Faults, faults that
 * report a database or connection outage (see isTransientFault), timeouts and connection failures,
 * with exponential backoff and full jitter. Methods whose name starts with `Import` (ImportOrders,
 * ImportCompany, …) are never retried here: a lost answer does not mean the import did not happen,
 * and ImportOrders' own idempotency (a re-sent ASSOCIATED_REF is skipped) is handled by the caller.
 * Other faults (business refusals), 401 and 403 are never retried.
 */
import * as http from 'node:http';
import * as https from 'node:https';

import { KhaosError, KhaosFaultError, KhaosHttpError, KhaosNetworkError, KhaosProtocolError } from './errors';
import { KhaosXmlError, attribute, buildXml, childElement, childText, descendants, parseXml, xmlElement, type XmlElement } from './xml';

export const KHAOS_NAMESPACE = 'urn:IKosWebIntf-IKosWeb';

export type KhaosAuth = { type: 'none' } | { type: 'basic'; user: string; password: string };

export interface RetryPolicy {
	/** Total tries for a retryable call, the first included. */
	attempts: number;
	/** Backoff before the second try; doubles each time (before jitter). */
	baseMs: number;
	/** Cap on any one backoff. */
	maxMs: number;
}

export interface KhaosSoapClientOptions {
	/** The WSDL URL (…/wsdl/IKosWeb), the SOAP endpoint (…/soap/IKosWeb) or the base `.exe` URL. */
	url: string;
	auth?: KhaosAuth;
	/** Accept a self-signed or otherwise unverifiable HTTPS certificate (Khaos installs one by default). */
	allowSelfSigned?: boolean;
	/** Give up on a request after this long without data. Default 60 s. */
	timeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	/** Responses larger than this are refused, to keep memory bounded. Default 64 MiB. */
	maxResponseBytes?: number;
	/** For tests: replaces the backoff wait. */
	sleep?: (ms: number) => Promise<void>;
	/** For tests: replaces Math.random in the jitter. */
	random?: () => number;
}

export type SoapParamType = 'string' | 'int' | 'boolean' | 'dateTime' | 'double';
/** null and undefined leave the parameter out of the request. */
export type SoapParamValue = string | number | boolean | Date | null | undefined;
export type SoapParam = readonly [name: string, value: SoapParamValue, type: SoapParamType];

/** A decoded SOAP result: strings for WideString, numbers/booleans for typed scalars, objects for structs, arrays for arrays. */
export type SoapValue = string | number | boolean | null | SoapValue[] | { [property: string]: SoapValue };

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 8000 };
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

interface HttpResponse {
	status: number;
	statusText: string;
	body: string;
}

export class KhaosSoapClient {
	private readonly url: URL;
	private readonly authorization?: string;
	private readonly password?: string;
	private readonly timeoutMs: number;
	private readonly retry: RetryPolicy;
	private readonly maxResponseBytes: number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly random: () => number;
	private readonly httpAgent = new http.Agent();
	private readonly httpsAgent: https.Agent;
	private endpointPromise?: Promise<URL>;

	constructor(options: KhaosSoapClientOptions) {
		this.url = parseServiceUrl(options.url);
		if (options.auth?.type === 'basic') {
			this.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`, 'utf8').toString('base64')}`;
			this.password = options.auth.password;
		}
		this.timeoutMs = options.timeoutMs ?? 60_000;
		this.retry = { ...DEFAULT_RETRY, ...options.retry };
		this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
		this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
		this.random = options.random ?? Math.random;
		this.httpsAgent = new https.Agent({ rejectUnauthorized: !options.allowSelfSigned });
	}

	/**
	 * Calls one IKosWeb method and returns its decoded `return` value (undefined for procedures).
	 * Parameter names must be the guide's (e.g. ExportStock: StockCode, MappingType, LastUpdated).
	 */
	async call(method: string, params: readonly SoapParam[] = []): Promise<SoapValue | undefined> {
		if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(method)) throw new Error(`"${method}" is not a Khaos method name`);
		const body = buildEnvelope(method, params);
		try {
			const endpoint = await this.endpoint(method);
			return await this.withRetries(isReadMethod(method), async () => {
				const response = await this.send(method, endpoint, 'POST', {
					'Content-Type': 'text/xml; charset=utf-8',
					SOAPAction: `"${KHAOS_NAMESPACE}#${method}"`,
					body,
				});
				return readSoapResponse(method, response);
			});
		} catch (error) {
			throw this.redacted(error);
		}
	}

	/** The SOAP endpoint calls are posted to; read once from the WSDL when given a WSDL URL. */
	async endpointUrl(): Promise<string> {
		try {
			return (await this.endpoint('WSDL')).toString();
		} catch (error) {
			throw this.redacted(error);
		}
	}

	private endpoint(method: string): Promise<URL> {
		if (!isWsdlUrl(this.url)) return Promise.resolve(soapEndpointFor(this.url));
		this.endpointPromise ??= this.withRetries(true, () => this.discoverEndpoint(method)).catch((error: unknown) => {
			this.endpointPromise = undefined;
			throw error;
		});
		return this.endpointPromise;
	}

	private async discoverEndpoint(method: string): Promise<URL> {
		const response = await this.send(method, this.url, 'GET', {});
		if (response.status !== 200) throw httpError(method, response);
		let wsdl: XmlElement;
		try {
			wsdl = parseXml(response.body);
		} catch (error) {
			throw new KhaosProtocolError(method, `the WSDL at ${this.url.host} could not be read (${(error as Error).message})`, { cause: error });
		}
		const location = descendants(wsdl, 'address').map((address) => attribute(address, 'location')).find(Boolean);
		if (!location) throw new KhaosProtocolError(method, `the WSDL at ${this.url.host} names no soap:address`);
		return new URL(location, this.url);
	}

	private async withRetries<T>(retryable: boolean, attempt: () => Promise<T>): Promise<T> {
		const attempts = retryable ? Math.max(1, this.retry.attempts) : 1;
		for (let tries = 1; ; tries++) {
			try {
				return await attempt();
			} catch (error) {
				if (error instanceof KhaosError) error.attempts = tries;
				if (tries >= attempts || !(error instanceof KhaosError) || !error.retryable) throw error;
				await this.sleep(backoffDelay(tries, this.retry, this.random()));
			}
		}
	}

	private send(method: string, url: URL, httpMethod: 'GET' | 'POST', init: Record<string, string>): Promise<HttpResponse> {
		const { body, ...headerFields } = init;
		const headers: Record<string, string | number> = { 'User-Agent': 'n8n-nodes-pos-sync', Accept: 'text/xml', ...headerFields };
		if (this.authorization) headers.Authorization = this.authorization;
		if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body, 'utf8');
		// The WSDL's soap:address may use another scheme than the URL configured.
		const [transport, agent] = url.protocol === 'https:' ? [https, this.httpsAgent] : [http, this.httpAgent];

		return new Promise<HttpResponse>((resolve, reject) => {
			// Settles first, then tears the request down: what destroy() reports afterwards is ignored.
			const abort = (error: KhaosError): void => {
				reject(error);
				request.destroy();
			};
			const request = transport.request(url, { method: httpMethod, headers, agent }, (response) => {
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > this.maxResponseBytes) abort(new KhaosProtocolError(method, `the response is larger than ${this.maxResponseBytes} bytes`));
					else chunks.push(chunk);
				});
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						statusText: response.statusMessage ?? '',
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', (error) => reject(networkError(method, url, error)));
			});
			request.setTimeout(this.timeoutMs, () =>
				abort(networkError(method, url, Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' }))),
			);
			request.on('error', (error) => reject(networkError(method, url, error)));
			request.end(body);
		});
	}

	/**
	 * Belt and braces: the password never appears in an error, whatever the server echoed. Only
	 * whole occurrences are masked, so a short password does not mangle words that contain it.
	 */
	private redacted(error: unknown): unknown {
		if (this.password && error instanceof Error) {
			const escaped = this.password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			error.message = error.message.replace(new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'), '***');
		}
		return error;
	}
}

/** Khaos's writes are the `Import…` methods; everything else only reads. */
export function isReadMethod(method: string): boolean {
	return !/^Import/i.test(method);
}

/** Full jitter: a random wait between 0 and the capped exponential step. */
export function backoffDelay(failedTries: number, policy: RetryPolicy, random: number): number {
	const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (failedTries - 1));
	return Math.floor(random * ceiling);
}

function parseServiceUrl(value: string): URL {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw new Error('The Khaos URL is not a valid URL');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('The Khaos URL must start with http:// or https://');
	return url;
}

function isWsdlUrl(url: URL): boolean {
	return /\/wsdl\/IKosWeb\/?$/i.test(url.pathname) || /^\?wsdl$/i.test(url.search);
}

function soapEndpointFor(url: URL): URL {
	if (!/\.exe\/?$/i.test(url.pathname)) return url;
	const endpoint = new URL(url);
	endpoint.pathname = `${url.pathname.replace(/\/$/, '')}/soap/IKosWeb`;
	return endpoint;
}

// ---- request ----

function buildEnvelope(method: string, params: readonly SoapParam[]): string {
	const paramElements = params
		.filter(([, value]) => value !== undefined && value !== null)
		.map(([name, value, type]) =>
			xmlElement(name, formatParam(name, value as Exclude<SoapParamValue, null | undefined>, type), { 'xsi:type': `xsd:${type}` }),
		);
	return buildXml(
		xmlElement('soap:Envelope', xmlElement('soap:Body', xmlElement(`NS1:${method}`, paramElements, { 'xmlns:NS1': KHAOS_NAMESPACE })), {
			'xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
			'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
			'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
		}),
	);
}

function formatParam(name: string, value: string | number | boolean | Date, type: SoapParamType): string {
	switch (type) {
		case 'string':
			return String(value);
		case 'int':
			if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`Parameter ${name} must be a whole number`);
			return String(value);
		case 'double':
			if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`Parameter ${name} must be a number`);
			return String(value);
		case 'boolean':
			if (typeof value !== 'boolean') throw new TypeError(`Parameter ${name} must be true or false`);
			return value ? 'true' : 'false';
		case 'dateTime':
			return formatSoapDateTime(name, value);
	}
}

/**
 * `YYYY-MM-DDTHH:MM:SS`, as Khaos wants it. A Date, or a string with a time zone, is written in
 * UTC; a string without one (`2024-05-01` or `2024-05-01T10:00:00`) is passed on as Khaos-local time.
 */
export function formatSoapDateTime(name: string, value: string | number | boolean | Date): string {
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw new TypeError(`Parameter ${name} is not a valid date`);
		return value.toISOString().slice(0, 19);
	}
	const text = String(value).trim();
	const local = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?$/.exec(text);
	if (local) return `${local[1]}T${(local[2] ?? '00:00:00').padEnd(8, ':00')}`;
	const zoned = new Date(text);
	if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(zoned.getTime())) return zoned.toISOString().slice(0, 19);
	throw new TypeError(`Parameter ${name} must be a date like 2024-05-01 or 2024-05-01T10:00:00`);
}

// ---- response ----

function readSoapResponse(method: string, response: HttpResponse): SoapValue | undefined {
	const envelope = tryParseEnvelope(method, response.body);
	const body = childElement(envelope, 'Body');
	const fault = childElement(body, 'Fault');
	if (fault) throw faultError(method, fault, response.status);
	if (response.status < 200 || response.status > 299) throw httpError(method, response);
	if (!body) throw new KhaosProtocolError(method, `HTTP ${response.status} without a SOAP envelope`);
	const references = new Map<string, XmlElement>();
	for (const element of body.children) indexIds(element, references);
	const answer = body.children.find((element) => element.name === `${method}Response`) ?? body.children.find((element) => !element.attributes.id);
	if (!answer) throw new KhaosProtocolError(method, 'the SOAP body holds no response element');
	const result = childElement(answer, 'return') ?? answer.children[0];
	return result ? decodeValue(method, result, references, new Set()) : undefined;
}

function tryParseEnvelope(method: string, body: string): XmlElement | undefined {
	try {
		const root = parseXml(body);
		return root.name === 'Envelope' ? root : undefined;
	} catch (error) {
		// Say so when the answer was refused for what it declares, not for being no envelope at all.
		if (error instanceof KhaosXmlError && /refused for safety/.test(error.message)) throw new KhaosProtocolError(method, error.message, { cause: error });
		return undefined;
	}
}

function indexIds(element: XmlElement, references: Map<string, XmlElement>): void {
	if (element.attributes.id) references.set(element.attributes.id, element);
	element.children.forEach((child) => indexIds(child, references));
}

function decodeValue(method: string, element: XmlElement, references: Map<string, XmlElement>, path: Set<XmlElement>): SoapValue {
	const href = element.attributes.href;
	if (href) {
		const target = references.get(href.replace(/^#/, ''));
		if (!target) throw new KhaosProtocolError(method, `the response refers to a missing element ${href}`);
		if (path.has(target)) throw new KhaosProtocolError(method, `the response refers to itself through ${href}`);
		return decodeValue(method, target, references, new Set(path).add(target));
	}
	if (element.attributes.nil === 'true') return null;
	if (isSoapArray(element)) return element.children.map((child) => decodeValue(method, child, references, path));
	if (element.children.length === 0) return decodeScalar(element.text, localTypeName(element.attributes.type));
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

const NUMERIC_TYPES = new Set(['int', 'integer', 'long', 'short', 'byte', 'unsignedInt', 'unsignedShort', 'double', 'float', 'decimal']);

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
	const exceptionClass = detail ? descendants(detail, 'ExceptionClassName')[0]?.text.trim() : undefined;
	const inheritance = detail ? descendants(detail, 'ExceptionInheritance')[0]?.text.trim() : undefined;
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

function httpError(method: string, response: HttpResponse): KhaosHttpError {
	return new KhaosHttpError(method, response.status, response.statusText, RETRYABLE_STATUSES.has(response.status));
}

function networkError(method: string, url: URL, error: Error & { code?: string }): KhaosNetworkError {
	const code = error.code ?? 'ENETWORK';
	const where = `${url.protocol}//${url.host}`;
	if (TLS_CODES.test(code)) {
		return new KhaosNetworkError(
			method,
			code,
			`the HTTPS certificate of ${where} was not accepted (${code}); if Khaos uses its self-signed certificate, turn on "allow self-signed certificate"`,
			false,
			{ cause: error },
		);
	}
	const reason = code === 'ETIMEDOUT' ? error.message : `${code}${error.message && !error.message.includes(code) ? `: ${error.message}` : ''}`;
	return new KhaosNetworkError(method, code, `could not reach ${where} (${reason})`, RETRYABLE_NETWORK_CODES.has(code), { cause: error });
}

// ---- reading decoded results ----

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
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value).trim() : '';
}
