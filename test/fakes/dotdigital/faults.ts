/**
 * Trouble on purpose: random 429s and 5xx drawn from a seeded PRNG (so a run can be repeated),
 * scripted one-shot answers, and the per-minute rate-limit window.
 */
import { mulberry32 } from '../../helpers/random';

import type { FakeFaults, ScriptedFault } from './types';

export type Draw =
	{ kind: 'none' } | { kind: '429' } | { kind: '5xx'; status: number; lost: boolean };

const SERVER_ERRORS = [500, 502, 503, 504];

export class FaultDice {
	private faults: FakeFaults = {};
	private random = mulberry32(1);

	constructor(faults: FakeFaults = {}) {
		this.set(faults);
	}

	set(faults: FakeFaults): void {
		for (const name of ['rate429', 'rate5xx', 'lostResponseShare'] as const) {
			const value = faults[name];
			if (value !== undefined && (typeof value !== 'number' || !(value >= 0 && value <= 1)))
				throw new Error(`${name} must be a number from 0 to 1`);
		}
		if (faults.seed !== undefined && !Number.isFinite(faults.seed))
			throw new Error('seed must be a number');
		this.faults = { ...faults };
		this.random = mulberry32(faults.seed ?? 1);
	}

	get retryAfter(): boolean {
		return this.faults.retryAfter === true;
	}

	/** One draw per call that reaches the random faults; nothing is drawn while both rates are 0. */
	draw(): Draw {
		const rate429 = this.faults.rate429 ?? 0;
		const rate5xx = this.faults.rate5xx ?? 0;
		if (rate429 === 0 && rate5xx === 0) return { kind: 'none' };
		const roll = this.random();
		if (roll < rate429) return { kind: '429' };
		if (roll >= rate429 + rate5xx) return { kind: 'none' };
		const status = SERVER_ERRORS[Math.floor(this.random() * SERVER_ERRORS.length)];
		return { kind: '5xx', status, lost: this.random() < (this.faults.lostResponseShare ?? 0.5) };
	}
}

interface PendingScript {
	spec: ScriptedFault;
	left: number;
}

export class ScriptedFaults {
	private pending: PendingScript[] = [];

	add(spec: ScriptedFault): void {
		if (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)
			throw new Error('status must be an HTTP status code');
		const times = spec.times ?? 1;
		if (!Number.isInteger(times) || times < 1)
			throw new Error('times must be a whole number of at least 1');
		if (spec.path !== undefined && typeof spec.path !== 'string' && !(spec.path instanceof RegExp))
			throw new Error('path must be a string or a RegExp');
		this.pending.push({ spec: { ...spec }, left: times });
	}

	/** The first scripted fault matching this call, used up once. */
	take(method: string, path: string, regionPath: string): ScriptedFault | undefined {
		const found = this.pending.find(({ spec }) => {
			if (spec.method !== undefined && spec.method.toUpperCase() !== method.toUpperCase())
				return false;
			if (spec.path === undefined) return true;
			if (typeof spec.path === 'string') return spec.path === path || spec.path === regionPath;
			spec.path.lastIndex = 0;
			return spec.path.test(path);
		});
		if (found === undefined) return undefined;
		found.left -= 1;
		if (found.left === 0) this.pending = this.pending.filter((entry) => entry !== found);
		return found.spec;
	}

	clear(): void {
		this.pending = [];
	}
}

/** A fixed window: it opens with the first call after the previous one closed and lasts a minute. */
export class RateWindow {
	private start = -Infinity;
	private count = 0;

	constructor(readonly limit: number) {}

	/** Counts a call; the reset time when it is over the limit. */
	hit(now: number): { allowed: true } | { allowed: false; resetAt: number } {
		if (now >= this.start + 60_000 || now < this.start) {
			this.start = now;
			this.count = 0;
		}
		this.count += 1;
		return this.count <= this.limit
			? { allowed: true }
			: { allowed: false, resetAt: this.start + 60_000 };
	}

	clear(): void {
		this.start = -Infinity;
		this.count = 0;
	}
}
