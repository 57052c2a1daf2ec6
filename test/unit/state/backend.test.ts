/**
 * Which database the sync state goes to, from the settings n8n and the nodes read, and the guard
 * that refuses a state per process in queue mode.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { isQueueMode, queueModeProblem, stateLocation } from '../../../lib/state';

const FILE = '/data/.n8n/pos-sync/pos-sync-state.sqlite';
const N8N_ARGV = ['/usr/bin/node', '/usr/lib/n8n/bin/n8n'];

describe('where the sync state lives', () => {
	it('is a SQLite file when n8n runs on SQLite', () => {
		expect(stateLocation({}, FILE)).toEqual({
			backend: 'sqlite',
			path: FILE,
			where: FILE,
			chosen: false,
		});
		expect(stateLocation({ DB_TYPE: 'sqlite' }, FILE)).toMatchObject({ backend: 'sqlite' });
	});

	it("is n8n's own Postgres database, in the schema pos_sync, when n8n runs on Postgres", () => {
		const location = stateLocation(
			{
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: 'db.internal',
				DB_POSTGRESDB_PORT: '5433',
				DB_POSTGRESDB_DATABASE: 'n8n_prod',
				DB_POSTGRESDB_USER: 'n8n',
				DB_POSTGRESDB_PASSWORD: 's3cret!',
				DB_POSTGRESDB_SCHEMA: 'n8n',
			},
			FILE,
		);
		expect(location).toEqual({
			backend: 'postgres',
			connection: {
				host: 'db.internal',
				port: 5433,
				database: 'n8n_prod',
				user: 'n8n',
				password: 's3cret!',
				ssl: false,
			},
			schema: 'pos_sync',
			where: 'postgres://db.internal:5433/n8n_prod (schema pos_sync)',
			source: 'DB_POSTGRESDB',
		});
		expect(JSON.stringify(location.where)).not.toContain('s3cret');
	});

	it("takes n8n's defaults, its _FILE settings and its SSL settings", () => {
		const dir = mkdtempSync(join(tmpdir(), 'pos-sync-env-'));
		try {
			writeFileSync(join(dir, 'password'), 'from-a-secret\n');
			writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----');
			expect(
				stateLocation(
					{
						DB_TYPE: 'postgresdb',
						DB_POSTGRESDB_PASSWORD_FILE: join(dir, 'password'),
						DB_POSTGRESDB_SSL_CA_FILE: join(dir, 'ca.pem'),
						DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: 'false',
					},
					FILE,
				),
			).toMatchObject({
				connection: {
					host: 'localhost',
					port: 5432,
					database: 'n8n',
					user: 'postgres',
					password: 'from-a-secret',
					ssl: { rejectUnauthorized: false, ca: '-----BEGIN CERTIFICATE-----' },
				},
			});
			expect(
				stateLocation({ DB_TYPE: 'postgresdb', DB_POSTGRESDB_SSL_ENABLED: 'true' }, FILE),
			).toMatchObject({ connection: { ssl: { rejectUnauthorized: true } } });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('is the database POS_SYNC_STATE_POSTGRES_URL names, before anything else, and its password is never shown', () => {
		const url = 'postgres://sync:pa55@pg.example.net:6432/state?sslmode=require';
		const location = stateLocation(
			{
				POS_SYNC_STATE_POSTGRES_URL: url,
				POS_SYNC_STATE_SCHEMA: 'shop_two',
				DB_TYPE: 'postgresdb',
			},
			FILE,
		);
		expect(location).toMatchObject({
			backend: 'postgres',
			connection: { connectionString: url },
			schema: 'shop_two',
			source: 'POS_SYNC_STATE_POSTGRES_URL',
		});
		expect(location.where).toBe('postgres://pg.example.net:6432/state (schema shop_two)');
	});

	it('follows POS_SYNC_STATE_BACKEND, and says what is wrong with a setting', () => {
		expect(
			stateLocation({ POS_SYNC_STATE_BACKEND: 'sqlite', DB_TYPE: 'postgresdb' }, FILE),
		).toEqual({ backend: 'sqlite', path: FILE, where: FILE, chosen: true });
		expect(
			stateLocation({ POS_SYNC_STATE_BACKEND: 'Postgres', DB_TYPE: 'postgresdb' }, FILE),
		).toMatchObject({ backend: 'postgres' });
		expect(() => stateLocation({ POS_SYNC_STATE_BACKEND: 'postgres' }, FILE)).toThrow(
			/set POS_SYNC_STATE_POSTGRES_URL, or run n8n on Postgres/,
		);
		expect(() => stateLocation({ POS_SYNC_STATE_BACKEND: 'mysql' }, FILE)).toThrow(
			/takes sqlite or postgres/,
		);
		expect(() =>
			stateLocation(
				{ DB_TYPE: 'postgresdb', POS_SYNC_STATE_SCHEMA: 'pos"; DROP TABLE x; --' },
				FILE,
			),
		).toThrow(/POS_SYNC_STATE_SCHEMA/);
		expect(() =>
			stateLocation({ DB_TYPE: 'postgresdb', DB_POSTGRESDB_PORT: 'five' }, FILE),
		).toThrow(/not a port number/);
	});
});

describe('the queue-mode guard', () => {
	it('knows queue mode from EXECUTIONS_MODE, or from a process started as `n8n worker`', () => {
		expect(isQueueMode({ EXECUTIONS_MODE: 'queue' }, N8N_ARGV)).toBe(true);
		expect(isQueueMode({}, [...N8N_ARGV, 'worker', '--concurrency=5'])).toBe(true);
		expect(isQueueMode({ EXECUTIONS_MODE: 'regular' }, [...N8N_ARGV, 'start'])).toBe(false);
	});

	it('refuses a SQLite file per process in queue mode, and says what to set', () => {
		const problem = queueModeProblem(
			{ EXECUTIONS_MODE: 'queue' },
			stateLocation({ EXECUTIONS_MODE: 'queue' }, FILE),
			N8N_ARGV,
		);
		expect(problem).toContain(FILE);
		expect(problem).toContain('DB_TYPE=postgresdb');
		expect(problem).toContain('POS_SYNC_STATE_POSTGRES_URL');
		expect(problem).toContain('the same on the main instance and every worker');
	});

	it('lets queue mode through on Postgres, a single process on SQLite, and a shared SQLite file chosen on purpose', () => {
		const queue = { EXECUTIONS_MODE: 'queue' };
		expect(
			queueModeProblem(queue, stateLocation({ ...queue, DB_TYPE: 'postgresdb' }, FILE), N8N_ARGV),
		).toBeUndefined();
		expect(queueModeProblem({}, stateLocation({}, FILE), N8N_ARGV)).toBeUndefined();
		expect(
			queueModeProblem(
				queue,
				stateLocation({ ...queue, POS_SYNC_STATE_BACKEND: 'sqlite' }, FILE),
				N8N_ARGV,
			),
		).toBeUndefined();
	});
});
