/**
 * A sync state that fails once opened (a full disk, a dropped Postgres connection) fails with an
 * error that names the state and is owned by "system", so no node blames the data or the mapping.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SyncStateError, SyncStateStore, guardSyncState } from '../../../lib/state';

describe('guardSyncState', () => {
	it('turns a failing write into a SyncStateError naming where the state is, owner "system"', async () => {
		const store = SyncStateStore.open(
			join(mkdtempSync(join(tmpdir(), 'pos-sync-guard-')), 'state.sqlite'),
		);
		const guarded = guardSyncState(store);
		await guarded.close();
		const failure = await guarded
			.recordLedgerSteps([
				{
					executionId: '1',
					workflow: 'w',
					node: 'n',
					file: 'f.csv',
					recordedAt: new Date().toISOString(),
					counts: { step: 'inFlight', resource: 'contact', records: 1 },
				},
			])
			.then(
				() => undefined,
				(error: unknown) => error,
			);
		expect(failure).toBeInstanceOf(SyncStateError);
		expect((failure as SyncStateError).owner).toBe('system');
		expect((failure as SyncStateError).message).toContain(
			`Could not read or write the sync state (${store.where})`,
		);
	});

	it('passes values and successful calls through unchanged', async () => {
		const store = SyncStateStore.open(
			join(mkdtempSync(join(tmpdir(), 'pos-sync-guard-')), 'state.sqlite'),
		);
		const guarded = guardSyncState(store);
		try {
			expect(guarded.backend).toBe('sqlite');
			expect(await guarded.forgetFingerprints('nothing-here')).toBe(0);
		} finally {
			await guarded.close();
		}
	});
});
