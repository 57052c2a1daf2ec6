import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fileAccessPolicyFromEnv } from '../../../lib/files/access';
import { ExportFolder, type FolderError } from '../../../lib/files/export-folder';
import { ExportWatcher } from '../../../lib/files/export-watcher';
import type {
	ExecutionOutcome,
	FileToEmit,
	FeedPauseAlert,
	SkippedFile,
	SyncGapAlert,
	WatcherSettings,
} from '../../../lib/files/watcher-contract';
import type { RegisterState } from '../../../lib/files/file-register';
import { writeFileAged } from '../../helpers/files';

interface Harness {
	dir: string;
	emitted: FileToEmit[];
	alerts: Array<SyncGapAlert | FeedPauseAlert>;
	problems: FolderError[];
	skipped: SkippedFile[];
	saved: RegisterState[];
	clock: { now: number };
	/** What the next executions end with; a promise stands for one still running. */
	outcomes: Array<ExecutionOutcome | Promise<ExecutionOutcome>>;
	/** A watcher as a (re-)activated trigger gets it; `process` names the n8n process it runs in, `saved` the settings it was saved with since. */
	watcher: (process?: number, saved?: Partial<WatcherSettings>) => Promise<ExportWatcher>;
}

const settings: WatcherSettings = {
	feed: 'customer',
	settleMs: 1000,
	maxAttempts: 2,
	maxFilesPerCheck: 0,
	moveProcessed: false,
	expectedEveryMinutes: 0,
	timezone: 'UTC',
	stateKey: 'unused',
};

function harness(overrides: Partial<WatcherSettings> = {}, initialState?: RegisterState): Harness {
	const dir = mkdtempSync(join(tmpdir(), 'watcher-'));
	const h: Harness = {
		dir,
		emitted: [],
		alerts: [],
		problems: [],
		skipped: [],
		saved: [],
		clock: { now: Date.parse('2026-11-22T09:00:00Z') },
		outcomes: [],
		watcher: async (process = 1, saved = {}) => {
			const folder = await ExportFolder.open(
				dir,
				'*.csv',
				fileAccessPolicyFromEnv({ N8N_RESTRICT_FILE_ACCESS_TO: '' }),
			);
			return new ExportWatcher(
				folder,
				{ ...settings, ...overrides, ...saved, stateKey: `${dir}#${process}` },
				{
					emitFile: async (file) => {
						h.emitted.push(file);
						return await (h.outcomes.shift() ?? { status: 'succeeded' });
					},
					emitAlert: (alert) => h.alerts.push(alert),
					reportProblem: (error) => h.problems.push(error),
					recordSkipped: async (skipped) => {
						h.skipped.push(skipped);
					},
					loadState: async () => h.saved.at(-1) ?? initialState,
					saveState: async (state) => {
						h.saved.push(JSON.parse(JSON.stringify(state)));
					},
					now: () => new Date(h.clock.now),
					sleep: async (ms) => {
						h.clock.now += ms;
					},
				},
			);
		},
	};
	return h;
}

function drop(h: Harness, name: string, content: string, secondsAgo = 60) {
	writeFileAged(join(h.dir, name), content, secondsAgo);
}

