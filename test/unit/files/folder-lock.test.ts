/**
 * The folder lock one run holds while it writes: a second run is refused while the holder lives,
 * and a lock whose holder is gone (its process ended, or it stopped touching the lock) is taken over.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { FolderBusyError, lockFolder } from '../../../lib/files/folder-lock';

let dir: string;
let path: string;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'folder-lock-'));
	path = join(dir, '.job.lock');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A process id that is certainly not running: a child that has already exited. */
function deadPid(): number {
	const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
		encoding: 'utf8',
	});
	return Number(child.stdout);
}

function lockHeldBy(holder: { pid: number; host: string }, minutesAgo = 0) {
	writeFileSync(path, JSON.stringify({ ...holder, since: '2026-01-01T09:00:00.000Z', token: 't' }));
	const then = new Date(Date.now() - minutesAgo * 60_000);
	utimesSync(path, then, then);
}

const holderOf = () => JSON.parse(readFileSync(path, 'utf8')) as { pid: number; token: string };

test('a second lock is refused while the first is held, naming the holder, and granted once it is released', async () => {
	const first = await lockFolder(path);
	const refused = lockFolder(path, { waitMs: 0 });
	await expect(refused).rejects.toBeInstanceOf(FolderBusyError);
	await expect(refused).rejects.toThrow(`process ${process.pid} on ${hostname()}`);
	await first.release();
	expect(existsSync(path)).toBe(false);
	const second = await lockFolder(path, { waitMs: 0 });
	expect(holderOf().pid).toBe(process.pid);
	await second.release();
});

test('a run waiting for the lock gets it when the holder releases it within the wait', async () => {
	const first = await lockFolder(path);
	const waiting = lockFolder(path, { waitMs: 60_000, pollMs: 5 });
	await first.release();
	await (await waiting).release();
	expect(existsSync(path)).toBe(false);
});

test("a lock whose process is gone on this host is taken over; a live process's is not", async () => {
	lockHeldBy({ pid: deadPid(), host: hostname() });
	const taken = await lockFolder(path, { waitMs: 0 });
	expect(holderOf().pid).toBe(process.pid);
	await taken.release();

	lockHeldBy({ pid: process.ppid, host: hostname() });
	await expect(lockFolder(path, { waitMs: 0 })).rejects.toBeInstanceOf(FolderBusyError);
});

test('a lock from another host is refused until it has not been touched for the stale bound', async () => {
	lockHeldBy({ pid: deadPid(), host: 'another-host' }, 5);
	await expect(lockFolder(path, { waitMs: 0, staleMs: 10 * 60_000 })).rejects.toBeInstanceOf(
		FolderBusyError,
	);
	lockHeldBy({ pid: deadPid(), host: 'another-host' }, 11);
	const taken = await lockFolder(path, { waitMs: 0, staleMs: 10 * 60_000 });
	expect(holderOf().pid).toBe(process.pid);
	await taken.release();
});

test('a holder that stalled and was taken over does not remove the new holder’s lock', async () => {
	const stalled = await lockFolder(path);
	const then = new Date(Date.now() - 11 * 60_000);
	utimesSync(path, then, then);
	const next = await lockFolder(path, { waitMs: 0, staleMs: 10 * 60_000 });
	const token = holderOf().token;
	await stalled.release();
	expect(holderOf().token).toBe(token);
	await next.release();
	expect(existsSync(path)).toBe(false);
});

test('an unreadable lock (being written) counts as held until it is stale', async () => {
	writeFileSync(path, '');
	await expect(lockFolder(path, { waitMs: 0 })).rejects.toThrow('a run that is just starting');
});
