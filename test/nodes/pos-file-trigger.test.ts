/**
 * The trigger's n8n face against a mocked ITriggerFunctions: parameters, manual mode, the
 * done promise and errors. Its behaviour inside a real server is in test/e2e.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { IDataObject, INodeExecutionData, IRun, ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import * as XLSX from 'xlsx';

import { DotdigitalApiError } from '../../lib/dotdigital';
import { dotdigitalNodeError } from '../../nodes/shared/dotdigital-common';
import { PosFileTrigger } from '../../nodes/PosFileTrigger/PosFileTrigger.node';
import { writeFileAged } from '../helpers/files';

interface Deferred<T> {
	promise: Promise<T>;
	resolve: (value: T) => void;
	reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

interface Emitted {
	data: INodeExecutionData[][];
	done?: Deferred<IRun>;
}

let workflows = 0;

function context(params: Record<string, unknown>, mode: 'manual' | 'trigger' = 'trigger') {
	const workflowId = `wf-${++workflows}`;
	const emitted: Emitted[] = [];
	const failures: Error[] = [];
	const crons: string[] = [];
	const staticData: IDataObject = {};
	const ctx = {
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in params ? params[name] : fallback,
		getMode: () => mode,
		getNode: () => ({
			id: 'node-1',
			name: 'New export',
			type: 'n8n-nodes-pos-sync.posFileTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getWorkflow: () => ({ id: workflowId, name: 'test', active: true }),
		getTimezone: () => 'UTC',
		getWorkflowStaticData: () => staticData,
		emit: (data: INodeExecutionData[][], _response?: unknown, done?: Deferred<IRun>) =>
			emitted.push({ data, done }),
		saveFailedExecution: (error: Error) => failures.push(error),
		logger: {
			info: () => undefined,
			warn: () => undefined,
			error: () => undefined,
			debug: () => undefined,
		},
		helpers: {
			createDeferredPromise: deferred,
			registerCron: ({ expression }: { expression: string }) => crons.push(expression),
			prepareBinaryData: async (stream: Readable, fileName: string, mimeType: string) => {
				const chunks: Buffer[] = [];
				for await (const chunk of stream) chunks.push(chunk as Buffer);
				return { data: Buffer.concat(chunks).toString('base64'), fileName, mimeType };
			},
		},
	};
	return {
		ctx: ctx as unknown as ITriggerFunctions,
		emitted,
		failures,
		crons,
		staticData,
		workflowId,
	};
}

function folderWith(files: Record<string, [string, number]>) {
	const dir = mkdtempSync(join(tmpdir(), 'trigger-node-'));
	for (const [name, [content, secondsAgo]] of Object.entries(files))
		writeFileAged(join(dir, name), content, secondsAgo);
	return dir;
}

const baseParams = (folder: string, extra: Record<string, unknown> = {}) => ({
	feed: 'transaction',
	folder,
	pattern: '*.csv',
	schedule: 'arrival',
	checkEverySeconds: 3600,
	settleSeconds: 0,
	options: {},
	...extra,
});

const run = (status: 'success' | 'error', message?: string) =>
	({
		status,
		data: {
			resultData: {
				runData: {},
				...(message ? { error: { message }, lastNodeExecuted: 'Upsert' } : {}),
			},
		},
	}) as unknown as IRun;

async function until(condition: () => boolean, what: string) {
	for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
	if (!condition()) throw new Error(`Timed out waiting for ${what}`);
}

/** Activates the trigger, runs `check` while it is active, and always deactivates it. */
async function whileActive(ctx: ITriggerFunctions, check: () => Promise<void>) {
	const response = await new PosFileTrigger().trigger.call(ctx);
	try {
		await check();
	} finally {
		await response.closeFunction!();
	}
}

beforeAll(() => {
	process.env.N8N_RESTRICT_FILE_ACCESS_TO = tmpdir();
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'n8n-user-'));
});

