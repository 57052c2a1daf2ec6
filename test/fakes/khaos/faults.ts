/** Injected failures, consumed in the order they were queued by the requests they match. */
import type { FaultKind, FaultSpec } from './types';

const KINDS: FaultKind[] = ['soap-fault', 'http-503', 'http-401', 'delay', 'reset', 'drop-reply'];

interface PendingFault {
	spec: FaultSpec;
	left: number;
}

export class FaultQueue {
	private pending: PendingFault[] = [];

	add(spec: FaultSpec): void {
		if (spec.method !== undefined && (typeof spec.method !== 'string' || spec.method === ''))
			throw new Error('method must be a SOAP method name or "wsdl"');
		if (!KINDS.includes(spec.kind))
			throw new Error(`Unknown fault kind '${String(spec.kind)}' (use ${KINDS.join(', ')})`);
		const times = spec.times ?? 1;
		if (!Number.isInteger(times) || times < 1)
			throw new Error('times must be a whole number of at least 1');
		if (spec.delayMs !== undefined && (!Number.isFinite(spec.delayMs) || spec.delayMs < 0))
			throw new Error('delayMs must be 0 or more');
		this.pending.push({ spec: { ...spec }, left: times });
	}

	/** The first queued fault for this request, used up once; `method` is the SOAP method, or 'wsdl'. */
	take(method: string): FaultSpec | undefined {
		const found = this.pending.find((fault) =>
			fault.spec.method === undefined
				? method !== 'wsdl'
				: fault.spec.method.toLowerCase() === method.toLowerCase(),
		);
		if (found === undefined) return undefined;
		found.left -= 1;
		if (found.left === 0) this.pending = this.pending.filter((fault) => fault !== found);
		return found.spec;
	}

	clear(): void {
		this.pending = [];
	}
}
