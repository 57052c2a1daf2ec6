import { createHash } from 'node:crypto';
import {
	appendFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	renameSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fileAccessPolicyFromEnv } from '../../../lib/files/access';
import { ExportFolder, FolderError } from '../../../lib/files/export-folder';
import { isIgnoredName } from '../../../lib/files/export-names';
import { writeFileAged } from '../../helpers/files';

const open = (folder: string, pattern = '*.csv') =>
	ExportFolder.open(folder, pattern, fileAccessPolicyFromEnv({ N8N_RESTRICT_FILE_ACCESS_TO: '' }));

function tempFolder() {
	return mkdtempSync(join(tmpdir(), 'export-folder-'));
}

const touch = writeFileAged;

describe('ExportFolder', () => {
	test('lists matching files oldest first and ignores temporary and partial names', async () => {
		const dir = tempFolder();
		touch(join(dir, 'b.csv'), 'b', 10);
		touch(join(dir, 'a.csv'), 'a', 20);
		touch(join(dir, 'C.CSV'), 'c', 5);
		for (const ignored of ['x.csv.tmp', 'x.part', '~$book.csv', '.hidden.csv', 'notes.txt'])
			touch(join(dir, ignored), 'x', 30);
		mkdirSync(join(dir, 'folder.csv'));
		const folder = await open(dir);
		expect((await folder.list()).map((f) => f.name)).toEqual(['a.csv', 'b.csv', 'C.CSV']);
	});

	test.each([
		'x.tmp',
		'x.TEMP',
		'x.part',
		'x.partial',
		'x.crdownload',
		'~$Customers.xlsx',
		'.DS_Store',
		'.~lock.x.csv#',
	])('%s is a temporary or partial name', (name) => {
		expect(isIgnoredName(name)).toBe(true);
	});

	test('never follows a symlink out of the watched folder', async () => {
		const outside = tempFolder();
		writeFileSync(join(outside, 'secret.csv'), 'password\nhunter2\n');
		const dir = tempFolder();
		symlinkSync(join(outside, 'secret.csv'), join(dir, 'escape.csv'));
		writeFileSync(join(dir, 'real.csv'), 'a\n1\n');
		symlinkSync(join(dir, 'real.csv'), join(dir, 'alias.csv'));
		const folder = await open(dir);
		const names = (await folder.list()).map((f) => f.name).sort();
		expect(names).toEqual(['alias.csv', 'real.csv']);
	});

	test('a symlink into a subfolder or to a dotfile of the watched folder is not followed', async () => {
		const dir = tempFolder();
		mkdirSync(join(dir, 'sub'));
		writeFileSync(join(dir, 'sub', 'config.csv'), 'secret');
		writeFileSync(join(dir, '.hidden.csv'), 'secret');
		symlinkSync(join(dir, 'sub', 'config.csv'), join(dir, 'a.csv'));
		symlinkSync(join(dir, '.hidden.csv'), join(dir, 'b.csv'));
		expect((await (await open(dir)).list()).map((f) => f.name)).toEqual([]);
	});

	test('a file replaced after it was listed is not read, even by a regular file', async () => {
		const dir = tempFolder();
		writeFileSync(join(dir, 'a.csv'), 'listed');
		const folder = await open(dir);
		const [file] = await folder.list();
		writeFileSync(join(dir, 'replacement.tmp'), 'someone else');
		renameSync(join(dir, 'replacement.tmp'), join(dir, 'a.csv'));
		await expect(folder.sha256(file)).rejects.toThrow(/changed while it was being read/);
		expect(await folder.unchanged(file)).toBeUndefined();
	});

	test('a reason file planted as a symlink is replaced, never written through', async () => {
		const outside = tempFolder();
		writeFileSync(join(outside, 'config'), 'precious');
		const dir = tempFolder();
		mkdirSync(join(dir, 'failed'));
		symlinkSync(join(outside, 'config'), join(dir, 'failed', 'bad.csv.reason.txt'));
		writeFileSync(join(dir, 'bad.csv'), 'x');
		const folder = await open(dir);
		const [file] = await folder.list();
		await folder.moveToFailed(file, 'why');
		expect(readFileSync(join(outside, 'config'), 'utf8')).toBe('precious');
		expect(readFileSync(join(dir, 'failed', 'bad.csv.reason.txt'), 'utf8')).toBe('why\n');
	});

	test('a file swapped for a symlink after it was listed is not read', async () => {
		const outside = tempFolder();
		writeFileSync(join(outside, 'secret.csv'), 'secret');
		const dir = tempFolder();
		writeFileSync(join(dir, 'a.csv'), 'a');
		const folder = await open(dir);
		const [file] = await folder.list();
		rmSync(file.readPath);
		symlinkSync(join(outside, 'secret.csv'), file.readPath);
		await expect(folder.sha256(file)).rejects.toThrow(/ELOOP|symbolic link/);
	});

	test('a file still being written is not ready; it is ready once unchanged for the settle time', async () => {
		const dir = tempFolder();
		const path = join(dir, 'growing.csv');
		writeFileSync(path, 'id\n1\n');
		const folder = await open(dir);
		let clock = 0;
		const sleep = async (ms: number) => {
			clock += ms;
			appendFileSync(path, '2\n'); // the POS is still writing while we wait
		};
		expect(
			await folder.settled(await folder.list(), { settleMs: 5000, now: () => clock, sleep }),
		).toEqual([]);

		const quietSleep = async (ms: number) => {
			clock += ms;
		};
		const ready = await folder.settled(await folder.list(), {
			settleMs: 5000,
			now: () => clock,
			sleep: quietSleep,
		});
		expect(ready.map((f) => f.name)).toEqual(['growing.csv']);
		expect(ready[0].size).toBe(readFileSync(path).length);
	});

	test('a file already seen unchanged for the settle time is ready without waiting again', async () => {
		const dir = tempFolder();
		writeFileSync(join(dir, 'a.csv'), 'a');
		const folder = await open(dir);
		let clock = 0;
		const sleeps: number[] = [];
		const sleep = async (ms: number) => {
			sleeps.push(ms);
			clock += ms;
		};
		await folder.settled(await folder.list(), { settleMs: 3000, now: () => clock, sleep });
		clock += 10_000;
		expect(
			(await folder.settled(await folder.list(), { settleMs: 3000, now: () => clock, sleep }))
				.length,
		).toBe(1);
		expect(sleeps).toEqual([3000]);
	});

	test('hashes the file content with sha256', async () => {
		const dir = tempFolder();
		writeFileSync(join(dir, 'a.csv'), 'hello');
		const folder = await open(dir);
		const [file] = await folder.list();
		expect(await folder.sha256(file)).toBe(createHash('sha256').update('hello').digest('hex'));
	});

	test('moves processed files into processed/YYYY-MM-DD without overwriting an earlier one', async () => {
		const dir = tempFolder();
		writeFileSync(join(dir, 'a.csv'), 'first');
		const folder = await open(dir);
		const [first] = await folder.list();
		expect(await folder.moveToProcessed(first, '2026-11-22')).toBe(
			join(dir, 'processed', '2026-11-22', 'a.csv'),
		);
		writeFileSync(join(dir, 'a.csv'), 'second');
		const [second] = await folder.list();
		expect(await folder.moveToProcessed(second, '2026-11-22')).toBe(
			join(dir, 'processed', '2026-11-22', 'a (2).csv'),
		);
		expect(readFileSync(join(dir, 'processed', '2026-11-22', 'a.csv'), 'utf8')).toBe('first');
		expect(existsSync(join(dir, 'a.csv'))).toBe(false);
	});

	test('moves failed files to failed/ with a reason beside them', async () => {
		const dir = tempFolder();
		writeFileSync(join(dir, 'bad.csv'), 'x');
		const folder = await open(dir);
		const [file] = await folder.list();
		await folder.moveToFailed(file, 'Mapping failed');
		expect(readFileSync(join(dir, 'failed', 'bad.csv.reason.txt'), 'utf8')).toBe(
			'Mapping failed\n',
		);
		expect(readFileSync(join(dir, 'failed', 'bad.csv'), 'utf8')).toBe('x');
	});

	test('refuses a processed/ folder that is a symlink', async () => {
		const outside = tempFolder();
		const dir = tempFolder();
		symlinkSync(outside, join(dir, 'processed'));
		writeFileSync(join(dir, 'a.csv'), 'a');
		const folder = await open(dir);
		const [file] = await folder.list();
		await expect(folder.moveToProcessed(file, '2026-11-22')).rejects.toThrow(FolderError);
		expect(existsSync(join(dir, 'a.csv'))).toBe(true);
	});

	describe('a folder that cannot be watched gives a clear error', () => {
		test.each([
			['', /No folder is set/],
			['relative/path', /not a full path/],
			['/no/such/folder/anywhere', /does not exist/],
		])('%j', async (path, message) => {
			await expect(open(path)).rejects.toThrow(message);
		});

		test('a file instead of a folder', async () => {
			const dir = tempFolder();
			writeFileSync(join(dir, 'f'), '');
			await expect(open(join(dir, 'f'))).rejects.toThrow(/is a file, not a folder/);
		});

		test('a folder outside N8N_RESTRICT_FILE_ACCESS_TO', async () => {
			const dir = tempFolder();
			const refused = ExportFolder.open(
				dir,
				'*.csv',
				fileAccessPolicyFromEnv({ N8N_RESTRICT_FILE_ACCESS_TO: '/srv/only-here' }),
			);
			await expect(refused).rejects.toMatchObject({
				message: expect.stringMatching(
					/does not allow reading the folder .*: it is outside the folders n8n may read \(N8N_RESTRICT_FILE_ACCESS_TO=\/srv\/only-here\)/,
				),
				description: expect.stringMatching(/N8N_RESTRICT_FILE_ACCESS_TO/),
			});
		});

		test('a pattern with a folder in it', async () => {
			await expect(open(tempFolder(), 'sub/*.csv')).rejects.toThrow(/folder separator/);
		});
	});
});
