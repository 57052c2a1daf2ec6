import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { basename } from 'node:path';

import {
	listConsentChanges,
	type ConsentBackStore,
	type ConsentListing,
} from '../../lib/dotdigital/consent-back';
import { DEFAULT_CONSENT_COLUMNS, type ConsentColumns } from '../../lib/dotdigital/consent-file';
import {
	CONSENT_SHEET,
	readConsentLayout,
	type ConsentLayout,
} from '../../lib/dotdigital/consent-layout';
import {
	lockConsentFolder,
	settleConsentWrite,
	writeConsentChanges,
	type SettledWrite,
} from '../../lib/dotdigital/consent-write';
import { FolderBusyError, LOCK_DEFAULTS } from '../../lib/files/folder-lock';
import { MappingError } from '../../lib/mapping';
import { fileAccessPolicyFromEnv, folderAccessProblem } from '../../lib/files/access';
import { emptyMap, type SendingCounts, type SyncState } from '../../lib/state';
import { readFileAtPath } from '../shared/read-path';
import { connectToDotdigital, dotdigitalNodeError } from '../shared/dotdigital-common';
import { openState, recordInLedger } from '../shared/sync-state';

export class DotdigitalConsentChanges implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dotdigital Consent Changes',
		name: 'dotdigitalConsentChanges',
		icon: { light: 'file:dotdigital.svg', dark: 'file:dotdigital.dark.svg' },
		group: ['input'],
		version: [1, 2],
		subtitle: 'Unsubscribes back to the till',
		description:
			'Writes the contacts who unsubscribed or were suppressed in Dotdigital since the last run as a file for the till, each once',
		defaults: { name: 'Dotdigital Consent Changes' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'dotdigitalApi', required: true }],
		properties: [
			{
				displayName: 'Shop Folder',
				name: 'folder',
				type: 'string',
				default: '',
				required: true,
				placeholder: '/home/node/.n8n-files/pos/consent',
				description:
					'Full path of the folder the till imports opt-outs from. It is created when missing.',
			},
			{
				displayName: 'Layout',
				name: 'layout',
				type: 'hidden',
				default: 'here',
				displayOptions: { show: { '@version': [1] } },
			},
			{
				displayName: 'Layout',
				name: 'layout',
				type: 'options',
				default: 'workbook',
				displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
				options: [
					{
						name: 'From the Mapping Workbook',
						value: 'workbook',
						description: "The columns the Consent File sheet of the shop's mapping workbook lists",
					},
					{
						name: 'Columns Set Here',
						value: 'here',
						description: 'The headings and status words set on this node',
					},
				],
			},
			{
				displayName: 'Mapping Workbook',
				name: 'mappingWorkbook',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { layout: ['workbook'] } },
				placeholder: '/home/node/.n8n-files/pos/mapping/shop-mapping.xlsx',
				description:
					"Full path of the shop's mapping workbook; its Consent File sheet sets the file's " +
					'columns. A layout that does not fit stops the run before Dotdigital is read.',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: "=unsubscribes-{{ $now.toFormat('yyyy-MM-dd-HHmmss') }}.csv",
				description:
					'One file per run with changes; a run with none writes no file. ' +
					'A file of that name still in the folder is never replaced: the new one gets " (2)" added.',
			},
			{
				displayName: 'Columns',
				displayOptions: { show: { layout: ['here'] } },
				name: 'columns',
				type: 'collection',
				placeholder: 'Change a Heading',
				default: {},
				description:
					"Headings as the till's import expects them. An empty heading leaves the column out.",
				options: [
					{ displayName: 'Changed At', name: 'changed_at', type: 'string', default: 'Changed At' },
					{
						displayName: 'Dotdigital Contact ID',
						name: 'contact_id',
						type: 'string',
						default: 'Dotdigital ID',
					},
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						default: 'Email',
						placeholder: 'e.g. Email Address',
					},
					{
						displayName: 'Mobile Number',
						name: 'mobile_number',
						type: 'string',
						default: 'Mobile',
					},
					{ displayName: 'Status', name: 'status', type: 'string', default: 'Status' },
				],
			},
			{
				displayName: 'Unsubscribed Reads',
				displayOptions: { show: { layout: ['here'] } },
				name: 'unsubscribedWord',
				type: 'string',
				default: 'unsubscribed',
				description: 'The Status value for someone who unsubscribed, as the till wants it (e.g. N)',
			},
			{
				displayName: 'Suppressed Reads',
				displayOptions: { show: { layout: ['here'] } },
				name: 'suppressedWord',
				type: 'string',
				default: 'suppressed',
				description:
					'The Status value for an address Dotdigital suppressed (bounced, complained, or on the suppression list), as the till wants it',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let state: SyncState | undefined;
		try {
			const folder = (this.getNodeParameter('folder', 0) as string).trim();
			if (!folder.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(folder))
				throw new NodeOperationError(
					this.getNode(),
					`The shop folder "${folder}" is not a full path`,
					{ itemIndex: 0 },
				);
			const refusal = await folderAccessProblem(folder, fileAccessPolicyFromEnv());
			if (refusal)
				throw new NodeOperationError(
					this.getNode(),
					`n8n does not allow writing to "${folder}": ${refusal}`,
					{ itemIndex: 0 },
				);
			const layout = await readLayout(this);
			const transport = await connectToDotdigital(this);
			state = await openState(this);
			const store = consentStore(state);
			const scope = `consent-back:${transport.account}`;
			const fileProblem = (error: Error) =>
				new NodeOperationError(
					this.getNode(),
					`The file for the till could not be written: ${error.message}`,
					{
						itemIndex: 0,
						...(error instanceof MappingError
							? {
									description:
										'Owner: mapping. Nothing was written and nothing is marked as sent: the same changes are listed again once the mapping workbook is fixed.',
								}
							: {}),
					},
				);
			const lock = await lockConsentFolder(folder, scope).catch((error: Error) => {
				throw error instanceof FolderBusyError
					? folderBusy(this, folder, error)
					: fileProblem(error);
			});
			let settled: SettledWrite | null;
			let listing: ConsentListing;
			let path: string | null;
			try {
				// What a run that stopped half-way left behind is settled first, so each change is written once.
				settled = await settleConsentWrite(folder, store, scope).catch((error: Error) => {
					throw fileProblem(error);
				});
				if (settled) await recordInLedger(this, state, [consentLedgerStep(settled)]);
				listing = await listConsentChanges(transport, store, scope).catch((error: unknown) => {
					throw dotdigitalNodeError(this.getNode(), error, 0);
				});
				const format = layout ? { layout } : formatSetHere(this);
				const fileName = String(this.getNodeParameter('fileName', 0));
				path = await writeConsentChanges(folder, fileName, listing, format, store, scope).catch(
					(error: Error) => {
						throw fileProblem(error);
					},
				);
			} finally {
				await lock.release();
			}
			if (path)
				await recordInLedger(this, state, [
					consentLedgerStep({ file: basename(path), contacts: listing.changes.length }),
				]);
			const count = (status: string) =>
				listing.changes.filter((change) => change.status === status).length;
			const summary: IDataObject = {
				file: path,
				settledFromEarlierRun: settled?.file ?? null,
				contacts: listing.changes.length,
				unsubscribed: count('unsubscribed'),
				suppressed: count('suppressed'),
				since: listing.since === undefined ? null : new Date(listing.since).toISOString(),
				until: new Date(listing.until).toISOString(),
				changes: listing.changes as unknown as IDataObject[],
			};
			return [[{ json: summary, pairedItem: { item: 0 } }]];
		} catch (caught) {
			const error =
				caught instanceof NodeOperationError
					? caught
					: dotdigitalNodeError(this.getNode(), caught, 0);
			if (!this.continueOnFail()) throw error;
			return [[{ json: { error: error.message }, pairedItem: { item: 0 } }]];
		} finally {
			await state?.close();
		}
	}
}

