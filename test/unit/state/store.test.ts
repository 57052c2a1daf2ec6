/**
 * The sync-state store, the same tests on both backends (a SQLite file, and a real Postgres server):
 * identities and fingerprints survive reopening, a fingerprint only counts when it is the one
 * confirmed, the contact register and owed consent steps keep their rules.
 * Two processes writing at once: store-volume.test.ts.
 */
import { defaultStatePath, type StateLocation, type SyncState } from '../../../lib/state';
import { postgresBackend, stateBackends } from '../../helpers/state-backends';

it('the SQLite file lives in the n8n user folder unless POS_SYNC_STATE_DIR says otherwise', () => {
	expect(defaultStatePath({ N8N_USER_FOLDER: '/data' })).toBe(
		'/data/.n8n/pos-sync/pos-sync-state.sqlite',
	);
	expect(defaultStatePath({ N8N_USER_FOLDER: '/data', POS_SYNC_STATE_DIR: '/shared/state' })).toBe(
		'/shared/state/pos-sync-state.sqlite',
	);
});

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

	it('remembers identities across reopening, and a blank value keeps what was known', async () => {
		const location = backend.fresh();
		const store = await open(location);
		await store.rememberIdentities([
			{ customerId: 'C1', email: 'amelia@example.com', mobile: '+447700900100' },
			{ customerId: 'C2', email: 'oliver@example.com' },
			{ customerId: 'C3' },
			{ customerId: 'C4', mobile: '+447700900104' },
			{ customerId: 'C4', email: 'isla@example.com' },
		]);
		await store.rememberIdentities([{ customerId: 'C1', email: 'amelia.new@example.com' }]);
		await store.close();

		const again = await open(location);
		const found = await again.lookUpIdentities(['C1', 'C2', 'C3', 'C4', 'C9', 'C1']);
		expect(Object.fromEntries(found)).toEqual({
			C1: { email: 'amelia.new@example.com', mobile: '+447700900100' },
			C2: { email: 'oliver@example.com' },
			C4: { email: 'isla@example.com', mobile: '+447700900104' },
		});
	});

	it('counts a record unchanged only when its fingerprint is the one confirmed, per scope', async () => {
		const store = await open(backend.fresh());
		await store.commitFingerprints('acct|contact', [
			{ key: 'a@example.com', fingerprint: 'f1' },
			{ key: 'b@example.com', fingerprint: 'old' },
			{ key: 'b@example.com', fingerprint: 'f2' },
		]);
		const unchanged = await store.unchanged('acct|contact', [
			{ key: 'a@example.com', fingerprint: 'f1' },
			{ key: 'b@example.com', fingerprint: 'changed' },
			{ key: 'c@example.com', fingerprint: 'f3' },
		]);
		expect([...unchanged]).toEqual(['a@example.com']);
		expect([
			...(await store.unchanged('acct|contact', [{ key: 'b@example.com', fingerprint: 'f2' }])),
		]).toEqual(['b@example.com']);
		expect(
			(await store.unchanged('other|contact', [{ key: 'a@example.com', fingerprint: 'f1' }])).size,
		).toBe(0);
		expect(await store.forgetFingerprints('acct|contact')).toBe(2);
		expect(
			(await store.unchanged('acct|contact', [{ key: 'a@example.com', fingerprint: 'f1' }])).size,
		).toBe(0);
	});

	it('looks up more keys than one statement takes', async () => {
		const store = await open(backend.fresh());
		const entries = Array.from({ length: 40_000 }, (_, index) => ({
			key: `k${index}`,
			fingerprint: `f${index}`,
		}));
		await store.commitFingerprints('s', entries);
		expect((await store.unchanged('s', entries)).size).toBe(40_000);
		await store.rememberIdentities(
			entries.map((entry) => ({ customerId: entry.key, email: `${entry.key}@example.com` })),
		);
		expect((await store.lookUpIdentities(entries.map((entry) => entry.key))).size).toBe(40_000);
	}, 60_000);

	it('keeps the register of contacts and the consent steps owed across a reopen, per account', async () => {
		const location = backend.fresh();
		const first = await open(location);
		await first.rememberContacts('acct', [
			{ key: 'email:a@example.com', contactId: 7 },
			{ key: 'email:b@example.com' },
		]);
		await first.rememberContacts('acct', [{ key: 'email:a@example.com' }]);
		await first.setContactsListedUntil('acct', 1_700_000_000_000);
		// A listing that started earlier and finished later does not move the time back.
		await first.setContactsListedUntil('acct', 1_600_000_000_000);
		await first.oweConsent('acct', [
			{ key: 'b@example.com', identifier: 'email', contactId: 0, sentAt: 10 },
		]);
		await first.oweConsent('acct', [
			{ key: 'b@example.com', identifier: 'email', contactId: 0, sentAt: 20 },
			{
				key: '447700900123',
				identifier: 'mobileNumber',
				contactId: 9_000_000_001,
				sentAt: 1_700_000_000_123,
			},
		]);
		await first.close();

		const store = await open(location);
		// A contact id once known is kept when a later report does not carry one.
		expect(
			await store.knownContacts('acct', [
				'email:a@example.com',
				'email:b@example.com',
				'email:c@example.com',
			]),
		).toEqual(
			new Map([
				['email:a@example.com', 7],
				['email:b@example.com', 0],
			]),
		);
		expect((await store.knownContacts('other', ['email:a@example.com'])).size).toBe(0);
		expect(await store.contactsListedUntil('acct')).toBe(1_700_000_000_000);
		expect(await store.contactsListedUntil('other')).toBeUndefined();
		// The earliest time a step became owed is the one kept.
		expect(await store.owedConsent('acct')).toEqual(
			expect.arrayContaining([
				{ key: 'b@example.com', identifier: 'email', contactId: 0, sentAt: 10 },
				{
					key: '447700900123',
					identifier: 'mobileNumber',
					contactId: 9_000_000_001,
					sentAt: 1_700_000_000_123,
				},
			]),
		);
		await store.settleConsent('acct', ['email:b@example.com', 'mobileNumber:447700900123']);
		await store.forgetContacts('acct', ['email:a@example.com']);
		expect(await store.owedConsent('acct')).toEqual([]);
		expect([
			...(await store.knownContacts('acct', ['email:a@example.com', 'email:b@example.com'])).keys(),
		]).toEqual(['email:b@example.com']);
	});

	it('refuses a state written by a newer schema instead of guessing', async () => {
		const location = backend.fresh();
		await (await backend.open(location)).close();
		await backend.setSchemaVersion(location, 99);
		await expect(backend.open(location)).rejects.toThrow(/newer version of n8n-nodes-pos-sync/);
	});
});

