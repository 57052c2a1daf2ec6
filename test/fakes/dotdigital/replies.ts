/**
 * Answers as values, so a call can be processed and its answer thrown away (a lost response), and
 * the two error shapes: v2 `{message: "<text>. ERROR_CODE"}` and v3 `{errorCode, description, details?}`.
 */

export interface Reply {
	status: number;
	/** Sent as JSON; nothing is sent when undefined. */
	json?: unknown;
	/** Sent as is, instead of json. */
	text?: string;
	contentType?: string;
	headers?: Record<string, string>;
}

export interface ErrorDetail {
	item: string;
	description: string;
}

/** Thrown by handlers; becomes the reply. */
export class ApiError extends Error {
	constructor(readonly reply: Reply) {
		super(`HTTP ${reply.status}`);
	}
}

export function v3Error(
	status: number,
	errorCode: string,
	description: string,
	details?: ErrorDetail[],
): ApiError {
	return new ApiError({
		status,
		json: details === undefined ? { errorCode, description } : { errorCode, description, details },
	});
}

export function v2Error(status: number, message: string, code: string): ApiError {
	return new ApiError({ status, json: { message: `${message} ${code}` } });
}

export const json = (status: number, body: unknown): Reply => ({ status, json: body });
