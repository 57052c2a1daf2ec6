/**
 * The sync state in Postgres, for n8n in queue mode: every process (main instance and workers, on
 * any host) reads and writes the same identity index, fingerprints, contact registry and ledger.
 * Concurrency is the database's: every write is an `INSERT … ON CONFLICT` in one statement per
 * batch, rows taken in key order (so two writers never deadlock), and ledger counts are added up by
 * the database itself (merge_counts), so two workers writing the same keys never lose an update.
 */
import type { Pool, PoolClient } from 'pg';

import type { Fingerprint } from '../dotdigital/delta';
import { registryKey, type KnownContact, type OwedConsent } from '../dotdigital/registry';
import type { PostgresConnection, SyncState } from './sync-state';
import type { Identity } from './identity';
import {
	inFlightNode,
	LEDGER_KEPT_DAYS,
	reviveCounts,
	type LedgerStep,
	type StepCounts,
} from './ledger';
import { migrate } from './postgres-schema';

/** Rows per statement: arrays are one parameter each, so this bounds memory, not Postgres. */
const SLICE = 10_000;
/** A deadlock or serialization failure is retried this many times; Postgres names the loser. */
const RETRIES = 5;
const RETRIED_CODES = new Set(['40P01', '40001']);

const lastBy = <T>(
	entries: readonly T[],
	key: (entry: T) => string,
	merge: (earlier: T | undefined, later: T) => T,
): T[] => {
	const byKey = new Map<string, T>();
	for (const entry of entries) byKey.set(key(entry), merge(byKey.get(key(entry)), entry));
	return [...byKey.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([, entry]) => entry);
};

const slices = <T>(entries: readonly T[]): T[][] => {
	const result: T[][] = [];
	for (let start = 0; start < entries.length; start += SLICE)
		result.push(entries.slice(start, start + SLICE));
	return result;
};

export class PostgresSyncState implements SyncState {
	readonly backend = 'postgres';

	private constructor(
		private readonly pool: Pool,
		private readonly schema: string,
		readonly where: string,
	) {}

	static async open(
		connection: PostgresConnection,
		schema: string,
		where: string,
	): Promise<PostgresSyncState> {
		// Loaded here, so that a single n8n process on SQLite never loads the Postgres client.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { Pool } = require('pg') as typeof import('pg');
		// One execution asks one thing at a time; two connections leave room for its writes beside a read.
		const pool = new Pool({
			...connection,
			max: 2,
			connectionTimeoutMillis: 30_000,
			application_name: 'n8n-nodes-pos-sync',
		});
		// An idle connection the server dropped is replaced on the next query; it must not stop n8n.
		pool.on('error', () => undefined);
		try {
			await migrate(pool, schema);
		} catch (error) {
			await pool.end();
			throw error;
		}
		return new PostgresSyncState(pool, schema, where);
	}

	async close(): Promise<void> {
		await this.pool.end();
	}

	async rememberIdentities(
		entries: ReadonlyArray<{ customerId: string } & Identity>,
	): Promise<void> {
		const rows = lastBy(
			entries.filter((entry) => entry.customerId && (entry.email || entry.mobile)),
			(entry) => entry.customerId,
			(earlier, later) => ({
				customerId: later.customerId,
				email: later.email || earlier?.email,
				mobile: later.mobile || earlier?.mobile,
			}),
		);
		const now = new Date().toISOString();
		await this.write(async (client) => {
			for (const slice of slices(rows)) {
				await client.query(
					`INSERT INTO ${this.table('identities')} (customer_id, email, mobile, updated_at)
					 SELECT id, NULLIF(email, ''), NULLIF(mobile, ''), $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, email, mobile)
					 ON CONFLICT (customer_id) DO UPDATE SET
					   email = COALESCE(excluded.email, identities.email),
					   mobile = COALESCE(excluded.mobile, identities.mobile),
					   updated_at = excluded.updated_at`,
					[
						slice.map((row) => row.customerId),
						slice.map((row) => row.email ?? ''),
						slice.map((row) => row.mobile ?? ''),
						now,
					],
				);
			}
		});
	}

	async lookUpIdentities(customerIds: readonly string[]): Promise<Map<string, Identity>> {
		const found = new Map<string, Identity>();
		for (const slice of slices([...new Set(customerIds.filter(Boolean))])) {
			const { rows } = await this.pool.query<{
				customer_id: string;
				email: string | null;
				mobile: string | null;
			}>(
				`SELECT customer_id, email, mobile FROM ${this.table('identities')} WHERE customer_id = ANY($1::text[])`,
				[slice],
			);
			for (const row of rows)
				found.set(row.customer_id, {
					...(row.email ? { email: row.email } : {}),
					...(row.mobile ? { mobile: row.mobile } : {}),
				});
		}
		return found;
	}

