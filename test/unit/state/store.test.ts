/**
 * The sync-state store on a real SQLite file: identities and fingerprints survive reopening, a
 * fingerprint only counts when it is the one confirmed, and two processes writing at once (two
 * executions, or two queue-mode workers on one volume) lose nothing and leave a sound file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultStatePath, SyncStateStore } from '../../../lib/state/store';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'pos-sync-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SyncStateStore', () => {
	it('lives in the n8n user folder unless POS_SYNC_STATE_DIR says otherwise', () => {
		expect(defaultStatePath({ N8N_USER_FOLDER: '/data' })).toBe('/data/.n8n/pos-sync/pos-sync-state.sqlite');
		expect(defaultStatePath({ N8N_USER_FOLDER: '/data', POS_SYNC_STATE_DIR: '/shared/state' })).toBe('/shared/state/pos-sync-state.sqlite');
	});

	it('remembers identities across reopening, and a blank value keeps what was known', () => {
		const path = join(dir, 'nested', 'state.sqlite');
		const store = SyncStateStore.open(path);
		store.rememberIdentities([
			{ customerId: 'C1', email: 'amelia@example.com', mobile: '+447700900100' },
			{ customerId: 'C2', email: 'oliver@example.com' },
			{ customerId: 'C3' },
		]);
		store.rememberIdentities([{ customerId: 'C1', email: 'amelia.new@example.com' }]);
		store.close();
		expect(existsSync(path)).toBe(true);

		const again = SyncStateStore.open(path);
		const found = again.lookUpIdentities(['C1', 'C2', 'C3', 'C9', 'C1']);
		expect(Object.fromEntries(found)).toEqual({
			C1: { email: 'amelia.new@example.com', mobile: '+447700900100' },
			C2: { email: 'oliver@example.com' },
		});
		again.close();
	});

	it('counts a record unchanged only when its fingerprint is the one confirmed, per scope', () => {
		const store = SyncStateStore.open(join(dir, 'state.sqlite'));
		store.commitFingerprints('acct|contact', [
			{ key: 'a@example.com', fingerprint: 'f1' },
			{ key: 'b@example.com', fingerprint: 'f2' },
		]);
		const unchanged = store.unchanged('acct|contact', [
			{ key: 'a@example.com', fingerprint: 'f1' },
			{ key: 'b@example.com', fingerprint: 'changed' },
			{ key: 'c@example.com', fingerprint: 'f3' },
		]);
		expect([...unchanged]).toEqual(['a@example.com']);
		expect(store.unchanged('other|contact', [{ key: 'a@example.com', fingerprint: 'f1' }]).size).toBe(0);
		expect(store.forgetFingerprints('acct|contact')).toBe(2);
		expect(store.unchanged('acct|contact', [{ key: 'a@example.com', fingerprint: 'f1' }]).size).toBe(0);
		store.close();
	});

	it('looks up more keys than SQLite takes in one statement', () => {
		const store = SyncStateStore.open(join(dir, 'state.sqlite'));
		const entries = Array.from({ length: 40_000 }, (_, index) => ({ key: `k${index}`, fingerprint: `f${index}` }));
		store.commitFingerprints('s', entries);
		expect(store.unchanged('s', entries).size).toBe(40_000);
		store.rememberIdentities(entries.map((entry) => ({ customerId: entry.key, email: `${entry.key}@example.com` })));
		expect(store.lookUpIdentities(entries.map((entry) => entry.key)).size).toBe(40_000);
		store.close();
	});

	it('keeps the register of contacts and the consent steps owed across a reopen, per account', () => {
		const path = join(dir, 'state.sqlite');
		const first = SyncStateStore.open(path);
		first.rememberContacts('acct', [{ key: 'email:a@example.com', contactId: 7 }, { key: 'email:b@example.com' }]);
		first.rememberContacts('acct', [{ key: 'email:a@example.com' }]);
		first.setContactsListedUntil('acct', 1_700_000_000_000);
		first.oweConsent('acct', [{ key: 'b@example.com', identifier: 'email', contactId: 0, sentAt: 10 }]);
		first.oweConsent('acct', [{ key: 'b@example.com', identifier: 'email', contactId: 0, sentAt: 20 }]);
		first.close();

		const store = SyncStateStore.open(path);
		// A contact id once known is kept when a later report does not carry one.
		expect(store.knownContacts('acct', ['email:a@example.com', 'email:b@example.com', 'email:c@example.com'])).toEqual(new Map([['email:a@example.com', 7], ['email:b@example.com', 0]]));
		expect(store.knownContacts('other', ['email:a@example.com']).size).toBe(0);
		expect(store.contactsListedUntil('acct')).toBe(1_700_000_000_000);
		expect(store.contactsListedUntil('other')).toBeUndefined();
		// The earliest time a step became owed is the one kept.
		expect(store.owedConsent('acct')).toEqual([{ key: 'b@example.com', identifier: 'email', contactId: 0, sentAt: 10 }]);
		store.settleConsent('acct', ['email:b@example.com']);
		store.forgetContacts('acct', ['email:a@example.com']);
		expect(store.owedConsent('acct')).toEqual([]);
		expect([...store.knownContacts('acct', ['email:a@example.com', 'email:b@example.com']).keys()]).toEqual(['email:b@example.com']);
		store.close();
	});

	it('refuses a file written by a newer schema instead of guessing', () => {
		const path = join(dir, 'state.sqlite');
		SyncStateStore.open(path).close();
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
		const raw = new DatabaseSync(path);
		raw.exec('PRAGMA user_version = 99');
		raw.close();
		expect(() => SyncStateStore.open(path)).toThrow(/newer version/);
	});

	it('two processes writing at once lose nothing and leave a sound file', async () => {
		const path = join(dir, 'state.sqlite');
		SyncStateStore.open(path).close();
		const register = join(__dirname, '..', '..', 'helpers', 'ts-register.cjs');
		const storeSource = join(__dirname, '..', '..', '..', 'lib', 'state', 'store.ts');
		// Each writer (a separate Node process running the store's own source) commits 20,000 fingerprints
		// and identities in 40 transactions, each read back at once.
		const script = (name: string) => `
			require(${JSON.stringify(register)});
			const { SyncStateStore } = require(${JSON.stringify(storeSource)});
			const store = SyncStateStore.open(${JSON.stringify(path)});
			for (let batch = 0; batch < 40; batch++) {
				const entries = Array.from({ length: 500 }, (_, i) => ({ key: '${name}-' + (batch * 500 + i), fingerprint: 'f' + batch }));
				store.commitFingerprints('shared', entries);
				store.rememberIdentities(entries.map((e) => ({ customerId: e.key, email: e.key + '@example.com' })));
				if (store.unchanged('shared', entries).size !== entries.length) throw new Error('a committed fingerprint was not read back');
			}
			store.close();
		`;
		const run = (name: string) =>
			new Promise<number>((resolve) => {
				const child = spawn(process.execPath, ['-e', script(name)], { stdio: ['ignore', 'ignore', 'inherit'] });
				child.on('exit', (code) => resolve(code ?? 1));
			});
		expect(await Promise.all([run('one'), run('two')])).toEqual([0, 0]);

		const store = SyncStateStore.open(path);
		expect(store.integrityCheck()).toBe('ok');
		const all = ['one', 'two'].flatMap((name) => Array.from({ length: 20_000 }, (_, i) => ({ key: `${name}-${i}`, fingerprint: `f${Math.floor(i / 500)}` })));
		expect(store.unchanged('shared', all).size).toBe(40_000);
		expect(store.lookUpIdentities(all.map((entry) => entry.key)).size).toBe(40_000);
		store.close();
	}, 120_000);
});
