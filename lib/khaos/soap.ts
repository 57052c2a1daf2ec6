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
import {
	HttpFailure,
	TOO_LARGE,
	nodeSend,
	withRetries,
	type HttpAnswer,
	type RetryPolicy,
	type Send,
} from '../http';
import {
	KhaosError,
	KhaosFaultError,
	KhaosHttpError,
	KhaosNetworkError,
	KhaosProtocolError,
} from './errors';
import {
	KhaosXmlError,
	attribute,
	buildXml,
	childElement,
	childText,
	descendants,
	parseXml,
	xmlElement,
	type XmlElement,
} from './xml';

export const KHAOS_NAMESPACE = 'urn:IKosWebIntf-IKosWeb';

export type KhaosAuth = { type: 'none' } | { type: 'basic'; user: string; password: string };

export { backoffDelay, type RetryPolicy } from '../http';

export interface KhaosSoapClientOptions {
	/** The WSDL URL (…/wsdl/IKosWeb), the SOAP endpoint (…/soap/IKosWeb) or the base `.exe` URL. */
	url: string;
	/** Sent as HTTP Basic. Leave it out when the Send authenticates (n8n's request helper with the credential). */
	auth?: KhaosAuth;
	/** How requests go out; Node's own http(s) when not given. */
	send?: Send;
	/** Masked in every error message, like a Basic password (for a Send that authenticates). */
	secrets?: readonly string[];
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
export type SoapValue =
	string | number | boolean | null | SoapValue[] | { [property: string]: SoapValue };

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

export class KhaosSoapClient {
	private readonly url: URL;
	private readonly authorization?: string;
	private readonly secrets: string[];
	private readonly allowSelfSigned: boolean;
	private readonly sendRequest: Send;
	private readonly timeoutMs: number;
	private readonly retry: RetryPolicy;
	private readonly maxResponseBytes: number;
	private readonly sleepOverride?: (ms: number) => Promise<void>;
	private readonly random: () => number;
	private endpointPromise?: Promise<URL>;

	constructor(options: KhaosSoapClientOptions) {
		this.url = parseServiceUrl(options.url);
		if (options.auth?.type === 'basic') {
			this.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`, 'utf8').toString('base64')}`;
		}
		this.secrets = [
			...(options.secrets ?? []),
			...(options.auth?.type === 'basic' ? [options.auth.password] : []),
		].filter(Boolean);
		this.timeoutMs = options.timeoutMs ?? 60_000;
		this.retry = { ...DEFAULT_RETRY, ...options.retry };
		this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
		this.sleepOverride = options.sleep;
		this.random = options.random ?? Math.random;
		this.allowSelfSigned = options.allowSelfSigned === true;
		this.sendRequest = options.send ?? nodeSend();
	}

	/**
	 * Calls one IKosWeb method and returns its decoded `return` value (undefined for procedures).
	 * Parameter names must be the guide's (e.g. ExportStock: StockCode, MappingType, LastUpdated).
	 */
	async call(method: string, params: readonly SoapParam[] = []): Promise<SoapValue | undefined> {
		if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(method))
			throw new Error(`"${method}" is not a Khaos method name`);
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
		this.endpointPromise ??= this.withRetries(true, () => this.discoverEndpoint(method)).catch(
			(error: unknown) => {
				this.endpointPromise = undefined;
				throw error;
			},
		);
		return this.endpointPromise;
	}

	private async discoverEndpoint(method: string): Promise<URL> {
		const response = await this.send(method, this.url, 'GET', {});
		if (response.status !== 200) throw httpError(method, response);
		let wsdl: XmlElement;
		try {
			wsdl = parseXml(response.body);
		} catch (error) {
			throw new KhaosProtocolError(
				method,
				`the WSDL at ${this.url.host} could not be read (${(error as Error).message})`,
				{ cause: error },
			);
		}
		const location = descendants(wsdl, 'address')
			.map((address) => attribute(address, 'location'))
			.find(Boolean);
		if (!location)
			throw new KhaosProtocolError(method, `the WSDL at ${this.url.host} names no soap:address`);
		return new URL(location, this.url);
	}