	async unchanged(scope: string, entries: readonly Fingerprint[]): Promise<Set<string>> {
		const same = new Set<string>();
		const wanted = new Map(entries.map((entry) => [entry.key, entry.fingerprint]));
		for (const slice of slices([...wanted.keys()])) {
			const sql = `SELECT key, fingerprint FROM ${this.table('fingerprints')} WHERE scope = $1 AND key = ANY($2::text[])`;
			const { rows } = await this.pool.query<{ key: string; fingerprint: string }>(sql, [
				scope,
				slice,
			]);
			for (const row of rows) if (wanted.get(row.key) === row.fingerprint) same.add(row.key);
		}
		return same;
	}

	async commitFingerprints(scope: string, entries: readonly Fingerprint[]): Promise<void> {
		const rows = lastBy(
			entries,
			(entry) => entry.key,
			(_, later) => later,
		);
		const now = new Date().toISOString();
		await this.write(async (client) => {
			for (const slice of slices(rows)) {
				await client.query(
					`INSERT INTO ${this.table('fingerprints')} (scope, key, fingerprint, confirmed_at)
					 SELECT $1, key, fingerprint, $4 FROM unnest($2::text[], $3::text[]) AS t(key, fingerprint)
					 ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, confirmed_at = excluded.confirmed_at`,
					[scope, slice.map((row) => row.key), slice.map((row) => row.fingerprint), now],
				);
			}
		});
	}

	async forgetFingerprints(scope: string): Promise<number> {
		const { rowCount } = await this.pool.query(
			`DELETE FROM ${this.table('fingerprints')} WHERE scope = $1`,
			[scope],
		);
		return rowCount ?? 0;
	}

	async knownContacts(scope: string, keys: readonly string[]): Promise<Map<string, number>> {
		const known = new Map<string, number>();
		for (const slice of slices([...new Set(keys)])) {
			const sql = `SELECT key, contact_id FROM ${this.table('known_contacts')} WHERE scope = $1 AND key = ANY($2::text[])`;
			const { rows } = await this.pool.query<{ key: string; contact_id: string }>(sql, [
				scope,
				slice,
			]);
			for (const row of rows) known.set(row.key, Number(row.contact_id));
		}
		return known;
	}

	async rememberContacts(scope: string, contacts: readonly KnownContact[]): Promise<void> {
		const rows = lastBy(
			contacts,
			(contact) => contact.key,
			(earlier, later) => ({
				key: later.key,
				contactId: later.contactId || earlier?.contactId || 0,
			}),
		);
		await this.write(async (client) => {
			for (const slice of slices(rows)) {
				await client.query(
					`INSERT INTO ${this.table('known_contacts')} (scope, key, contact_id)
					 SELECT $1, key, contact_id FROM unnest($2::text[], $3::bigint[]) AS t(key, contact_id)
					 ON CONFLICT (scope, key) DO UPDATE SET contact_id = CASE WHEN excluded.contact_id > 0 THEN excluded.contact_id ELSE known_contacts.contact_id END`,
					[scope, slice.map((row) => row.key), slice.map((row) => row.contactId || 0)],
				);
			}
		});
	}

	async forgetContacts(scope: string, keys: readonly string[]): Promise<void> {
		await this.deleteKeys('known_contacts', scope, keys);
	}

	async contactsListedUntil(scope: string): Promise<number | undefined> {
		const { rows } = await this.pool.query<{ listed_until: string }>(
			`SELECT listed_until FROM ${this.table('contact_listings')} WHERE scope = $1`,
			[scope],
		);
		return rows.length > 0 ? Number(rows[0].listed_until) : undefined;
	}

	async setContactsListedUntil(scope: string, until: number): Promise<void> {
		await this.pool.query(
			`INSERT INTO ${this.table('contact_listings')} (scope, listed_until) VALUES ($1, $2)
			 ON CONFLICT (scope) DO UPDATE SET listed_until = GREATEST(contact_listings.listed_until, excluded.listed_until)`,
			[scope, Math.round(until)],
		);
	}

	async oweConsent(scope: string, owed: readonly OwedConsent[]): Promise<void> {
		const rows = lastBy(
			owed,
			(entry) => registryKey(entry.identifier, entry.key),
			(earlier, later) => earlier ?? later,
		);
		await this.write(async (client) => {
			for (const slice of slices(rows)) {
				await client.query(
					`INSERT INTO ${this.table('owed_consent')} (scope, key, identifier, match_key, contact_id, sent_at)
					 SELECT $1, key, identifier, match_key, contact_id, sent_at
					 FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS t(key, identifier, match_key, contact_id, sent_at)
					 ON CONFLICT (scope, key) DO NOTHING`,
					[
						scope,
						slice.map((entry) => registryKey(entry.identifier, entry.key)),
						slice.map((entry) => entry.identifier),
						slice.map((entry) => entry.key),
						slice.map((entry) => entry.contactId || 0),
						slice.map((entry) => Math.round(entry.sentAt)),
					],
				);
			}
		});
	}

