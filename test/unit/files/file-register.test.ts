import { FileRegister } from '../../../lib/files/file-register';

const at = new Date('2026-11-22T10:00:00Z');
const file = (name: string, size = 10, mtimeMs = 1000) => ({ name, size, mtimeMs });

describe('FileRegister', () => {
	test('remembers processed content by sha256, whatever the name', () => {
		const register = new FileRegister(undefined, at);
		register.recordProcessed(file('a.csv'), 'sha-a', at);
		expect(register.isProcessed('sha-a')).toBe(true);
		expect(register.isProcessed('sha-b')).toBe(false);
		expect(register.knownSha(file('a.csv'))).toBe('sha-a');
		// Same name but the file changed: it must be hashed again.
		expect(register.knownSha(file('a.csv', 11))).toBeUndefined();
		expect(register.knownSha(file('a.csv', 10, 2000))).toBeUndefined();
	});

	test('survives a round trip through JSON, as static data does', () => {
		const register = new FileRegister(undefined, at);
		register.recordProcessed(file('a.csv'), 'sha-a', at);
		register.recordFailedAttempt(file('b.csv'), 'sha-b', 'boom', at);
		const restored = new FileRegister(JSON.parse(JSON.stringify(register.toJSON())), at);
		expect(restored.isProcessed('sha-a')).toBe(true);
		expect(restored.retryOf('sha-b')).toMatchObject({
			attempts: 1,
			lastError: 'boom',
			name: 'b.csv',
		});
	});

	test('ignores state it does not recognise instead of crashing', () => {
		for (const junk of [null, 'text', { version: 2 }, { version: 1, entries: 'x' }]) {
			const register = new FileRegister(junk, at);
			expect(register.size).toBe(0);
			expect(register.lastFileAt).toBe(at.toISOString());
		}
	});

	test('counts failed attempts and starts afresh once given up', () => {
		const register = new FileRegister(undefined, at);
		expect(register.recordFailedAttempt(file('t.csv'), 'sha-t', 'e1', at)).toBe(1);
		expect(register.recordFailedAttempt(file('t.csv'), 'sha-t', 'e2', at)).toBe(2);
		register.recordGivenUp(file('t.csv'), 'sha-t', at);
		expect(register.retryOf('sha-t')).toBeUndefined();
		expect(register.isProcessed('sha-t')).toBe(false);
	});

	test('stays bounded, but never forgets a file that is still in the folder', () => {
		const register = new FileRegister(undefined, at, 3);
		for (let i = 0; i < 6; i++) register.recordProcessed(file(`f${i}.csv`), `sha-${i}`, at);
		register.prune(new Set(['f0.csv', 'f1.csv']));
		expect(register.size).toBe(3);
		expect(register.isProcessed('sha-0')).toBe(true);
		expect(register.isProcessed('sha-1')).toBe(true);
		expect(register.isProcessed('sha-2')).toBe(false);
		expect(register.isProcessed('sha-5')).toBe(true);
	});

	test('a fixed file name rewritten again and again keeps only its latest entry protected', () => {
		const register = new FileRegister(undefined, at, 3);
		for (let i = 0; i < 10; i++)
			register.recordProcessed(file('Customers.csv', 10 + i), `sha-${i}`, at);
		register.prune(new Set(['Customers.csv']));
		expect(register.size).toBe(3);
		expect(register.knownSha(file('Customers.csv', 19))).toBe('sha-9');
	});

	test('drops retry records of files someone removed from the folder', () => {
		const register = new FileRegister(undefined, at);
		register.recordFailedAttempt(file('gone.csv'), 'sha-g', 'e', at);
		register.prune(new Set());
		expect(register.retryOf('sha-g')).toBeUndefined();
	});

	test('merging static data with the journal keeps every outcome either knows', () => {
		const staticCopy = new FileRegister(undefined, at);
		staticCopy.recordProcessed(file('a.csv'), 'sha-a', at);
		staticCopy.recordFailedAttempt(file('b.csv'), 'sha-b', 'e', at);
		const journalCopy = new FileRegister(staticCopy.toJSON(), at);
		const later = new Date('2026-11-22T11:00:00Z');
		journalCopy.recordProcessed(file('b.csv'), 'sha-b', later);
		journalCopy.recordFailedAttempt(file('c.csv'), 'sha-c', 'e', later);
		journalCopy.noteNewFile(later);

		const merged = FileRegister.merge(staticCopy.toJSON(), journalCopy.toJSON(), at);
		expect(merged.isProcessed('sha-a')).toBe(true);
		expect(merged.isProcessed('sha-b')).toBe(true);
		expect(merged.retryOf('sha-b')).toBeUndefined();
		expect(merged.retryOf('sha-c')?.attempts).toBe(1);
		expect(merged.lastFileAt).toBe(later.toISOString());
		// Either copy alone is used as it is.
		expect(FileRegister.merge(undefined, journalCopy.toJSON(), at).isProcessed('sha-b')).toBe(true);
		expect(FileRegister.merge(staticCopy.toJSON(), undefined, at).isProcessed('sha-b')).toBe(false);
	});
});
