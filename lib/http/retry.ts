/**
 * The one retry policy for every service: exponential backoff with full jitter (the
 * exponential-backoff package), a bounded number of tries, and the caller saying what is worth
 * another try.
 */
import { backOff } from 'exponential-backoff';

export interface RetryPolicy {
	/** Total tries, the first included. */
	attempts: number;
	/** Backoff before the second try; doubles each time, before jitter. */
	baseMs: number;
	/** Cap on any one backoff. */
	maxMs: number;
}

export interface RetryOptions {
	policy: RetryPolicy;
	/** Called after each failed try (tries counts the ones made); false ends the call with this error. */
	retryable: (error: unknown, tries: number) => boolean | Promise<boolean>;
	/** Called once with the error given up on and the number of tries made. */
	onGiveUp?: (error: unknown, tries: number) => void;
	/** For tests: replaces the backoff wait (then drawn from `random`, with the same full jitter). */
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
	const { policy, sleep } = options;
	const attempts = Math.max(1, policy.attempts);
	let tries = 0;
	try {
		return await backOff(
			async () => {
				tries += 1;
				return await attempt();
			},
			{
				numOfAttempts: attempts,
				startingDelay: sleep ? 0 : policy.baseMs,
				maxDelay: policy.maxMs,
				timeMultiple: 2,
				jitter: sleep ? 'none' : 'full',
				retry: async (error: unknown) => {
					if (!(await options.retryable(error, tries))) return false;
					if (sleep && tries < attempts)
						await sleep(backoffDelay(tries, policy, (options.random ?? Math.random)()));
					return true;
				},
			},
		);
	} catch (error) {
		options.onGiveUp?.(error, tries);
		throw error;
	}
}

/** Full jitter: a random wait between 0 and the capped exponential step. */
export function backoffDelay(failedTries: number, policy: RetryPolicy, random: number): number {
	const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (failedTries - 1));
	return Math.floor(random * ceiling);
}
