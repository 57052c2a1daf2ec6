/**
 * The customers template in a real n8n 2.41.1, with the package installed as n8n installs it, on
 * generated customer exports, against the fake Dotdigital in a process of its own whose imports take
 * 2 to 3 status checks (6–20 s). Prints, per run, the wall time, the peak RSS of n8n's main process
 * and of its task runners, and the API calls by route; and, on the same 100,000-row file in the same
 * n8n, file → records with our Mapping Apply against n8n's built-in nodes (Read/Write Files →
 * Extract From File → Edit Fields with 4 expressions → Code), as the ratio to beat.
 *
 *   npm run bench e2e          (BIG=0 leaves out the 1,000,000-customer run; ROWS=… for the smaller one)
 *
 * PARTS=records,template,big picks the parts (all three by default); N8N_NODE_OPTIONS goes to n8n's
 * process as its NODE_OPTIONS (`--cpu-prof --cpu-prof-dir=/tmp/prof`, say; Node refuses `--trace-gc`
 * there); POS_SYNC_KEEP_E2E=1 keeps its folder and n8n.log.
 * BUILT_INS=0 leaves out the built-ins' run, to profile Mapping Apply alone.
 *
 * Nothing here passes or fails on speed: the targets are printed beside the figures.
 */
import { execFileSync } from 'node:child_process';
import {
	appendFileSync,
	copyFileSync,
	createWriteStream,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	utimesSync,
	writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

import { callsSince, startFake, type Fake } from './lib/dotdigital-bench';

// The bench runs compiled (.build/bench); the harness and fixtures are read from the source tree.
const repoDir = resolve(__dirname, '..', '..');
/* eslint-disable @typescript-eslint/no-require-imports */
const { localise, readTemplates, placeholders } = require(
	join(repoDir, 'test/e2e/harness/templates.cjs'),
) as typeof import('../test/e2e/harness/templates.cjs');
/** The demo shop's mapping workbook, built by the package itself: needs dist/, so read after the build. */
const demoMappingWorkbook = () =>
	(
		require(
			join(repoDir, 'test/fixtures/demo-shop/index.cjs'),
		) as typeof import('../test/fixtures/demo-shop/index.cjs')
	).demoMappingWorkbook();
const instanceModule = require(
	join(repoDir, 'test/e2e/harness/instance.cjs'),
) as typeof import('../test/e2e/harness/instance.cjs');
const runtimeModule = require(
	join(repoDir, 'test/e2e/harness/runtime.cjs'),
) as typeof import('../test/e2e/harness/runtime.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

interface E2eServer {
	instance: InstanceType<typeof instanceModule.N8nInstance>;
	files: string;
	stop(): Promise<void>;
}

/** n8n 2.41.1 on a fresh user folder with the package installed, as the e2e tests start it. */
async function startServer(env: Record<string, string>): Promise<E2eServer> {
	const runtime = await runtimeModule.ensureRuntime();
	const nodesDir = instanceModule.stagePackage(repoDir, join(repoDir, '.build', 'staged-package'));
	const root = mkdtempSync(join(tmpdir(), 'pos-sync-bench-e2e-'));
	const files = join(root, 'files');
	mkdirSync(files, { recursive: true });
	const instance = new instanceModule.N8nInstance({
		runtime,
		root,
		packageNodesDir: nodesDir,
		env: {
			N8N_RESTRICT_FILE_ACCESS_TO: files,
			GENERIC_TIMEZONE: 'UTC',
			...(process.env.N8N_NODE_OPTIONS ? { NODE_OPTIONS: process.env.N8N_NODE_OPTIONS } : {}),
			...env,
		},
	});
	await instance.start({ timeoutMs: 300_000 });
	await settled(instance.child!.pid!);
	return {
		instance,
		files,
		stop: async () => {
			await instance.stop();
			if (process.env.POS_SYNC_KEEP_E2E) process.stdout.write(`n8n's folder kept: ${root}\n`);
			else rmSync(root, { recursive: true, force: true });
		},
	};
}

const MB = 1024 * 1024;
const ROWS = Number(process.env.ROWS ?? 100_000);
const BIG = Number(process.env.BIG ?? 1_000_000);
const IMPORT_MS = Number(process.env.IMPORT_MS ?? 6000);
const IMPORT_MAX_MS = Number(process.env.IMPORT_MAX_MS ?? 20_000);
const HOUR = 3_600_000;
const PARTS = new Set((process.env.PARTS ?? 'records,template,big').split(','));

/**
 * Gives a just-started n8n 30 s of quiet. It starts holding the garbage of its start-up (about 750 MB),
 * which V8's memory reducer collects in rounds about 9 s apart (to about 450 MB), as in any n8n that
 * has been running a while. A run started before then is charged for that garbage.
 */
async function settled(pid: number): Promise<void> {
	const first = rss(pid);
	await new Promise((resolve) => setTimeout(resolve, 30_000));
	process.stdout.write(
		`  (n8n started at ${(first / MB).toFixed(0)} MB; after 30 s of quiet, ${(rss(pid) / MB).toFixed(0)} MB)\n`,
	);
}

/** A customer export like the demo shop's; one row in ten has an email Mapping Apply rejects. */
async function writeCustomers(path: string, rows: number): Promise<void> {
	const out = createWriteStream(path);
	out.write(
		'\ufeffCustomer No,Title,First Name,Surname,Email,Mobile,Postcode,Home Store,Email Opt In,Date Joined\n',
	);
	const stores = ['LDN01', 'MAN01', 'BHX01'];
	let chunk: string[] = [];
	for (let row = 0; row < rows; row++) {
		const email = row % 10 === 9 ? `shopper${row}@` : `shopper${row}@example.co.uk`;
		chunk.push(
			`C${1_000_000 + row},Ms,Jo${row % 97},Shopper${row},${email},,SE1 ${row % 9}SG,${stores[row % 3]},${row % 10 < 7 ? 'Y' : 'N'},${String((row % 28) + 1).padStart(2, '0')}/0${(row % 9) + 1}/2020\n`,
		);
		if (chunk.length === 10_000) {
			if (!out.write(chunk.join(''))) await once(out, 'drain');
			chunk = [];
		}
	}
	out.end(chunk.join(''));
	await once(out, 'finish');
}

/** The contacts in a generated file of `rows` rows: every tenth row is rejected. */
const contactsIn = (rows: number): number => rows - Math.floor(rows / 10);

/** RSS of n8n's main process and of its children (the task runners), sampled until stopped. */
class RssSampler {
	main = 0;
	runners = 0;
	private timer?: NodeJS.Timeout;

	constructor(private readonly pid: number) {}

	start(): void {
		this.main = 0;
		this.runners = 0;
		this.sample();
		this.timer = setInterval(() => this.sample(), 200);
	}

	stop(): void {
		clearInterval(this.timer);
		this.sample();
	}

	private sample(): void {
		this.main = Math.max(this.main, rss(this.pid));
		let runners = 0;
		for (const pid of descendants(this.pid)) runners += rss(pid);
		this.runners = Math.max(this.runners, runners);
	}
}

function rss(pid: number): number {
	try {
		const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

function descendants(root: number): number[] {
	const parents = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			// gone meanwhile
		}
	}
	const found: number[] = [];
	const walk = (pid: number) => {
		for (const [child, parent] of parents) if (parent === pid) (found.push(child), walk(child));
	};
	walk(root);
	return found;
}

interface RunFigures {
	label: string;
	seconds: number;
	mainMb: number;
	/** Main-process peak less its RSS just before the run: what the run itself added. */
	growthMb: number;
	runnersMb: number;
	status: string;
	nodes: Record<string, number>;
	viewable?: boolean;
	/** Main-process peak while the editor's request for the saved run is answered. */
	openedMb?: number;
}

const figures: RunFigures[] = [];

/** A read of the saved execution, timed, with n8n's main-process RSS sampled while it lasts. */
async function sampledRead(
	sampler: RssSampler,
	read: () => Promise<boolean>,
): Promise<{ ok: boolean; seconds: number; mainMb: number }> {
	const started = Date.now();
	sampler.start();
	let ok = false;
	try {
		ok = await read();
	} catch (error) {
		process.stdout.write(`  (the execution could not be read back: ${(error as Error).message})\n`);
	} finally {
		sampler.stop();
	}
	return { ok, seconds: (Date.now() - started) / 1000, mainMb: sampler.main / MB };
}

async function measured(
	server: E2eServer,
	sampler: RssSampler,
	label: string,
	run: () => Promise<{ id: string; status: string }>,
): Promise<RunFigures> {
	const started = Date.now();
	const before = rss(server.instance.child!.pid!) / MB;
	sampler.start();
	let execution: { id: string; status: string };
	try {
		execution = await run();
	} finally {
		sampler.stop();
	}
	const seconds = (Date.now() - started) / 1000;
	const runMb = sampler.main / MB;
	const runnersMb = sampler.runners / MB;
	// Saved and viewable: the editor asks for the saved run, which n8n sends as it stored it.
	const opened = await sampledRead(sampler, async () => {
		const saved = await server.instance.rest('GET', `/rest/executions/${execution.id}`);
		const data: unknown = saved?.data?.data;
		return typeof data === 'string' && data.startsWith('[') && data.length > 2;
	});
	// The node timings, from the run read back parsed through the public API.
	let nodes: Record<string, number> = {};
	const readBack = await sampledRead(sampler, async () => {
		const full = await server.instance.api('GET', `/executions/${execution.id}?includeData=true`);
		nodes = Object.fromEntries(
			Object.entries(full?.data?.resultData?.runData ?? {}).map(([name, runs]) => [
				name,
				(runs as Array<{ executionTime?: number }>).reduce(
					(sum, task) => sum + (task.executionTime ?? 0),
					0,
				) / 1000,
			]),
		);
		return Object.keys(nodes).length > 0;
	});
	const viewable = opened.ok && readBack.ok;
	const result = {
		label,
		seconds,
		mainMb: runMb,
		growthMb: runMb - before,
		runnersMb,
		status: execution.status,
		nodes,
		viewable,
		openedMb: opened.mainMb,
	};
	figures.push(result);
	process.stdout.write(
		`${label}: ${execution.status} in ${seconds.toFixed(1)} s; peak RSS main ${result.mainMb.toFixed(0)} MB (${before.toFixed(0)} MB just before: +${result.growthMb.toFixed(0)} MB), task runners ${result.runnersMb.toFixed(0)} MB; saved and viewable: ${viewable ? 'yes' : 'NO'}\n` +
			`  opened as the editor opens it in ${opened.seconds.toFixed(1)} s (peak RSS main ${opened.mainMb.toFixed(0)} MB); ` +
			`read back through the public API in ${readBack.seconds.toFixed(1)} s (peak RSS main ${readBack.mainMb.toFixed(0)} MB)\n`,
	);
	for (const [name, time] of Object.entries(nodes))
		process.stdout.write(`    ${time.toFixed(1).padStart(8)} s  ${name}\n`);
	return result;
}

/** Read/Write Files → our Mapping Apply, or → Extract From File → Edit Fields (4 expressions) → Code. */
function fileToRecords(name: string, path: string, builtIn: boolean, workbook: string) {
	const node = (
		nodeName: string,
		type: string,
		typeVersion: number,
		parameters: object,
		x: number,
	) => ({ id: `${name}-${x}`, name: nodeName, type, typeVersion, position: [x, 0], parameters });
	const nodes = [
		node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0),
		node(
			'Read the file',
			'n8n-nodes-base.readWriteFile',
			1,
			{ operation: 'read', fileSelector: path, options: {} },
			200,
		),
	];
	const chain = ['Start', 'Read the file'];
	if (builtIn) {
		const value = (code: string) => `={{ ${code} }}`;
		nodes.push(
			node(
				'Extract From File',
				'n8n-nodes-base.extractFromFile',
				1.1,
				{ operation: 'csv', options: {} },
				400,
			),
		);
		nodes.push(
			node(
				'Edit Fields',
				'n8n-nodes-base.set',
				3.4,
				{
					assignments: {
						assignments: [
							{
								id: 'a',
								name: 'customer_id',
								type: 'string',
								value: value('$json["Customer No"]'),
							},
							{
								id: 'b',
								name: 'email',
								type: 'string',
								value: value('$json.Email.trim().toLowerCase()'),
							},
							{ id: 'c', name: 'first_name', type: 'string', value: value('$json["First Name"]') },
							{
								id: 'd',
								name: 'marketing_opt_in',
								type: 'boolean',
								value: value('$json["Email Opt In"] === "Y"'),
							},
						],
					},
					options: {},
				},
				600,
			),
		);
		nodes.push(
			node(
				'Code',
				'n8n-nodes-base.code',
				2,
				{
					jsCode:
						"return $input.all().filter((item) => item.json.email.includes('@') && !item.json.email.endsWith('@'));",
				},
				800,
			),
		);
		chain.push('Extract From File', 'Edit Fields', 'Code');
	} else {
		nodes.push(
			node(
				'Map the rows',
				`n8n-nodes-pos-sync.mappingApply`,
				1,
				{
					feed: 'customer',
					mappingSource: 'workbook',
					workbookLocation: 'path',
					workbookPath: workbook,
				},
				400,
			),
		);
		chain.push('Map the rows');
	}
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < chain.length - 1; index++)
		connections[chain[index]] = { main: [[{ node: chain[index + 1], type: 'main', index: 0 }]] };
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

async function runManually(server: E2eServer, workflowId: string) {
	const execution = await server.instance.runManually(workflowId, 'Start', { timeoutMs: HOUR });
	return { id: String(execution.id), status: String(execution.status) };
}

/** Copies an export into the watched folder as a finished file; `again` adds a blank line, so the trigger does not skip it as a file it has seen. */
async function dropAndWait(
	server: E2eServer,
	workflowId: string,
	folder: string,
	source: string,
	name: string,
	runs: number,
	again = false,
) {
	const target = join(folder, name);
	execFileSync('cp', [source, target]);
	if (again) appendFileSync(target, '\n');
	const past = new Date(Date.now() - 60_000);
	utimesSync(target, past, past);
	// Without their data: n8n would otherwise read every earlier run's data at each check, twice a
	// second, and that work (not the run's) would make most of the memory measured.
	const executions = await server.instance.waitForExecutions(workflowId, runs, {
		timeoutMs: 2 * HOUR,
		includeData: false,
	});
	const last = executions[runs - 1];
	return { id: String(last.id), status: String(last.status) };
}

/** `sent`: the contacts the run sent (not rejected, not unchanged since an earlier run). */
async function printCalls(fake: Fake, from: number, sent: number): Promise<number> {
	const calls = await callsSince(fake, from);
	const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
	process.stdout.write(
		`  API calls: ${total} (${sent ? (total / (sent / 100_000)).toFixed(1) : '–'} per 100,000 contacts sent)\n`,
	);
	for (const [route, count] of [...calls].sort((a, b) => b[1] - a[1]))
		process.stdout.write(`    ${String(count).padStart(6)}  ${route}\n`);
	return total;
}

async function callCount(fake: Fake): Promise<number> {
	return ((await (await fetch(`${fake.adminUrl}calls`)).json()) as unknown[]).length;
}

/** Mapping Apply's runs are repeated and the median taken: one run's time swings with the machine. */
const RECORDS_RUNS = Number(process.env.RECORDS_RUNS ?? 3);

function median(runs: RunFigures[]): RunFigures {
	const middle = (values: number[]) => [...values].sort((a, b) => a - b)[(values.length - 1) >> 1];
	return {
		...runs[0],
		seconds: middle(runs.map((run) => run.seconds)),
		mainMb: middle(runs.map((run) => run.mainMb)),
		growthMb: middle(runs.map((run) => run.growthMb)),
		runnersMb: middle(runs.map((run) => run.runnersMb)),
	};
}

/** File → records in an n8n started for this run alone, so its peak holds only this run and n8n. */
async function recordsOnFreshServer(
	file: string,
	builtIn: boolean,
	which: string,
): Promise<RunFigures> {
	const server = await startServer({ GENERIC_TIMEZONE: 'Europe/London' });
	const sampler = new RssSampler(server.instance.child!.pid!);
	try {
		const workbook = join(server.files, 'shop-mapping.xlsx');
		writeFileSync(workbook, demoMappingWorkbook());
		const copy = join(server.files, basename(file));
		copyFileSync(file, copy);
		const name = builtIn ? 'built-in nodes' : 'Mapping Apply';
		const id = await server.instance.createWorkflow(
			fileToRecords(`Bench: file to records (${name})`, copy, builtIn, workbook),
		);
		return await measured(
			server,
			sampler,
			`File → records, ${name}, ${ROWS.toLocaleString('en-GB')} rows (fresh n8n, ${which})`,
			() => runManually(server, id),
		);
	} finally {
		sampler.stop();
		await server.stop();
	}
}

async function main(): Promise<void> {
	process.stdout.write('Building the package (dist/) as n8n installs it…\n');
	rmSync(join(repoDir, 'dist'), { recursive: true, force: true });
	execFileSync(
		process.execPath,
		[join(repoDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
		{ cwd: repoDir, stdio: 'inherit' },
	);
	execFileSync(
		process.execPath,
		[join(repoDir, 'node_modules', 'gulp', 'bin', 'gulp.js'), 'build', '--silent'],
		{ cwd: repoDir, stdio: 'inherit' },
	);

	const { fake, stop } = await startFake(IMPORT_MS, IMPORT_MAX_MS);
	const server = await startServer({ GENERIC_TIMEZONE: 'Europe/London' });
	const sampler = new RssSampler(server.instance.child!.pid!);
	try {
		const pos = join(server.files, 'pos');
		for (const folder of ['customers', 'mapping', 'reports', 'bench'])
			mkdirSync(join(pos, folder), { recursive: true });
		const workbook = join(pos, 'mapping', 'shop-mapping.xlsx');
		writeFileSync(workbook, demoMappingWorkbook());
		process.stdout.write(
			`Fake Dotdigital: imports finish ${IMPORT_MS}–${IMPORT_MAX_MS} ms after they are accepted. n8n at ${server.instance.baseUrl}.\n\n`,
		);

		const small = join(pos, 'bench', `customers-${ROWS}.csv`);
		await writeCustomers(small, ROWS);

		// File → records, ours and the built-ins', on the same file, each run in an n8n of its own:
		// an earlier run's heap (V8 keeps what it grew to) would count against the next one.
		let mapped: RunFigures | undefined;
		let built: RunFigures | undefined;
		if (PARTS.has('records')) {
			const ours: RunFigures[] = [];
			for (let run = 1; run <= RECORDS_RUNS; run++)
				ours.push(await recordsOnFreshServer(small, false, `run ${run} of ${RECORDS_RUNS}`));
			mapped = median(ours);
			if (process.env.BUILT_INS !== '0') built = await recordsOnFreshServer(small, true, 'once');
		}

		// The customers template, trigger-started with n8n's default save settings.
		await server.instance.createCredential(
			placeholders.credentials.dotdigitalApi,
			'dotdigitalApi',
			{ user: fake.user, password: fake.password, region: 'auto', baseUrl: `${fake.rootUrl}/r1` },
		);
		const template = readTemplates().find((entry) => entry.file.startsWith('01-'))!;
		const customersId = await server.instance.createWorkflow(
			localise(template.workflow, {
				filesRoot: server.files,
				storeUrl: 'http://127.0.0.1:9',
				welcomeListId: '3',
				checkEverySeconds: 2,
				settleSeconds: 1,
			}),
		);
		await server.instance.activate(customersId);

		const runs: Array<{ rows: number; figures: RunFigures; calls: number }> = [];
		let from = await callCount(fake);
		let first: RunFigures | undefined;
		if (PARTS.has('template')) {
			first = await measured(
				server,
				sampler,
				`Customers template, ${ROWS.toLocaleString('en-GB')} customers (1 in 10 rejected), first sync`,
				() =>
					dropAndWait(
						server,
						customersId,
						join(pos, 'customers'),
						small,
						`Customers_${ROWS}.csv`,
						1,
					),
			);
			runs.push({
				rows: ROWS,
				figures: first,
				calls: await printCalls(fake, from, contactsIn(ROWS)),
			});
			from = await callCount(fake);
			await measured(
				server,
				sampler,
				`Customers template, the same ${ROWS.toLocaleString('en-GB')} customers again (unchanged)`,
				() =>
					dropAndWait(
						server,
						customersId,
						join(pos, 'customers'),
						small,
						`Customers_${ROWS}_again.csv`,
						2,
						true,
					),
			);
			await printCalls(fake, from, 0);
		}

		if (BIG > 0 && PARTS.has('big')) {
			const big = join(pos, 'bench', `customers-${BIG}.csv`);
			await writeCustomers(big, BIG);
			from = await callCount(fake);
			const large = await measured(
				server,
				sampler,
				`Customers template, ${BIG.toLocaleString('en-GB')} customers (1 in 10 rejected), first sync`,
				() =>
					dropAndWait(
						server,
						customersId,
						join(pos, 'customers'),
						big,
						`Customers_${BIG}.csv`,
						first ? 3 : 1,
					),
			);
			// The big file's first ROWS customers are the small file's, unchanged since its run: they are not sent.
			runs.push({
				rows: BIG,
				figures: large,
				calls: await printCalls(
					fake,
					from,
					contactsIn(BIG) - (first ? contactsIn(Math.min(ROWS, BIG)) : 0),
				),
			});
		}

		const large = runs.find((run) => run.rows === BIG);
		process.stdout.write('\nTargets\n');
		if (mapped && built) {
			const ratio = built.seconds / mapped.seconds;
			process.stdout.write(
				`  (Mapping Apply: the median of ${RECORDS_RUNS} runs; the built-ins: one run)\n`,
			);
			process.stdout.write(
				`  ${ROWS.toLocaleString('en-GB')} rows file → records: ${ratio.toFixed(1)}× the built-ins (target ≥ 50×) at ${(mapped.mainMb / built.mainMb).toFixed(2)} of their main-process peak, ${(mapped.growthMb / built.growthMb).toFixed(2)} of their growth (target ≤ 0.33)\n`,
			);
		}
		if (first) {
			process.stdout.write(
				`  Exceptions branch on ${ROWS.toLocaleString('en-GB')} rows with 10% rejected: ${(first.nodes['Exceptions report'] ?? 0).toFixed(1)} s (target: seconds)\n`,
			);
			process.stdout.write(
				`  Calls per 100,000 contacts, first sync: ${(runs[0].calls / (contactsIn(ROWS) / 100_000)).toFixed(1)} (target ≤ 110)\n`,
			);
		}
		if (large)
			process.stdout.write(
				`  ${BIG.toLocaleString('en-GB')} customers: ${large.figures.status}, saved and viewable: ${large.figures.viewable ? 'yes' : 'no'}, main peak ${(large.figures.mainMb / 1024).toFixed(2)} GB, +${(large.figures.growthMb / 1024).toFixed(2)} GB over its start (target ≤ 1.5 GB); opened as the editor opens it: main peak ${((large.figures.openedMb ?? 0) / 1024).toFixed(2)} GB\n`,
			);
	} finally {
		sampler.stop();
		await server.stop();
		await stop();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	},
);
