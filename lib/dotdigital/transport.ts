/**
 * The one transport to Dotdigital's REST API: region discovery, HTTP Basic, JSON, and bounded retries.
 *
 * Retries (exponential-backoff, full jitter): 429, 5xx and network errors. Never 400, 401, 403, 404,
 * 409 or 413. A 429 first waits as long as Dotdigital asks (`x-ratelimit-reset` as seconds or as an
 * epoch, or `Retry-After`), capped, then the usual backoff. Every call we make is an upsert or a
 * read, so repeating one after a lost answer cannot duplicate anything.
 */
import {
	HttpFailure,
	nodeSend,
	withRetries,
	type HttpAnswer,
	type RetryPolicy as BackoffPolicy,
	type Send,
} from '../http';
import { DotdigitalApiError, DotdigitalError, DotdigitalNetworkError } from './errors';

export type Region = 'r1' | 'r2' | 'r3';
type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface DotdigitalLogin {
	user: string;
	/** Sent as HTTP Basic. Left out when the Send authenticates (n8n's request helper with the credential). */
	password?: string;
	/** 'auto' asks account-info on r1 where the account lives. */
	region: Region | 'auto';
	/** Replaces https://{region}-api.dotdigital.com, for sandboxes and tests. With 'auto', account-info is asked here. */
	baseUrl?: string;
}

export interface RetryPolicy extends BackoffPolicy {
	/** The longest wait a 429 may ask for; a per-minute bucket resets within 60 s. */
	maxServerWaitMs: number;
}

export interface TransportOptions {
	/** How requests go out; Node's own http(s) when not given. */
	send?: Send;
	timeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	/** For tests: replaces the wait a 429 asks for (the jittered backoff itself is the library's). */
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
}

export interface RequestOptions {
	query?: Record<string, string>;
	/** An object is sent as JSON; a string is sent as it is (already JSON). */
	body?: unknown;
	/** Names the call in errors: "import contacts", "get import status", … */
	call: string;
}

export interface Reply<T> {
	status: number;
	body: T;
	/**
	 * An earlier try of this call failed in a way that does not prove Dotdigital ignored it (a 5xx or
	 * a lost connection, not a 429 or a 4xx): the call may have taken effect twice. Upserts make that
	 * harmless, but a 200 may then be describing a contact the first try created.
	 */
	repeated: boolean;
}

export interface CallStats {
	/** Every HTTP request sent, retries included. */
	requests: number;
	retries: number;
	/** Requests by call name. */
	byCall: Record<string, number>;
}

const DEFAULT_RETRY: RetryPolicy = {
	attempts: 8,
	baseMs: 1000,
	maxMs: 30_000,
	maxServerWaitMs: 65_000,
};
const DOTDIGITAL_HOST = /^r\d+-api\.dotdigital\.com$/;
/** "Too many active imports" says no when to try again; an import of 2,000 contacts takes about this long. */
const ACTIVE_IMPORTS_WAIT_MS = 30_000;

export class DotdigitalTransport {
	readonly stats: CallStats = {
		requests: 0,
		retries: 0,
		byCall: Object.create(null) as Record<string, number>,
	};
	private readonly authorization?: string;
	private readonly sendRequest: Send;
	private readonly retry: RetryPolicy;
	private readonly timeoutMs: number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly now: () => number;
	private apiBasePromise?: Promise<string>;
	private lastServerTime?: number;

	/** Which account this is (API user and where it is reached), without the password. */
	get account(): string {
		return `${this.login.user}@${this.login.baseUrl ?? this.login.region}`;
	}

	constructor(
		private readonly login: DotdigitalLogin,
		options: TransportOptions = {},
	) {
		if (login.password !== undefined)
			this.authorization = `Basic ${Buffer.from(`${login.user}:${login.password}`, 'utf8').toString('base64')}`;
		this.sendRequest = options.send ?? nodeSend();
		this.retry = { ...DEFAULT_RETRY, ...options.retry };
		this.timeoutMs = options.timeoutMs ?? 120_000;
		this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
		this.now = options.now ?? Date.now;
	}

