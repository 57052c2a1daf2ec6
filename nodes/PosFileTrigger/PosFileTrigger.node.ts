import type {
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IRun,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { dirname, join } from 'node:path';

import { fileAccessPolicyFromEnv } from '../../lib/files/access';
import { ExportFolder, FolderError, type ExportFile } from '../../lib/files/export-folder';
import { ExportWatcher } from '../../lib/files/export-watcher';
import type { ExecutionOutcome, FileToEmit } from '../../lib/files/watcher-contract';
import { DurationError, parseDurationMinutes } from '../../lib/files/duration';
import { OutcomeJournal } from '../../lib/files/outcome-journal';
import { systemFaultOf } from '../../lib/files/system-fault';
import { FileRegister } from '../../lib/files/file-register';
import { describeExportFile, mimeTypeFor } from '../../lib/files/describe';
import { FileReadError } from '../../lib/files/errors';
import { defaultStatePath, openSyncState, stateLocation } from '../../lib/state';
import { checkSchedule, scheduleProperties, type ScheduleChoice } from './schedule';

type Feed = 'customer' | 'product' | 'transaction' | 'other';

/** Options of every version; "Alert If No File For" is typed in hours and minutes from 1.1 on. */
const otherOptions: INodeProperties[] = [
	{
		displayName: 'Attempts Before Moving to Failed',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 3,
		description:
			'How many times a file is tried when its execution fails on the file itself, before ' +
			'it is moved to failed/ with a .reason.txt beside it. Tries are spaced out (20 ' +
			'seconds, then 1 minute, 3 minutes …). A refused login or an outage does not use up ' +
			'tries: the feed pauses and the file goes through once the cause is fixed.',
	},
	{
		displayName: 'Max Files per Check',
		name: 'maxFilesPerCheck',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'The most files one check takes (the oldest first); the rest wait for the next check. 0 means no limit.',
	},
	{
		displayName: 'Move Processed Files',
		name: 'moveProcessed',
		type: 'boolean',
		default: false,
		description:
			'Whether to move each file whose execution succeeded into processed/YYYY-MM-DD/ inside the folder',
	},
	{
		displayName: 'Put File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'The binary field that holds the file for the next nodes',
	},
	{
		displayName: 'Send Failed Files Back',
		name: 'sendFailedBack',
		type: 'dateTime',
		default: '',
		description:
			'To try the files in failed/ again once their cause is fixed: set this to the current ' +
			'time and save the workflow. Every file in failed/ goes back into the folder once and ' +
			'is tried with fresh attempts. A later time sends back what has failed since.',
	},
];

const alertInMinutes: INodeProperties = {
	displayName: 'Alert If No File For (Minutes)',
	name: 'expectedEveryMinutes',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 2 },
	default: 0,
	description:
		'Sends one item to the Sync Gap Alerts output when no new file has arrived for this long, so someone can be told the feed went quiet. 0 turns this off.',
};

const alertInWords: INodeProperties = {
	displayName: 'Alert If No File For',
	name: 'alertAfter',
	type: 'string',
	default: '',
	placeholder: 'e.g. 26h, 1h 30m or 45m',
	description:
		'Sends one item to the Sync Gap Alerts output when no new file has ' +
		'arrived for this long, so someone can be told the feed went quiet. Write ' +
		'it in hours (h), minutes (m) or days (d). Empty turns this off.',
};

/** Version 1 keeps its minutes field, so workflows saved with it keep their alert (n8n drops options a collection does not list); 1.1 takes "26h". */
function optionsByVersion(): INodeProperties[] {
	const options = (alert: INodeProperties, version: 'v1' | 'later'): INodeProperties => ({
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { '@version': version === 'v1' ? [1] : [{ _cnd: { gte: 1.1 } }] } },
		options: [alert, ...otherOptions],
	});
	return [options(alertInMinutes, 'v1'), options(alertInWords, 'later')];
}

