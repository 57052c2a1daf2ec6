/**
 * The two homes of the sync state, for suites that run the same tests against both: a SQLite file in
 * a scratch folder, and a real Postgres server (test/e2e/harness/services.cjs) with a schema of its
 * own per test.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { openSyncState, type StateLocation, type SyncState } from '../../lib/state';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPostgres } = require('../e2e/harness/services.cjs') as {
	startPostgres: () => Promise<{ url: (database?: string) => string; stop: () => Promise<void> }>;
};

export interface StateBackend {
	name: 'sqlite' | 'postgres';
	/** Starts what the backend needs (once per suite). */
	setUp(): Promise<void>;
	tearDown(): Promise<void>;
	/** A new, empty state's location. */
	fresh(): StateLocation;
	open(location: StateLocation): Promise<SyncState>;
	/** Marks the state as written by schema `version`, as a newer release would. */
	setSchemaVersion(location: StateLocation, version: number): Promise<void>;
}

export function sqliteBackend(): StateBackend {
	let dir = '';
	return {
		name: 'sqlite',
		setUp: async () => {
			dir = mkdtempSync(join(tmpdir(), 'pos-sync-state-'));
		},
		tearDown: async () => rmSync(dir, { recursive: true, force: true }),
		fresh: () => {
			const path = join(dir, randomUUID(), 'state.sqlite');
			return { backend: 'sqlite', path, where: path, chosen: false };
		},
		open: (location) => openSyncState(location),
		setSchemaVersion: async (location, version) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
			const raw = new DatabaseSync((location as { path: string }).path);
			raw.exec(`PRAGMA user_version = ${version}`);
			raw.close();
		},
	};
}

export interface PostgresStateBackend extends StateBackend {
	/** Runs SQL as the server's superuser. */
	admin(sql: string): Promise<void>;
	/** The location of `schema` for a login role. */
	as(user: string, password: string, schema: string): StateLocation;
}

export function postgresBackend(): PostgresStateBackend {
	let server: { url: (database?: string) => string; stop: () => Promise<void> } | undefined;
	return {
		admin: async (sql) => {
			const client = new Client({ connectionString: server!.url() });
			await client.connect();
			try {
				await client.query(sql);
			} finally {
				await client.end();
			}
		},
		as: (user, password, schema) => {
			const url = new URL(server!.url());
			url.username = user;
			url.password = password;
			return {
				backend: 'postgres',
				connection: { connectionString: url.toString() },
				schema,
				where: `test schema ${schema}`,
				source: 'POS_SYNC_STATE_POSTGRES_URL',
			};
		},
		name: 'postgres',
		setUp: async () => {
			server = await startPostgres();
		},
		tearDown: async () => server?.stop(),
		fresh: () => {
			const schema = `t_${randomUUID().replace(/-/g, '')}`;
			return {
				backend: 'postgres',
				connection: { connectionString: server!.url() },
				schema,
				where: `test schema ${schema}`,
				source: 'POS_SYNC_STATE_POSTGRES_URL',
			};
		},
		open: (location) => openSyncState(location),
		setSchemaVersion: async (location, version) => {
			const client = new Client({ connectionString: server!.url() });
			await client.connect();
			try {
				await client.query(
					`UPDATE "${(location as { schema: string }).schema}".schema_version SET version = $1`,
					[version],
				);
			} finally {
				await client.end();
			}
		},
	};
}

export const stateBackends = (): StateBackend[] => [sqliteBackend(), postgresBackend()];
