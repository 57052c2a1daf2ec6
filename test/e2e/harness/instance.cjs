// @ts-check
/**
 * A real n8n server for end-to-end tests and for the sandbox: a fresh user folder with this
 * package installed as a community package, started on 127.0.0.1, driven through its public API.
 * Every process it starts is stopped by PID, and every wait is bounded.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { node24Env } = require('./runtime.cjs');

const OWNER = {
	email: 'owner@example.com',
	password: 'Passw0rd!',
	firstName: 'Demo',
	lastName: 'Owner',
};
const PACKAGE_NAME = 'n8n-nodes-pos-sync';
const API_KEY_SCOPES = [
	'workflow:create',
	'workflow:read',
	'workflow:list',
	'workflow:update',
	'workflow:delete',
	'workflow:activate',
	'workflow:deactivate',
	'execution:read',
	'execution:list',
	'credential:create',
];

/** @type {Set<N8nInstance>} */
const running = new Set();
const killAll = () => {
	for (const instance of running) instance.killNow();
};
process.once('exit', killAll);
// n8n runs in its own process group, so a signal that ends this process would not reach it.
for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGTERM', 'SIGHUP'])) {
	process.once(signal, () => {
		killAll();
		process.kill(process.pid, signal);
	});
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether `promise` settled within `ms`; the timer is cleared either way, so nothing lingers.
 * @param {Promise<unknown>} promise
 * @param {number} ms
 */
async function settlesWithin(promise, ms) {
	let timer;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(() => resolve(false), ms);
	});
	try {
		return await Promise.race([promise.then(() => true), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`.
 * @template T
 * @param {string} what
 * @param {() => Promise<T | undefined>} check
 * @param {{ timeoutMs?: number, intervalMs?: number }} [options]
 * @returns {Promise<T>}
 */
async function waitFor(what, check, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		await sleep(intervalMs);
	}
	const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}

/**
 * Packs the built package with `npm pack` (so only what `files` ships is installed) and installs
 * the tarball with its production dependencies into a staging `nodes` folder, the layout n8n
 * itself gives community packages in `~/.n8n/nodes`. Peer dependencies are left out: the
 * package must use n8n's own copy of n8n-workflow.
 * @param {string} repoDir
 * @param {string} stagingDir
 */
function stagePackage(repoDir, stagingDir) {
	const distEntry = path.join(repoDir, 'dist', 'nodes');
	if (!fs.existsSync(distEntry))
		throw new Error(`Build the package first: ${distEntry} is missing`);
	const stamp = JSON.stringify(fingerprintTree(path.join(repoDir, 'dist')));
	const stampFile = path.join(stagingDir, 'stamp.json');
	const nodesDir = path.join(stagingDir, 'nodes');
	if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return nodesDir;

	fs.rmSync(stagingDir, { recursive: true, force: true });
	fs.mkdirSync(nodesDir, { recursive: true });
	const npm = (/** @type {string[]} */ args, /** @type {string} */ cwd) => {
		const result = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 10 * 60_000 });
		if (result.status !== 0)
			throw new Error(`npm ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
		return result.stdout;
	};
	const tarball = npm(
		['pack', '--pack-destination', stagingDir, '--ignore-scripts', '--silent'],
		repoDir,
	)
		.trim()
		.split('\n')
		.pop();
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true }),
	);
	npm(
		[
			'install',
			path.join(stagingDir, /** @type {string} */ (tarball)),
			'--omit=peer',
			'--omit=dev',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--no-package-lock',
			'--install-links',
			'--loglevel=error',
		],
		nodesDir,
	);
	fs.writeFileSync(stampFile, stamp);
	return nodesDir;
}

/** @param {string} dir @returns {Record<string, number>} */
function fingerprintTree(dir) {
	/** @type {Record<string, number>} */
	const out = {};
	for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
		if (!entry.isFile()) continue;
		const file = path.join(entry.parentPath, entry.name);
		const stat = fs.statSync(file);
		out[path.relative(dir, file)] = stat.size * 1e13 + stat.mtimeMs;
	}
	return out;
}

