/**
 * One run at a time for one job in one folder: a lock file created with O_EXCL, holding the
 * holder's process id, host, start and a token, its modification time touched while the run lasts.
 * A lock is taken over when its holder's process is gone (same host) or when it has not been
 * touched for `staleMs` (a holder on another host, or a process id reused). Another run waits up
 * to `waitMs` for it, then gives up with FolderBusyError.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';

export interface LockHolder {
	pid: number;
	host: string;
	/** When the holder took the lock (ISO). */
	since: string;
	token: string;
}

export interface LockOptions {
	/** How long a run waits for another run's lock before giving up. */
	waitMs?: number;
	pollMs?: number;
	/** A lock not touched for this long is taken over, whoever holds it. */
	staleMs?: number;
	/** How often the holder touches its lock. */
	touchMs?: number;
}

export const LOCK_DEFAULTS: Required<LockOptions> = {
	waitMs: 10_000,
	pollMs: 200,
	staleMs: 10 * 60_000,
	touchMs: 30_000,
};

export class FolderBusyError extends Error {
	constructor(
		readonly path: string,
		readonly holder: LockHolder | undefined,
	) {
		const who = holder
			? `process ${holder.pid} on ${holder.host}, since ${holder.since}`
			: 'a run that is just starting';
		super(`Another run holds "${basename(path)}" in "${dirname(path)}" (${who})`);
	}
}

export interface FolderLock {
	readonly path: string;
	/** Removes the lock, unless another run took it over after this one stalled past `staleMs`. */
	release(): Promise<void>;
}

interface Seen {
	holder: LockHolder | undefined;
	ino: number;
	mtimeMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function look(path: string): Promise<Seen | undefined> {
	try {
		const info = await stat(path);
		let holder: LockHolder | undefined;
		try {
			holder = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
		} catch {
			holder = undefined; // being written, or not ours to read: judged by its age alone
		}
		return { holder, ino: info.ino, mtimeMs: info.mtimeMs };
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

function processGone(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}

function isStale(seen: Seen, staleMs: number): boolean {
	const { holder } = seen;
	if (
		holder &&
		holder.host === hostname() &&
		Number.isInteger(holder.pid) &&
		processGone(holder.pid)
	)
		return true;
	return Date.now() - seen.mtimeMs > staleMs;
}

async function tryCreate(path: string, me: LockHolder): Promise<boolean> {
	let handle;
	try {
		handle = await open(
			path,
			constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
			0o644,
		);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
	try {
		await handle.writeFile(JSON.stringify(me), 'utf8');
		await handle.sync();
	} finally {
		await handle.close();
	}
	return true;
}

/**
 * Moves a stale lock aside. When another run replaced it between the look and the move, the moved
 * file is that run's live lock and is put back.
 */
async function takeOver(path: string, stale: Seen, token: string): Promise<void> {
	const aside = `${path}.${token}.stale`;
	try {
		await rename(path, aside);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	const moved = await stat(aside);
	if (moved.ino !== stale.ino) await link(aside, path).catch(() => undefined);
	await unlink(aside);
}

export async function lockFolder(path: string, options: LockOptions = {}): Promise<FolderLock> {
	const { waitMs, pollMs, staleMs, touchMs } = { ...LOCK_DEFAULTS, ...options };
	const me: LockHolder = {
		pid: process.pid,
		host: hostname(),
		since: new Date().toISOString(),
		token: randomUUID(),
	};
	const deadline = Date.now() + waitMs;
	for (;;) {
		if (await tryCreate(path, me)) break;
		const seen = await look(path);
		if (!seen) continue;
		if (isStale(seen, staleMs)) {
			await takeOver(path, seen, me.token);
			continue;
		}
		if (Date.now() >= deadline) throw new FolderBusyError(path, seen.holder);
		await sleep(pollMs);
	}
	const mine = async () => (await look(path))?.holder?.token === me.token;
	const touch = setInterval(() => {
		const now = new Date();
		void mine()
			.then((held) => (held ? utimes(path, now, now) : undefined))
			.catch(() => undefined);
	}, touchMs);
	touch.unref();
	return {
		path,
		release: async () => {
			clearInterval(touch);
			if (await mine()) await unlink(path).catch(() => undefined);
		},
	};
}
