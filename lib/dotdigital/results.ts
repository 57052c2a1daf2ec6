/** What became of each record sent to Dotdigital: exactly one result per input record. */

/** Who fixes a failure: the data typed at the till, the mapping or node settings, or the Dotdigital side. */
/** Who fixes a failure: the till's data, the mapping, Dotdigital (API), or whoever runs n8n and its storage (system). */
export type FailureOwner = 'till data' | 'mapping' | 'API' | 'system';

export interface RecordFailure {
	code: string;
	description: string;
	retryable: boolean;
	owner: FailureOwner;
}

/** suppressed: Dotdigital holds the contact suppressed, and keeps it so; nobody's fault, and not sent again while unchanged. */
export type RecordAction = 'created' | 'updated' | 'imported' | 'suppressed';

export type RecordResult =
	| { status: 'done'; action: RecordAction; contactId?: number; key: string; importId?: string }
	/** Dotdigital already has this record exactly as it is: the last run that sent it was confirmed. */
	| { status: 'unchanged'; key: string }
	| ({ status: 'failed'; key?: string; importId?: string } & RecordFailure);

export interface RunCounts {
	received: number;
	done: number;
	failed: number;
	/** Not sent, because Dotdigital confirmed exactly this record before. */
	unchanged: number;
	created: number;
	updated: number;
	imported: number;
	suppressed: number;
	/** Failed records by code. */
	failedByCode: Record<string, number>;
	/** HTTP requests to Dotdigital, retries included. */
	apiCalls: number;
	imports: number;
	retries: number;
}

export function failure(
	code: string,
	description: string,
	retryable: boolean,
	owner: FailureOwner,
): RecordResult {
	return { status: 'failed', code, description, retryable, owner };
}

export function countResults(
	results: readonly RecordResult[],
	calls: { apiCalls: number; imports: number; retries: number },
): RunCounts {
	const counts: RunCounts = {
		received: results.length,
		done: 0,
		failed: 0,
		unchanged: 0,
		created: 0,
		updated: 0,
		imported: 0,
		suppressed: 0,
		failedByCode: {},
		...calls,
	};
	for (const result of results) {
		if (result.status === 'done') {
			counts.done += 1;
			counts[result.action] += 1;
		} else if (result.status === 'unchanged') {
			counts.unchanged += 1;
		} else {
			counts.failed += 1;
			counts.failedByCode[result.code] = (counts.failedByCode[result.code] ?? 0) + 1;
		}
	}
	return counts;
}
