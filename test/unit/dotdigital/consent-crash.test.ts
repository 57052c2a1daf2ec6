/**
 * Consent under a real crash: Dotdigital Upsert of contacts runs in a child process that is killed
 * with SIGKILL at every call it makes to the fake Dotdigital, once as the call arrives (not applied)
 * and once after it was applied (the answer never read); then the replay runs to the end on the same
 * state file. After every one, over the fake's whole status history: nobody without an opt-in was
 * ever subscribed or put on a list, no existing contact's status changed, the account equals a clean
 * run's, the replay accounts for every record, and the ledger line of the killed run ("outcome
 * unknown") is closed by the replay's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	DEFAULT_FIELD_MAP,
	type ContactUpsertSettings,
	type RecordResult,
} from '../../../lib/dotdigital';
import { ledgerLines, SyncStateStore } from '../../../lib/state';
import {
	startFakeDotdigital,
	type FakeDotdigital,
	type FakeDotdigitalSeed,
} from '../../fakes/dotdigital';

const CHILD = join(__dirname, '..', '..', 'helpers', 'dotdigital-child.cjs');
const LIST = 3;

const SETTINGS: ContactUpsertSettings = {
	identifier: 'email',
	fieldMap: DEFAULT_FIELD_MAP,
	lists: [LIST],
	mergeOption: 'overwriteIfNotEmpty',
	newContactConsent: 'posOptIn',
	mode: 'bulk',
	createMissingDataFields: false,
};

/** Pre-existing contacts whose status the till must never change, and one suppressed at account level. */
const SEED: FakeDotdigitalSeed = {
	contacts: [
		{ identifiers: { email: 'web.subscriber@example.com' }, status: 'subscribed' },
		{ identifiers: { email: 'opted.out@example.com' }, status: 'unsubscribed' },
	],
	globallySuppressed: ['complained@example.com'],
};

const records = (tag: string): Array<Record<string, unknown>> => [
	...Array.from({ length: 30 }, (_, index) => ({
		email: `no${index}@example.com`,
		first_name: `No${index}${tag}`,
		marketing_opt_in: index % 2 === 0 ? false : undefined,
	})),
	...Array.from({ length: 14 }, (_, index) => ({
		email: `yes${index}@example.com`,
		first_name: `Yes${index}${tag}`,
		marketing_opt_in: true,
	})),
	{ email: 'web.subscriber@example.com', first_name: `Web${tag}`, marketing_opt_in: false },
	{ email: 'opted.out@example.com', first_name: `Out${tag}`, marketing_opt_in: true },
	{ email: 'complained@example.com', first_name: `Comp${tag}`, marketing_opt_in: true },
];
const optedIn = (email: string, batch: Array<Record<string, unknown>>) =>
	batch.find((record) => record.email === email)?.marketing_opt_in === true;

