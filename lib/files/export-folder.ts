import { createHash } from 'node:crypto';
import { constants, type ReadStream } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { folderAccessProblem, type FileAccessPolicy } from './access';
import * as moves from './export-moves';
import { isIgnoredName, matcherFor } from './export-names';
import type { FileIdentity } from './file-register';
import { FolderError, folderErrorFrom } from './folder-error';

export { FolderError } from './folder-error';

export interface ExportFile extends FileIdentity {
	/** Where the bytes are read from: the file itself, or the in-folder target of a symlink. */
	readPath: string;
	/** The entry in the watched folder, which is what gets moved. */
	entryPath: string;
	/** Device and inode of what was listed, so that a file swapped since is never read. */
	dev: number;
	ino: number;
}

interface Observation {
	size: number;
	mtimeMs: number;
	since: number;
}

export interface SettleOptions {
	settleMs: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One watched folder: lists export files oldest first, decides when a file has finished being
 * written, hashes it, and moves it to processed/ or failed/. It never reads through a symlink
 * that leads out of the folder.
 */
export class ExportFolder {
	private readonly observations = new Map<string, Observation>();

	private constructor(
		readonly folder: string,
		readonly realFolder: string,
		/** The file name pattern, as the user wrote it. */
		readonly pattern: string,
		private readonly matches: (name: string) => boolean,
	) {}

	static async open(
		folder: string,
		pattern: string,
		policy: FileAccessPolicy,
	): Promise<ExportFolder> {
		const trimmed = folder.trim();
		if (!trimmed)
			throw new FolderError('No folder is set', 'Set "Folder" to the folder the POS exports into.');
		if (!trimmed.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(trimmed)) {
			throw new FolderError(
				`The folder "${folder}" is not a full path`,
				'Use a full path such as /data/pos-exports/customers.',
			);
		}
		let real: string;
		try {
			real = await realpath(trimmed);
			const info = await stat(real);
			if (!info.isDirectory()) throw new FolderError(`"${folder}" is a file, not a folder`);
			await readdir(real);
		} catch (error) {
			if (error instanceof FolderError) throw error;
			throw folderErrorFrom(error, folder);
		}
		const refusal = await folderAccessProblem(real, policy);
		if (refusal) {
			throw new FolderError(
				`n8n does not allow reading the folder "${folder}": ${refusal}`,
				'Use a folder inside one n8n may read, or ask whoever runs n8n to add the folder to N8N_RESTRICT_FILE_ACCESS_TO.',
			);
		}
		return new ExportFolder(trimmed, real, pattern.trim() || '*', matcherFor(pattern));
	}

	/** Matching export files, oldest first, so that journals apply in order. */
	async list(): Promise<ExportFile[]> {
		let entries;
		try {
			entries = await readdir(this.realFolder, { withFileTypes: true });
		} catch (error) {
			throw folderErrorFrom(error, this.folder);
		}
		const files: ExportFile[] = [];
		for (const entry of entries) {
			if (isIgnoredName(entry.name) || !this.matches(entry.name)) continue;
			const file = await this.describe(entry.name, entry.isSymbolicLink(), entry.isFile());
			if (file) files.push(file);
		}
		return files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
	}

	/** Plain files in the folder that are not this feed's (they do not match the pattern), by name. */
	async strays(): Promise<string[]> {
		let entries;
		try {
			entries = await readdir(this.realFolder, { withFileTypes: true });
		} catch (error) {
			throw folderErrorFrom(error, this.folder);
		}
		return entries
			.filter((entry) => entry.isFile() && !isIgnoredName(entry.name) && !this.matches(entry.name))
			.map((entry) => entry.name)
			.sort();
	}

	private async describe(
		name: string,
		isLink: boolean,
		isFile: boolean,
	): Promise<ExportFile | undefined> {
		const entryPath = join(this.realFolder, name);
		try {
			if (isLink) {
				// Only a link to another export file right here: never into subfolders, dotfiles or partial names.
				const target = await realpath(entryPath);
				if (dirname(target) !== this.realFolder || isIgnoredName(basename(target)))
					return undefined;
				const info = await stat(target);
				return info.isFile()
					? {
							name,
							size: info.size,
							mtimeMs: info.mtimeMs,
							readPath: target,
							entryPath,
							dev: info.dev,
							ino: info.ino,
						}
					: undefined;
			}
			if (!isFile) return undefined;
			const info = await lstat(entryPath);
			return info.isFile()
				? {
						name,
						size: info.size,
						mtimeMs: info.mtimeMs,
						readPath: entryPath,
						entryPath,
						dev: info.dev,
						ino: info.ino,
					}
				: undefined;
		} catch {
			// Moved or deleted while we looked: it is simply not there.
			return undefined;
		}
	}