export class PosFileTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'POS File Trigger',
		name: 'posFileTrigger',
		icon: { light: 'file:posFileTrigger.svg', dark: 'file:posFileTrigger.dark.svg' },
		group: ['trigger'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ $parameter["feed"] === "other" ? $parameter["customFeed"] : $parameter["feed"] + " files" }}',
		description: 'Starts a workflow for each new export file your POS writes to a folder',
		defaults: { name: 'POS File Trigger' },
		inputs: [],
		// Two outputs, Files and Sync Gap Alerts, as n8n's own If and Switch nodes have several.
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Files', 'Sync Gap Alerts'],
		eventTriggerDescription: 'Waiting for a new export file',
		activationMessage:
			'New export files in the folder will now start this workflow, one execution per file, oldest first.',
		properties: [
			{
				displayName: 'Feed',
				name: 'feed',
				type: 'options',
				options: [
					{ name: 'Customers', value: 'customer' },
					{ name: 'Products', value: 'product' },
					{ name: 'Transactions', value: 'transaction' },
					{ name: 'Other', value: 'other' },
				],
				default: 'customer',
				description: 'Which export this folder receives. It is passed on with each file.',
			},
			{
				displayName: 'Feed Name',
				name: 'customFeed',
				type: 'string',
				default: '',
				placeholder: 'e.g. stock',
				displayOptions: { show: { feed: ['other'] } },
			},
			{
				displayName: 'Folder',
				name: 'folder',
				type: 'string',
				default: '',
				required: true,
				placeholder: '/home/node/.n8n-files/pos/customers',
				description: 'Full path of the folder the POS exports into. A mounted network share works.',
				hint: 'n8n only reads folders allowed by N8N_RESTRICT_FILE_ACCESS_TO (by default ~/.n8n-files)',
			},
			{
				displayName: 'File Name Pattern',
				name: 'pattern',
				type: 'string',
				default: '*.{csv,tsv,txt,xlsx,xls}',
				placeholder: 'e.g. Customers_*.csv',
				description:
					'Which files in the folder belong to this feed. * matches anything; upper and lower case are treated alike.',
				hint: 'Temporary and partial files (*.tmp, *.part, ~$*, names starting with a dot) are always ignored',
			},
			...scheduleProperties,
			{
				displayName: 'Wait Until Unchanged For (Seconds)',
				name: 'settleSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description:
					'A file is taken only once its size and modified time have not changed for this long, so a file still being written is never picked up half-done',
			},
			...optionsByVersion(),
		],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const feedChoice = this.getNodeParameter('feed') as Feed;
		const feed =
			feedChoice === 'other'
				? (this.getNodeParameter('customFeed', '') as string).trim() || 'other'
				: feedChoice;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const binaryPropertyName = ((options.binaryPropertyName as string) || 'data').trim();

		let folder: ExportFolder;
		try {
			folder = await ExportFolder.open(
				this.getNodeParameter('folder') as string,
				this.getNodeParameter('pattern') as string,
				fileAccessPolicyFromEnv(),
			);
		} catch (error) {
			if (error instanceof FolderError)
				throw new NodeOperationError(this.getNode(), error.message, {
					description: error.description,
				});
			throw new NodeOperationError(this.getNode(), error as Error);
		}

		const toItem = async (
			file: ExportFile,
			sha256: string | undefined,
			attempt: number,
		): Promise<INodeExecutionData> => {
			const details = await describeExportFile(file, folder, sha256);
			const binary = await this.helpers.prepareBinaryData(
				await folder.openStream(file),
				file.name,
				mimeTypeFor(details.format),
			);
			return {
				json: {
					feed,
					...details,
					path: join(folder.folder, file.name),
					shop_folder: dirname(folder.folder),
					attempt,
				} as unknown as IDataObject,
				binary: { [binaryPropertyName]: binary },
			};
		};

		if (this.getMode() === 'manual') {
			return {
				manualTriggerFunction: async () => {
					const newest = (await folder.list()).pop();
					if (!newest) {
						throw new NodeOperationError(
							this.getNode(),
							`No file in ${folder.folder} matches "${this.getNodeParameter('pattern')}"`,
							{
								description:
									'Drop a sample export into the folder, or check the file name pattern. This test run does not mark the file as processed.',
							},
						);
					}
					this.emit([[await toItem(newest, undefined, 1)], []]);
				},
			};
		}

		const staticData = this.getWorkflowStaticData('node');
		const journal = OutcomeJournal.forTrigger(
			this.getWorkflow().id ?? 'unsaved',
			this.getNode().id,
		);
		const watcher = new ExportWatcher(
			folder,
			{
				feed,
				settleMs: (this.getNodeParameter('settleSeconds', 10) as number) * 1000,
				maxAttempts: (options.maxAttempts as number) ?? 3,
				maxFilesPerCheck: (options.maxFilesPerCheck as number) ?? 0,
				moveProcessed: (options.moveProcessed as boolean) ?? false,
				expectedEveryMinutes: alertAfterMinutes(this, options),
				timezone: this.getTimezone(),
				stateKey: journal.path,
				sendFailedBack:
					typeof options.sendFailedBack === 'string' ? options.sendFailedBack : undefined,
			},
			{
				emitFile: async ({ file, sha256, attempt }: FileToEmit): Promise<ExecutionOutcome> => {
					let item: INodeExecutionData;
					try {
						item = await toItem(file, sha256, attempt);
					} catch (error) {
						if (error instanceof FileReadError)
							return { status: 'unreadable', error: error.message };
						throw new NodeOperationError(this.getNode(), error as Error);
					}
					const done = this.helpers.createDeferredPromise<IRun>();
					this.emit([[item], []], undefined, done);
					return outcomeOf(done.promise);
				},
				emitAlert: (alert) => this.emit([[], [{ json: alert as unknown as IDataObject }]]),
				recordSkipped: async ({ file, reason, note, key }) => {
					this.logger.info(`POS File Trigger: ${file} was not handed over: ${note}`, {
						workflowId: this.getWorkflow().id,
						node: this.getNode().name,
					});
					// The same state the nodes use: SQLite in one process, Postgres in queue mode.
					const store = await openSyncState(stateLocation(process.env, defaultStatePath()));
					try {
						await store.recordLedgerSteps([
							{
								executionId: `trigger:${this.getWorkflow().id ?? 'unsaved'}:${reason}:${key}`,
								workflow: this.getWorkflow().name ?? '',
								node: this.getNode().name,
								file,
								recordedAt: new Date().toISOString(),
								counts: { step: 'skipped', feed, reason, note },
							},
						]);
					} finally {
						await store.close();
					}
				},
				reportProblem: (problem) =>
					this.saveFailedExecution(
						new NodeOperationError(this.getNode(), problem.message, {
							description: problem.description,
						}),
					),
				loadState: async () => {
					// Workflows saved before the rename keep the register under its old key, `ledger`.
					const saved = staticData.fileRegister ?? staticData.ledger;
					return FileRegister.merge(saved, await journal.read(), new Date()).toJSON();
				},
				saveState: async (state) => {
					staticData.fileRegister = state as unknown as IDataObject;
					delete staticData.ledger;
					await journal.write(state);
				},
			},
		);

		const schedule = this.getNodeParameter('schedule') as ScheduleChoice;
		const runCheck = () => {
			watcher.check().catch((error: unknown) => {
				this.saveFailedExecution(new NodeOperationError(this.getNode(), error as Error));
			});
		};
		const stopSchedule = checkSchedule(schedule, this, runCheck);
		return {
			closeFunction: async () => {
				watcher.close();
				stopSchedule();
			},
		};
	}
}