class N8nInstance {
	/**
	 * @param {{
	 *   runtime: ReturnType<typeof import('./runtime.cjs').runtimePaths>,
	 *   root: string,
	 *   packageNodesDir: string,
	 *   port?: number,
	 *   env?: Record<string, string>,
	 *   logToConsole?: boolean,
	 *   command?: 'start' | 'worker',
	 * }} options
	 */
	constructor(options) {
		this.runtime = options.runtime;
		this.root = options.root;
		this.userFolder = path.join(options.root, 'home');
		this.logFile = path.join(options.root, 'n8n.log');
		this.packageNodesDir = options.packageNodesDir;
		this.requestedPort = options.port;
		this.extraEnv = options.env ?? {};
		this.logToConsole = options.logToConsole ?? false;
		/** `worker`: a queue-mode worker, which answers only on its health check port. */
		this.command = options.command ?? 'start';
		/** @type {import('node:child_process').ChildProcess | undefined} */
		this.child = undefined;
		this.port = 0;
		this.cookie = '';
		this.apiKey = '';
	}

	get baseUrl() {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Creates the user folder and installs the package into it, as Settings → Community Nodes would. */
	prepare() {
		const nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		fs.mkdirSync(nodesDir, { recursive: true });
		fs.cpSync(this.packageNodesDir, nodesDir, { recursive: true });
		if (!fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json'))) {
			throw new Error(`The package did not install into ${nodesDir}`);
		}
	}

	passwordHash() {
		const bcrypt = path.join(this.runtime.n8nDir, 'node_modules', 'bcryptjs');
		const out = spawnSync(
			this.runtime.nodeBin,
			[
				'-e',
				`process.stdout.write(require(${JSON.stringify(bcrypt)}).hashSync(process.argv[1], 10))`,
				OWNER.password,
			],
			{
				encoding: 'utf8',
				timeout: 60_000,
			},
		);
		if (out.status !== 0) throw new Error(`Could not hash the owner password: ${out.stderr}`);
		return out.stdout;
	}

	async environment() {
		if (!this.port) this.port = this.requestedPort ?? (await freePort());
		const inherited = node24Env(this.runtime);
		// Under jest NODE_ENV is "test", and n8n refuses to load nodes in its own test mode.
		for (const name of Object.keys(inherited)) if (name.startsWith('JEST_')) delete inherited[name];
		return {
			...inherited,
			NODE_ENV: 'production',
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'pos-sync-test-key-0123456789',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PORT: String(this.port),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
			N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: this.passwordHash(),
			N8N_LOG_LEVEL: 'info',
			...(this.command === 'worker'
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(this.port),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}
				: {}),
			...this.extraEnv,
		};
	}

