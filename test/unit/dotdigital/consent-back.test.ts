/**
 * Consent back to the till against the fake Dotdigital (its GET /contacts/v3 with ~modified, as the
 * Contacts v3 OpenAPI file describes it) and a real sync state file: unsubscribes and suppressions come
 * out in the next run's file exactly once, and a run that stops before it commits loses nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DotdigitalTransport } from '../../../lib/dotdigital';
import { listConsentChanges, type ConsentBackStore } from '../../../lib/dotdigital/consent-back';
import { DEFAULT_CONSENT_COLUMNS, writeConsentFile } from '../../../lib/dotdigital/consent-file';
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

/** One scheduled run: list, write the file when there is something, then commit. */
async function run(name: string, { crashBeforeCommit = false } = {}): Promise<string[]> {
	const listing = await listConsentChanges(transport, store, SCOPE);
	let lines: string[] = [];
	if (listing.changes.length > 0) {
		const path = await writeConsentFile(
			join(dir, 'till'),
			name,
			listing.changes,
			DEFAULT_CONSENT_COLUMNS,
			{ unsubscribed: 'N', suppressed: 'S' },
		);
		lines = readFileSync(path, 'utf8').trimEnd().split('\r\n').slice(1);
	}
	if (!crashBeforeCommit) store.commit(SCOPE, listing.seen, listing.until);
	return lines.map((line) => line.split(',').slice(0, 2).concat(line.split(',')[3]).join(','));
}

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

test('a run that stops after writing its file but before committing loses nothing: the next run writes the same changes again', async () => {
	await setStatus('eve@example.com', 'subscribed');
	await setStatus('eve@example.com', 'unsubscribed');
	expect(await run('crashed.csv', { crashBeforeCommit: true })).toEqual(['eve@example.com,,N']);
	expect(await run('replay.csv')).toEqual(['eve@example.com,,N']);
	expect(await run('after.csv')).toEqual([]);
});

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
