/**
 * The sync's memory between executions, in one SQLite file under the n8n user folder: which email
 * and mobile each POS customer ID has (so transactions that carry only a customer ID reach the right
 * contact), a fingerprint of every record Dotdigital confirmed (so unchanged records are not sent
 * again), the reconciliation ledger of every file, and which contacts the Dotdigital account holds
 * with the consent steps still owed (lib/dotdigital/registry.ts). SQLite through Node's own
 * `node:sqlite`: no server and no native build, one file that survives restarts, and WAL mode so that
 * executions in several processes on one host can share it. Queue mode on several hosts keeps the
 * same state in Postgres (postgres-store.ts); backend.ts chooses.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseSync as Database, StatementSync } from 'node:sqlite';

import type { Fingerprint } from '../dotdigital/delta';
import { registryKey, type KnownContact, type OwedConsent } from '../dotdigital/registry';
import type { Identity } from './identity';
import type { SyncState } from './sync-state';
import {
	inFlightNode,
	LEDGER_KEPT_DAYS,
	mergeCounts,
	reviveCounts,
	type LedgerStep,
	type StepCounts,
} from './ledger';

export const STATE_FILE_NAME = 'pos-sync-state.sqlite';

/** Where the store lives: POS_SYNC_STATE_DIR, else `.n8n/pos-sync` in the n8n user folder. */
export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
	if (env.POS_SYNC_STATE_DIR) return join(env.POS_SYNC_STATE_DIR, STATE_FILE_NAME);
	return join(env.N8N_USER_FOLDER ?? homedir(), '.n8n', 'pos-sync', STATE_FILE_NAME);
}

const SCHEMA_VERSION = 3;
/** SQLite's default limit on bound parameters is 32766; lookups go in slices well under it. */
const SLICE = 500;

/** The SQLite backend: the default when n8n runs as one process. */
export class SyncStateStore implements SyncState {
	readonly backend = 'sqlite';
	private readonly statements = new Map<string, StatementSync>();

	private constructor(
		private readonly db: Database,
		readonly path: string,
	) {}

	get where(): string {
		return this.path;
	}

	static open(path: string = defaultStatePath()): SyncStateStore {
		if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
		// Loaded here, not at the top, so that nothing that merely imports this module needs Node 22.5+.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
		const db = new DatabaseSync(path, { timeout: 30_000 });
		try {
			db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
			const store = new SyncStateStore(db, path);
			store.migrate();
			return store;
		} catch (error) {
			db.close();
			throw error;
		}
	}

	async close(): Promise<void> {
		this.statements.clear();
		this.db.close();
	}

	/** Remembers each customer's email and mobile; a blank value keeps what was known. */
	async rememberIdentities(
		entries: ReadonlyArray<{ customerId: string } & Identity>,
	): Promise<void> {
		const upsert = this.statement(
			`INSERT INTO identities (customer_id, email, mobile, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (customer_id) DO UPDATE SET
			   email = COALESCE(excluded.email, identities.email),
			   mobile = COALESCE(excluded.mobile, identities.mobile),
			   updated_at = excluded.updated_at`,
		);
		const now = new Date().toISOString();
		this.write(() => {
			for (const entry of entries) {
				if (!entry.customerId || (!entry.email && !entry.mobile)) continue;
				upsert.run(entry.customerId, entry.email || null, entry.mobile || null, now);
			}
		});
	}

	async lookUpIdentities(customerIds: readonly string[]): Promise<Map<string, Identity>> {
		const found = new Map<string, Identity>();
		const unique = [...new Set(customerIds.filter(Boolean))];
		for (let start = 0; start < unique.length; start += SLICE) {
			const slice = unique.slice(start, start + SLICE);
			const rows = this.statement(
				`SELECT customer_id, email, mobile FROM identities WHERE customer_id IN (${slice.map(() => '?').join(',')})`,
			).all(...slice);
			for (const row of rows as Array<{
				customer_id: string;
				email: string | null;
				mobile: string | null;
			}>) {
				found.set(row.customer_id, {
					...(row.email ? { email: row.email } : {}),
					...(row.mobile ? { mobile: row.mobile } : {}),
				});
			}
		}
		return found;
	}

	/** The keys among `entries` whose fingerprint in `scope` is the one last confirmed. */
	async unchanged(scope: string, entries: readonly Fingerprint[]): Promise<Set<string>> {
		const same = new Set<string>();
		const wanted = new Map(entries.map((entry) => [entry.key, entry.fingerprint]));
		const keys = [...wanted.keys()];
		for (let start = 0; start < keys.length; start += SLICE) {
			const slice = keys.slice(start, start + SLICE);
			const rows = this.statement(
				`SELECT key, fingerprint FROM fingerprints WHERE scope = ? AND key IN (${slice.map(() => '?').join(',')})`,
			).all(scope, ...slice);
			for (const row of rows as Array<{ key: string; fingerprint: string }>) {
				if (wanted.get(row.key) === row.fingerprint) same.add(row.key);
			}
		}
		return same;
	}

