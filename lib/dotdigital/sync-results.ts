/** Helpers shared by the contact and insight sends: a result per record, and who owns a failure. */
import { DotdigitalApiError, DotdigitalError } from './errors';
import type { FailureOwner, RecordFailure, RecordResult } from './results';

export type Results = (RecordResult | undefined)[];

export function contactFailureOwner(code: string): FailureOwner {
	const lower = code.toLowerCase();
	if (/email|phone|identifier|duplicate|idalreadyexists|invalidid/.test(lower)) return 'till data';
	if (/datafield|list/.test(lower)) return 'mapping';
	return 'API';
}

/** A failed call as a record's failure; Dotdigital's 4xx answers belong to whoever `ownerOf` names. */
export function callFailure(
	error: unknown,
	ownerOf: (code: string) => FailureOwner,
): RecordFailure & { status: 'failed' } {
	const known = error instanceof DotdigitalError ? error : undefined;
	const code = errorCode(error);
	const owner =
		error instanceof DotdigitalApiError &&
		error.status < 500 &&
		error.status !== 429 &&
		!isLoginRefused(error)
			? ownerOf(code)
			: 'API';
	return {
		status: 'failed',
		code,
		description: known?.message ?? String(error),
		retryable: known?.retryable ?? false,
		owner,
	};
}

export function isLoginRefused(error: unknown): boolean {
	return error instanceof DotdigitalApiError && (error.status === 401 || error.status === 403);
}

export function errorCode(error: unknown): string {
	return error instanceof DotdigitalError ? error.code : 'error';
}
