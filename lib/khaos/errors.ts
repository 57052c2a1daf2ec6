/**
 * What can go wrong talking to Khaos. Every error names the SOAP method; none carries the password.
 * `retryable` says whether trying the same call again later could succeed.
 */
export class KhaosError extends Error {
	readonly method: string;
	readonly retryable: boolean;
	/** How many times the call was tried before giving up. */
	attempts = 1;

	constructor(message: string, method: string, retryable: boolean, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'KhaosError';
		this.method = method;
		this.retryable = retryable;
	}
}

/**
 * Khaos answered with a SOAP Fault. This includes business rejections ("item is discontinued"),
 * so it is never retried. `faultString` is Khaos's own message.
 */
export class KhaosFaultError extends KhaosError {
	readonly faultCode: string;
	readonly faultString: string;
	readonly faultActor: string;
	/** Exception class and inheritance from `<detail>`, when Khaos gives them. */
	readonly detail: { exceptionClass?: string; inheritance?: string; text?: string };
	readonly httpStatus: number;

	constructor(fields: {
		method: string;
		faultCode: string;
		faultString: string;
		faultActor: string;
		detail: KhaosFaultError['detail'];
		httpStatus: number;
	}) {
		super(`Khaos refused ${fields.method}: ${fields.faultString || fields.faultCode || 'SOAP fault without a message'}`, fields.method, false);
		this.name = 'KhaosFaultError';
		this.faultCode = fields.faultCode;
		this.faultString = fields.faultString;
		this.faultActor = fields.faultActor;
		this.detail = fields.detail;
		this.httpStatus = fields.httpStatus;
	}
}

/** Khaos (or IIS, or a proxy in front) answered with an HTTP error that is not a SOAP Fault. */
export class KhaosHttpError extends KhaosError {
	readonly status: number;

	constructor(method: string, status: number, statusText: string, retryable: boolean) {
		super(`Khaos ${method} failed: HTTP ${status}${statusText ? ` ${statusText}` : ''}${httpHint(status)}`, method, retryable);
		this.name = 'KhaosHttpError';
		this.status = status;
	}
}

function httpHint(status: number): string {
	if (status === 401) return ' (check the user name and password of the Khaos credential)';
	if (status === 403) return ' (the Khaos server refused this client: check its IP rules)';
	if (status === 404) return ' (check the Khaos web service URL)';
	if (status === 503) return ' (the Khaos web service is not running or is overloaded)';
	return '';
}

/** The request never got an HTTP answer: connection refused, reset, DNS failure, TLS failure or timeout. */
export class KhaosNetworkError extends KhaosError {
	/** Node's error code (ECONNREFUSED, ETIMEDOUT, …) or 'TLS' for certificate problems. */
	readonly code: string;

	constructor(method: string, code: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
		super(`Khaos ${method} failed: ${message}`, method, retryable, options);
		this.name = 'KhaosNetworkError';
		this.code = code;
	}
}

/** Khaos answered, but not with a SOAP response we understand (an HTML page, a truncated body, …). */
export class KhaosProtocolError extends KhaosError {
	constructor(method: string, message: string, options?: { cause?: unknown }) {
		super(`Khaos ${method} returned something unexpected: ${message}`, method, false, options);
		this.name = 'KhaosProtocolError';
	}
}