	/**
	 * The files whose size and modified time have not changed for `settleMs`. A file seen for the
	 * first time is looked at again after the settle time within this same check, so a scheduled
	 * check does not have to wait for the next one; a file still growing waits for a later check.
	 */
	async settled(files: ExportFile[], options: SettleOptions): Promise<ExportFile[]> {
		const now = options.now ?? Date.now;
		const sleep = options.sleep ?? defaultSleep;
		const present = new Set(files.map((file) => file.name));
		for (const name of this.observations.keys())
			if (!present.has(name)) this.observations.delete(name);

		const ready: ExportFile[] = [];
		const waiting: ExportFile[] = [];
		let longestWait = 0;
		for (const file of files) {
			const seen = this.observations.get(file.name);
			if (seen && seen.size === file.size && seen.mtimeMs === file.mtimeMs) {
				const remaining = options.settleMs - (now() - seen.since);
				if (remaining <= 0) {
					ready.push(file);
					continue;
				}
				longestWait = Math.max(longestWait, remaining);
			} else {
				this.observations.set(file.name, { size: file.size, mtimeMs: file.mtimeMs, since: now() });
				longestWait = Math.max(longestWait, options.settleMs);
			}
			waiting.push(file);
		}
		if (waiting.length > 0) {
			await sleep(longestWait);
			for (const file of waiting) {
				const again = await this.describe(
					file.name,
					file.readPath !== file.entryPath,
					file.readPath === file.entryPath,
				);
				const seen = this.observations.get(file.name);
				if (!again || !seen) continue;
				if (
					again.size === seen.size &&
					again.mtimeMs === seen.mtimeMs &&
					now() - seen.since >= options.settleMs
				) {
					ready.push(again);
				} else if (again.size !== seen.size || again.mtimeMs !== seen.mtimeMs) {
					this.observations.set(file.name, {
						size: again.size,
						mtimeMs: again.mtimeMs,
						since: now(),
					});
				}
			}
		}
		return ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
	}

	/** The file as it is now, if it has not changed since it was listed; undefined if it has or is gone. */
	async unchanged(file: ExportFile): Promise<ExportFile | undefined> {
		const now = await this.describe(
			file.name,
			file.readPath !== file.entryPath,
			file.readPath === file.entryPath,
		);
		const same =
			now &&
			now.size === file.size &&
			now.mtimeMs === file.mtimeMs &&
			now.dev === file.dev &&
			now.ino === file.ino;
		return same ? now : undefined;
	}

	/**
	 * Opens exactly the file that was listed. No link is followed at the last step, a FIFO cannot
	 * block the open, and what was opened must be the same regular file (device and inode) that was
	 * listed, so a folder or file swapped for a link in the meantime is never read.
	 */
	async openStream(file: ExportFile, range?: { start: number; end: number }): Promise<ReadStream> {
		const handle = await open(
			file.readPath,
			constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
		);
		const info = await handle.stat();
		if (!info.isFile() || info.dev !== file.dev || info.ino !== file.ino) {
			await handle.close();
			throw new FolderError(
				`${file.name} changed while it was being read`,
				'It will be looked at again at the next check.',
			);
		}
		return handle.createReadStream(range);
	}

	/** The first `bytes` bytes of the file, or all of it. */
	async read(file: ExportFile, bytes = Infinity): Promise<Buffer> {
		const chunks: Buffer[] = [];
		const range = Number.isFinite(bytes) ? { start: 0, end: bytes - 1 } : undefined;
		for await (const chunk of await this.openStream(file, range)) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks);
	}

	async sha256(file: ExportFile): Promise<string> {
		const hash = createHash('sha256');
		for await (const chunk of await this.openStream(file)) hash.update(chunk as Buffer);
		return hash.digest('hex');
	}

	/** Moves a processed file to processed/YYYY-MM-DD/ and returns where it went. */
	moveToProcessed(file: ExportFile, day: string): Promise<string> {
		return moves.moveToProcessed(this.realFolder, file, day);
	}

	/** Moves a file that keeps failing to failed/, with a <name>.reason.txt beside it. */
	moveToFailed(file: ExportFile, reason: string): Promise<string> {
		return moves.moveToFailed(this.realFolder, file, reason);
	}

	/** Moves every file in failed/ back into the folder, to be tried again; returns the names moved back. */
	sendFailedBack(): Promise<string[]> {
		return moves.sendFailedBack(this.realFolder);
	}
}