describe('the sync state in Postgres, for a database user with few rights', () => {
	const backend = postgresBackend();
	beforeAll(() => backend.setUp(), 120_000);
	afterAll(() => backend.tearDown(), 60_000);

	it('uses a schema made for it, without the right to create, and says so when the schema is missing', async () => {
		const location = backend.fresh();
		const { schema } = location as { schema: string };
		await (await backend.open(location)).close();
		// The trust authentication of the test server ignores the password; the rights are what count.
		await backend.admin(`CREATE ROLE shop_worker LOGIN;
			GRANT USAGE ON SCHEMA "${schema}" TO shop_worker;
			GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO shop_worker;
			GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA "${schema}" TO shop_worker;
			REVOKE CREATE ON DATABASE n8n FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC;`);
		const store = await backend.open(backend.as('shop_worker', 'unused', schema));
		try {
			await store.rememberIdentities([{ customerId: 'C1', email: 'amelia@example.com' }]);
			expect(Object.fromEntries(await store.lookUpIdentities(['C1']))).toEqual({
				C1: { email: 'amelia@example.com' },
			});
		} finally {
			await store.close();
		}
		await expect(backend.open(backend.as('shop_worker', 'unused', 'not_made_yet'))).rejects.toThrow(
			/permission denied for database n8n/,
		);
	});
});