	/** The account's API root, without a trailing slash; asked once when the region is 'auto'. */
	apiBase(): Promise<string> {
		this.apiBasePromise ??= this.discoverApiBase().catch((error: unknown) => {
			this.apiBasePromise = undefined;
			throw error;
		});
		return this.apiBasePromise;
	}

	async request<T>(method: HttpMethod, path: string, options: RequestOptions): Promise<Reply<T>> {
		return this.send<T>(method, `${await this.apiBase()}${path}`, options);
	}

	private async discoverApiBase(): Promise<string> {
		const override = this.login.baseUrl?.trim().replace(/\/+$/, '');
		if (this.login.region !== 'auto') return override || defaultApiBase(this.login.region);
		const root = override || 'https://r1-api.dotdigital.com';
		const { body } = await this.send<{ properties?: Array<{ name?: string; value?: string }> }>(
			'GET',
			`${root}/v2/account-info`,
			{ call: 'account-info' },
		);
		const endpoint = body?.properties?.find((property) => property.name === 'ApiEndpoint')?.value;
		if (!endpoint)
			throw new DotdigitalError(
				'Dotdigital account-info did not say which region the account is in (no ApiEndpoint)',
				'noApiEndpoint',
				false,
			);
		return checkedEndpoint(endpoint, Boolean(override));
	}

	/** Dotdigital's clock (its Date header) at the last answer, in epoch ms; undefined before any answer. */
	serverTime(): number | undefined {
		return this.lastServerTime;
	}

	private async send<T>(
		method: HttpMethod,
		url: string,
		options: RequestOptions,
	): Promise<Reply<T>> {
		let repeated = false;
		const reply = await withRetries(async () => this.once<T>(method, url, options), {
			policy: this.retry,
			retryable: async (error: unknown) => {
				const failure = error instanceof DotdigitalError ? error : undefined;
				if (!failure?.retryable) return false;
				this.stats.retries += 1;
				if (!(failure instanceof DotdigitalApiError && failure.status === 429)) repeated = true;
				if (failure instanceof DotdigitalApiError && failure.waitMs)
					await this.sleep(Math.min(failure.waitMs, this.retry.maxServerWaitMs));
				return true;
			},
			onGiveUp: (error: unknown, tries: number) => {
				if (error instanceof DotdigitalError) {
					error.attempts = tries;
					error.repeated = repeated;
				}
			},
		});
		return { ...reply, repeated };
	}

	private async once<T>(
		method: HttpMethod,
		url: string,
		options: RequestOptions,
	): Promise<{ status: number; body: T }> {
		this.stats.requests += 1;
		this.stats.byCall[options.call] = (this.stats.byCall[options.call] ?? 0) + 1;
		const target = new URL(url);
		for (const [name, value] of Object.entries(options.query ?? {}))
			target.searchParams.set(name, value);
		const headers: Record<string, string> = { Accept: 'application/json' };
		if (this.authorization) headers.Authorization = this.authorization;
		let body: string | undefined;
		if (options.body !== undefined) {
			body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
			headers['Content-Type'] = 'application/json';
		}
		let response: HttpAnswer;
		try {
			response = await this.sendRequest({
				method,
				url: target.toString(),
				headers,
				body,
				timeoutMs: this.timeoutMs,
			});
		} catch (error) {
			throw networkError(options.call, error);
		}
		const date = Date.parse(response.headers.get('date') ?? '');
		if (!Number.isNaN(date)) this.lastServerTime = date;
		// An API never redirects; a proxy or captive portal does, and will again.
		if (response.status >= 300 && response.status < 400) {
			throw new DotdigitalNetworkError(
				options.call,
				'REDIRECT',
				'Dotdigital answered with a redirect, which its API never does: check the base URL and any proxy',
			);
		}
		if (response.status < 200 || response.status > 299) throw this.apiError(options.call, response);
		const text = response.body;
		if (text === '') return { status: response.status, body: undefined as T };
		try {
			return { status: response.status, body: JSON.parse(text) as T };
		} catch {
			throw new DotdigitalError(
				`Dotdigital ${options.call} answered with something that is not JSON (HTTP ${response.status})`,
				'notJson',
				response.status >= 500,
			);
		}
	}

