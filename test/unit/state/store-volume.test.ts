/**
 * Two processes (two executions, or two queue-mode workers) writing the same 10,000 keys into one sync
 * state at once, on both backends: nothing is lost and the ledger line adds up.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import {
	SyncStateStore,
	type LedgerStep,
	type SendingCounts,
	type StateLocation,
	type SyncState,
} from '../../../lib/state';
import { stateBackends } from '../../helpers/state-backends';

describe.each(stateBackends())('the sync state in $name', (backend) => {
	beforeAll(() => backend.setUp(), 120_000);
	afterAll(() => backend.tearDown(), 60_000);

	const opened: SyncState[] = [];
	const open = async (location: StateLocation) => {
		const state = await backend.open(location);
		opened.push(state);
		return state;
	};
	afterEach(async () => {
		await Promise.all(opened.splice(0).map((state) => state.close().catch(() => undefined)));
	});

	it('two processes writing the same keys at once lose nothing', async () => {
		const location = backend.fresh();
		await (await backend.open(location)).close();
		const register = join(__dirname, '..', '..', 'helpers', 'ts-register.cjs');
		const stateSource = join(__dirname, '..', '..', '..', 'lib', 'state', 'index.ts');
		// Each writer (a separate Node process running the store's own source) writes 40 batches of the
		// same 250 keys as the other, and 250 keys of its own, each batch read back at once, and adds
		// every batch to the same ledger line.
		const script = (name: string) => `
			require(${JSON.stringify(register)});
			const { openSyncState } = require(${JSON.stringify(stateSource)});
			(async () => {
				const store = await openSyncState(${JSON.stringify(location)});
				for (let batch = 0; batch < 40; batch++) {
					const shared = Array.from({ length: 250 }, (_, i) => ({ key: 'shared-' + (batch * 250 + i), fingerprint: 'f' + batch }));
					const own = Array.from({ length: 250 }, (_, i) => ({ key: '${name}-' + (batch * 250 + i), fingerprint: 'f' + batch }));
					const entries = batch % 2 ? [...shared, ...own].reverse() : [...shared, ...own];
					await store.commitFingerprints('shared', entries);
					await store.rememberIdentities(entries.map((e) => ({ customerId: e.key, email: e.key + '@example.com' })));
					await store.rememberContacts('acct', entries.map((e, i) => ({ key: 'email:' + e.key, contactId: i % 2 === ${name === 'one' ? 0 : 1} ? 1000 + i : undefined })));
					await store.recordLedgerSteps([{
						executionId: 'one-run', workflow: 'w', node: 'Send', file: 'f.csv', recordedAt: '2026-11-20T09:00:00.000Z',
						counts: { step: 'sending', resource: 'contact', records: 3, accepted: 2, failed: 1, unchanged: 0,
							failed_by_reason: { invalidEmail: { owner: 'till data', count: 1, example: '${name}' } },
							value_accepted: { GBP: 10.1 }, value_failed: { EUR: 0.2 }, value_unchanged: {} },
					}]);
					if ((await store.unchanged('shared', entries)).size !== entries.length) throw new Error('a committed fingerprint was not read back');
				}
				await store.close();
			})().catch((error) => { console.error(error); process.exit(1); });
		`;
		const run = (name: string) =>
			new Promise<number>((resolve) => {
				const child = spawn(process.execPath, ['-e', script(name)], {
					stdio: ['ignore', 'ignore', 'inherit'],
				});
				child.on('exit', (code) => resolve(code ?? 1));
			});
		expect(await Promise.all([run('one'), run('two')])).toEqual([0, 0]);

		const store = await open(location);
		if (store instanceof SyncStateStore) expect(store.integrityCheck()).toBe('ok');
		const all = ['shared', 'one', 'two'].flatMap((name) =>
			Array.from({ length: 10_000 }, (_, i) => ({
				key: `${name}-${i}`,
				fingerprint: `f${Math.floor(i / 250)}`,
			})),
		);
		expect((await store.unchanged('shared', all)).size).toBe(30_000);
		expect((await store.lookUpIdentities(all.map((entry) => entry.key))).size).toBe(30_000);
		const contacts = await store.knownContacts(
			'acct',
			all.map((entry) => `email:${entry.key}`),
		);
		expect(contacts.size).toBe(30_000);
		// Each shared contact's id came from one of the processes, and is kept over the other's report without one.
		expect(
			[...contacts].filter(([key, id]) => key.startsWith('email:shared-') && id === 0),
		).toEqual([]);
		const steps: LedgerStep[] = await store.ledgerSteps(
			new Date('2026-11-20T00:00:00Z'),
			new Date('2026-11-21T00:00:00Z'),
		);
		expect(steps).toHaveLength(1);
		const counts = steps[0].counts as SendingCounts;
		expect(counts).toMatchObject({
			records: 240,
			accepted: 160,
			failed: 80,
			unchanged: 0,
			value_accepted: { GBP: 808 },
			value_failed: { EUR: 16 },
		});
		expect(counts.failed_by_reason.invalidEmail).toMatchObject({ owner: 'till data', count: 80 });
	}, 180_000);
});
