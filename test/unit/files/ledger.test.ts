import { FileLedger } from '../../../lib/files/ledger';

const at = new Date('2026-11-22T10:00:00Z');
const file = (name: string, size = 10, mtimeMs = 1000) => ({ name, size, mtimeMs });

describe('FileLedger', () => {
	test('remembers processed content by sha256, whatever the name', () => {
		const ledger = new FileLedger(undefined, at);
		ledger.recordProcessed(file('a.csv'), 'sha-a', at);
		expect(ledger.isProcessed('sha-a')).toBe(true);
		expect(ledger.isProcessed('sha-b')).toBe(false);
		expect(ledger.knownSha(file('a.csv'))).toBe('sha-a');
		// Same name but the file changed: it must be hashed again.
		expect(ledger.knownSha(file('a.csv', 11))).toBeUndefined();
		expect(ledger.knownSha(file('a.csv', 10, 2000))).toBeUndefined();
	});

	test('survives a round trip through JSON, as static data does', () => {
		const ledger = new FileLedger(undefined, at);
		ledger.recordProcessed(file('a.csv'), 'sha-a', at);
		ledger.recordFailedAttempt(file('b.csv'), 'sha-b', 'boom', at);
		const restored = new FileLedger(JSON.parse(JSON.stringify(ledger.toJSON())), at);
		expect(restored.isProcessed('sha-a')).toBe(true);
		expect(restored.retryOf('sha-b')).toMatchObject({
			attempts: 1,
			lastError: 'boom',
			name: 'b.csv',
		});
	});

	test('ignores state it does not recognise instead of crashing', () => {
		for (const junk of [null, 'text', { version: 2 }, { version: 1, entries: 'x' }]) {
			const ledger = new FileLedger(junk, at);
			expect(ledger.size).toBe(0);
			expect(ledger.lastFileAt).toBe(at.toISOString());
		}
	});

	test('counts failed attempts and starts afresh once given up', () => {
		const ledger = new FileLedger(undefined, at);
		expect(ledger.recordFailedAttempt(file('t.csv'), 'sha-t', 'e1', at)).toBe(1);
		expect(ledger.recordFailedAttempt(file('t.csv'), 'sha-t', 'e2', at)).toBe(2);
		ledger.recordGivenUp(file('t.csv'), 'sha-t', at);
		expect(ledger.retryOf('sha-t')).toBeUndefined();
		expect(ledger.isProcessed('sha-t')).toBe(false);
	});

	test('stays bounded, but never forgets a file that is still in the folder', () => {
		const ledger = new FileLedger(undefined, at, 3);
		for (let i = 0; i < 6; i++) ledger.recordProcessed(file(`f${i}.csv`), `sha-${i}`, at);
		ledger.prune(new Set(['f0.csv', 'f1.csv']));
		expect(ledger.size).toBe(3);
		expect(ledger.isProcessed('sha-0')).toBe(true);
		expect(ledger.isProcessed('sha-1')).toBe(true);
		expect(ledger.isProcessed('sha-2')).toBe(false);
		expect(ledger.isProcessed('sha-5')).toBe(true);
	});

	test('a fixed file name rewritten again and again keeps only its latest entry protected', () => {
		const ledger = new FileLedger(undefined, at, 3);
		for (let i = 0; i < 10; i++)
			ledger.recordProcessed(file('Customers.csv', 10 + i), `sha-${i}`, at);
		ledger.prune(new Set(['Customers.csv']));
		expect(ledger.size).toBe(3);
		expect(ledger.knownSha(file('Customers.csv', 19))).toBe('sha-9');
	});

	test('drops retry records of files someone removed from the folder', () => {
		const ledger = new FileLedger(undefined, at);
		ledger.recordFailedAttempt(file('gone.csv'), 'sha-g', 'e', at);
		ledger.prune(new Set());
		expect(ledger.retryOf('sha-g')).toBeUndefined();
	});

	test('merging static data with the journal keeps every outcome either knows', () => {
		const staticCopy = new FileLedger(undefined, at);
		staticCopy.recordProcessed(file('a.csv'), 'sha-a', at);
		staticCopy.recordFailedAttempt(file('b.csv'), 'sha-b', 'e', at);
		const journalCopy = new FileLedger(staticCopy.toJSON(), at);
		const later = new Date('2026-11-22T11:00:00Z');
		journalCopy.recordProcessed(file('b.csv'), 'sha-b', later);
		journalCopy.recordFailedAttempt(file('c.csv'), 'sha-c', 'e', later);
		journalCopy.noteNewFile(later);

		const merged = FileLedger.merge(staticCopy.toJSON(), journalCopy.toJSON(), at);
		expect(merged.isProcessed('sha-a')).toBe(true);
		expect(merged.isProcessed('sha-b')).toBe(true);
		expect(merged.retryOf('sha-b')).toBeUndefined();
		expect(merged.retryOf('sha-c')?.attempts).toBe(1);
		expect(merged.lastFileAt).toBe(later.toISOString());
		// Either copy alone is used as it is.
		expect(FileLedger.merge(undefined, journalCopy.toJSON(), at).isProcessed('sha-b')).toBe(true);
		expect(FileLedger.merge(staticCopy.toJSON(), undefined, at).isProcessed('sha-b')).toBe(false);
	});
});
