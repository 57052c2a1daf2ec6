import { createHash } from 'node:crypto';
import { constants, type ReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import picomatch from 'picomatch';

import { folderAccessProblem, type FileAccessPolicy } from './access';
import type { FileIdentity } from './file-register';

/** Names a writer uses while a file is still being written, and names that are not exports. */
const IGNORED_NAME = /^(\.|~\$)|\.(tmp|temp|part|partial|crdownload|filepart|swp|lock)$/i;

export const PROCESSED_FOLDER = 'processed';
export const FAILED_FOLDER = 'failed';

export class FolderError extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
		this.name = 'FolderError';
	}
}

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

export function isIgnoredName(name: string): boolean {
	return IGNORED_NAME.test(name);
}

export function matcherFor(pattern: string): (name: string) => boolean {
	const trimmed = pattern.trim() || '*';
	if (trimmed.includes('/') || trimmed.includes('\\')) {
		throw new FolderError(
			`The file name pattern "${pattern}" contains a folder separator`,
			'The pattern matches file names only, for example "Customers_*.csv". Put the folder in "Folder".',
		);
	}
	return picomatch(trimmed, { nocase: true, dot: false });
}

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
	async moveToProcessed(file: ExportFile, day: string): Promise<string> {
		const target = await this.ensureSubfolder(PROCESSED_FOLDER, day);
		return this.moveInto(file, target);
	}

	/** Moves a file that keeps failing to failed/, with a <name>.reason.txt beside it. */
	async moveToFailed(file: ExportFile, reason: string): Promise<string> {
		const target = await this.ensureSubfolder(FAILED_FOLDER);
		const moved = await this.moveInto(file, target);
		await writeNewFile(`${moved}.reason.txt`, reason.endsWith('\n') ? reason : `${reason}\n`);
		return moved;
	}

	/**
	 * Moves every file in failed/ back into the folder (under a free name) and removes its
	 * .reason.txt, so that it is tried again with fresh attempts. Returns the names moved back.
	 */
	async sendFailedBack(): Promise<string[]> {
		const failed = join(this.realFolder, FAILED_FOLDER);
		const info = await lstat(failed).catch(() => undefined);
		if (!info?.isDirectory() || info.isSymbolicLink()) return [];
		const moved: string[] = [];
		for (const entry of await readdir(failed, { withFileTypes: true })) {
			if (!entry.isFile() || entry.name.endsWith('.reason.txt') || isIgnoredName(entry.name))
				continue;
			const target = await this.freeName(this.realFolder, entry.name);
			await rename(join(failed, entry.name), target);
			await unlink(join(failed, `${entry.name}.reason.txt`)).catch(() => undefined);
			moved.push(basename(target));
		}
		return moved;
	}

	private async ensureSubfolder(...parts: string[]): Promise<string> {
		let current = this.realFolder;
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

	private async moveInto(file: ExportFile, folder: string): Promise<string> {
		const candidate = await this.freeName(folder, file.name);
		await rename(file.entryPath, candidate);
		return candidate;
	}

	/** `name` in `folder`, or "name (2).ext", "name (3).ext" … if it is taken. */
	private async freeName(folder: string, name: string): Promise<string> {
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

function folderErrorFrom(error: unknown, folder: string): FolderError {
	const code = (error as NodeJS.ErrnoException).code;
	switch (code) {
		case 'ENOENT':
			return new FolderError(
				`The folder "${folder}" does not exist`,
				'Check the path, and that the share or volume is mounted on the machine n8n runs on.',
			);
		case 'EACCES':
		case 'EPERM':
			return new FolderError(
				`n8n cannot read the folder "${folder}"`,
				'The user n8n runs as needs read and write permission on the folder.',
			);
		case 'ENOTDIR':
			return new FolderError(`"${folder}" is not a folder`);
		default:
			return new FolderError(`The folder "${folder}" cannot be read: ${(error as Error).message}`);
	}
}