	private apiError(call: string, response: HttpAnswer): DotdigitalApiError {
		const parsed = parseErrorBody(response.body);
		return new DotdigitalApiError({
			call,
			status: response.status,
			code: parsed.code || `HTTP${response.status}`,
			description: parsed.description,
			waitMs:
				response.status === 429
					? (serverWaitMs(response.headers, this.now()) ??
						(/tooManyActiveImports$/i.test(parsed.code) ? ACTIVE_IMPORTS_WAIT_MS : undefined))
					: undefined,
		});
	}
}

/** v3 bodies are `{errorCode, description}`; v2 bodies are `{message: "Text. ERROR_CODE"}`; a 401 has none. */
function parseErrorBody(text: string): { code: string; description: string } {
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return { code: '', description: text.slice(0, 200).trim() };
	}
	if (typeof body !== 'object' || body === null) return { code: '', description: '' };
	const record = body as Record<string, unknown>;
	if (typeof record.errorCode === 'string')
		return { code: record.errorCode, description: String(record.description ?? '') };
	const message = typeof record.message === 'string' ? record.message : '';
	return { code: /\b(ERROR_[A-Z_]+)\b/.exec(message)?.[1] ?? '', description: message };
}

/**
 * How long a 429 asks us to wait. `x-ratelimit-reset` is seconds-until-reset in Dotdigital's SDK and
 * an epoch second elsewhere: a value past a billion can only be an epoch. `Retry-After` is seconds or
 * an HTTP date. The longest of them wins.
 */
export function serverWaitMs(headers: Headers, now: number): number | undefined {
	const waits: number[] = [];
	const reset = Number(headers.get('x-ratelimit-reset'));
	if (headers.get('x-ratelimit-reset') !== null && Number.isFinite(reset) && reset >= 0) {
		waits.push(reset > 1e9 ? reset * 1000 - now : reset * 1000);
	}
	const retryAfter = headers.get('retry-after');
	if (retryAfter !== null) {
		const seconds = Number(retryAfter);
		const date = Date.parse(retryAfter);
		if (retryAfter.trim() !== '' && Number.isFinite(seconds)) waits.push(seconds * 1000);
		else if (Number.isFinite(date)) waits.push(date - now);
	}
	const longest = Math.max(0, ...waits);
	return waits.length > 0 ? longest : undefined;
}

function checkedEndpoint(endpoint: string, sandbox: boolean): string {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		throw new DotdigitalError(
			`Dotdigital account-info gave an API endpoint that is not a URL: ${endpoint}`,
			'badApiEndpoint',
			false,
		);
	}
	// Without an override the credentials may only ever go to Dotdigital itself.
	if (!sandbox && (url.protocol !== 'https:' || !DOTDIGITAL_HOST.test(url.hostname))) {
		throw new DotdigitalError(
			`Dotdigital account-info gave an API endpoint outside dotdigital.com (${url.origin}); refusing to send the login there`,
			'badApiEndpoint',
			false,
		);
	}
	return endpoint.trim().replace(/\/+$/, '');
}

function networkError(call: string, error: unknown): DotdigitalNetworkError {
	if (error instanceof HttpFailure) {
		const reason =
			error.code === 'ETIMEDOUT'
				? 'no answer in time'
				: `${error.message}${error.message.includes(error.code) ? '' : ` (${error.code})`}`;
		return new DotdigitalNetworkError(call, error.code, reason, { cause: error });
	}
	return new DotdigitalNetworkError(
		call,
		'NETWORK',
		error instanceof Error ? error.message : String(error),
		{ cause: error },
	);
}

export function defaultApiBase(region: Region): string {
	return `https://${region}-api.dotdigital.com`;
}
