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
 * Khaos answered with a SOAP Fault. Most are business rejections ("item is discontinued"), final.
 * A fault that says the server lost its database or a connection (EDatabaseError, "Database
 * connection lost", timeouts, deadlocks) is an outage, not an answer, so it is retryable.
 * `faultString` is Khaos's own message.
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
		super(
			`Khaos refused ${fields.method}: ${fields.faultString || fields.faultCode || 'SOAP fault without a message'}`,
			fields.method,
			isTransientFault(fields),
		);
		this.name = 'KhaosFaultError';
		this.faultCode = fields.faultCode;
		this.faultString = fields.faultString;
		this.faultActor = fields.faultActor;
		this.detail = fields.detail;
		this.httpStatus = fields.httpStatus;
	}
}

const TRANSIENT_EXCEPTIONS =
	/\b(EDatabaseError|EADOError|EOleException|EIdSocketError|EIdConnClosedGracefully|EIdReadTimeout|EIdConnectTimeout|ESocketError|EOutOfResources)\b/i;
const TRANSIENT_MESSAGES = new RegExp(
	[
		'database connection',
		'connection (?:was |has been )?(?:lost|reset|closed|refused|failure|timed out)',
		'communication link failure',
		'timeout expired',
		'deadlock',
		'server is (?:busy|not available|unavailable)',
		'general network error',
		'could not (?:open|establish) (?:a )?connection',
		'try again later',
	].join('|'),
	'i',
);

/** Whether a fault reports an outage (database or connection trouble on the Khaos side) rather than a refusal. */
export function isTransientFault(fault: {
	faultString: string;
	detail: { exceptionClass?: string; inheritance?: string; text?: string };
	faultActor?: string;
}): boolean {
	const classes = [fault.detail.exceptionClass, fault.detail.inheritance, fault.faultActor]
		.filter(Boolean)
		.join(' ');
	return (
		TRANSIENT_EXCEPTIONS.test(classes) ||
		TRANSIENT_MESSAGES.test(fault.faultString) ||
		TRANSIENT_EXCEPTIONS.test(fault.faultString)
	);
}

/** Khaos (or IIS, or a proxy in front) answered with an HTTP error that is not a SOAP Fault. */
export class KhaosHttpError extends KhaosError {
	readonly status: number;

	constructor(method: string, status: number, statusText: string, retryable: boolean) {
		super(
			`Khaos ${method} failed: HTTP ${status}${statusText ? ` ${statusText}` : ''}${httpHint(status)}`,
			method,
			retryable,
		);
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

	constructor(
		method: string,
		code: string,
		message: string,
		retryable: boolean,
		options?: { cause?: unknown },
	) {
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

/** A fault no file can fix (a refused login, Khaos down or unreachable), in plain words; undefined for anything else. */
export function khaosSystemFault(error: unknown): { system: string; cause: string } | undefined {
	const system = 'Khaos';
	if (error instanceof KhaosHttpError) {
		if (error.status === 401 || error.status === 403)
			return { system, cause: 'Khaos refused the login' };
		if (error.retryable || error.status >= 500)
			return { system, cause: `Khaos is not answering (HTTP ${error.status})` };
		return undefined;
	}
	if (error instanceof KhaosNetworkError) return { system, cause: 'Khaos cannot be reached' };
	if (error instanceof KhaosFaultError && error.retryable)
		return { system, cause: `Khaos reports an outage: ${error.faultString}` };
	return undefined;
}
