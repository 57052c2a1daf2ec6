/**
 * Where a finished export goes: processed/YYYY-MM-DD/ or failed/ (with its reason beside it), and
 * back from failed/ to be tried again. Never through a link, never over another file.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

import { isIgnoredName } from './export-names';
import { FolderError } from './folder-error';

export const PROCESSED_FOLDER = 'processed';
export const FAILED_FOLDER = 'failed';

/** The entry in the watched folder that is moved, and the name it keeps. */
interface MovableFile {
	name: string;
	entryPath: string;
}

/** Moves a processed file to processed/YYYY-MM-DD/ and returns where it went. */
export async function moveToProcessed(
	realFolder: string,
	file: MovableFile,
	day: string,
): Promise<string> {
	const target = await ensureSubfolder(realFolder, PROCESSED_FOLDER, day);
	return moveInto(file, target);
}

/** Moves a file that keeps failing to failed/, with a <name>.reason.txt beside it. */
export async function moveToFailed(
	realFolder: string,
	file: MovableFile,
	reason: string,
): Promise<string> {
	const target = await ensureSubfolder(realFolder, FAILED_FOLDER);
	const moved = await moveInto(file, target);
	await writeNewFile(`${moved}.reason.txt`, reason.endsWith('\n') ? reason : `${reason}\n`);
	return moved;
}

/**
 * Moves every file in failed/ back into the folder (under a free name) and removes its
 * .reason.txt, so that it is tried again with fresh attempts. Returns the names moved back.
 */
export async function sendFailedBack(realFolder: string): Promise<string[]> {
	const failed = join(realFolder, FAILED_FOLDER);
	const info = await lstat(failed).catch(() => undefined);
	if (!info?.isDirectory() || info.isSymbolicLink()) return [];
	const moved: string[] = [];
	for (const entry of await readdir(failed, { withFileTypes: true })) {
		if (!entry.isFile() || entry.name.endsWith('.reason.txt') || isIgnoredName(entry.name))
			continue;
		const target = await freeName(realFolder, entry.name);
		await rename(join(failed, entry.name), target);
		await unlink(join(failed, `${entry.name}.reason.txt`)).catch(() => undefined);
		moved.push(basename(target));
	}
	return moved;
}

async function ensureSubfolder(realFolder: string, ...parts: string[]): Promise<string> {
	let current = realFolder;
	for (const part of parts) {
		current = join(current, part);
		await mkdir(current).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'EEXIST') throw error;
		});
		const info = await lstat(current);
		if (info.isSymbolicLink() || !info.isDirectory()) {
			throw new FolderError(
				`"${current}" is not a plain folder`,
				'processed/ and failed/ must be real folders inside the watched folder, not links.',
			);
		}
	}
	return current;
}

async function moveInto(file: MovableFile, folder: string): Promise<string> {
	const candidate = await freeName(folder, file.name);
	await rename(file.entryPath, candidate);
	return candidate;
}

/** `name` in `folder`, or "name (2).ext", "name (3).ext" … if it is taken. */
async function freeName(folder: string, name: string): Promise<string> {
	const extension = extname(name);
	const stem = name.slice(0, name.length - extension.length);
	for (let copy = 1; ; copy++) {
		const candidate = join(folder, copy === 1 ? name : `${stem} (${copy})${extension}`);
		const taken = await lstat(candidate).then(
			() => true,
			() => false,
		);
		if (!taken) return candidate;
	}
}

/** Writes a file that must not exist yet; a link planted under its name is removed, never followed. */
async function writeNewFile(path: string, content: string): Promise<void> {
	const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
	const handle = await open(path, flags, 0o644).catch(async (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EEXIST') throw error;
		await unlink(path);
		return open(path, flags, 0o644);
	});
	try {
		await handle.writeFile(content);
	} finally {
		await handle.close();
	}
}
