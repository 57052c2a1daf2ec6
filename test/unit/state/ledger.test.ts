/**
 * The reconciliation ledger in both state backends (a SQLite file, a real Postgres server), and the report built from it: one line per file
 * and run with mapping and sending joined, every way the counts can fail to add up flagged, days
 * and feeds totalled, reasons grouped by owner, and an HTML summary that escapes what the till wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DatabaseSync } from 'node:sqlite';

import {
	inFlightNode,
	ledgerLines,
	ledgerSummary,
	mappingCounts,
	mergeCounts,
	periodFor,
	sendingCountsByFile,
	SyncStateStore,
	type LedgerStep,
	type SendingResult,
	type StepCounts,
	type SyncState,
} from '../../../lib/state';
import { stateBackends } from '../../helpers/state-backends';

let store: SyncState;

const LONDON = 'Europe/London';

function mappingStep(
	file: string,
	at: string,
	summary: {
		feed?: string;
		rows_read: number;
		records: number;
		rejected: number;
		rows_in_records?: number;
	},
	orders: Array<Record<string, unknown>> = [],
	executionId = `run-${file}`,
): LedgerStep {
	const rejections = Array.from({ length: summary.rejected }, (_, index) => ({
		rule: 'email.invalid',
		owner: 'till data',
		file,
		line: index + 2,
		message: `"bad${index}@" is not a valid email address`,
	}));
	return {
		executionId,
		workflow: 'POS customers to Dotdigital',
		node: 'Map the rows',
		file,
		recordedAt: at,
		counts: mappingCounts(
			{
				feed: summary.feed ?? 'customer',
				rows_in_records: summary.rows_in_records ?? summary.records,
				...summary,
			},
			rejections,
			orders,
		),
	};
}

function sendingStep(
	file: string,
	at: string,
	resource: string,
	records: Array<Record<string, unknown>>,
	results: SendingResult[],
	executionId = `run-${file}`,
): LedgerStep {
	const counts = sendingCountsByFile(
		resource,
		records.map((record) => ({ ...record, _source: { file, lines: [2] } })),
		results,
		'(no file)',
	).get(file)!;
	return {
		executionId,
		workflow: 'POS customers to Dotdigital',
		node: 'Send to Dotdigital',
		file,
		recordedAt: at,
		counts,
	};
}

const done = (count: number): SendingResult[] =>
	Array.from({ length: count }, () => ({ status: 'done' }));
const failed = (count: number, code = 'invalidEmail'): SendingResult[] =>
	Array.from({ length: count }, () => ({
		status: 'failed',
		code,
		owner: 'till data',
		description: 'Dotdigital refused it',
	}));
const unchanged = (count: number): SendingResult[] =>
	Array.from({ length: count }, () => ({ status: 'unchanged' }));
const customers = (count: number) =>
	Array.from({ length: count }, (_, index) => ({ email: `c${index}@example.com` }));

describe.each(stateBackends())('the ledger in $name', (backend) => {
	beforeAll(() => backend.setUp(), 120_000);
	afterAll(() => backend.tearDown(), 60_000);
	beforeEach(async () => {
		store = await backend.open(backend.fresh());
	});
	afterEach(() => store.close());

	describe('the ledger in the state store', () => {
		it('keeps steps by time, and adds up a node that recorded the same file twice in one execution', async () => {
			await store.recordLedgerSteps([
				mappingStep('a.csv', '2026-11-20T09:00:00.000Z', {
					rows_read: 10,
					records: 9,
					rejected: 1,
				}),
			]);
			await store.recordLedgerSteps([
				sendingStep('a.csv', '2026-11-20T09:01:00.000Z', 'contact', customers(5), [
					...done(4),
					...failed(1),
				]),
			]);
			// A Loop Over Items sends the rest of the file through the same node in a second batch.
			await store.recordLedgerSteps([
				sendingStep('a.csv', '2026-11-20T09:02:00.000Z', 'contact', customers(4), [
					...done(3),
					...unchanged(1),
				]),
			]);
			await store.recordLedgerSteps([
				mappingStep('b.csv', '2026-11-22T09:00:00.000Z', { rows_read: 1, records: 1, rejected: 0 }),
			]);

			const steps = await store.ledgerSteps(
				new Date('2026-11-20T00:00:00Z'),
				new Date('2026-11-21T00:00:00Z'),
			);
			expect(steps.map((step) => [step.file, step.counts.step])).toEqual([
				['a.csv', 'mapping'],
				['a.csv', 'sending'],
			]);
			expect(steps[1].counts).toMatchObject({
				records: 9,
				accepted: 7,
				failed: 1,
				unchanged: 1,
				failed_by_reason: { invalidEmail: { owner: 'till data', count: 1 } },
			});
			expect(steps[1].recordedAt).toBe('2026-11-20T09:01:00.000Z');
			const [line] = ledgerLines(steps, LONDON);
			expect(line).toMatchObject({
				file: 'a.csv',
				feed: 'customers',
				rows_read: 10,
				records: 9,
				rejected: 1,
				sent_as: 'contacts',
				sent: 8,
				accepted: 7,
				failed: 1,
				unchanged: 1,
				balanced: true,
				problems: [],
			});
		});

		it('adds any sequence of steps of one node and file exactly as mergeCounts does', async () => {
			// A small seeded generator, so that a failure is the same on every run.
			let seed = 19;
			const next = (below: number) => {
				seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
				return seed % below;
			};
			const reasons = ['invalidEmail', '__proto__', 'constructor', 'customerLookupFailed'];
			const money = () =>
				Object.fromEntries(
					['GBP', 'EUR', '']
						.filter(() => next(2) === 0)
						.map((currency) => [currency, (next(200_001) - 100_000) / 100]),
				);
			const byReason = (owner: string) =>
				Object.fromEntries(
					reasons
						.filter(() => next(3) === 0)
						.map((reason) => [
							reason,
							{
								owner: `${owner}${next(2)}`,
								count: 1 + next(5),
								...(next(2) ? { example: `line ${next(99)}` } : {}),
							},
						]),
				);
			const counts = (kind: number): StepCounts => {
				if (kind === 0)
					return {
						step: 'mapping',
						feed: 'customers',
						rows_read: next(50),
						records: next(50),
						rejected: next(5),
						rows_in_records: next(50),
						rejected_by_reason: byReason('till data'),
						value: money(),
						...(next(4) === 0 ? { error: `bad file ${next(9)}` } : {}),
					};
				if (kind === 1) return { step: 'inFlight', resource: 'order', records: next(50) };
				return {
					step: 'sending',
					resource: 'order',
					records: next(50),
					accepted: next(50),
					failed: next(5),
					unchanged: next(9),
					failed_by_reason: byReason('API'),
					value_accepted: money(),
					value_failed: money(),
					value_unchanged: money(),
				};
			};
			for (let sequence = 0; sequence < 30; sequence++) {
				// Mostly steps of one kind, as a node writes them; now and then another kind, which replaces it.
				const kind = next(3);
				const steps = Array.from({ length: 1 + next(5) }, () =>
					counts(next(6) === 0 ? next(3) : kind),
				);
				const node = `Node ${sequence}`;
				for (const step of steps)
					await store.recordLedgerSteps([
						{
							executionId: 'property',
							workflow: 'w',
							node,
							file: 'p.csv',
							recordedAt: '2026-11-20T09:00:00.000Z',
							counts: step,
						},
					]);
				const [stored] = (
					await store.ledgerSteps(
						new Date('2026-11-20T00:00:00Z'),
						new Date('2026-11-21T00:00:00Z'),
					)
				).filter((step) => step.node === node);
				expect({ sequence, counts: stored.counts }).toEqual({
					sequence,
					counts: steps.reduce((earlier, later) => mergeCounts(earlier, later)),
				});
			}
		});

		it('counts reasons named like object internals without touching any prototype', async () => {
			const results: SendingResult[] = ['__proto__', 'constructor', '__proto__'].map((code) => ({
				status: 'failed',
				code,
				owner: 'API',
				description: 'odd',
			}));
			await store.recordLedgerSteps([
				sendingStep('x.csv', '2026-11-20T09:00:00.000Z', 'contact', customers(3), results),
			]);
			await store.recordLedgerSteps([
				sendingStep(
					'x.csv',
					'2026-11-20T09:00:00.000Z',
					'contact',
					customers(1),
					results.slice(0, 1),
				),
			]);
			const [step] = await store.ledgerSteps(
				new Date('2026-11-20T00:00:00Z'),
				new Date('2026-11-21T00:00:00Z'),
			);
			const reasons = (step.counts as { failed_by_reason: Record<string, { count: number }> })
				.failed_by_reason;
			expect(Object.keys(reasons).sort()).toEqual(['__proto__', 'constructor']);
			expect(reasons.__proto__.count).toBe(3);
			expect(({} as Record<string, unknown>).count).toBeUndefined();
			expect(Object.getPrototypeOf({})).toBe(Object.prototype);
		});
	});

	describe('a run stopped half-way', () => {
		const inFlight = (
			file: string,
			at: string,
			records: number,
			executionId: string,
		): LedgerStep => ({
			executionId,
			workflow: 'POS customers to Dotdigital',
			node: inFlightNode('Send to Dotdigital'),
			file,
			recordedAt: at,
			counts: { step: 'inFlight', resource: 'contact', records },
		});

		it('says the records were sent with their outcome unknown, not that they were never sent, until a later run of the file confirms them', async () => {
			await store.recordLedgerSteps([
				mappingStep(
					'c.csv',
					'2026-11-20T09:00:00.000Z',
					{ rows_read: 20, records: 20, rejected: 0 },
					[],
					'killed',
				),
			]);
			await store.recordLedgerSteps([inFlight('c.csv', '2026-11-20T09:00:01.000Z', 20, 'killed')]);
			const day = [new Date('2026-11-20T00:00:00Z'), new Date('2026-11-21T00:00:00Z')] as const;
			const [interrupted] = ledgerLines(await store.ledgerSteps(...day), LONDON);
			expect(interrupted).toMatchObject({
				execution_id: 'killed',
				records: 20,
				outcome_unknown: 20,
				confirmed_by: null,
				balanced: false,
			});
			expect(interrupted.problems).toEqual([
				'20 records were sent to Dotdigital, outcome unknown: the run was stopped before Dotdigital answered, and the next run of the file will confirm them',
			]);

			await store.recordLedgerSteps([
				mappingStep(
					'c.csv',
					'2026-11-20T09:05:00.000Z',
					{ rows_read: 20, records: 20, rejected: 0 },
					[],
					'replay',
				),
			]);
			await store.recordLedgerSteps([inFlight('c.csv', '2026-11-20T09:05:01.000Z', 20, 'replay')]);
			await store.recordLedgerSteps([
				sendingStep(
					'c.csv',
					'2026-11-20T09:06:00.000Z',
					'contact',
					customers(20),
					done(20),
					'replay',
				),
			]);
			const steps = await store.ledgerSteps(...day);
			// The replay's own in-flight step went when its sending step was written.
			expect(
				steps.filter((step) => step.counts.step === 'inFlight').map((step) => step.executionId),
			).toEqual(['killed']);
			const [closed, replay] = ledgerLines(steps, LONDON);
			expect(closed).toMatchObject({
				execution_id: 'killed',
				outcome_unknown: 20,
				confirmed_by: 'replay',
				balanced: true,
				problems: [],
			});
			expect(replay).toMatchObject({
				execution_id: 'replay',
				outcome_unknown: null,
				accepted: 20,
				balanced: true,
			});
		});

		it('a mapped file that nobody sent is still reported as never sent', async () => {
			const [line] = ledgerLines(
				[
					mappingStep('d.csv', '2026-11-20T09:00:00.000Z', {
						rows_read: 3,
						records: 3,
						rejected: 0,
					}),
				],
				LONDON,
			);
			expect(line.problems).toEqual(['3 records were mapped but never sent to Dotdigital']);
		});
	});

	describe('the summary', () => {
		const now = new Date('2026-11-22T07:00:00Z');

		it('adds up the period per feed, names a missing feed, groups what to fix, and charts the days', async () => {
			const period = periodFor('yesterday', { now, timeZone: LONDON });
			await store.recordLedgerSteps([
				mappingStep('Customers_2026-11-21.csv', '2026-11-21T08:05:00.000Z', {
					rows_read: 40,
					records: 39,
					rejected: 1,
				}),
				sendingStep(
					'Customers_2026-11-21.csv',
					'2026-11-21T08:06:00.000Z',
					'contact',
					customers(39),
					[...done(37), ...failed(2)],
				),
				mappingStep(
					'Transactions_2026-11-21.csv',
					'2026-11-21T20:00:00.000Z',
					{ feed: 'transaction', rows_read: 61, records: 30, rejected: 3, rows_in_records: 58 },
					[{ order_total: 12.5, currency: 'GBP' }],
				),
				sendingStep(
					'Transactions_2026-11-21.csv',
					'2026-11-21T20:01:00.000Z',
					'order',
					[{ order_total: 12.5, currency: 'GBP' }, ...customers(29)],
					[...done(27), ...failed(3, 'customerLookupFailed')],
				),
				// Three days earlier, for the chart only.
				mappingStep('Customers_2026-11-18.csv', '2026-11-18T08:05:00.000Z', {
					rows_read: 5,
					records: 5,
					rejected: 0,
				}),
				sendingStep(
					'Customers_2026-11-18.csv',
					'2026-11-18T08:06:00.000Z',
					'contact',
					customers(5),
					unchanged(5),
				),
			]);
			const summary = await ledgerSummary(store, {
				period,
				chartDays: 7,
				expectedFeeds: ['customers', 'products', 'transactions'],
			});
			expect(summary).toMatchObject({
				status: 'needs a look',
				files: 2,
				files_not_balanced: 0,
				missing_feeds: ['products'],
				by_owner: { 'till data': 9 },
			});
			expect(summary.subject).toBe('POS sync Sat 21 Nov 2026: products missing, 9 records to fix');
			expect(summary.totals.customers).toMatchObject({
				files: 1,
				rows_read: 40,
				records: 39,
				rejected: 1,
				accepted: 37,
				failed: 2,
				unchanged: 0,
			});
			expect(summary.totals.transactions).toMatchObject({
				rows_read: 61,
				records: 30,
				rejected: 3,
				accepted: 27,
				failed: 3,
				value_in_file: { GBP: 12.5 },
				value_sent: { GBP: 12.5 },
			});
			expect(
				summary.exceptions.map((group) => [
					group.count,
					group.owner,
					group.stage,
					group.reason,
					group.files,
				]),
			).toEqual([
				[4, 'till data', 'mapping', 'email invalid', 2],
				[3, 'till data', 'Dotdigital', 'customer lookup failed', 1],
				[2, 'till data', 'Dotdigital', 'invalid email', 1],
			]);
			expect(summary.exceptions[0].example).toBe(
				'Customers_2026-11-21.csv line 2: "bad0@" is not a valid email address',
			);
			expect(
				summary.days.map((day) => [
					day.date,
					day.accepted,
					day.unchanged,
					day.failed,
					day.rejected,
				]),
			).toEqual([
				['2026-11-15', 0, 0, 0, 0],
				['2026-11-16', 0, 0, 0, 0],
				['2026-11-17', 0, 0, 0, 0],
				['2026-11-18', 0, 5, 0, 0],
				['2026-11-19', 0, 0, 0, 0],
				['2026-11-20', 0, 0, 0, 0],
				['2026-11-21', 64, 0, 5, 4],
			]);
			expect(summary.text).toContain('No products file came in.');
			expect(summary.text).toContain(
				'customers: 1 file, 40 rows → 39 records (1 rejected); 37 accepted, 0 unchanged, 2 failed',
			);
			expect(summary.text).toContain(
				'transactions: 1 file, 61 rows → 30 records (3 rejected); 27 accepted, 0 unchanged, 3 failed; orders worth £12.50, £12.50 sent',
			);
			expect(summary.html).toContain('No file came in');
			expect(summary.html.match(/bgcolor="#2e7d32"/g)).toHaveLength(1);
		});

		it('says all is well when it is, and escapes what the till wrote', async () => {
			const period = periodFor('yesterday', { now, timeZone: LONDON });
			const file = '<img src=x onerror=alert(1)>.csv';
			await store.recordLedgerSteps([
				mappingStep(file, '2026-11-21T08:05:00.000Z', { rows_read: 2, records: 2, rejected: 0 }),
			]);
			const notSent = await ledgerSummary(store, {
				period,
				chartDays: 1,
				expectedFeeds: ['customers'],
			});
			expect(notSent.subject).toBe('POS sync Sat 21 Nov 2026: 1 file not balanced');
			expect(notSent.html).not.toContain('<img');
			expect(notSent.html).toContain('&lt;img src=x onerror=alert(1)&gt;.csv');

			await store.recordLedgerSteps([
				sendingStep(file, '2026-11-21T08:06:00.000Z', 'contact', customers(2), done(2)),
			]);
			const fine = await ledgerSummary(store, {
				period,
				chartDays: 1,
				expectedFeeds: ['customers'],
			});
			expect(fine).toMatchObject({
				status: 'balanced',
				subject: 'POS sync Sat 21 Nov 2026: all 1 file balanced',
				missing_feeds: [],
				files_not_balanced: 0,
			});
		});
	});

	describe('one line per file, tries folded in', () => {
		const refused = (count: number): SendingResult[] =>
			Array.from({ length: count }, () => ({
				status: 'failed',
				code: 'runFailed',
				owner: 'API',
				description:
					'Dotdigital GET /v2/account-info failed: HTTP 401 Authorization has been denied for this request.: Dotdigital answered 401.',
			}));
		const tryOf = (run: string, minute: number, results: SendingResult[]) => [
			mappingStep(
				'customers.csv',
				`2026-11-21T09:${minute}:00.000Z`,
				{ rows_read: 3, records: 3, rejected: 0 },
				[],
				run,
			),
			sendingStep(
				'customers.csv',
				`2026-11-21T09:${minute}:30.000Z`,
				'contact',
				customers(3),
				results,
				run,
			),
		];

		it('a file refused twice by the login, then sent, is one balanced line: tried 3 times, with the last error in words', async () => {
			const lines = ledgerLines(
				[
					...tryOf('run-1', 10, refused(3)),
					...tryOf('run-2', 11, refused(3)),
					...tryOf('run-3', 12, done(3)),
				],
				LONDON,
			);
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatchObject({
				execution_id: 'run-3',
				attempts: 3,
				first_tried_at: '2026-11-21T09:10:00.000Z',
				accepted: 3,
				failed: 0,
				balanced: true,
			});
			expect(lines[0].last_error).toBe(
				'Dotdigital refused the login (Dotdigital GET /v2/account-info failed: HTTP 401 Authorization has been denied for this request.: Dotdigital answered 401.)',
			);
		});

		it('a file still refused is one line that says so, in the summary too; another file and another workflow stay apart', async () => {
			const other = { ...tryOf('run-9', 13, done(3))[1], file: 'other.csv' };
			const elsewhere = tryOf('run-8', 14, done(3)).map((step) => ({
				...step,
				workflow: 'Another shop',
			}));
			const steps = [
				...tryOf('run-1', 10, refused(3)),
				other,
				...tryOf('run-2', 11, refused(3)),
				...elsewhere,
			];
			const lines = ledgerLines(steps, LONDON);
			expect(
				lines.map((line) => [
					line.workflow,
					line.file,
					line.attempts,
					line.last_error?.slice(0, 28) ?? null,
				]),
			).toEqual([
				['POS customers to Dotdigital', 'customers.csv', 2, 'Dotdigital refused the login'],
				['POS customers to Dotdigital', 'other.csv', 1, null],
				['Another shop', 'customers.csv', 1, null],
			]);
			await store.recordLedgerSteps(steps);
			const summary = await ledgerSummary(store, {
				period: periodFor('custom', { now: new Date(), timeZone: LONDON, from: '2026-11-21' }),
				chartDays: 1,
				expectedFeeds: [],
			});
			expect(summary.stopped).toMatchObject([{ file: 'customers.csv', attempts: 2 }]);
			expect(summary.text).toContain(
				'Files that did not go through:\n- customers.csv (POS customers to Dotdigital): tried 2 times; last error: Dotdigital refused the login (',
			);
			expect(summary.html).toContain('Files that did not go through');
		});
	});

	describe('files the trigger left alone', () => {
		it('a duplicate and a stray are lines of their own with why, outside the totals, listed in the summary', async () => {
			const skipped = (
				file: string,
				reason: 'duplicate' | 'stray',
				note: string,
				at: string,
			): LedgerStep => ({
				executionId: `trigger:wf:${reason}:${file}`,
				workflow: 'POS customers to Dotdigital',
				node: 'New export',
				file,
				recordedAt: at,
				counts: { step: 'skipped', feed: 'customer', reason, note },
			});
			await store.recordLedgerSteps([
				mappingStep('a.csv', '2026-11-21T09:00:00.000Z', { rows_read: 2, records: 2, rejected: 0 }),
				sendingStep('a.csv', '2026-11-21T09:00:30.000Z', 'contact', customers(2), done(2)),
				skipped(
					'a (2).csv',
					'duplicate',
					'same content as a.csv, processed Sat 21 Nov 2026 09:00',
					'2026-11-21T10:00:00.000Z',
				),
				skipped(
					'<b>report</b>.pdf',
					'stray',
					'does not match the file name pattern "*.csv", so the customer feed leaves it in the folder',
					'2026-11-21T10:01:00.000Z',
				),
			]);
			// Written again (a trigger re-activated): still one line.
			await store.recordLedgerSteps([
				skipped(
					'a (2).csv',
					'duplicate',
					'same content as a.csv, processed Sat 21 Nov 2026 09:00',
					'2026-11-21T10:05:00.000Z',
				),
			]);
			const lines = ledgerLines(
				await store.ledgerSteps(new Date('2026-11-21T00:00:00Z'), new Date('2026-11-22T00:00:00Z')),
				LONDON,
			);
			expect(
				lines.map((line) => [line.file, line.feed, line.skipped, line.note, line.balanced]),
			).toEqual([
				['a.csv', 'customers', null, null, true],
				[
					'a (2).csv',
					'customers',
					'duplicate',
					'same content as a.csv, processed Sat 21 Nov 2026 09:00',
					true,
				],
				[
					'<b>report</b>.pdf',
					'customers',
					'stray',
					'does not match the file name pattern "*.csv", so the customer feed leaves it in the folder',
					true,
				],
			]);
			const summary = await ledgerSummary(store, {
				period: periodFor('custom', { now: new Date(), timeZone: LONDON, from: '2026-11-21' }),
				chartDays: 1,
				expectedFeeds: ['customers'],
			});
			expect(summary.files).toBe(1);
			expect(summary.totals.customers).toMatchObject({ files: 1, records: 2, accepted: 2 });
			expect(summary.text).toContain(
				'Files left alone:\n- a (2).csv (customers): same content as a.csv, processed Sat 21 Nov 2026 09:00\n- <b>report</b>.pdf (customers): does not match',
			);
			expect(summary.html).toContain('&lt;b&gt;report&lt;/b&gt;.pdf');
			expect(summary.html).not.toContain('<b>report</b>');
		});
	});
});

describe('the ledger in a SQLite file', () => {
	it('adds the ledger to a state file written before it existed', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'pos-sync-ledger-'));
		const path = join(dir, 'old.sqlite');
		const old = new DatabaseSync(path);
		old.exec(`CREATE TABLE identities (customer_id TEXT PRIMARY KEY, email TEXT, mobile TEXT, updated_at TEXT NOT NULL) WITHOUT ROWID;
			CREATE TABLE fingerprints (scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, confirmed_at TEXT NOT NULL, PRIMARY KEY (scope, key)) WITHOUT ROWID;
			INSERT INTO identities VALUES ('C1', 'amelia@example.com', NULL, '2026-11-01T00:00:00Z');
			PRAGMA user_version = 1;`);
		old.close();
		const store = SyncStateStore.open(path);
		expect((await store.lookUpIdentities(['C1'])).get('C1')).toEqual({
			email: 'amelia@example.com',
		});
		await store.recordLedgerSteps([
			mappingStep('a.csv', new Date().toISOString(), { rows_read: 1, records: 1, rejected: 0 }),
		]);
		expect(
			await store.ledgerSteps(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000)),
		).toHaveLength(1);
		expect(store.integrityCheck()).toBe('ok');
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});
});

describe('ledger lines', () => {
	const at = '2026-11-21T09:00:00.000Z';
	const unreadable = (file: string, error: string): LedgerStep => {
		const step = mappingStep(file, at, { rows_read: 0, records: 0, rejected: 0 });
		return { ...step, counts: { ...step.counts, error } as LedgerStep['counts'] };
	};

	it('flags each way the counts can fail to add up', () => {
		const steps = [
			// Rows lost inside the mapping.
			mappingStep('lost-rows.csv', at, { rows_read: 10, records: 8, rejected: 1 }),
			// Records dropped between Mapping Apply and Dotdigital Upsert (a filter, or a node left out).
			mappingStep('dropped.csv', at, { rows_read: 10, records: 10, rejected: 0 }),
			sendingStep('dropped.csv', at, 'contact', customers(7), done(7)),
			// Mapped but never sent: the execution stopped before Dotdigital Upsert.
			mappingStep('never-sent.csv', at, { rows_read: 5, records: 5, rejected: 0 }),
			// A file that could not be read at all.
			unreadable('broken.xlsx', 'The file is not a spreadsheet'),
			// Everything adds up.
			mappingStep('fine.csv', at, { rows_read: 3, records: 2, rejected: 1 }),
			sendingStep('fine.csv', at, 'contact', customers(2), [...done(1), ...failed(1)]),
		];
		const byFile = Object.fromEntries(ledgerLines(steps, LONDON).map((line) => [line.file, line]));
		expect(byFile['lost-rows.csv'].problems).toEqual([
			'10 rows were read, but 8 went into records and 1 were rejected',
			'8 records were mapped but never sent to Dotdigital',
		]);
		expect(byFile['dropped.csv'].problems).toEqual([
			'Mapping Apply made 10 records, but Dotdigital Upsert got 7',
		]);
		expect(byFile['never-sent.csv'].problems).toEqual([
			'5 records were mapped but never sent to Dotdigital',
		]);
		expect(byFile['broken.xlsx'].problems).toEqual([
			'The file could not be mapped: The file is not a spreadsheet',
		]);
		expect(byFile['fine.csv']).toMatchObject({
			balanced: true,
			problems: [],
			rejected: 1,
			failed: 1,
		});
		expect(Object.values(byFile).filter((line) => !line.balanced)).toHaveLength(4);
	});

	it('puts the value of the orders in a file next to the value sent, and flags a difference', () => {
		const orders = [
			{ order_id: 'R1', order_total: 10.1, currency: 'GBP' },
			{ order_id: 'R2', order_total: 20.2, currency: 'GBP' },
			{ order_id: 'R3', order_total: 0.3, currency: 'GBP' },
		];
		const steps = [
			mappingStep(
				'orders.csv',
				at,
				{ feed: 'transaction', rows_read: 7, records: 3, rejected: 1, rows_in_records: 6 },
				orders,
			),
			sendingStep('orders.csv', at, 'order', orders, [
				{ status: 'done' },
				{ status: 'unchanged' },
				{
					status: 'failed',
					code: 'customerLookupFailed',
					owner: 'till data',
					description: 'no email',
				},
			]),
			mappingStep(
				'short.csv',
				at,
				{ feed: 'transaction', rows_read: 2, records: 2, rejected: 0 },
				orders.slice(0, 2),
			),
			// Same number of records, but one order's total changed on the way.
			sendingStep(
				'short.csv',
				at,
				'order',
				[orders[0], { ...orders[1], order_total: 2.02 }],
				done(2),
			),
		];
		const [line, short] = ledgerLines(steps, LONDON);
		expect(line).toMatchObject({
			feed: 'transactions',
			sent_as: 'orders',
			value_in_file: { GBP: 30.6 },
			value_sent: { GBP: 10.1 },
			value_unchanged: { GBP: 20.2 },
			value_failed: { GBP: 0.3 },
			balanced: true,
		});
		expect(short.problems).toEqual([
			'Orders worth £30.30 were mapped, but £12.12 reached Dotdigital Upsert',
		]);
	});

	it('keeps a sending without a mapping, named by what it sent', () => {
		const [line] = ledgerLines(
			[sendingStep('(no file)', at, 'product', [{ sku: 'A' }], done(1))],
			LONDON,
		);
		expect(line).toMatchObject({
			feed: 'products',
			rows_read: null,
			records: 1,
			accepted: 1,
			balanced: true,
		});
	});
});

describe('periods', () => {
	it('are whole days in the time zone, across the change of the clocks', () => {
		// The clocks went back on Sunday 25 October 2026 in London: that day had 25 hours.
		expect(
			periodFor('yesterday', { now: new Date('2026-10-26T10:00:00Z'), timeZone: LONDON }),
		).toMatchObject({
			from: new Date('2026-10-24T23:00:00Z'),
			to: new Date('2026-10-26T00:00:00Z'),
			label: 'Sun 25 Oct 2026',
		});
		const now = new Date('2026-10-27T10:00:00Z');
		expect(periodFor('yesterday', { now, timeZone: LONDON })).toMatchObject({
			from: new Date('2026-10-26T00:00:00Z'),
			to: new Date('2026-10-27T00:00:00Z'),
			label: 'Mon 26 Oct 2026',
		});
		expect(periodFor('last7Days', { now, timeZone: LONDON })).toMatchObject({
			from: new Date('2026-10-19T23:00:00Z'),
			to: new Date('2026-10-27T00:00:00Z'),
			label: '20 Oct – 26 Oct 2026',
		});
		expect(periodFor('today', { now, timeZone: 'America/New_York' })).toMatchObject({
			from: new Date('2026-10-27T04:00:00Z'),
			to: new Date('2026-10-28T04:00:00Z'),
		});
		expect(
			periodFor('custom', { now, timeZone: LONDON, from: '2026-12-30', to: '2027-01-02' }),
		).toMatchObject({ label: '30 Dec 2026 – 2 Jan 2027' });
		expect(
			periodFor('custom', { now, timeZone: LONDON, from: '2026-11-01T00:00:00' }),
		).toMatchObject({
			from: new Date('2026-11-01T00:00:00Z'),
			to: new Date('2026-11-02T00:00:00Z'),
		});
		expect(() => periodFor('custom', { now, timeZone: LONDON, from: '' })).toThrow(
			/needs a start and an end date/,
		);
		expect(() =>
			periodFor('custom', { now, timeZone: LONDON, from: '2026-11-05', to: '2026-11-01' }),
		).toThrow(/ends before it starts/);
	});
});
