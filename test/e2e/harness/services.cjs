'use strict';
/**
 * Postgres and Redis for the queue-mode tests, each a real server from Debian's packages started on a
 * free loopback port in a scratch folder, and stopped (folder and all) by `stop()`. The packages are
 * installed with apt when missing and this process may do so, as the editor test installs Chromium.
 * Postgres refuses to run as root, so as root the server runs as the `postgres` user the package made.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { cacheRoot, run, withLock } = require('./runtime.cjs');

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The newest installed Postgres server's bin folder, if any. */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const versions = fs
		.readdirSync(root)
		.filter((name) => fs.existsSync(path.join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length > 0 ? path.join(root, versions[0], 'bin') : undefined;
}

/**
 * Installs Debian packages when `present()` says they are missing.
 * @param {string} label @param {string[]} packages @param {() => boolean} present
 */
async function ensureAptPackages(label, packages, present) {
	if (present()) return;
	const sudo = !isRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
	if (!isRoot && !sudo)
		throw new Error(
			`${label} is missing. Install it with: sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`,
		);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	/** @param {string} what @param {string[]} args @param {string} expected */
	const aptGet = (what, args, expected) =>
		isRoot
			? run(what, 'apt-get', args, { env, expected })
			: run(what, 'sudo', ['-n', 'apt-get', ...args], { env, expected });
	await withLock(path.join(cacheRoot(), 'apt.lock'), async () => {
		if (present()) return;
		await aptGet(`Updating the apt package lists for ${label}`, ['update', '-q'], '10-30 s');
		await aptGet(
			`Installing Debian's ${label} for the queue-mode tests`,
			['install', '-y', '-q', '--no-install-recommends', ...packages],
			'30 s - 1 min',
		);
	});
	if (!present())
		throw new Error(`apt-get installed ${packages.join(' ')}, but ${label} is still missing`);
}

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

/** Waits until something accepts connections on the port. @param {number} port @param {() => string} log */
async function waitForPort(port, log, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const open = await new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => socket.end(() => resolve(true)));
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline)
			throw new Error(`Nothing listened on 127.0.0.1:${port} after ${timeoutMs} ms:\n${log()}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Resolves when `exited` does, or after `ms` at most, leaving no timer behind. */
async function within(exited, ms) {
	let timer;
	await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
	clearTimeout(timer);
}

/** Runs a server program, as the postgres user when this process is root and `asPostgres`. */
function command(program, args, asPostgres) {
	return asPostgres && isRoot
		? { cmd: 'runuser', args: ['-u', 'postgres', '--', program, ...args] }
		: { cmd: program, args };
}

/**
 * A Postgres server with trust authentication on 127.0.0.1 and a database `n8n`.
 * @returns {Promise<{ port: number, url: (database?: string) => string, env: Record<string, string>, stop: () => Promise<void> }>}
 */
async function startPostgres() {
	await ensureAptPackages('PostgreSQL', ['postgresql'], () => postgresBin() !== undefined);
	const bin = /** @type {string} */ (postgresBin());
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-sync-postgres-'));
	const data = path.join(dir, 'data');
	if (isRoot) spawnSync('chown', ['postgres:postgres', dir]);
	const init = command(
		path.join(bin, 'initdb'),
		['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
		true,
	);
	const initialised = spawnSync(init.cmd, init.args, { encoding: 'utf8' });
	if (initialised.status !== 0)
		throw new Error(`initdb failed:\n${initialised.stdout}\n${initialised.stderr}`);
	const port = await freePort();
	const settings = [
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=200',
	];
	const server = command(
		path.join(bin, 'postgres'),
		['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, ...settings],
		true,
	);
	let output = '';
	const child = spawn(server.cmd, server.args, { stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		// The server itself, not runuser in front of it: a fast shutdown.
		const pidFile = path.join(data, 'postmaster.pid');
		const pid = fs.existsSync(pidFile)
			? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])
			: child.pid;
		try {
			if (pid) process.kill(pid, 'SIGINT');
		} catch {
			// Already gone.
		}
		await within(exited, 15_000);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForPort(port, () => output);
		await waitForPostgres(bin, port, () => output);
	} catch (error) {
		await stop();
		throw error;
	}
	const url = (database = 'n8n') => `postgres://postgres@127.0.0.1:${port}/${database}`;
	const env = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(port),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
	};
	return { port, url, env, stop };
}

/** Waits until the server takes queries, and makes the database `n8n`. */
async function waitForPostgres(bin, port, log) {
	const psql = fs.existsSync(path.join(bin, 'psql')) ? path.join(bin, 'psql') : 'psql';
	const deadline = Date.now() + 60_000;
	for (;;) {
		const result = spawnSync(
			psql,
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'postgres',
				'-d',
				'postgres',
				'-v',
				'ON_ERROR_STOP=1',
				'-qAtc',
				'CREATE DATABASE n8n',
			],
			{ encoding: 'utf8' },
		);
		if (result.status === 0) return;
		if (Date.now() > deadline)
			throw new Error(`Postgres did not take queries on port ${port}:\n${result.stderr}\n${log()}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/**
 * A Redis server on 127.0.0.1, without persistence.
 * @returns {Promise<{ port: number, stop: () => Promise<void> }>}
 */
async function startRedis() {
	await ensureAptPackages('Redis', ['redis-server'], () => fs.existsSync('/usr/bin/redis-server'));
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-sync-redis-'));
	const port = await freePort();
	let output = '';
	const child = spawn(
		'/usr/bin/redis-server',
		[
			'--bind',
			'127.0.0.1',
			'--port',
			String(port),
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		child.kill('SIGTERM');
		await within(exited, 15_000);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForPort(port, () => output);
	} catch (error) {
		await stop();
		throw error;
	}
	return { port, stop };
}

module.exports = { startPostgres, startRedis };
