/**
 * What can go wrong talking to Dotdigital. No error carries the password or the Authorization header.
 * `retryable` says whether the same call could succeed later; the transport has already retried it.
 */
export class DotdigitalError extends Error {
	readonly retryable: boolean;
	/** Dotdigital's error code (`contacts:contactNotFound`, `ERROR_NON_UNIQUE_DATAFIELD`, …), or ours for network faults. */
	readonly code: string;
	/** How many times the call was tried before giving up. */
	attempts = 1;
	/** An earlier try failed in a way that does not prove Dotdigital ignored it: this answer may be to our own earlier write. */
	repeated = false;

	constructor(message: string, code: string, retryable: boolean, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'DotdigitalError';
		this.code = code;
		this.retryable = retryable;
	}
}

/** Dotdigital answered with an HTTP error. */
export class DotdigitalApiError extends DotdigitalError {
	readonly status: number;
	readonly description: string;
	/** From a 429: how long Dotdigital asked us to wait, in ms. */
	readonly waitMs?: number;

	constructor(fields: {
		call: string;
		status: number;
		code: string;
		description: string;
		waitMs?: number;
	}) {
		super(
			`Dotdigital ${fields.call} failed: HTTP ${fields.status}${fields.description ? ` ${fields.description}` : ''}${hint(fields.status, fields.description)}`,
			fields.code,
			isRetryableStatus(fields.status),
		);
		this.name = 'DotdigitalApiError';
		this.status = fields.status;
		this.description = fields.description;
		this.waitMs = fields.waitMs;
	}
}

/** The request never got an HTTP answer: refused, reset, DNS, TLS or timeout. */
export class DotdigitalNetworkError extends DotdigitalError {
	constructor(call: string, code: string, message: string, options?: { cause?: unknown }) {
		super(
			`Dotdigital ${call} failed: ${message}`,
			code,
			!/CERT|SELF_SIGNED|TLS|SSL|REDIRECT/.test(code),
			options,
		);
		this.name = 'DotdigitalNetworkError';
	}
}

/** 429 and 5xx may succeed later; 400, 401, 403, 404, 409 and 413 never will. */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

function hint(status: number, description: string): string {
	if (status === 401) return ' (check the API user and password of the Dotdigital credential)';
	if (status === 403 && /access is denied/i.test(description))
		return ' (the account is in another region: set the credential’s Region to Auto-Detect)';
	if (status === 413)
		return ' (the request was larger than Dotdigital, or a proxy in front of it, accepts)';
	if (status === 429)
		return ' (Dotdigital’s rate limit; the calls were spread out and retried, but the limit held)';
	return '';
}

/** A fault no file can fix (a refused login, an outage that outlasted the retries), in plain words; undefined for anything else. */
export function dotdigitalSystemFault(
	error: unknown,
): { system: string; cause: string } | undefined {
	const system = 'Dotdigital';
	if (error instanceof DotdigitalApiError) {
		if (error.status === 401 || error.status === 403)
			return { system, cause: 'Dotdigital refused the login' };
		if (error.retryable)
			return { system, cause: `Dotdigital is not answering (HTTP ${error.status})` };
		return undefined;
	}
	if (error instanceof DotdigitalNetworkError)
		return { system, cause: 'Dotdigital cannot be reached' };
	return undefined;
}