	/** Records the fingerprints of records Dotdigital confirmed. */
	async commitFingerprints(scope: string, entries: readonly Fingerprint[]): Promise<void> {
		const upsert = this.statement(
			`INSERT INTO fingerprints (scope, key, fingerprint, confirmed_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, confirmed_at = excluded.confirmed_at`,
		);
		const now = new Date().toISOString();
		this.write(() => {
			for (const entry of entries) upsert.run(scope, entry.key, entry.fingerprint, now);
		});
	}

	/** Forgets every fingerprint of a scope, so that its next run sends everything. */
	async forgetFingerprints(scope: string): Promise<number> {
		let removed = 0;
		this.write(() => {
			removed = Number(
				this.statement('DELETE FROM fingerprints WHERE scope = ?').run(scope).changes,
			);
		});
		return removed;
	}

	async knownContacts(scope: string, keys: readonly string[]): Promise<Map<string, number>> {
		const known = new Map<string, number>();
		const unique = [...new Set(keys)];
		for (let start = 0; start < unique.length; start += SLICE) {
			const slice = unique.slice(start, start + SLICE);
			const sql = `SELECT key, contact_id FROM known_contacts WHERE scope = ? AND key IN (${slice.map(() => '?').join(',')})`;
			const rows = this.statement(sql).all(scope, ...slice);
			for (const row of rows as Array<{ key: string; contact_id: number }>)
				known.set(row.key, row.contact_id);
		}
		return known;
	}

	async rememberContacts(scope: string, contacts: readonly KnownContact[]): Promise<void> {
		const upsert = this.statement(
			`INSERT INTO known_contacts (scope, key, contact_id) VALUES (?, ?, ?)
			 ON CONFLICT (scope, key) DO UPDATE SET contact_id = CASE WHEN excluded.contact_id > 0 THEN excluded.contact_id ELSE known_contacts.contact_id END`,
		);
		this.write(() => {
			for (const { key, contactId } of contacts) upsert.run(scope, key, contactId || 0);
		});
	}

	async forgetContacts(scope: string, keys: readonly string[]): Promise<void> {
		const remove = this.statement('DELETE FROM known_contacts WHERE scope = ? AND key = ?');
		this.write(() => {
			for (const key of keys) remove.run(scope, key);
		});
	}

	async contactsListedUntil(scope: string): Promise<number | undefined> {
		const row = this.statement('SELECT listed_until FROM contact_listings WHERE scope = ?').get(
			scope,
		) as { listed_until: number } | undefined;
		return row?.listed_until;
	}

	async setContactsListedUntil(scope: string, until: number): Promise<void> {
		this.write(() => {
			this.statement(
				'INSERT INTO contact_listings (scope, listed_until) VALUES (?, ?) ' +
					'ON CONFLICT (scope) DO UPDATE SET listed_until = max(contact_listings.listed_until, excluded.listed_until)',
			).run(scope, until);
		});
	}

	async oweConsent(scope: string, owed: readonly OwedConsent[]): Promise<void> {
		const insert = this.statement(
			'INSERT OR IGNORE INTO owed_consent (scope, key, identifier, match_key, contact_id, sent_at) VALUES (?, ?, ?, ?, ?, ?)',
		);
		this.write(() => {
			for (const entry of owed)
				insert.run(
					scope,
					registryKey(entry.identifier, entry.key),
					entry.identifier,
					entry.key,
					entry.contactId,
					entry.sentAt,
				);
		});
	}

	async owedConsent(scope: string): Promise<OwedConsent[]> {
		const rows = this.statement(
			'SELECT identifier, match_key, contact_id, sent_at FROM owed_consent WHERE scope = ?',
		).all(scope) as Array<{
			identifier: OwedConsent['identifier'];
			match_key: string;
			contact_id: number;
			sent_at: number;
		}>;
		return rows.map((row) => ({
			key: row.match_key,
			identifier: row.identifier,
			contactId: row.contact_id,
			sentAt: row.sent_at,
		}));
	}

	async settleConsent(scope: string, keys: readonly string[]): Promise<void> {
		const remove = this.statement('DELETE FROM owed_consent WHERE scope = ? AND key = ?');
		this.write(() => {
			for (const key of keys) remove.run(scope, key);
		});
	}

