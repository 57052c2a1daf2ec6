/**
 * Writing the consent changes for the till exactly once, across a crash at any point. The pending
 * record is a small JSON file beside the till's file, in the shop folder, so that it and the file it
 * describes can never disagree, and the sync state keeps its schema on both backends:
 *
 * 1. the CSV is written under a scratch name and synced;
 * 2. the pending record (scratch name, final name, statuses seen, cursor) is written atomically;
 * 3. the scratch file is renamed to its final name;
 * 4. the statuses and the cursor are committed in the sync state;
 * 5. the pending record is removed.
 *
 * A run holds the folder's lock for its account from before the settling to after step 5
 * (lockConsentFolder), so two runs at once never share the scratch file and pending record or list
 * the same changes twice. The next run first settles what a crash left behind. A pending record whose scratch file is gone was
 * renamed (step 3 done), so it is committed, even if the till has already taken the file away; one
 * whose scratch file is still there was never placed, so both are removed and the changes are listed
 * again. A scratch file without a record is removed.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';

import type { ConsentBackStore, ConsentListing } from './consent-back';
import {
	consentFileText,
	checkConsentFileName,
	type ConsentColumns,
	type ConsentWords,
} from './consent-file';
import { consentFileFromLayout, type ConsentLayout } from './consent-layout';
import { lockFolder, type FolderLock, type LockOptions } from '../files/folder-lock';

/** The file's layout: headings and status words set on the node, or the mapping workbook's sheet. */
export type ConsentFormat =
	{ columns: ConsentColumns; words: ConsentWords } | { layout: ConsentLayout };

/** Where a test stops a run, to prove the replay; each is called once the step is durable. */
export type ConsentWriteStep = 'scratch' | 'pending' | 'renamed' | 'committed';
export type ConsentWriteHook = (step: ConsentWriteStep) => Promise<void> | void;

interface PendingWrite {
	scope: string;
	scratch: string;
	file: string;
	seen: Array<{ key: string; fingerprint: string }>;
	until: number;
	contacts: number;
}

/** What a settled record committed: the file it was for, and how many contacts that file holds. */
export interface SettledWrite {
	file: string;
	contacts: number;
}

function names(scope: string): { scratch: string; pending: string; lock: string } {
	const tag = createHash('sha256').update(scope).digest('hex').slice(0, 12);
	return {
		scratch: `.pos-sync-consent-${tag}.part`,
		pending: `.pos-sync-consent-${tag}.pending.json`,
		lock: `.pos-sync-consent-${tag}.lock`,
	};
}

/**
 * Takes the folder's lock for the scope (one Dotdigital account), creating the folder when missing;
 * throws FolderBusyError when another run still holds it after the wait.
 */
export async function lockConsentFolder(
	folder: string,
	scope: string,
	options?: LockOptions,
): Promise<FolderLock> {
	await mkdir(folder, { recursive: true });
	return lockFolder(join(folder, names(scope).lock), options);
}

async function exists(path: string): Promise<boolean> {
	try {
		await lstat(path);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
		throw error;
	}
}

async function writeDurably(path: string, content: string | Buffer): Promise<void> {
	const handle = await open(
		path,
		constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
		0o644,
	);
	try {
		await handle.writeFile(content);
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** Makes a rename in the folder survive a power cut (a no-op where folders cannot be synced). */
async function syncFolder(folder: string): Promise<void> {
	const handle = await open(folder, constants.O_RDONLY).catch(() => undefined);
	if (!handle) return;
	try {
		await handle.sync().catch(() => undefined);
	} finally {
		await handle.close();
	}
}

/** Settles what an earlier run left behind in the folder; the write it committed, if any. */
export async function settleConsentWrite(
	folder: string,
	store: ConsentBackStore,
	scope: string,
): Promise<SettledWrite | null> {
	const { scratch, pending } = names(scope);
	let record: PendingWrite | undefined;
	try {
		record = JSON.parse(await readFile(join(folder, pending), 'utf8')) as PendingWrite;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	let settled: SettledWrite | null = null;
	if (record && !(await exists(join(folder, scratch)))) {
		await store.commit(scope, record.seen, record.until);
		settled = { file: record.file, contacts: record.contacts };
	}
	await unlink(join(folder, scratch)).catch(() => undefined);
	if (record) await unlink(join(folder, pending));
	await syncFolder(folder);
	return settled;
}

/** A free name for the file: one still in the folder is never replaced, the new one gets " (2)" … */
async function freeName(folder: string, name: string): Promise<string> {
	const extension = extname(name);
	const stem = name.slice(0, name.length - extension.length);
	for (let copy = 1; ; copy++) {
		const candidate = copy === 1 ? name : `${stem} (${copy})${extension}`;
		if (!(await exists(join(folder, candidate)))) return candidate;
	}
}

/**
 * Writes the listing's changes as the till's file (none when there are none) and commits the listing;
 * the path written. Call settleConsentWrite first.
 */
export async function writeConsentChanges(
	folder: string,
	name: string,
	listing: ConsentListing,
	format: ConsentFormat,
	store: ConsentBackStore,
	scope: string,
	hook: ConsentWriteHook = () => undefined,
): Promise<string | null> {
	if (listing.changes.length === 0) {
		await store.commit(scope, listing.seen, listing.until);
		await hook('committed');
		return null;
	}
	checkConsentFileName(name);
	const content =
		'layout' in format
			? consentFileFromLayout(listing.changes, format.layout)
			: consentFileText(listing.changes, format.columns, format.words);
	await mkdir(folder, { recursive: true });
	const { scratch, pending } = names(scope);
	await writeDurably(join(folder, scratch), content);
	await hook('scratch');
	const file = await freeName(folder, name);
	const record: PendingWrite = {
		scope,
		scratch,
		file,
		seen: listing.seen,
		until: listing.until,
		contacts: listing.changes.length,
	};
	await writeDurably(join(folder, `${pending}.tmp`), JSON.stringify(record));
	await rename(join(folder, `${pending}.tmp`), join(folder, pending));
	await syncFolder(folder);
	await hook('pending');
	if (await exists(join(folder, file)))
		throw new Error(`"${file}" appeared in the folder while it was being written`);
	await rename(join(folder, scratch), join(folder, file));
	await syncFolder(folder);
	await hook('renamed');
	await store.commit(scope, listing.seen, listing.until);
	await hook('committed');
	await unlink(join(folder, pending));
	return join(folder, file);
}
