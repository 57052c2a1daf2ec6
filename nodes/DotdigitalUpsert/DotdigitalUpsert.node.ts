import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_FIELD_MAP,
	DotdigitalApiError,
	DotdigitalError,
	DotdigitalNetworkError,
	DotdigitalSync,
	listDataFields,
	type ContactUpsertSettings,
	type DataFieldType,
	type FailureOwner,
	type FieldMapEntry,
	type RecordResult,
} from '../../lib/dotdigital';
import {
	SyncStateError,
	learnIdentities,
	type SyncState,
	withIndexedEmails,
} from '../../lib/state';
import { checkRecordBatches, planRecordInput, readRecordChunks } from '../shared/record-input';
import {
	isSyncStateFault,
	markInFlight,
	openState,
	recordInLedger,
	syncStateNodeError,
} from '../shared/sync-state';
import { checkReadOncePerRun } from '../shared/once-per-run';
import { pickedValue } from '../shared/pickers';
import { dotdigitalListSearch, dotdigitalLoadOptions } from './dotdigital-pickers';
import { connectToDotdigital, dotdigitalNodeError, errorJson } from '../shared/dotdigital-common';
import { RunReport } from './run-report';
import { dotdigitalUpsertProperties } from './properties';

type Resource = 'contact' | 'order' | 'product' | 'dataField';

/** Every setting applies to the whole run (one import for all the items), so each is read from the first item. */
const READ_ONCE = [
	'resource',
	'operation',
	'identifier',
	'mode',
	'realtimeLimit',
	'lists',
	'standardFields',
	'dataFields',
	'mergeOption',
	'newContactConsent',
	'orderCollection',
	'createMissingContacts',
	'productCollection',
	'fieldsToCreate',
	'onlyChanged',
	'options',
];

/** Done, Failed and Summary, for every resource but data fields. */
const RECORD_OUTPUTS =
	'[{ "type": "main", "displayName": "Done" }, { "type": "main", "displayName": "Failed" }, { "type": "main", "displayName": "Summary" }]';

/** How the ledger names the records that came without a `_source` from Mapping Apply. */
const FILE_WITHOUT_SOURCE = '(items without a source file)';

export class DotdigitalUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dotdigital Upsert',
		name: 'dotdigitalUpsert',
		icon: { light: 'file:dotdigital.svg', dark: 'file:dotdigital.dark.svg' },
		group: ['output'],
		version: [1],
		subtitle:
			'={{ { contact: "Contacts", order: "Orders", product: "Product catalogue", dataField: "Data fields" }[$parameter["resource"]] }}',
		description:
			'Sends customers, orders and products to Dotdigital in bulk or in real time, and reports every record that failed',
		defaults: { name: 'Dotdigital Upsert' },
		inputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		outputs:
			`={{ $parameter["resource"] === "dataField" ? [{ "type": "main" }] : ${RECORD_OUTPUTS} }}` as const,
		credentials: [{ name: 'dotdigitalApi', required: true }],
		properties: dotdigitalUpsertProperties,
	};

	methods = { listSearch: dotdigitalListSearch, loadOptions: dotdigitalLoadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		checkReadOncePerRun(this, READ_ONCE, dotdigitalUpsertProperties);
		const resource = this.getNodeParameter('resource', 0) as Resource;
		const items = this.getInputData();
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const transport = await connectToDotdigital(this);
		const syncOptions = {
			contactBatchSize: Math.min(Number(options.batchSize) || 2000, 2000),
			insightBatchSize: Math.min(Number(options.batchSize) || 4000, 4000),
			poll: { totalMs: (Number(options.maxWaitMinutes) || 15) * 60_000 },
		};
		if (resource === 'dataField')
			return [await dataFields(this, new DotdigitalSync(transport, syncOptions))];

		const plan = planRecordInput(items, FILE_WITHOUT_SOURCE);
		if (plan.batched) await checkRecordBatches(this, items);
		const report = new RunReport(resource, plan.batched, FILE_WITHOUT_SOURCE);
		let state: SyncState | undefined;
		let sync = new DotdigitalSync(transport, syncOptions);
		let stoppedBy: unknown;
		try {
			try {
				state = await openState(this);
				const onlyChanged = this.getNodeParameter('onlyChanged', 0, false) as boolean;
				sync = new DotdigitalSync(transport, {
					...syncOptions,
					registry: state,
					...(onlyChanged
						? {
								delta: {
									store: state,
									scope: transport.account,
									force: options.forceFullResync === true,
								},
							}
						: {}),
				});
				await markInFlight(this, state, resource, plan.perFile);
			} catch (caught) {
				stoppedBy = caught;
			}
			// A batched file goes RECORDS_PER_SEND records at a time: one run of imports each, the same sync (and its pacing) throughout.
			for await (const chunk of readRecordChunks(this, items)) {
				let records = chunk.records;
				let results: RecordResult[];
				if (stoppedBy === undefined) {
					try {
						if (resource === 'order') records = (await withIndexedEmails(state!, records)).orders;
						results = await upsert(this, sync, resource, records, options, plan.total);
						if (resource === 'contact')
							await learnIdentities(
								state!,
								records,
								(position) => results[position].status !== 'failed',
							);
					} catch (caught) {
						stoppedBy = caught;
					}
				}
				// After a fault that stops the run, the rest of the records fail with its reason, unsent.
				if (stoppedBy !== undefined)
					results = failEveryRecord(this, stoppedBy, records.length).results;
				report.add(chunk, records, results!);
			}
		} finally {
			// Written whatever happened, so the ledger says why the file's records failed rather than "outcome unknown".
			try {
				if (state) await recordInLedger(this, state, report.ledger());
			} finally {
				await state?.close();
			}
		}
		if (stoppedBy !== undefined && !this.continueOnFail())
			throw failEveryRecord(this, stoppedBy, 0).error;
		return report.outputs(items, sync);
	}
}