	async owedConsent(scope: string): Promise<OwedConsent[]> {
		const { rows } = await this.pool.query<{
			identifier: OwedConsent['identifier'];
			match_key: string;
			contact_id: string;
			sent_at: string;
		}>(
			`SELECT identifier, match_key, contact_id, sent_at FROM ${this.table('owed_consent')} WHERE scope = $1 ORDER BY key`,
			[scope],
		);
		return rows.map((row) => ({
			key: row.match_key,
			identifier: row.identifier,
			contactId: Number(row.contact_id),
			sentAt: Number(row.sent_at),
		}));
	}

	async settleConsent(scope: string, keys: readonly string[]): Promise<void> {
		await this.deleteKeys('owed_consent', scope, keys);
	}

	/**
	 * Adds each step to the ledger, or to the step the same node already recorded for that execution
	 * and file (the database adds the counts). A sending step closes the node's in-flight step.
	 */
	async recordLedgerSteps(steps: readonly LedgerStep[]): Promise<void> {
		const keptFrom = new Date(Date.now() - LEDGER_KEPT_DAYS * 86_400_000).toISOString();
		const ordered = [...steps].sort((a, b) =>
			ledgerKey(a) < ledgerKey(b) ? -1 : ledgerKey(a) > ledgerKey(b) ? 1 : 0,
		);
		await this.write(async (client) => {
			for (const step of ordered) {
				await client.query(
					`INSERT INTO ${this.table('ledger')} (execution_id, node, file, recorded_at, workflow, counts) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
					 ON CONFLICT (execution_id, node, file) DO UPDATE SET counts = ${this.table('merge_counts')}(ledger.counts, excluded.counts)`,
					[
						step.executionId,
						step.node,
						step.file,
						step.recordedAt,
						step.workflow,
						JSON.stringify(step.counts),
					],
				);
				if (step.counts.step === 'sending') {
					const sql = `DELETE FROM ${this.table('ledger')} WHERE execution_id = $1 AND node = $2 AND file = $3`;
					await client.query(sql, [step.executionId, inFlightNode(step.node), step.file]);
				}
			}
			await client.query(`DELETE FROM ${this.table('ledger')} WHERE recorded_at < $1`, [keptFrom]);
		});
	}

	async ledgerSteps(from: Date, to: Date): Promise<LedgerStep[]> {
		const { rows } = await this.pool.query<{
			execution_id: string;
			node: string;
			file: string;
			recorded_at: string;
			workflow: string;
			counts: StepCounts;
		}>(
			`SELECT execution_id, node, file, recorded_at, workflow, counts FROM ${this.table('ledger')}
			 WHERE recorded_at >= $1 AND recorded_at < $2 ORDER BY recorded_at, execution_id, node, file`,
			[from.toISOString(), to.toISOString()],
		);
		return rows.map((row) => ({
			executionId: row.execution_id,
			node: row.node,
			file: row.file,
			recordedAt: row.recorded_at,
			workflow: row.workflow,
			counts: reviveCounts(row.counts),
		}));
	}

	private async deleteKeys(
		table: 'known_contacts' | 'owed_consent',
		scope: string,
		keys: readonly string[],
	): Promise<void> {
		const sorted = [...new Set(keys)].sort();
		await this.write(async (client) => {
			for (const slice of slices(sorted))
				await client.query(
					`DELETE FROM ${this.table(table)} WHERE scope = $1 AND key = ANY($2::text[])`,
					[scope, slice],
				);
		});
	}

	private table(name: string): string {
		return `"${this.schema}".${name}`;
	}

	/** One transaction; retried whole when Postgres chose it as a deadlock's or a serialization conflict's loser. */
	private async write(work: (client: PoolClient) => Promise<void>): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			const client = await this.pool.connect();
			try {
				await client.query('BEGIN');
				await work(client);
				await client.query('COMMIT');
				return;
			} catch (error) {
				await client.query('ROLLBACK').catch(() => undefined);
				if (attempt >= RETRIES || !RETRIED_CODES.has(String((error as { code?: unknown }).code)))
					throw error;
			} finally {
				client.release();
			}
		}
	}
}

function ledgerKey(step: LedgerStep): string {
	return `${step.executionId}\n${step.node}\n${step.file}`;
}
