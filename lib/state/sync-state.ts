import type { FingerprintStore } from '../dotdigital/delta';
import type { ContactRegistry } from '../dotdigital/registry';
import type { IdentityIndex } from './identity';
import type { LedgerBook } from './ledger';

/** Everything the nodes keep between executions, whichever database holds it. */
export interface SyncState extends IdentityIndex, FingerprintStore, LedgerBook, ContactRegistry {
	readonly backend: 'sqlite' | 'postgres';
	/** The file, or the Postgres server, database and schema (never a password). */
	readonly where: string;
	/** Forgets every fingerprint of a scope, so that its next run sends everything; how many there were. */
	forgetFingerprints(scope: string): Promise<number>;
	close(): Promise<void>;
}

export interface PostgresConnection {
	connectionString?: string;
	host?: string;
	port?: number;
	database?: string;
	user?: string;
	password?: string;
	ssl?: false | { rejectUnauthorized: boolean; ca?: string; cert?: string; key?: string };
}
