/**
 * "Only send records that changed": a fingerprint of exactly what would be sent, per key, compared with
 * the one stored when Dotdigital last confirmed that key. A key is written only after Dotdigital
 * confirms it, so a record that failed is sent again next time, never skipped.
 */
import { createHash } from 'node:crypto';

export interface Fingerprint {
	key: string;
	fingerprint: string;
}

/** Where confirmed fingerprints are kept (lib/state's SyncState, in SQLite or Postgres, in the node). */
export interface FingerprintStore {
	unchanged(scope: string, entries: readonly Fingerprint[]): Promise<Set<string>>;
	commitFingerprints(scope: string, entries: readonly Fingerprint[]): Promise<void>;
}

export interface DeltaOptions {
	store: FingerprintStore;
	/** Separates accounts: fingerprints of one Dotdigital account never skip records for another. */
	scope: string;
	/** Send everything, and store fresh fingerprints for what Dotdigital confirms. */
	force?: boolean;
}

/** sha256 of a JSON form in which object keys are sorted, so the same data always gives the same print. */
export function fingerprint(value: unknown): string {
	return createHash('sha256').update(stableJson(value)).digest('base64url');
}

function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, item]) => item !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}
