/**
 * Consent back to the till against the fake Dotdigital (its GET /contacts/v3 with ~modified, as the
 * Contacts v3 OpenAPI file describes it) and a real sync state file: unsubscribes and suppressions come
 * out in the next run's file exactly once, and a run stopped at any step of its write (thrown, or the
 * process killed) neither loses a change nor writes one twice, over the whole history of files.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DotdigitalTransport } from '../../../lib/dotdigital';
import { listConsentChanges, type ConsentBackStore } from '../../../lib/dotdigital/consent-back';
import { DEFAULT_CONSENT_COLUMNS } from '../../../lib/dotdigital/consent-file';
import {
	settleConsentWrite,
	writeConsentChanges,
	type ConsentWriteStep,
} from '../../../lib/dotdigital/consent-write';
import { SyncStateStore } from '../../../lib/state';
import { startFakeDotdigital, type FakeDotdigital } from '../../fakes/dotdigital';

let fake: FakeDotdigital;
let transport: DotdigitalTransport;
let dir: string;
let state: SyncStateStore;
let store: ConsentBackStore;
const SCOPE = 'consent-back:test';

beforeEach(async () => {
	fake = await startFakeDotdigital({ importMs: 20 });
	transport = new DotdigitalTransport(
		{ user: fake.user, password: fake.password, region: 'r1', baseUrl: fake.baseUrl },
		{ retry: { attempts: 4, baseMs: 1, maxMs: 5 } },
	);
	dir = mkdtempSync(join(tmpdir(), 'consent-back-'));
	state = SyncStateStore.open(join(dir, 'state.sqlite'));
	store = {
		cursor: (scope) => state.contactsListedUntil(scope),
		alreadyWritten: (scope, entries) => state.unchanged(scope, entries),
		commit: async (scope, seen, cursor) => {
			await state.commitFingerprints(scope, seen);
			await state.setContactsListedUntil(scope, cursor);
		},
	};
});

afterEach(async () => {
	await state.close();
	await fake.stop();
	rmSync(dir, { recursive: true, force: true });
});

async function setStatus(email: string, status: 'subscribed' | 'unsubscribed' | 'suppressed') {
	const response = await fetch(`${fake.baseUrl}/contacts/v3/email/${encodeURIComponent(email)}`, {
		method: 'PATCH',
		headers: {
			authorization: `Basic ${Buffer.from(`${fake.user}:${fake.password}`).toString('base64')}`,
			'content-type': 'application/json',
		},
		body: JSON.stringify({ channelProperties: { email: { status } } }),
	});
	expect(response.status).toBeLessThan(300);
}

const FORMAT = { columns: DEFAULT_CONSENT_COLUMNS, words: { unsubscribed: 'N', suppressed: 'S' } };
const till = () => join(dir, 'till');

class Crash extends Error {}

/** Email, mobile and status of each line of a file the till would import. */
function fileLines(path: string): string[] {
	return readFileSync(path, 'utf8')
		.trimEnd()
		.split('\r\n')
		.slice(1)
		.map((line) => line.split(',').slice(0, 2).concat(line.split(',')[3]).join(','));
}

/** One scheduled run as the node makes it: settle, list, write and commit; stopped at `crashAt`. */
async function run(name: string, crashAt?: ConsentWriteStep | 'listed'): Promise<string[]> {
	await settleConsentWrite(till(), store, SCOPE);
	const listing = await listConsentChanges(transport, store, SCOPE);
	if (crashAt === 'listed') throw new Crash(crashAt);
	const path = await writeConsentChanges(till(), name, listing, FORMAT, store, SCOPE, (step) => {
		if (step === crashAt) throw new Crash(step);
	});
	return path ? fileLines(path) : [];
}

/** The till's files, not the sync's scratch or pending record. */
const tillFiles = (folder: string) =>
	existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.csv')) : [];

test('unsubscribes and suppressions made in Dotdigital come out in the next file exactly once', async () => {
	for (const email of ['ann@example.com', 'bob@example.com', 'cat@example.com', '=cmd@example.com'])
		await setStatus(email, 'subscribed');
	await setStatus('bob@example.com', 'unsubscribed');
	fake.addContact({
		identifiers: { email: 'dan@example.com' },
		status: 'suppressed',
		channelProperties: { email: { status: 'suppressed', emailType: 'Html', optInType: 'Single' } },
	});

	expect((await run('day-1.csv')).sort()).toEqual(['bob@example.com,,N', 'dan@example.com,,S']);
	expect(await run('day-2.csv')).toEqual([]);

	await setStatus('ann@example.com', 'unsubscribed');
	await setStatus('=cmd@example.com', 'unsubscribed');
	expect((await run('day-3.csv')).sort()).toEqual([
		'"\'=cmd@example.com",,N',
		'ann@example.com,,N',
	]);

	// Resubscribed in Dotdigital, then unsubscribed again: a new opt-out, written again.
	await setStatus('bob@example.com', 'subscribed');
	expect(await run('day-4.csv')).toEqual([]);
	await setStatus('bob@example.com', 'unsubscribed');
	expect(await run('day-5.csv')).toEqual(['bob@example.com,,N']);
	expect(readdirSync(join(dir, 'till')).sort()).toEqual(['day-1.csv', 'day-3.csv', 'day-5.csv']);

	// A run under a name the till has not imported yet leaves that file alone.
	await setStatus('ann@example.com', 'subscribed');
	await setStatus('ann@example.com', 'suppressed');
	expect(await run('day-5.csv')).toEqual(['ann@example.com,,S']);
	expect(readdirSync(join(dir, 'till')).sort()).toEqual([
		'day-1.csv',
		'day-3.csv',
		'day-5 (2).csv',
		'day-5.csv',
	]);
	expect(readFileSync(join(dir, 'till', 'day-5.csv'), 'utf8')).toContain('bob@example.com');
});