	private withRetries<T>(retryable: boolean, attempt: () => Promise<T>): Promise<T> {
		return withRetries(attempt, {
			policy: { ...this.retry, attempts: retryable ? this.retry.attempts : 1 },
			retryable: (error) => error instanceof KhaosError && error.retryable,
			onGiveUp: (error, tries) => {
				if (error instanceof KhaosError) error.attempts = tries;
			},
			sleep: this.sleepOverride,
			random: this.random,
		});
	}

	private async send(
		method: string,
		url: URL,
		httpMethod: 'GET' | 'POST',
		init: Record<string, string>,
	): Promise<HttpAnswer> {
		const { body, ...headerFields } = init;
		const headers: Record<string, string> = {
			'User-Agent': 'n8n-nodes-pos-sync',
			Accept: 'text/xml',
			...headerFields,
		};
		if (this.authorization) headers.Authorization = this.authorization;
		try {
			return await this.sendRequest({
				method: httpMethod,
				url: url.toString(),
				headers,
				body,
				timeoutMs: this.timeoutMs,
				maxResponseBytes: this.maxResponseBytes,
				skipSslCertificateValidation: this.allowSelfSigned,
			});
		} catch (error) {
			if (error instanceof HttpFailure && error.code === TOO_LARGE)
				throw new KhaosProtocolError(
					method,
					`the response is larger than ${this.maxResponseBytes} bytes`,
				);
			throw networkError(
				method,
				url,
				error instanceof HttpFailure
					? error
					: new HttpFailure(String((error as Error)?.message ?? error), 'ENETWORK', {
							cause: error,
						}),
			);
		}
	}

	/**
	 * Belt and braces: the password never appears in an error, whatever the server echoed. Only
	 * whole occurrences are masked, so a short password does not mangle words that contain it.
	 */
	private redacted(error: unknown): unknown {
		if (!(error instanceof Error)) return error;
		for (const secret of this.secrets) {
			const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			error.message = error.message.replace(
				new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'),
				'***',
			);
		}
		return error;
	}
}

/** Khaos's writes are the `Import…` methods; everything else only reads. */
export function isReadMethod(method: string): boolean {
	return !/^Import/i.test(method);
}

function parseServiceUrl(value: string): URL {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw new Error('The Khaos URL is not a valid URL');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new Error('The Khaos URL must start with http:// or https://');
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
			xmlElement(
				name,
				formatParam(name, value as Exclude<SoapParamValue, null | undefined>, type),
				{ 'xsi:type': `xsd:${type}` },
			),
		);
	return buildXml(
		xmlElement(
			'soap:Envelope',
			xmlElement(
				'soap:Body',
				xmlElement(`NS1:${method}`, paramElements, { 'xmlns:NS1': KHAOS_NAMESPACE }),
			),
			{
				'xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
				'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
				'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
			},
		),
	);
}

function formatParam(
	name: string,
	value: string | number | boolean | Date,
	type: SoapParamType,
): string {
	switch (type) {
		case 'string':
			return String(value);
		case 'int':
			if (typeof value !== 'number' || !Number.isInteger(value))
				throw new TypeError(`Parameter ${name} must be a whole number`);
			return String(value);
		case 'double':
			if (typeof value !== 'number' || !Number.isFinite(value))
				throw new TypeError(`Parameter ${name} must be a number`);
			return String(value);
		case 'boolean':
			if (typeof value !== 'boolean')
				throw new TypeError(`Parameter ${name} must be true or false`);
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
	if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(zoned.getTime()))
		return zoned.toISOString().slice(0, 19);
	throw new TypeError(`Parameter ${name} must be a date like 2024-05-01 or 2024-05-01T10:00:00`);
}

// ---- response ----

function readSoapResponse(method: string, response: HttpAnswer): SoapValue | undefined {
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

function httpError(method: string, response: HttpAnswer): KhaosHttpError {
	return new KhaosHttpError(
		method,
		response.status,
		response.statusText,
		RETRYABLE_STATUSES.has(response.status),
	);
}

function networkError(method: string, url: URL, error: HttpFailure): KhaosNetworkError {
	const code = error.code;
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
	const reason =
		code === 'ETIMEDOUT'
			? error.message
			: `${code}${error.message && !error.message.includes(code) ? `: ${error.message}` : ''}`;
	return new KhaosNetworkError(
		method,
		code,
		`could not reach ${where} (${reason})`,
		RETRYABLE_NETWORK_CODES.has(code),
		{ cause: error },
	);
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
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
		? String(value).trim()
		: '';
}