describe('ExportWatcher', () => {
	test('hands over files one at a time, oldest first, each once', async () => {
		const h = harness();
		drop(h, 'second.csv', 'b', 30);
		drop(h, 'first.csv', 'a', 60);
		const watcher = await h.watcher();
		const summary = await watcher.check();
		expect(h.emitted.map((e) => e.file.name)).toEqual(['first.csv', 'second.csv']);
		expect(summary).toMatchObject({ emitted: 2, succeeded: 2, failed: 0 });
		await watcher.check();
		expect(h.emitted).toHaveLength(2);
	});

	test('after a restart, the saved file register keeps anything from being emitted twice', async () => {
		const h = harness();
		drop(h, 'a.csv', 'a');
		await (await h.watcher(1)).check();
		drop(h, 'b.csv', 'b');
		await (await h.watcher(2)).check();
		expect(h.emitted.map((e) => e.file.name)).toEqual(['a.csv', 'b.csv']);
	});

	test('the same content under another name is skipped as a duplicate', async () => {
		const h = harness({ moveProcessed: true });
		drop(h, 'a.csv', 'same');
		const watcher = await h.watcher();
		await watcher.check();
		drop(h, 'a-copy.csv', 'same');
		const summary = await watcher.check();
		expect(summary).toMatchObject({ emitted: 0, skippedDuplicates: 1 });
		expect(h.emitted).toHaveLength(1);
		expect(existsSync(join(h.dir, 'processed', '2026-11-22', 'a-copy.csv'))).toBe(true);
		// The same content under the same name again, later.
		drop(h, 'a.csv', 'same', 5);
		await watcher.check();
		expect(h.skipped).toEqual([
			{
				file: 'a-copy.csv',
				reason: 'duplicate',
				note: 'same content as a.csv, processed Sun 22 Nov 2026 09:00',
				key: expect.stringMatching(/^a-copy\.csv@/),
			},
			{
				file: 'a.csv',
				reason: 'duplicate',
				note: 'same content as a.csv, processed Sun 22 Nov 2026 09:00',
				key: expect.stringMatching(/^a\.csv@/),
			},
		]);
		expect(h.emitted).toHaveLength(1);
	});

	test('a failed execution is retried, then the file goes to failed/ with the reason', async () => {
		const h = harness();
		drop(h, 'tx.csv', 'order_id\n1\n');
		h.outcomes.push(
			{ status: 'failed', error: 'Dotdigital said no (in node "Upsert")' },
			{ status: 'failed', error: 'Dotdigital said no again' },
		);
		const watcher = await h.watcher();
		expect(await watcher.check()).toMatchObject({ emitted: 1, failed: 1, movedToFailed: 0 });
		// Attempts are spaced out: straight away the file waits.
		expect(await watcher.check()).toMatchObject({ emitted: 0, waitingToRetry: 1 });
		h.clock.now += 20_000;
		expect(await watcher.check()).toMatchObject({ emitted: 1, failed: 1, movedToFailed: 1 });
		expect(h.emitted.map((e) => e.attempt)).toEqual([1, 2]);
		const reason = readFileSync(join(h.dir, 'failed', 'tx.csv.reason.txt'), 'utf8');
		expect(reason).toContain('after 2 failed attempts');
		expect(reason).toContain('Dotdigital said no again');
		expect(await watcher.check()).toMatchObject({ emitted: 0 });
	});

	test('an unreadable file goes straight to failed/ and is reported', async () => {
		const h = harness();
		drop(h, 'report.csv', '%PDF-1.7');
		h.outcomes.push({ status: 'unreadable', error: 'it is not a CSV or Excel file' });
		await (await h.watcher()).check();
		expect(existsSync(join(h.dir, 'failed', 'report.csv'))).toBe(true);
		expect(h.problems.map((p) => p.message)).toEqual([
			'report.csv was moved to failed/: it is not a CSV or Excel file',
		]);
	});

	test('a processed file that cannot be moved stays processed, and the problem is reported', async () => {
		const h = harness({ moveProcessed: true });
		drop(h, 'a.csv', 'a');
		writeFileSync(join(h.dir, 'processed'), 'a file where the processed/ folder should be');
		const watcher = await h.watcher();
		await watcher.check();
		await watcher.check();
		expect(h.emitted).toHaveLength(1);
		expect(h.problems.map((p) => p.message)).toEqual([
			expect.stringMatching(/^a\.csv could not be moved: /),
		]);
		expect(h.saved.at(-1)!.entries).toMatchObject([{ name: 'a.csv', outcome: 'processed' }]);
	});

	test('takes at most the configured number of files per check, oldest first', async () => {
		const h = harness({ maxFilesPerCheck: 2 });
		for (let i = 1; i <= 5; i++) drop(h, `f${i}.csv`, `content ${i}`, 100 - i);
		const watcher = await h.watcher();
		await watcher.check();
		expect(h.emitted.map((e) => e.file.name)).toEqual(['f1.csv', 'f2.csv']);
		await watcher.check();
		await watcher.check();
		expect(h.emitted.map((e) => e.file.name)).toEqual([
			'f1.csv',
			'f2.csv',
			'f3.csv',
			'f4.csv',
			'f5.csv',
		]);
	});

	test('a feed that goes quiet raises one alert, and the next file clears it', async () => {
		const h = harness({ expectedEveryMinutes: 60 });
		const watcher = await h.watcher();
		await watcher.check();
		expect(h.alerts).toHaveLength(0);
		h.clock.now += 61 * 60_000;
		await watcher.check();
		await watcher.check();
		expect(h.alerts).toHaveLength(1);
		expect(h.alerts[0]).toMatchObject({
			alert: 'sync_gap',
			feed: 'customer',
			expected_every_minutes: 60,
		});
		expect((h.alerts[0] as SyncGapAlert).quiet_for_minutes).toBeGreaterThanOrEqual(61);

		drop(h, 'a.csv', 'a');
		await watcher.check();
		h.clock.now += 61 * 60_000;
		await watcher.check();
		expect(h.alerts).toHaveLength(2);
	});

	test('a folder that disappears is reported once while it stays missing', async () => {
		const h = harness();
		const watcher = await h.watcher();
		rmSync(h.dir, { recursive: true });
		await watcher.check();
		await watcher.check();
		expect(h.problems).toHaveLength(1);
		expect(h.problems[0].message).toMatch(/does not exist/);
	});

	test('a trigger re-activated while an execution runs does not hand the same file over again', async () => {
		const h = harness();
		drop(h, 'a.csv', 'a');
		let finish!: (outcome: ExecutionOutcome) => void;
		h.outcomes.push(new Promise<ExecutionOutcome>((resolve) => (finish = resolve)));
		const old = await h.watcher();
		const running = old.check();
		while (h.emitted.length === 0) await new Promise((r) => setImmediate(r));
		old.close();

		const replacement = await h.watcher();
		expect(await replacement.check()).toMatchObject({ emitted: 0 });
		finish({ status: 'succeeded' });
		await running;
		expect(await replacement.check()).toMatchObject({ emitted: 0 });
		expect(h.emitted.map((e) => e.file.name)).toEqual(['a.csv']);
	});

	test('a file that cannot be read this time counts as an attempt and does not hold up the files after it', async () => {
		const h = harness({ maxAttempts: 2 });
		drop(h, 'locked.csv', 'x', 60);
		drop(h, 'next.csv', 'y', 30);
		const realSha = ExportFolder.prototype.sha256;
		const sha = jest.spyOn(ExportFolder.prototype, 'sha256').mockImplementation(async function (
			this: ExportFolder,
			file,
		) {
			if (file.name === 'locked.csv')
				throw Object.assign(new Error("EACCES: permission denied, open 'locked.csv'"), {
					code: 'EACCES',
				});
			return realSha.call(this, file);
		});
		try {
			const watcher = await h.watcher();
			expect(await watcher.check()).toMatchObject({ emitted: 1, failed: 1 });
			expect(h.emitted.map((e) => e.file.name)).toEqual(['next.csv']);
			h.clock.now += 20_000;
			await watcher.check();
			expect(readFileSync(join(h.dir, 'failed', 'locked.csv.reason.txt'), 'utf8')).toContain(
				'The file could not be read (EACCES)',
			);
		} finally {
			sha.mockRestore();
		}
	});

	test('a file that does not match the pattern is reported once, and again only if it comes back after going', async () => {
		const h = harness();
		drop(h, 'report.pdf', '%PDF-1.7');
		drop(h, '~$open.xlsx', 'lock');
		const watcher = await h.watcher();
		expect(await watcher.check()).toMatchObject({ strays: ['report.pdf'] });
		await watcher.check();
		await (await h.watcher(2)).check();
		expect(h.skipped).toEqual([
			{
				file: 'report.pdf',
				reason: 'stray',
				note: 'does not match the file name pattern "*.csv", so the customer feed leaves it in the folder',
				key: 'report.pdf',
			},
		]);
		rmSync(join(h.dir, 'report.pdf'));
		await watcher.check();
		drop(h, 'report.pdf', '%PDF-1.7');
		await watcher.check();
		expect(h.skipped.map((s) => s.file)).toEqual(['report.pdf', 'report.pdf']);
	});

	test('checks never overlap', async () => {
		const h = harness();
		drop(h, 'a.csv', 'a');
		const watcher = await h.watcher();
		const [first, second] = await Promise.all([watcher.check(), watcher.check()]);
		expect(first?.emitted).toBe(1);
		expect(second).toBeUndefined();
	});

	describe("a fault that is nobody's data", () => {
		const refused = {
			status: 'waiting',
			error: 'Dotdigital refused the login (in node "Send")',
			fault: { system: 'Dotdigital', cause: 'Dotdigital refused the login' },
		} as const;

		test("pauses the feed with growing waits, keeps the file's attempts, and lets the same file through once fixed", async () => {
			const h = harness({ maxAttempts: 2, expectedEveryMinutes: 60 });
			drop(h, 'customers.csv', 'id\n1\n', 60);
			drop(h, 'later.csv', 'id\n2\n', 30);
			h.outcomes.push(refused, refused, refused);
			const watcher = await h.watcher();
			const started = h.clock.now;

			expect(await watcher.check()).toMatchObject({
				emitted: 1,
				failed: 0,
				paused: true,
				waitingToRetry: 2,
			});
			const tries: number[] = [h.clock.now - started];
			// Checked every second for a while: the feed is tried again only when its wait is over.
			for (let second = 0; second < 120; second++) {
				h.clock.now += 1000;
				const before = h.emitted.length;
				await watcher.check();
				if (h.emitted.length > before) tries.push(h.clock.now - started);
			}
			expect(h.emitted.map((e) => [e.file.name, e.attempt])).toEqual([
				['customers.csv', 1],
				['customers.csv', 1],
				['customers.csv', 1],
				['customers.csv', 1],
				// The fourth try (the credential fixed) went through, and the feed went on.
				['later.csv', 1],
			]);
			const waits = tries.slice(1).map((at, index) => at - tries[index]);
			expect(waits[0]).toBeGreaterThanOrEqual(15_000);
			expect(waits[1]).toBeGreaterThanOrEqual(2 * waits[0] - 1000);
			expect(waits[2]).toBeGreaterThanOrEqual(2 * waits[1] - 1000);
			expect(existsSync(join(h.dir, 'failed'))).toBe(false);

			expect(h.alerts.map((a) => a.alert)).toEqual(['feed_paused', 'feed_resumed']);
			expect(h.alerts[0]).toMatchObject({
				alert: 'feed_paused',
				cause: 'Dotdigital refused the login',
				file: 'customers.csv',
			});
			expect(h.alerts[0].message).toMatch(
				/^Customers feed paused: Dotdigital refused the login since 09:\d\d\. customers\.csv waits and keeps its attempts/,
			);
			expect(h.saved.at(-1)!.retries).toEqual({});

			expect(h.saved.at(-1)!.entries.map((e) => [e.name, e.outcome])).toEqual([
				['customers.csv', 'processed'],
				['later.csv', 'processed'],
			]);
			expect(h.alerts[1].message).toBe(
				'Customers feed running again after "Dotdigital refused the login" (paused since 09:00): customers.csv was tried again.',
			);
			expect(h.saved.at(-1)!.paused).toBeNull();
		});

		test('a quiet-feed alert while paused says why', async () => {
			const h = harness({ expectedEveryMinutes: 60 });
			drop(h, 'customers.csv', 'id\n1\n');
			for (let i = 0; i < 20; i++) h.outcomes.push(refused);
			const watcher = await h.watcher();
			await watcher.check();
			h.clock.now += 61 * 60_000;
			await watcher.check();
			const gap = h.alerts.find((a) => a.alert === 'sync_gap') as SyncGapAlert;
			expect(gap.paused_because).toBe('Dotdigital refused the login');
			expect(gap.message).toMatch(
				/^Customers feed paused: Dotdigital refused the login since 09:00\. No new customer file has arrived in .* for 1 hour 1 minute \(expected at least every 1 hour\)\.$/,
			);
		});

		test('a pause outlives a restart', async () => {
			const h = harness();
			drop(h, 'customers.csv', 'id\n1\n');
			h.outcomes.push(refused);
			await (await h.watcher(1)).check();
			const again = await h.watcher(2);
			expect(await again.check()).toMatchObject({ emitted: 0, paused: true });
			h.clock.now += 15_000;
			expect(await again.check()).toMatchObject({ emitted: 1, succeeded: 1, paused: false });
		});
	});

	test('a new "Send Failed Files Back" setting sends every failed file back once, with fresh attempts', async () => {
		const h = harness({ maxAttempts: 1 });
		drop(h, 'tx.csv', 'order_id\n1\n');
		h.outcomes.push({ status: 'failed', error: 'no such SKU' });
		await (await h.watcher(1)).check();
		expect(existsSync(join(h.dir, 'failed', 'tx.csv.reason.txt'))).toBe(true);

		const sentBack = await h.watcher(2, { sendFailedBack: '2026-11-22T10:00:00' });
		expect(await sentBack.check()).toMatchObject({
			sentBack: ['tx.csv'],
			emitted: 1,
			succeeded: 1,
		});
		expect(existsSync(join(h.dir, 'failed', 'tx.csv'))).toBe(false);
		expect(existsSync(join(h.dir, 'failed', 'tx.csv.reason.txt'))).toBe(false);
		expect(h.emitted.map((e) => e.attempt)).toEqual([1, 1]);
		// The same setting, seen again after a restart, does nothing more.
		expect(
			await (await h.watcher(3, { sendFailedBack: '2026-11-22T10:00:00' })).check(),
		).toMatchObject({ sentBack: [], emitted: 0 });
	});
});