/** A fault that stops the whole run fails every record, with the reason; the node throws the error after the ledger is written, unless it continues on fail. */
function failEveryRecord(
	ctx: IExecuteFunctions,
	caught: unknown,
	count: number,
): { results: RecordResult[]; error: Error } {
	const error =
		caught instanceof SyncStateError
			? syncStateNodeError(ctx, caught)
			: dotdigitalNodeError(ctx.getNode(), caught);
	const { description } = errorJson(error);
	const retryable = caught instanceof DotdigitalError && caught.retryable;
	const failure = {
		status: 'failed' as const,
		code: 'runFailed',
		description: description ? `${error.message}: ${description}` : error.message,
		retryable,
		owner: runFaultOwner(caught),
	};
	return { results: Array.from({ length: count }, () => failure), error };
}

/** Dotdigital's answers and connection faults are the API's; the sync state's are the system's; anything else is how the node is set up. */
function runFaultOwner(caught: unknown): FailureOwner {
	if (caught instanceof DotdigitalApiError || caught instanceof DotdigitalNetworkError)
		return 'API';
	return isSyncStateFault(caught) ? 'system' : 'mapping';
}

function upsert(
	ctx: IExecuteFunctions,
	sync: DotdigitalSync,
	resource: Exclude<Resource, 'dataField'>,
	records: Array<Record<string, unknown>>,
	options: IDataObject,
	total: number,
): Promise<RecordResult[]> {
	if (resource === 'order') {
		return sync.upsertOrders(records, {
			collection: pickedValue(ctx.getNodeParameter('orderCollection', 0, 'Orders')),
			createMissingContacts: ctx.getNodeParameter('createMissingContacts', 0, true) as boolean,
			newContactConsent: ctx.getNodeParameter('newContactConsent', 0, 'posOptIn') as
				'posOptIn' | 'dotdigital',
		});
	}
	if (resource === 'product')
		return sync.upsertProducts(records, {
			collection: pickedValue(ctx.getNodeParameter('productCollection', 0, 'Catalog_Default')),
		});
	return sync.upsertContacts(records, contactSettings(ctx, total, options));
}