const STEPS = ['listed', 'scratch', 'pending', 'renamed', 'committed'] as const;

describe.each([false, true])(
	'a run stopped at every step, the till taking files away: %s',
	(takes) => {
		test.each(STEPS)(
			'stopped after "%s", then replayed: every change in exactly one file, none missing',
			async (crashAt) => {
				const imported = join(dir, 'imported');
				mkdirSync(imported, { recursive: true });
				/** The till imports whatever is in the folder; every file it ever got is in `imported`. */
				const tillImports = () => {
					for (const name of tillFiles(till()))
						renameSync(join(till(), name), join(imported, name));
				};
				const history = () =>
					[...tillFiles(imported).map((name) => join(imported, name))]
						.concat(takes ? [] : tillFiles(till()).map((name) => join(till(), name)))
						.flatMap(fileLines)
						.sort();

				for (const email of ['gil@example.com', 'hal@example.com', 'ivy@example.com'])
					await setStatus(email, 'subscribed');
				await setStatus('gil@example.com', 'unsubscribed');
				await setStatus('hal@example.com', 'suppressed');
				await expect(run('stopped.csv', crashAt)).rejects.toThrow(Crash);
				if (takes) tillImports();
				await setStatus('ivy@example.com', 'unsubscribed');
				await run('replay.csv');
				if (takes) tillImports();
				expect(await run('after.csv')).toEqual([]);
				if (takes) {
					tillImports();
					await setStatus('gil@example.com', 'subscribed');
					await run('resubscribed.csv');
					await setStatus('gil@example.com', 'unsubscribed');
					await run('later.csv');
					tillImports();
				}

				expect(history()).toEqual(
					[
						'gil@example.com,,N',
						'hal@example.com,,S',
						'ivy@example.com,,N',
						...(takes ? ['gil@example.com,,N'] : []),
					].sort(),
				);
				expect(readdirSync(till()).filter((name) => name.startsWith('.'))).toEqual([]);
			},
		);
	},
);

const CHILD = join(__dirname, '..', '..', 'helpers', 'consent-back-child.cjs');
/** Each test below starts up to four processes, one after another. */
const CHILD_TEST_MS = 30_000;

// The first child after a source changed transpiles lib into ts-register's cache: seconds on a busy
// machine, paid here once rather than inside the first test's time limit.
beforeAll(() => {
	const warmed = spawnSync(process.execPath, [CHILD, '--load-only'], { encoding: 'utf8' });
	expect(warmed.stderr).toBe('');
	expect(warmed.status).toBe(0);
}, 120_000);

type ChildStep = ConsentWriteStep | 'locked';
const running = new Set<ChildRun>();

// A test that failed half-way leaves no child holding the folder (or jest waiting for it).
afterEach(() => {
	for (const run of running) run.kill();
	running.clear();
});
interface ChildRun {
	/** Resolves once the child has printed `step` (or exited without printing it). */
	reached(step: ChildStep | 'ready'): Promise<boolean>;
	kill(): void;
	/** Lets a child started with `startOnGo` take the lock. */
	go(): void;
	/** How the child ended: 'busy' when it found the folder locked, 'killed', or 'done'. */
	ended: Promise<'busy' | 'killed' | 'done'>;
}