	/**
	 * Adds each step to the ledger, or to the step the same node already recorded for that execution
	 * and file. A sending step closes the node's in-flight step for that file: its outcome is now known.
	 */
	async recordLedgerSteps(steps: readonly LedgerStep[]): Promise<void> {
		const existing = this.statement(
			'SELECT counts FROM ledger WHERE execution_id = ? AND node = ? AND file = ?',
		);
		const upsert = this.statement(
			`INSERT INTO ledger (execution_id, node, file, recorded_at, workflow, counts) VALUES (?, ?, ?, ?, ?, ?)
			 ON CONFLICT (execution_id, node, file) DO UPDATE SET counts = excluded.counts`,
		);
		const keptFrom = new Date(Date.now() - LEDGER_KEPT_DAYS * 86_400_000).toISOString();
		this.write(() => {
			for (const step of steps) {
				const earlier = existing.get(step.executionId, step.node, step.file) as
					{ counts: string } | undefined;
				const counts = earlier
					? mergeCounts(JSON.parse(earlier.counts) as StepCounts, step.counts)
					: step.counts;
				upsert.run(
					step.executionId,
					step.node,
					step.file,
					step.recordedAt,
					step.workflow,
					JSON.stringify(counts),
				);
				if (step.counts.step === 'sending') {
					this.statement('DELETE FROM ledger WHERE execution_id = ? AND node = ? AND file = ?').run(
						step.executionId,
						inFlightNode(step.node),
						step.file,
					);
				}
			}
			this.statement('DELETE FROM ledger WHERE recorded_at < ?').run(keptFrom);
		});
	}

	/** The ledger steps recorded from `from` up to (not including) `to`, oldest first. */
	async ledgerSteps(from: Date, to: Date): Promise<LedgerStep[]> {
		const rows = this.statement(
			'SELECT execution_id, node, file, recorded_at, workflow, counts FROM ledger ' +
				'WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, execution_id, node, file',
		).all(from.toISOString(), to.toISOString()) as Array<{
			execution_id: string;
			node: string;
			file: string;
			recorded_at: string;
			workflow: string;
			counts: string;
		}>;
		return rows.map((row) => ({
			executionId: row.execution_id,
			node: row.node,
			file: row.file,
			recordedAt: row.recorded_at,
			workflow: row.workflow,
			counts: reviveCounts(JSON.parse(row.counts) as StepCounts),
		}));
	}

	/** `ok` when SQLite finds the file sound. */
	integrityCheck(): string {
		return (this.db.prepare('PRAGMA integrity_check').get() as { integrity_check: string })
			.integrity_check;
	}

	private migrate(): void {
		const { user_version: version } = this.db.prepare('PRAGMA user_version').get() as {
			user_version: number;
		};
		if (version > SCHEMA_VERSION)
			throw new Error(
				`${this.path} was written by a newer version of n8n-nodes-pos-sync (schema ${version})`,
			);
		if (version === SCHEMA_VERSION) return;
		this.write(() => {
			this.db.exec(`
				CREATE TABLE IF NOT EXISTS identities (
					customer_id TEXT PRIMARY KEY,
					email TEXT,
					mobile TEXT,
					updated_at TEXT NOT NULL
				) WITHOUT ROWID;
				CREATE TABLE IF NOT EXISTS fingerprints (
					scope TEXT NOT NULL,
					key TEXT NOT NULL,
					fingerprint TEXT NOT NULL,
					confirmed_at TEXT NOT NULL,
					PRIMARY KEY (scope, key)
				) WITHOUT ROWID;
				CREATE TABLE IF NOT EXISTS ledger (
					execution_id TEXT NOT NULL,
					node TEXT NOT NULL,
					file TEXT NOT NULL,
					recorded_at TEXT NOT NULL,
					workflow TEXT NOT NULL,
					counts TEXT NOT NULL,
					PRIMARY KEY (execution_id, node, file)
				) WITHOUT ROWID;
				CREATE INDEX IF NOT EXISTS ledger_by_time ON ledger (recorded_at);
				CREATE TABLE IF NOT EXISTS known_contacts (
					scope TEXT NOT NULL,
					key TEXT NOT NULL,
					contact_id INTEGER NOT NULL,
					PRIMARY KEY (scope, key)
				) WITHOUT ROWID;
				CREATE TABLE IF NOT EXISTS contact_listings (
					scope TEXT PRIMARY KEY,
					listed_until INTEGER NOT NULL
				) WITHOUT ROWID;
				CREATE TABLE IF NOT EXISTS owed_consent (
					scope TEXT NOT NULL,
					key TEXT NOT NULL,
					identifier TEXT NOT NULL,
					match_key TEXT NOT NULL,
					contact_id INTEGER NOT NULL,
					sent_at INTEGER NOT NULL,
					PRIMARY KEY (scope, key)
				) WITHOUT ROWID;
				PRAGMA user_version = ${SCHEMA_VERSION};
			`);
		});
	}

	/** One write transaction, taken at once, so that two writers queue instead of failing half-way. */
	private write(work: () => void): void {
		this.db.exec('BEGIN IMMEDIATE');
		try {
			work();
			this.db.exec('COMMIT');
		} catch (error) {
			this.db.exec('ROLLBACK');
			throw error;
		}
	}

	private statement(sql: string): StatementSync {
		let statement = this.statements.get(sql);
		if (!statement) {
			statement = this.db.prepare(sql);
			this.statements.set(sql, statement);
		}
		return statement;
	}
}