function contactSettings(
	ctx: IExecuteFunctions,
	count: number,
	options: IDataObject,
): ContactUpsertSettings {
	const mode = ctx.getNodeParameter('mode', 0, 'auto') as 'auto' | 'bulk' | 'realtime';
	const realtimeLimit = Number(ctx.getNodeParameter('realtimeLimit', 0, 25)) || 25;
	const extra = (
		ctx.getNodeParameter('dataFields.field', 0, []) as Array<{
			field?: string;
			dataField?: unknown;
		}>
	)
		.map((entry) => ({ field: text(entry.field), dataField: pickedValue(entry.dataField) }))
		.filter((entry) => entry.field !== '' || entry.dataField !== '');
	const incomplete = extra.find((entry) => entry.field === '' || entry.dataField === '');
	if (incomplete) {
		throw new NodeOperationError(
			ctx.getNode(),
			'A data field in More Data Fields is only half filled in',
			{
				description: `Give both the customer field and the Dotdigital data field (got "${incomplete.field}" → "${incomplete.dataField}").`,
			},
		);
	}
	const fieldMap: FieldMapEntry[] = [
		...((ctx.getNodeParameter('standardFields', 0, true) as boolean) ? DEFAULT_FIELD_MAP : []),
		...extra,
	];
	const lists = listIds(ctx, ctx.getNodeParameter('lists', 0, []));
	return {
		identifier: ctx.getNodeParameter('identifier', 0, 'email') as 'email' | 'mobileNumber',
		mode: mode === 'auto' ? (count <= realtimeLimit ? 'realtime' : 'bulk') : mode,
		fieldMap,
		lists,
		mergeOption: ctx.getNodeParameter(
			'mergeOption',
			0,
			'overwriteIfNotEmpty',
		) as ContactUpsertSettings['mergeOption'],
		newContactConsent: ctx.getNodeParameter('newContactConsent', 0, 'posOptIn') as
			'posOptIn' | 'dotdigital',
		consentRecord: text(options.consentText)
			? {
					text: text(options.consentText),
					url: text(options.consentUrl),
					ipAddress: text(options.consentIpAddress),
				}
			: undefined,
		createMissingDataFields: options.createMissingDataFields !== false,
	};
}

/** The lists picked (IDs), or typed as before the picker ("12345, 67890", in an expression or a workflow saved then). */
function listIds(ctx: IExecuteFunctions, value: unknown): number[] {
	const parts = (Array.isArray(value) ? value : [value])
		.flatMap((entry) => text(entry).split(/[\s,;]+/))
		.filter(Boolean);
	const bad = parts.filter((part) => !/^\d+$/.test(part));
	if (bad.length > 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Add to Lists takes list IDs (numbers), not ${bad.map((part) => `"${part}"`).join(', ')}`,
			{
				description: 'A list’s ID is shown in Dotdigital under Audience → Lists.',
			},
		);
	}
	return [...new Set(parts.map(Number))];
}

async function dataFields(
	ctx: IExecuteFunctions,
	sync: DotdigitalSync,
): Promise<INodeExecutionData[]> {
	const operation = ctx.getNodeParameter('operation', 0) as 'createMissing' | 'getAll';
	try {
		if (operation === 'getAll') {
			return [...(await listDataFields(sync.transport)).values()].map((field) => ({
				json: { ...field },
				pairedItem: { item: 0 },
			}));
		}
		const wanted = (
			ctx.getNodeParameter('fieldsToCreate.field', 0, []) as Array<{
				name?: string;
				type?: DataFieldType;
			}>
		)
			.map((entry) => ({ name: text(entry.name), type: entry.type ?? 'String' }))
			.filter((entry) => entry.name !== '');
		const result = await sync.createDataFields(wanted);
		return [
			...result.created.map((field) => ({
				json: { name: field.name, type: field.type, action: 'created' },
				pairedItem: { item: 0 },
			})),
			...result.existing.map((field) => {
				const other = result.otherType.find(
					(entry) => entry.name.toUpperCase() === field.name.toUpperCase(),
				);
				const note = other ? { note: `wanted ${other.wanted}, but it is ${other.actual}` } : {};
				return {
					json: { name: field.name, type: field.type, action: 'already existed', ...note },
					pairedItem: { item: 0 },
				};
			}),
		];
	} catch (caught) {
		const error = dotdigitalNodeError(ctx.getNode(), caught);
		if (!ctx.continueOnFail()) throw error;
		return [{ json: errorJson(error), pairedItem: { item: 0 } }];
	}
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}