/** "Alert If No File For" in minutes; workflows saved before it was typed in hours read the old minutes field. */
function alertAfterMinutes(ctx: ITriggerFunctions, options: IDataObject): number {
	if (typeof options.alertAfter !== 'string' || options.alertAfter.trim() === '')
		return Number(options.expectedEveryMinutes) || 0;
	try {
		return parseDurationMinutes(options.alertAfter);
	} catch (error) {
		const message =
			error instanceof DurationError
				? `Alert If No File For: ${error.message}`
				: (error as Error).message;
		throw new NodeOperationError(ctx.getNode(), message, {
			description: 'Write it like 26h, 1h 30m or 45m.',
		});
	}
}

async function outcomeOf(run: Promise<IRun>): Promise<ExecutionOutcome> {
	try {
		const result = await run;
		// n8n resolves without a run when the execution could not start (the workflow has issues).
		if (!result)
			return {
				status: 'failed',
				error: 'The execution could not start; open the workflow in the editor to see its issues',
			};
		const error = result.data?.resultData?.error;
		if (error || result.status === 'error' || result.status === 'crashed') {
			const where = result.data?.resultData?.lastNodeExecuted;
			const message = `${error?.message ?? `The execution ended with status "${result.status}"`}${where ? ` (in node "${where}")` : ''}`;
			const fault = systemFaultOf(error);
			return fault
				? { status: 'waiting', error: message, fault }
				: { status: 'failed', error: message };
		}
		if (result.status === 'canceled')
			return { status: 'failed', error: 'The execution was cancelled' };
		return { status: 'succeeded' };
	} catch (error) {
		return { status: 'failed', error: (error as Error).message || 'The execution was cancelled' };
	}
}
