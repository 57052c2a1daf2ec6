/**
 * Consent back to the till against the fake Dotdigital (its GET /contacts/v3 with ~modified, as the
 * Contacts v3 OpenAPI file describes it) and a real sync state file: unsubscribes and suppressions come
 * out in the next run's file exactly once, and a run stopped at any step of its write (thrown, or the
 * process killed) neither loses a change nor writes one twice, over the whole history of files.
 */
import { spawn } from 'node:child_process';
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

/** The run in a process of its own, SIGKILLed as soon as it reports `killAt` done. */
async function runInChild(name: string, killAt?: ConsentWriteStep): Promise<'killed' | 'done'> {
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
			killAt,
		}),
	);
	const child = spawn(process.execPath, [CHILD, jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	let killed = false;
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	child.stdout.on('data', (chunk: Buffer) => {
		if (killAt && chunk.toString().includes(`${killAt}\n`)) {
			killed = true;
			child.kill('SIGKILL');
		}
	});
	const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
	if (killed) return 'killed';
	if (code !== 0) throw new Error(`The child failed (${code}): ${stderr}`);
	return 'done';
}

test.each(['scratch', 'pending', 'renamed', 'committed'] as const)(
	'a run killed (SIGKILL) after "%s" is settled by the next: each change in exactly one file',
	async (killAt) => {
		await setStatus('jon@example.com', 'subscribed');
		await setStatus('jon@example.com', 'unsubscribed');
		await setStatus('kim@example.com', 'suppressed');
		expect(await runInChild('killed.csv', killAt)).toBe('killed');
		expect(await runInChild('replay.csv')).toBe('done');
		expect(await runInChild('after.csv')).toBe('done');
		const lines = tillFiles(till())
			.flatMap((file) => fileLines(join(till(), file)))
			.sort();
		expect(lines).toEqual(['jon@example.com,,N', 'kim@example.com,,S']);
		expect(readdirSync(till()).filter((name) => name.startsWith('.'))).toEqual([]);
	},
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