/** The layout from the mapping workbook, read before anything else so a bad one changes nothing. */
async function readLayout(ctx: IExecuteFunctions): Promise<ConsentLayout | undefined> {
	if (ctx.getNodeParameter('layout', 0, 'here') !== 'workbook') return undefined;
	const path = String(ctx.getNodeParameter('mappingWorkbook', 0, '')).trim();
	try {
		const bytes = await readFileAtPath(ctx, path, 'the mapping workbook');
		return await readConsentLayout(bytes, basename(path));
	} catch (error) {
		const message =
			error instanceof MappingError
				? error.message
				: `Cannot read "${path}": ${(error as Error).message}`;
		throw new NodeOperationError(ctx.getNode(), message, {
			itemIndex: 0,
			description: `Owner: mapping. Fix the ${CONSENT_SHEET} sheet of the mapping workbook "${path}"; nothing was read from Dotdigital or written.`,
		});
	}
}

function folderBusy(ctx: IExecuteFunctions, folder: string, busy: FolderBusyError) {
	const holder = busy.holder
		? `It started at ${busy.holder.since} (process ${busy.holder.pid} on ${busy.holder.host}). `
		: '';
	return new NodeOperationError(
		ctx.getNode(),
		`Another run is writing the consent changes of this Dotdigital account to "${folder}"`,
		{
			itemIndex: 0,
			description:
				`Owner: system. ${holder}This run waited ${LOCK_DEFAULTS.waitMs / 1000} seconds for it, ` +
				'then stopped before reading Dotdigital, so no change is written twice: ' +
				"the changes come out in that run's file, or in the next run's. Two " +
				'workflows (or a test run and the schedule) writing the same folder ' +
				'for the same account should not run at the same time. ' +
				'A run that died leaves its lock behind; the next run takes it over once that process is gone, ' +
				`or after ${LOCK_DEFAULTS.staleMs / 60_000} minutes.`,
		},
	);
}

function formatSetHere(ctx: IExecuteFunctions) {
	return {
		columns: {
			...DEFAULT_CONSENT_COLUMNS,
			...(ctx.getNodeParameter('columns', 0, {}) as ConsentColumns),
		},
		words: {
			unsubscribed: String(ctx.getNodeParameter('unsubscribedWord', 0, 'unsubscribed')),
			suppressed: String(ctx.getNodeParameter('suppressedWord', 0, 'suppressed')),
		},
	};
}

function consentStore(state: SyncState): ConsentBackStore {
	return {
		cursor: (scope) => state.contactsListedUntil(scope),
		alreadyWritten: (scope, entries) => state.unchanged(scope, entries),
		commit: async (scope, seen, cursor) => {
			await state.commitFingerprints(scope, seen);
			await state.setContactsListedUntil(scope, cursor);
		},
	};
}

function consentLedgerStep(written: { file: string; contacts: number }) {
	const counts: SendingCounts = {
		step: 'sending',
		resource: 'consent',
		records: written.contacts,
		accepted: written.contacts,
		failed: 0,
		unchanged: 0,
		failed_by_reason: emptyMap(),
		value_accepted: emptyMap(),
		value_failed: emptyMap(),
		value_unchanged: emptyMap(),
	};
	return { file: written.file, counts };
}