/** The run in a process of its own; at `holdAt` it waits there, for the test to kill it. */
function startChild(
	name: string,
	options: { holdAt?: ChildStep; waitMs?: number; startOnGo?: boolean } = {},
): ChildRun {
	const jobFile = join(dir, `job-${name}.json`);
	writeFileSync(
		jobFile,
		JSON.stringify({
			user: fake.user,
			password: fake.password,
			baseUrl: fake.baseUrl,
			statePath: join(dir, 'state.sqlite'),
			folder: till(),
			scope: SCOPE,
			name,
			format: FORMAT,
			killAt: options.holdAt,
			startOnGo: options.startOnGo,
			lock: { waitMs: options.waitMs ?? 20_000, pollMs: 20 },
		}),
	);
	const child = spawn(process.execPath, [CHILD, jobFile], { stdio: ['pipe', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	let killed = false;
	const waiting: Array<() => void> = [];
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
		waiting.splice(0).forEach((wake) => wake());
	});
	const exited = new Promise<number | null>((resolve) =>
		child.on('exit', (code) => {
			waiting.splice(0).forEach((wake) => wake());
			resolve(code);
		}),
	);
	const printed = (step: string) => stdout.split('\n').includes(step);
	const run: ChildRun = {
		reached: async (step) => {
			while (!printed(step) && child.exitCode === null && child.signalCode === null)
				await new Promise<void>((wake) => waiting.push(wake));
			return printed(step);
		},
		kill: () => {
			killed = true;
			child.kill('SIGKILL');
		},
		go: () => child.stdin.end('go\n'),
		ended: exited.then((code) => {
			if (killed) return 'killed';
			if (code !== 0) throw new Error(`The child failed (${code}): ${stderr}`);
			return printed('busy') ? 'busy' : 'done';
		}),
	};
	running.add(run);
	void exited.then(() => running.delete(run));
	return run;
}

/** The run in a process of its own, SIGKILLed as soon as it reports `killAt` done. */
async function runInChild(
	name: string,
	killAt?: ConsentWriteStep,
): Promise<'busy' | 'killed' | 'done'> {
	const run = startChild(name, { holdAt: killAt });
	if (killAt && (await run.reached(killAt))) run.kill();
	return run.ended;
}

/** Every line of every file the till was given, sorted. */
const allLines = () =>
	tillFiles(till())
		.flatMap((file) => fileLines(join(till(), file)))
		.sort();

test.each(['scratch', 'pending', 'renamed', 'committed'] as const)(
	'a run killed (SIGKILL) after "%s" is settled by the next: each change in exactly one file',
	async (killAt) => {
		await setStatus('jon@example.com', 'subscribed');
		await setStatus('jon@example.com', 'unsubscribed');
		await setStatus('kim@example.com', 'suppressed');
		expect(await runInChild('killed.csv', killAt)).toBe('killed');
		expect(await runInChild('replay.csv')).toBe('done');
		expect(await runInChild('after.csv')).toBe('done');
		expect(allLines()).toEqual(['jon@example.com,,N', 'kim@example.com,,S']);
		expect(readdirSync(till()).filter((name) => name.startsWith('.'))).toEqual([]);
	},
	CHILD_TEST_MS,
);

test(
	'two runs at once for the same account and folder: every change in exactly one file',
	async () => {
		const expected: string[] = [];
		for (let round = 1; round <= 3; round++) {
			for (let n = 1; n <= 4; n++) {
				const email = `r${round}n${n}@example.com`;
				await setStatus(email, n % 2 ? 'unsubscribed' : 'suppressed');
				expected.push(`${email},,${n % 2 ? 'N' : 'S'}`);
			}
			const runs = [1, 2].map(() => startChild(`round-${round}.csv`, { startOnGo: true }));
			for (const run of runs) expect(await run.reached('ready')).toBe(true);
			runs.forEach((run) => run.go());
			expect(await Promise.all(runs.map((run) => run.ended))).toEqual(['done', 'done']);
			expect(allLines()).toEqual([...expected].sort());
		}
		expect(tillFiles(till()).sort()).toEqual(['round-1.csv', 'round-2.csv', 'round-3.csv']);
		expect(readdirSync(till()).filter((name) => name.startsWith('.'))).toEqual([]);
	},
	CHILD_TEST_MS,
);

test(
	'a run that finds the folder locked waits, then stops without reading Dotdigital; once the holder dies the next run takes over',
	async () => {
		await setStatus('lea@example.com', 'unsubscribed');
		await setStatus('max@example.com', 'suppressed');
		const holder = startChild('held.csv', { holdAt: 'pending' });
		expect(await holder.reached('pending')).toBe(true);
		fake.resetCalls();
		expect(await startChild('second.csv', { waitMs: 200 }).ended).toBe('busy');
		expect(fake.calls()).toEqual([]);
		expect(tillFiles(till())).toEqual([]);

		holder.kill();
		expect(await holder.ended).toBe('killed');
		expect(await runInChild('third.csv')).toBe('done');
		expect(tillFiles(till())).toEqual(['third.csv']);
		expect(allLines()).toEqual(['lea@example.com,,N', 'max@example.com,,S']);
		expect(readdirSync(till()).filter((name) => name.startsWith('.'))).toEqual([]);
	},
	CHILD_TEST_MS,
);

test('the listing asks for the second the cursor falls in, and for a margin before it, never after', async () => {
	await setStatus('fay@example.com', 'unsubscribed');
	await run('first.csv');
	fake.resetCalls();
	await run('second.csv');
	const asked = fake
		.calls()
		.filter((call) => call.path.endsWith('/contacts/v3') && call.method === 'GET')
		.map((call) => new URLSearchParams(call.query).get('~modified'));
	const until = (await state.contactsListedUntil(SCOPE))!;
	expect(asked).toHaveLength(1);
	expect(asked[0]).toMatch(/^gte::\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
	expect(Date.parse(asked[0]!.slice(5))).toBeLessThanOrEqual(until - 10 * 60_000);
});