	/** Starts the server and waits, bounded, until it answers and we are logged in. */
	async start({ timeoutMs = 120_000 } = {}) {
		if (this.child) throw new Error('n8n is already running');
		if (!fs.existsSync(path.join(this.userFolder, '.n8n', 'nodes'))) this.prepare();
		const env = await this.environment();
		const log = fs.openSync(this.logFile, 'a');
		const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, this.command], {
			env,
			cwd: this.root,
			detached: true,
			stdio: ['ignore', this.logToConsole ? 'inherit' : log, this.logToConsole ? 'inherit' : log],
		});
		fs.closeSync(log);
		this.child = child;
		running.add(this);
		fs.writeFileSync(path.join(this.root, 'n8n.pid'), String(child.pid));
		const exitedEarly = new Promise((_, reject) =>
			child.once('exit', (code, signal) =>
				reject(
					new Error(
						`n8n exited during start-up (${signal ?? `exit code ${code}`}):\n${this.logTail()}`,
					),
				),
			),
		);
		exitedEarly.catch(() => undefined);
		const ready = waitFor(
			`n8n to answer on ${this.baseUrl} (log: ${this.logFile})`,
			async () => {
				const res = await fetch(`${this.baseUrl}/healthz/readiness`, {
					signal: AbortSignal.timeout(5000),
				}).catch(() => undefined);
				return res?.status === 200 ? true : undefined;
			},
			{ timeoutMs, intervalMs: 500 },
		);
		try {
			await Promise.race([ready, exitedEarly]);
			if (this.command === 'start') await this.login();
		} catch (error) {
			await this.stop();
			throw error;
		}
		return this;
	}

	async login() {
		const res = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			signal: AbortSignal.timeout(30_000),
		});
		if (res.status !== 200) throw new Error(`Login failed: ${res.status} ${await res.text()}`);
		this.cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
		this.apiKey = await this.ensureApiKey();
	}

	/** API keys survive restarts in the database; keep the raw key beside it. */
	async ensureApiKey() {
		const keyFile = path.join(this.root, 'api-key.txt');
		if (fs.existsSync(keyFile)) return fs.readFileSync(keyFile, 'utf8');
		const body = await this.rest('POST', '/rest/api-keys', {
			label: `harness-${Date.now()}`,
			scopes: API_KEY_SCOPES,
			expiresAt: null,
		});
		const key = body?.data?.rawApiKey;
		if (!key) throw new Error(`No API key in ${JSON.stringify(body)}`);
		fs.writeFileSync(keyFile, key);
		return key;
	}

	/**
	 * @param {string} method
	 * @param {string} urlPath
	 * @param {unknown} [body]
	 */
	async rest(method, urlPath, body) {
		return this.request(method, urlPath, body, { cookie: this.cookie });
	}

	/**
	 * The public API, with the instance's API key.
	 * @param {string} method
	 * @param {string} urlPath
	 * @param {unknown} [body]
	 */
	async api(method, urlPath, body) {
		return this.request(method, `/api/v1${urlPath}`, body, { 'x-n8n-api-key': this.apiKey });
	}

	/**
	 * @param {string} method
	 * @param {string} urlPath
	 * @param {unknown} body
	 * @param {Record<string, string>} headers
	 */
	async request(method, urlPath, body, headers) {
		const res = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers: {
				...headers,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${urlPath} → ${res.status}: ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}

	/**
	 * Creates a workflow through the public API (which accepts only these four fields) and returns its id.
	 * @param {{ name: string, nodes: unknown[], connections: object, settings?: object }} workflow
	 */
	async createWorkflow(workflow) {
		const { name, nodes, connections, settings } = workflow;
		const created = await this.api('POST', '/workflows', {
			name,
			nodes,
			connections,
			settings: settings ?? { executionOrder: 'v1' },
		});
		return /** @type {string} */ (created.id);
	}

	/**
	 * Activation registers triggers asynchronously and can race start-up, so it is retried, bounded.
	 * @param {string} workflowId
	 */
	async activate(workflowId) {
		await waitFor(
			`workflow ${workflowId} to activate`,
			async () => {
				const wf = await this.api('POST', `/workflows/${workflowId}/activate`);
				return wf?.active ? true : undefined;
			},
			{ timeoutMs: 15_000, intervalMs: 1000 },
		);
	}

	/**
	 * Creates a credential through the editor's endpoint (the public API's schema check refuses
	 * credentials whose fields depend on each other) and returns its id and name.
	 * @param {string} name
	 * @param {string} type
	 * @param {Record<string, unknown>} data
	 */
	async createCredential(name, type, data) {
		const response = await this.rest('POST', '/rest/credentials', { name, type, data });
		const created = response.data ?? response;
		return { id: /** @type {string} */ (created.id), name: /** @type {string} */ (created.name) };
	}

	/**
	 * Runs a saved workflow from one of its triggers, as "Execute workflow" in the editor does, and
	 * returns the finished execution with its data.
	 * @param {string} workflowId
	 * @param {string} triggerName
	 */
	async runManually(workflowId, triggerName, { timeoutMs = 60_000 } = {}) {
		const started = await this.rest('POST', `/rest/workflows/${workflowId}/run`, {
			triggerToStartFrom: { name: triggerName },
		});
		const executionId = (started.data ?? started).executionId;
		if (!executionId)
			throw new Error(
				`Workflow ${workflowId} did not start from "${triggerName}": ${JSON.stringify(started).slice(0, 300)}`,
			);
		return waitFor(
			`execution ${executionId}`,
			async () => {
				const execution = await this.api('GET', `/executions/${executionId}?includeData=true`);
				return execution.finished || execution.stoppedAt ? execution : undefined;
			},
			{ timeoutMs, intervalMs: 500 },
		);
	}

	/** @param {string} workflowId */
	async deactivate(workflowId) {
		await this.api('POST', `/workflows/${workflowId}/deactivate`);
	}

	/**
	 * Finished executions of a workflow, oldest first, with their data unless `includeData` is false
	 * (n8n then reads no execution's data, which for big runs is most of the work).
	 * @param {string} workflowId
	 * @param {{ includeData?: boolean }} [options]
	 */
	async executions(workflowId, { includeData = true } = {}) {
		/** @type {any[]} */
		const all = [];
		let cursor;
		do {
			const query = new URLSearchParams({
				workflowId,
				includeData: String(includeData),
				limit: '100',
				...(cursor ? { cursor } : {}),
			});
			const page = await this.api('GET', `/executions?${query}`);
			all.push(...page.data);
			cursor = page.nextCursor;
		} while (cursor);
		return all.filter((e) => e.finished || e.stoppedAt).sort((a, b) => Number(a.id) - Number(b.id));
	}

	/**
	 * Waits until the workflow has at least `count` finished executions, and returns them.
	 * @param {string} workflowId
	 * @param {number} count
	 * @param {{ timeoutMs?: number, includeData?: boolean }} [options]
	 */
	async waitForExecutions(workflowId, count, { timeoutMs = 60_000, includeData = true } = {}) {
		return waitFor(
			`${count} execution(s) of workflow ${workflowId}`,
			async () => {
				const list = await this.executions(workflowId, { includeData });
				return list.length >= count ? list : undefined;
			},
			{ timeoutMs, intervalMs: 500 },
		);
	}

	/** Stops the server with SIGTERM, then SIGKILL if it has not gone within the bound. */
	async stop({ timeoutMs = 20_000 } = {}) {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) {
			// The main process is gone, but its task runner may not be.
			this.signalGroup('SIGKILL');
			this.forget();
			return;
		}
		const exited = new Promise((resolve) => child.once('exit', resolve));
		this.signalGroup('SIGTERM');
		if (!(await settlesWithin(exited, timeoutMs))) {
			this.signalGroup('SIGKILL');
			await settlesWithin(exited, 5000);
		}
		// The task runner lives in the same process group; make sure nothing is left behind.
		this.signalGroup('SIGKILL');
		this.forget();
	}

	/** @param {NodeJS.Signals} signal */
	signalGroup(signal) {
		const pid = this.child?.pid;
		if (!pid) return;
		try {
			process.kill(-pid, signal);
		} catch {
			// Already gone.
		}
	}

	killNow() {
		this.signalGroup('SIGKILL');
	}

	forget() {
		running.delete(this);
		this.child = undefined;
		this.cookie = '';
	}

	async restart() {
		await this.stop();
		await this.start();
	}

	/** The tail of the server log, for failure messages. */
	logTail(lines = 40) {
		if (!fs.existsSync(this.logFile)) return '';
		return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
	}
}

module.exports = { N8nInstance, OWNER, PACKAGE_NAME, stagePackage, waitFor, freePort, sleep };
