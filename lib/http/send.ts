/**
 * The one door HTTP goes out of. lib/ never opens a connection itself: it is handed a Send. Inside
 * n8n that is n8n's request helper with the node's credential (proxy, SSL option and request logging
 * are n8n's); outside n8n (benchmarks, unit tests) it is nodeSend.
 */
export interface HttpRequest {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH';
	/** Absolute URL, query string included. */
	url: string;
	headers: Record<string, string>;
	body?: string;
	timeoutMs: number;
	/** A longer answer is refused (HttpFailure code ETOOLARGE) without being held in memory. */
	maxResponseBytes?: number;
	/** Accept a self-signed or otherwise unverifiable HTTPS certificate. */
	skipSslCertificateValidation?: boolean;
}

/** Any HTTP answer, whatever its status; redirects are answers too, never followed. */
export interface HttpAnswer {
	status: number;
	statusText: string;
	headers: Headers;
	body: string;
}

export type Send = (request: HttpRequest) => Promise<HttpAnswer>;

/** No HTTP answer: refused, reset, DNS, TLS, timeout (ETIMEDOUT) or too large (ETOOLARGE). */
export class HttpFailure extends Error {
	constructor(
		message: string,
		readonly code: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
		this.name = 'HttpFailure';
	}
}

export const TOO_LARGE = 'ETOOLARGE';