describe('POS File Trigger node', () => {
	test('"Fetch test event" emits the newest file without marking it processed', async () => {
		const folder = folderWith({
			'old.csv': ['id\n1\n', 60],
			'new.csv': ['order_id;total\n7;12,50\n', 5],
		});
		const { ctx, emitted, staticData } = context(baseParams(folder), 'manual');
		const response = await new PosFileTrigger().trigger.call(ctx);
		await response.manualTriggerFunction!();

		expect(emitted).toHaveLength(1);
		const [files, alerts] = emitted[0].data;
		expect(alerts).toEqual([]);
		expect(files[0].json).toMatchObject({
			feed: 'transaction',
			name: 'new.csv',
			path: join(folder, 'new.csv'),
			format: 'csv',
			delimiter: ';',
			header: ['order_id', 'total'],
		});
		expect(Buffer.from(files[0].binary!.data.data, 'base64').toString()).toBe(
			'order_id;total\n7;12,50\n',
		);
		expect(staticData).toEqual({});
		expect(existsSync(join(folder, 'new.csv'))).toBe(true);
	});

	test('describes an Excel export by its content, whatever its name', async () => {
		const folder = folderWith({});
		const sheet = XLSX.utils.aoa_to_sheet([
			['SKU', 'Name', 'Price'],
			['A1', 'Mug', 8.5],
		]);
		const workbook = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(workbook, sheet, 'Products');
		writeFileSync(
			join(folder, 'products-export.csv'),
			XLSX.write(workbook, { bookType: 'xlsx', type: 'buffer' }) as Buffer,
		);
		const { ctx, emitted } = context(baseParams(folder), 'manual');
		await (
			await new PosFileTrigger().trigger.call(ctx)
		).manualTriggerFunction!();

		const [item] = emitted[0].data[0];
		expect(item.json).toMatchObject({
			format: 'xlsx',
			sheet: 'Products',
			encoding: null,
			delimiter: null,
			header: ['SKU', 'Name', 'Price'],
		});
		expect(item.binary!.data.mimeType).toBe(
			'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		);
	});

	test('a file that is not an export at all goes to failed/ at once, and a failed execution says why', async () => {
		const folder = folderWith({ 'prices.csv': ['%PDF-1.7\n%\u00e2\u00e3\n1 0 obj', 60] });
		const { ctx, emitted, failures } = context(baseParams(folder));
		await whileActive(ctx, async () => {
			await until(() => failures.length === 1, 'the problem to be reported');
			expect(emitted).toEqual([]);
			expect(failures[0]).toBeInstanceOf(NodeOperationError);
			expect(failures[0].message).toMatch(
				/^prices\.csv was moved to failed\/: Cannot read "prices\.csv": .*PDF/,
			);
			expect(readFileSync(join(folder, 'failed', 'prices.csv.reason.txt'), 'utf8')).toContain(
				'PDF',
			);
		});
	});

	test('"Fetch test event" on an empty folder says what to do', async () => {
		const { ctx } = context(baseParams(folderWith({})), 'manual');
		const response = await new PosFileTrigger().trigger.call(ctx);
		await expect(response.manualTriggerFunction!()).rejects.toThrow(
			/No file in .* matches "\*\.csv"/,
		);
	});

	test('activation on a missing folder fails with a NodeOperationError that says why', async () => {
		const { ctx } = context(baseParams('/no/such/pos/folder'));
		const activation = new PosFileTrigger().trigger.call(ctx);
		await expect(activation).rejects.toBeInstanceOf(NodeOperationError);
		await expect(activation).rejects.toThrow('The folder "/no/such/pos/folder" does not exist');
	});

	test('a file counts as processed only when its execution succeeds', async () => {
		const folder = folderWith({ 'a.csv': ['id\n1\n', 60], 'b.csv': ['id\n2\n', 30] });
		const { ctx, emitted, staticData, workflowId } = context(
			baseParams(folder, { options: { moveProcessed: true } }),
		);
		await whileActive(ctx, async () => {
			await until(() => emitted.length === 1, 'the first file');
			expect(emitted[0].data[0][0].json.name).toBe('a.csv');
			// The second file waits until the first execution has finished: journals apply in order.
			await new Promise((r) => setTimeout(r, 50));
			expect(emitted).toHaveLength(1);
			emitted[0].done!.resolve(run('success'));

			await until(() => emitted.length === 2, 'the second file');
			expect(emitted[1].data[0][0].json.name).toBe('b.csv');
			emitted[1].done!.resolve(run('error', 'Dotdigital rejected the batch'));
			await until(
				() =>
					(staticData.fileRegister as any)?.retries &&
					Object.keys((staticData.fileRegister as any).retries).length === 1,
				'the failure to be recorded',
			);

			const register = staticData.fileRegister as any;
			expect(register.entries.map((e: any) => [e.name, e.outcome])).toEqual([
				['a.csv', 'processed'],
			]);
			expect(Object.values(register.retries)).toMatchObject([
				{
					name: 'b.csv',
					attempts: 1,
					lastError: 'Dotdigital rejected the batch (in node "Upsert")',
				},
			]);
			const today = new Date().toISOString().slice(0, 10);
			expect(readFileSync(join(folder, 'processed', today, 'a.csv'), 'utf8')).toBe('id\n1\n');
			expect(existsSync(join(folder, 'b.csv'))).toBe(true);

			// The outcome also reaches the journal, which n8n's static-data saving would otherwise miss.
			const journal = JSON.parse(
				readFileSync(
					join(
						process.env.N8N_USER_FOLDER!,
						'.n8n',
						'pos-sync',
						'trigger-registers',
						`${workflowId}-node-1.json`,
					),
					'utf8',
				),
			);
			expect(journal).toEqual(register);
		});
	});

	test('a workflow saved before the rename keeps its register (static data key `ledger`)', async () => {
		const folder = folderWith({ 'a.csv': ['id\n1\n', 60] });
		const before = context(baseParams(folder));
		await whileActive(before.ctx, async () => {
			await until(() => before.emitted.length === 1, 'the first file');
			before.emitted[0].done!.resolve(run('success'));
			await until(
				() => (before.staticData.fileRegister as any)?.entries?.length === 1,
				'a.csv to be registered',
			);
		});

		// The same register as an older version saved it, in a workflow with no journal on disk.
		const after = context(baseParams(folder));
		after.staticData.ledger = before.staticData.fileRegister;
		writeFileAged(join(folder, 'b.csv'), 'id\n2\n', 30);
		await whileActive(after.ctx, async () => {
			await until(() => after.emitted.length === 1, 'the new file');
			expect(after.emitted[0].data[0][0].json.name).toBe('b.csv');
			after.emitted[0].done!.resolve(run('success'));
			await until(
				() => (after.staticData.fileRegister as any)?.entries?.length === 2,
				'b.csv to be registered',
			);
		});
		expect(after.emitted).toHaveLength(1);
		expect(after.staticData).not.toHaveProperty('ledger');
		expect(
			(after.staticData.fileRegister as any).entries.map((e: any) => [e.name, e.outcome]),
		).toEqual([
			['a.csv', 'processed'],
			['b.csv', 'processed'],
		]);
	});

	test('a run n8n could not start counts as a failed attempt, so the file cannot loop forever', async () => {
		const folder = folderWith({ 'a.csv': ['id\n1\n', 60] });
		const { ctx, emitted, staticData } = context(baseParams(folder));
		await whileActive(ctx, async () => {
			await until(() => emitted.length === 1, 'the file');
			emitted[0].done!.resolve(undefined as unknown as IRun);
			await until(
				() => Object.keys((staticData.fileRegister as any)?.retries ?? {}).length === 1,
				'the attempt to be counted',
			);
			expect(Object.values((staticData.fileRegister as any).retries)).toMatchObject([
				{ attempts: 1, lastError: expect.stringMatching(/could not start/) },
			]);
		});
	});

	test.each([
		['hourly', { atMinute: 15 }, '0 15 * * * *'],
		['daily', { atHour: 6, atMinute: 30 }, '0 30 6 * * *'],
		['cron', { cronExpression: '0 7-19 * * 1-6' }, '0 0 7-19 * * 1-6'],
	])('the %s schedule registers cron %j → %s', async (schedule, extra, expected) => {
		const { ctx, crons } = context(baseParams(folderWith({}), { schedule, ...extra }));
		const response = await new PosFileTrigger().trigger.call(ctx);
		expect(crons).toEqual([expected]);
		await response.closeFunction!();
	});

	test('a cron expression that is not one says so', async () => {
		const { ctx } = context(
			baseParams(folderWith({}), { schedule: 'cron', cronExpression: 'every hour' }),
		);
		await expect(new PosFileTrigger().trigger.call(ctx)).rejects.toThrow(
			/is not a cron expression/,
		);
	});

	test('declares its two outputs, Files and Sync Gap Alerts, as two handles', () => {
		const { outputs, outputNames } = new PosFileTrigger().description;
		expect(outputs).toEqual(['main', 'main']);
		expect(outputNames).toEqual(['Files', 'Sync Gap Alerts']);
	});

	test("a run stopped by Dotdigital Upsert's refused login pauses the feed: no attempt used, an alert on Sync Gap Alerts saying why", async () => {
		const folder = folderWith({ 'a.csv': ['id\n1\n', 60] });
		const { ctx, emitted, staticData } = context(baseParams(folder));
		const node = {
			id: 'n2',
			name: 'Upsert',
			type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		};
		const refused = dotdigitalNodeError(
			node,
			new DotdigitalApiError({
				call: 'GET /v2/account-info',
				status: 401,
				code: '',
				description: 'Authorization has been denied for this request.',
			}),
		);
		await whileActive(ctx, async () => {
			await until(() => emitted.length === 1, 'the file');
			emitted[0].done!.resolve({
				status: 'error',
				data: {
					resultData: {
						runData: {},
						error: { ...refused, message: refused.message },
						lastNodeExecuted: 'Upsert',
					},
				},
			} as unknown as IRun);
			await until(() => emitted.length === 2, 'the alert');
			const register = staticData.fileRegister as any;
			expect(register.retries).toEqual({});
			expect(register.paused).toMatchObject({
				cause: 'Dotdigital refused the login',
				file: 'a.csv',
				tries: 1,
			});
			const [files, alerts] = emitted[1].data;
			expect(files).toEqual([]);
			expect(alerts[0].json).toMatchObject({
				alert: 'feed_paused',
				feed: 'transaction',
				cause: 'Dotdigital refused the login',
			});
			expect(alerts[0].json.message).toMatch(
				/^Transactions feed paused: Dotdigital refused the login since \d\d:\d\d\. a\.csv waits/,
			);
			expect(existsSync(join(folder, 'a.csv'))).toBe(true);
		});
	});

	test('"Alert If No File For" is typed in hours and minutes, and a length without a unit is refused at activation', async () => {
		const quiet = context(baseParams(folderWith({}), { options: { alertAfter: '1h 30m' } }));
		await whileActive(quiet.ctx, async () => undefined);
		const { ctx } = context(baseParams(folderWith({}), { options: { alertAfter: '26' } }));
		await expect(new PosFileTrigger().trigger.call(ctx)).rejects.toThrow(
			'Alert If No File For: "26" is not a length of time: 26 needs a unit, for example 26h for hours or 26m for minutes',
		);
	});
});
