/**
 * Where the sync state lives. One n8n process: a SQLite file in its user folder. Several processes
 * (n8n queue mode: a main instance and workers, often on several hosts): Postgres, by default the
 * database n8n itself uses (`DB_TYPE=postgresdb` and its `DB_POSTGRESDB_*` settings) in a schema of
 * our own, or the database given by POS_SYNC_STATE_POSTGRES_URL.
 */
import { readFileSync } from 'node:fs';

import { PostgresSyncState } from './postgres-store';
import { SyncStateStore } from './store';
import type { PostgresConnection, SyncState } from './sync-state';

export type { PostgresConnection, SyncState } from './sync-state';

export type StateLocation =
	| { backend: 'sqlite'; path: string; where: string; chosen: boolean }
	| {
			backend: 'postgres';
			connection: PostgresConnection;
			schema: string;
			where: string;
			source: 'POS_SYNC_STATE_POSTGRES_URL' | 'DB_POSTGRESDB';
	  };

export const DEFAULT_STATE_SCHEMA = 'pos_sync';

/** A setting from the environment, or from the file its `_FILE` variant names (as n8n reads its own). */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
	const value = env[name];
	if (value !== undefined && value !== '') return value;
	const file = env[`${name}_FILE`];
	if (!file) return undefined;
	return readFileSync(file, 'utf8').trim();
}

/**
 * Which database the state goes to, from POS_SYNC_STATE_BACKEND (`sqlite` or `postgres`; chosen from
 * the other settings when not set), POS_SYNC_STATE_POSTGRES_URL, POS_SYNC_STATE_SCHEMA, n8n's own
 * DB_TYPE and DB_POSTGRESDB_* settings, and POS_SYNC_STATE_DIR for the SQLite file.
 */
export function stateLocation(env: NodeJS.ProcessEnv, sqlitePath: string): StateLocation {
	const chosen = (env.POS_SYNC_STATE_BACKEND ?? '').trim().toLowerCase();
	if (chosen !== '' && chosen !== 'sqlite' && chosen !== 'postgres') {
		throw new Error(
			`POS_SYNC_STATE_BACKEND is "${env.POS_SYNC_STATE_BACKEND}"; it takes sqlite or postgres`,
		);
	}
	if (chosen === 'sqlite')
		return { backend: 'sqlite', path: sqlitePath, where: sqlitePath, chosen: true };
	const schema = (env.POS_SYNC_STATE_SCHEMA ?? '').trim() || DEFAULT_STATE_SCHEMA;
	if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
		throw new Error(
			`POS_SYNC_STATE_SCHEMA is "${schema}"; a schema name here is lower-case letters, digits and _ (up to 63), starting with a letter or _`,
		);
	}
	const url = setting(env, 'POS_SYNC_STATE_POSTGRES_URL');
	if (url) {
		const where = `${describeUrl(url)} (schema ${schema})`;
		return {
			backend: 'postgres',
			connection: { connectionString: url },
			schema,
			where,
			source: 'POS_SYNC_STATE_POSTGRES_URL',
		};
	}
	if ((env.DB_TYPE ?? '').trim() === 'postgresdb') {
		const connection = n8nConnection(env);
		const where = `postgres://${connection.host}:${connection.port}/${connection.database} (schema ${schema})`;
		return { backend: 'postgres', connection, schema, where, source: 'DB_POSTGRESDB' };
	}
	if (chosen === 'postgres') {
		throw new Error(
			'POS_SYNC_STATE_BACKEND is postgres, but there is no database to use: set POS_SYNC_STATE_POSTGRES_URL, ' +
				'or run n8n on Postgres (DB_TYPE=postgresdb with its DB_POSTGRESDB_* settings)',
		);
	}
	return { backend: 'sqlite', path: sqlitePath, where: sqlitePath, chosen: false };
}

/** n8n's own database settings, with n8n's defaults. */
function n8nConnection(env: NodeJS.ProcessEnv): PostgresConnection {
	const port = Number(setting(env, 'DB_POSTGRESDB_PORT') ?? 5432);
	if (!Number.isInteger(port) || port <= 0 || port > 65535)
		throw new Error(`DB_POSTGRESDB_PORT is "${env.DB_POSTGRESDB_PORT}", not a port number`);
	const sslFiles = ['DB_POSTGRESDB_SSL_CA', 'DB_POSTGRESDB_SSL_CERT', 'DB_POSTGRESDB_SSL_KEY'];
	const sslWanted =
		setting(env, 'DB_POSTGRESDB_SSL_ENABLED') === 'true' ||
		sslFiles.some((name) => setting(env, name));
	const ca = setting(env, 'DB_POSTGRESDB_SSL_CA');
	const cert = setting(env, 'DB_POSTGRESDB_SSL_CERT');
	const key = setting(env, 'DB_POSTGRESDB_SSL_KEY');
	return {
		host: setting(env, 'DB_POSTGRESDB_HOST') ?? 'localhost',
		port,
		database: setting(env, 'DB_POSTGRESDB_DATABASE') ?? 'n8n',
		user: setting(env, 'DB_POSTGRESDB_USER') ?? 'postgres',
		password: setting(env, 'DB_POSTGRESDB_PASSWORD') ?? '',
		ssl: sslWanted
			? {
					rejectUnauthorized: setting(env, 'DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED') !== 'false',
					...(ca ? { ca } : {}),
					...(cert ? { cert } : {}),
					...(key ? { key } : {}),
				}
			: false,
	};
}

/** A connection string without its user and password, for messages. */
function describeUrl(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
	} catch {
		return 'the database in POS_SYNC_STATE_POSTGRES_URL';
	}
}

/** n8n runs executions on workers: EXECUTIONS_MODE=queue, or this process is `n8n worker`. */
export function isQueueMode(
	env: NodeJS.ProcessEnv,
	argv: readonly string[] = process.argv,
): boolean {
	return (env.EXECUTIONS_MODE ?? '').trim() === 'queue' || argv[2] === 'worker';
}

/**
 * Why this state would be split between n8n's processes, if it would: in queue mode every process
 * kept its own SQLite file, so customers learnt on one worker were unknown to the next, unchanged
 * customers were sent again, and each host's ledger showed only its own files.
 */
export function queueModeProblem(
	env: NodeJS.ProcessEnv,
	location: StateLocation,
	argv: readonly string[] = process.argv,
): string | undefined {
	if (location.backend !== 'sqlite' || location.chosen || !isQueueMode(env, argv)) return undefined;
	return (
		`n8n runs in queue mode (main instance and workers), and each of its processes would keep its own sync state file (${location.path}): ` +
		'customers learnt on one worker would be unknown on the next, and the Sync Ledger would show only one process’s files. ' +
		'Keep the sync state in Postgres: run n8n on Postgres (DB_TYPE=postgresdb with its DB_POSTGRESDB_* settings; ' +
		'the state then goes to the schema pos_sync of that database), ' +
		'or set POS_SYNC_STATE_POSTGRES_URL to a Postgres database, the same on the main instance and every worker. ' +
		'Only if all of n8n’s processes run on one host and share one folder: set POS_SYNC_STATE_BACKEND=sqlite and POS_SYNC_STATE_DIR to that folder.'
	);
}

/** Opens the state where `location` says. */
export async function openSyncState(location: StateLocation): Promise<SyncState> {
	if (location.backend === 'sqlite') return SyncStateStore.open(location.path);
	return PostgresSyncState.open(location.connection, location.schema, location.where);
}
