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
import { KhaosError, KhaosNetworkError, KhaosProtocolError } from './errors';
import { KHAOS_NAMESPACE, buildEnvelope, type SoapParam } from './soap-envelope';
import { httpError, readSoapResponse, type SoapValue } from './soap-response';
import { attribute, descendants, parseXml, type XmlElement } from './xml';

export {
	KHAOS_NAMESPACE,
	formatSoapDateTime,
	type SoapParam,
	type SoapParamType,
	type SoapParamValue,
} from './soap-envelope';
export { soapList, soapText, type SoapValue } from './soap-response';

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

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 8000 };
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