let work: string;
beforeAll(() => {
	work = mkdtempSync(join(tmpdir(), 'consent-crash-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Outcome {
	killed: boolean;
	results?: RecordResult[];
}

/** Runs the upsert in a child; with `killAt`, SIGKILLs it at that call (counted from 1) and phase. */
async function runChild(
	fake: FakeDotdigital,
	statePath: string,
	batch: Array<Record<string, unknown>>,
	killAt?: { call: number; phase: 'received' | 'applied' },
): Promise<Outcome> {
	const jobFile = join(work, `job-${Math.random().toString(36).slice(2)}.json`);
	const executionId = jobFile;
	writeFileSync(
		jobFile,
		JSON.stringify({
			user: fake.user,
			password: fake.password,
			baseUrl: fake.baseUrl,
			statePath,
			batchSize: 12,
			records: batch,
			settings: SETTINGS,
			executionId,
			file: 'customers.csv',
		}),
	);
	const child: ChildProcess = spawn(process.execPath, [CHILD, jobFile], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	let calls = 0;
	let killed = false;
	fake.setIntercept(async (_call, phase) => {
		if (!killAt || killed) return;
		if (phase === 'received') calls += 1;
		if (calls !== killAt.call || phase !== killAt.phase) return;
		killed = true;
		child.kill('SIGKILL');
		await exited;
		return 'drop';
	});
	const code = await exited;
	fake.setIntercept(undefined);
	if (killed) return { killed: true };
	if (code !== 0) throw new Error(`The child failed (${code}): ${stderr}`);
	return { killed: false, results: JSON.parse(stdout) as RecordResult[] };
}

/** What a shop would compare: each contact's status, names and lists. */
function account(fake: FakeDotdigital): Record<string, unknown> {
	return Object.fromEntries(
		fake
			.contacts()
			.map(
				(contact) =>
					[
						contact.identifiers.email,
						{
							status: contact.status,
							name: contact.dataFields.FIRSTNAME ?? null,
							lists: [...contact.lists].sort(),
						},
					] as const,
			)
			.sort(([a], [b]) => String(a).localeCompare(String(b))),
	);
}

/** The promises, over everything that ever happened in the fake. */
function expectConsentHeld(
	fake: FakeDotdigital,
	batch: Array<Record<string, unknown>>,
	recreated: ReadonlySet<string> = new Set(),
): void {
	const history = fake.statusHistory();
	const seeded = new Map([
		['web.subscriber@example.com', 'subscribed'],
		['opted.out@example.com', 'unsubscribed'],
		['complained@example.com', 'suppressed'],
	]);
	const violations: string[] = [];
	for (const change of history) {
		const email = change.email ?? '';
		if (seeded.has(email)) {
			if (change.via !== 'seed')
				violations.push(`${email}: ${change.from} → ${change.to} by ${change.via}`);
		} else if (change.to === 'subscribed' && !optedIn(email, batch) && !recreated.has(email)) {
			violations.push(`${email} (no opt-in) subscribed by ${change.via}`);
		}
	}
	expect(violations).toEqual([]);
	for (const contact of fake.contacts()) {
		const email = contact.identifiers.email ?? '';
		if (seeded.has(email)) continue;
		if (!optedIn(email, batch))
			expect({ email, status: contact.status, lists: contact.lists }).toEqual({
				email,
				status: 'unsubscribed',
				lists: [],
			});
	}
	expect(fake.contact('email', 'complained@example.com')?.lists).toEqual([]);
}

/** The killed run's line says its records went out with the outcome unknown, and the replay's line closes it. */
async function expectLedgerClosed(
	statePath: string,
	records: number,
	wasKilled: boolean,
): Promise<void> {
	const store = SyncStateStore.open(statePath);
	try {
		const [killed, replay, ...more] = ledgerLines(
			await store.ledgerSteps(new Date(0), new Date(Date.now() + 60_000)),
			'UTC',
		);
		expect(more).toEqual([]);
		expect(killed).toMatchObject(
			wasKilled
				? { outcome_unknown: records, confirmed_by: replay.execution_id, balanced: true }
				: { outcome_unknown: null, accepted: records, balanced: true },
		);
		expect(replay).toMatchObject({
			outcome_unknown: null,
			records,
			accepted: records,
			balanced: true,
		});
	} finally {
		await store.close();
	}
}

function expectEveryRecordAccounted(
	results: RecordResult[] | undefined,
	batch: Array<Record<string, unknown>>,
): void {
	expect(results).toHaveLength(batch.length);
	const failed = results!.filter((result) => result.status === 'failed');
	expect(failed).toEqual([]);
	expect(results!.find((result) => result.key === 'complained@example.com')).toMatchObject({
		status: 'done',
		action: 'suppressed',
	});
}

describe('a contact sync killed at any call, then replayed', () => {
	let clean: { account: Record<string, unknown>; calls: number };

	beforeAll(async () => {
		const fake = await startFakeDotdigital({ importMs: 30, seed: SEED });
		try {
			const outcome = await runChild(fake, join(work, 'clean.sqlite'), records('1'));
			expectEveryRecordAccounted(outcome.results, records('1'));
			expectConsentHeld(fake, records('1'));
			clean = { account: account(fake), calls: fake.calls().length };
		} finally {
			await fake.stop();
		}
	}, 60_000);

	it('a clean first sync creates non-opted-in customers unsubscribed in the same request, off the list', () => {
		expect(clean.calls).toBeGreaterThanOrEqual(6);
		expect(clean.account['no0@example.com']).toEqual({
			status: 'unsubscribed',
			name: 'No01',
			lists: [],
		});
		expect(clean.account['yes0@example.com']).toEqual({
			status: 'subscribed',
			name: 'Yes01',
			lists: [LIST],
		});
		expect(clean.account['web.subscriber@example.com']).toEqual({
			status: 'subscribed',
			name: 'Web1',
			lists: [],
		});
		expect(clean.account['opted.out@example.com']).toEqual({
			status: 'unsubscribed',
			name: 'Out1',
			lists: [LIST],
		});
	});

	it('first sync: after a kill at every call, as it arrives and once applied, the replay leaves the clean account and consent held', async () => {
		const batch = records('1');
		let crashes = 0;
		// A run makes a status poll more or less as imports finish sooner or later: go a little past the clean run's count.
		for (let call = 1; call <= clean.calls + 2; call++) {
			for (const phase of ['received', 'applied'] as const) {
				const fake = await startFakeDotdigital({ importMs: 30, seed: SEED });
				const statePath = join(work, `first-${call}-${phase}.sqlite`);
				try {
					const crashed = await runChild(fake, statePath, batch, { call, phase });
					if (crashed.killed) crashes += 1;
					expectConsentHeld(fake, batch);
					const replay = await runChild(fake, statePath, batch);
					expectEveryRecordAccounted(replay.results, batch);
					expectConsentHeld(fake, batch);
					expect(account(fake)).toEqual(clean.account);
					await expectLedgerClosed(statePath, batch.length, crashed.killed);
				} finally {
					await fake.stop();
				}
			}
		}
		expect(crashes).toBeGreaterThanOrEqual((clean.calls - 2) * 2);
	}, 600_000);

	it('an update run whose contacts Dotdigital deleted meanwhile: killed at every call, the re-created ones end unsubscribed and off lists', async () => {
		const first = records('1');
		const second = records('2');
		const deleted = ['no0@example.com', 'no1@example.com', 'no2@example.com'];
		let calls = 0;
		let crashes = 0;
		for (let call = 0; call <= calls + 1; call++) {
			for (const phase of call === 0 ? (['none'] as const) : (['received', 'applied'] as const)) {
				const fake = await startFakeDotdigital({ importMs: 30, seed: SEED });
				const statePath = join(work, `update-${call}-${phase}.sqlite`);
				try {
					await runChild(fake, statePath, first);
					for (const email of deleted) {
						const response = await fetch(
							`${fake.baseUrl}/contacts/v3/email/${encodeURIComponent(email)}`,
							{
								method: 'DELETE',
								headers: {
									Authorization: `Basic ${Buffer.from(`${fake.user}:${fake.password}`).toString('base64')}`,
								},
							},
						);
						expect(response.status).toBe(200);
					}
					const before = fake.calls().length;
					if (phase === 'none') {
						const outcome = await runChild(fake, statePath, second);
						expectEveryRecordAccounted(outcome.results, second);
						calls = fake.calls().length - before;
					} else {
						if ((await runChild(fake, statePath, second, { call, phase })).killed) crashes += 1;
						const replay = await runChild(fake, statePath, second);
						expectEveryRecordAccounted(replay.results, second);
					}
					// The only subscribed moments allowed: a deleted contact re-created by a request sent without a status.
					expectConsentHeld(fake, second, new Set(deleted));
					for (const email of deleted) {
						const spells = fake.statusHistory().filter((change) => change.email === email);
						expect(spells[spells.length - 1].to).toBe('unsubscribed');
						expect(fake.contact('email', email)?.lists).toEqual([]);
					}
					expect(fake.contact('email', 'yes3@example.com')?.dataFields.FIRSTNAME).toBe('Yes32');
				} finally {
					await fake.stop();
				}
			}
		}
		expect(calls).toBeGreaterThan(3);
		expect(crashes).toBeGreaterThanOrEqual((calls - 2) * 2);
	}, 600_000);
});
