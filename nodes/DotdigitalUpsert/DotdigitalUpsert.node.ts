import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	countResults,
	DEFAULT_FIELD_MAP,
	DotdigitalApiError,
	DotdigitalError,
	DotdigitalNetworkError,
	DotdigitalSync,
	listDataFields,
	type ContactUpsertSettings,
	type DataFieldType,
	type FieldMapEntry,
	type RecordResult,
} from '../../lib/dotdigital';
import { learnIdentities, sendingCountsByFile, type SendingCounts, type SyncStateStore, withIndexedEmails } from '../../lib/state';
import { markInFlight, openState, recordInLedger } from '../shared/sync-state';
import { pickedValue } from '../shared/pickers';
import { dotdigitalListSearch } from './dotdigital-pickers';
import { connectToDotdigital, dotdigitalNodeError, errorJson } from './dotdigital-common';
import { dotdigitalUpsertProperties } from './properties';

type Resource = 'contact' | 'order' | 'product' | 'dataField';

/** How the ledger names the records that came without a `_source` from Mapping Apply. */
const FILE_WITHOUT_SOURCE = '(items without a source file)';

export class DotdigitalUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dotdigital Upsert',
		name: 'dotdigitalUpsert',
		icon: { light: 'file:dotdigital.svg', dark: 'file:dotdigital.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ { contact: "Contacts", order: "Orders", product: "Product catalogue", dataField: "Data fields" }[$parameter["resource"]] }}',
		description: 'Sends customers, orders and products to Dotdigital in bulk or in real time, and reports every record that failed',
		defaults: { name: 'Dotdigital Upsert' },
		inputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		outputs: `={{ $parameter["resource"] === "dataField" ? [{ "type": "main" }] : [{ "type": "main", "displayName": "Done" }, { "type": "main", "displayName": "Failed" }, { "type": "main", "displayName": "Summary" }] }}`,
		credentials: [{ name: 'dotdigitalApi', required: true }],
		properties: dotdigitalUpsertProperties,
	};

	methods = { listSearch: dotdigitalListSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as Resource;
		const items = this.getInputData();
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const transport = await connectToDotdigital(this);
		const syncOptions = {
			contactBatchSize: Math.min(Number(options.batchSize) || 2000, 2000),
			insightBatchSize: Math.min(Number(options.batchSize) || 4000, 4000),
			poll: { totalMs: (Number(options.maxWaitMinutes) || 15) * 60_000 },
		};
		if (resource === 'dataField') return [await dataFields(this, new DotdigitalSync(transport, syncOptions))];

		let records = items.map((item) => item.json as Record<string, unknown>);
		let results: RecordResult[];
		let state: SyncStateStore | undefined;
		let byFile: Map<string, SendingCounts>;
		let sync = new DotdigitalSync(transport, syncOptions);
		let stopped: Error | undefined;
		try {
			try {
				state = openState(this);
				const onlyChanged = this.getNodeParameter('onlyChanged', 0, false) as boolean;
				sync = new DotdigitalSync(transport, {
					...syncOptions,
					registry: state,
					...(onlyChanged ? { delta: { store: state, scope: transport.account, force: options.forceFullResync === true } } : {}),
				});
				if (resource === 'order') records = withIndexedEmails(state, records).orders;
				markInFlight(this, state, resource, records, FILE_WITHOUT_SOURCE);
				results = await upsert(this, sync, resource, records, options);
				if (resource === 'contact') learnIdentities(state, records, (position) => results[position].status !== 'failed');
			} catch (caught) {
				({ results, error: stopped } = failEveryRecord(this, caught, records.length));
			}
			// Written whatever happened, so the ledger says why the file's records failed rather than "outcome unknown".
			byFile = sendingCountsByFile(resource, records, results, FILE_WITHOUT_SOURCE);
			if (state) recordInLedger(this, state, [...byFile].map(([file, counts]) => ({ file, counts })));
		} finally {
			state?.close();
		}
		if (stopped && !this.continueOnFail()) throw stopped;
		return outputs(resource, items, records, results, byFile, sync);
	}
}

/** A fault that stops the whole run fails every record, with the reason; the node throws the error after the ledger is written, unless it continues on fail. */
function failEveryRecord(ctx: IExecuteFunctions, caught: unknown, count: number): { results: RecordResult[]; error: Error } {
	const error = dotdigitalNodeError(ctx.getNode(), caught);
	const { description } = errorJson(error);
	// Dotdigital's answers and connection faults are the API's; anything else is how the node is set up.
	const fromApi = caught instanceof DotdigitalApiError || caught instanceof DotdigitalNetworkError;
	const retryable = caught instanceof DotdigitalError && caught.retryable;
	const failure = { status: 'failed' as const, code: 'runFailed', description: description ? `${error.message}: ${description}` : error.message, retryable, owner: fromApi ? ('API' as const) : ('mapping' as const) };
	return { results: Array.from({ length: count }, () => failure), error };
}

function upsert(ctx: IExecuteFunctions, sync: DotdigitalSync, resource: Exclude<Resource, 'dataField'>, records: Array<Record<string, unknown>>, options: IDataObject): Promise<RecordResult[]> {
	if (resource === 'order') {
		return sync.upsertOrders(records, {
			collection: pickedValue(ctx.getNodeParameter('orderCollection', 0, 'Orders')),
			createMissingContacts: ctx.getNodeParameter('createMissingContacts', 0, true) as boolean,
			newContactConsent: ctx.getNodeParameter('newContactConsent', 0, 'posOptIn') as 'posOptIn' | 'dotdigital',
		});
	}
	if (resource === 'product') return sync.upsertProducts(records, { collection: pickedValue(ctx.getNodeParameter('productCollection', 0, 'Catalog_Default')) });
	return sync.upsertContacts(records, contactSettings(ctx, records.length, options));
}

function contactSettings(ctx: IExecuteFunctions, count: number, options: IDataObject): ContactUpsertSettings {
	const mode = ctx.getNodeParameter('mode', 0, 'auto') as 'auto' | 'bulk' | 'realtime';
	const realtimeLimit = Number(ctx.getNodeParameter('realtimeLimit', 0, 25)) || 25;
	const extra = (ctx.getNodeParameter('dataFields.field', 0, []) as Array<{ field?: string; dataField?: unknown }>)
		.map((entry) => ({ field: text(entry.field), dataField: pickedValue(entry.dataField) }))
		.filter((entry) => entry.field !== '' || entry.dataField !== '');
	const incomplete = extra.find((entry) => entry.field === '' || entry.dataField === '');
	if (incomplete) {
		throw new NodeOperationError(ctx.getNode(), 'A data field in More Data Fields is only half filled in', {
			description: `Give both the customer field and the Dotdigital data field (got "${incomplete.field}" → "${incomplete.dataField}").`,
		});
	}
	const fieldMap: FieldMapEntry[] = [...((ctx.getNodeParameter('standardFields', 0, true) as boolean) ? DEFAULT_FIELD_MAP : []), ...extra];
	const lists = listIds(ctx, text(ctx.getNodeParameter('lists', 0, '')));
	return {
		identifier: ctx.getNodeParameter('identifier', 0, 'email') as 'email' | 'mobileNumber',
		mode: mode === 'auto' ? (count <= realtimeLimit ? 'realtime' : 'bulk') : mode,
		fieldMap,
		lists,
		mergeOption: ctx.getNodeParameter('mergeOption', 0, 'overwriteIfNotEmpty') as ContactUpsertSettings['mergeOption'],
		newContactConsent: ctx.getNodeParameter('newContactConsent', 0, 'posOptIn') as 'posOptIn' | 'dotdigital',
		consentRecord: text(options.consentText) ? { text: text(options.consentText), url: text(options.consentUrl), ipAddress: text(options.consentIpAddress) } : undefined,
		createMissingDataFields: options.createMissingDataFields !== false,
	};
}

function listIds(ctx: IExecuteFunctions, value: string): number[] {
	const parts = value.split(/[\s,;]+/).filter(Boolean);
	const bad = parts.filter((part) => !/^\d+$/.test(part));
	if (bad.length > 0) {
		throw new NodeOperationError(ctx.getNode(), `Add to Lists takes list IDs (numbers), not ${bad.map((part) => `"${part}"`).join(', ')}`, {
			description: 'A list’s ID is shown in Dotdigital under Audience → Lists.',
		});
	}
	return [...new Set(parts.map(Number))];
}

async function dataFields(ctx: IExecuteFunctions, sync: DotdigitalSync): Promise<INodeExecutionData[]> {
	const operation = ctx.getNodeParameter('operation', 0) as 'createMissing' | 'getAll';
	try {
		if (operation === 'getAll') {
			return [...(await listDataFields(sync.transport)).values()].map((field) => ({ json: { ...field }, pairedItem: { item: 0 } }));
		}
		const wanted = (ctx.getNodeParameter('fieldsToCreate.field', 0, []) as Array<{ name?: string; type?: DataFieldType }>)
			.map((entry) => ({ name: text(entry.name), type: entry.type ?? 'String' }))
			.filter((entry) => entry.name !== '');
		const result = await sync.createDataFields(wanted);
		return [
			...result.created.map((field) => ({ json: { name: field.name, type: field.type, action: 'created' }, pairedItem: { item: 0 } })),
			...result.existing.map((field) => {
				const other = result.otherType.find((entry) => entry.name.toUpperCase() === field.name.toUpperCase());
				return { json: { name: field.name, type: field.type, action: 'already existed', ...(other ? { note: `wanted ${other.wanted}, but it is ${other.actual}` } : {}) }, pairedItem: { item: 0 } };
			}),
		];
	} catch (caught) {
		const error = dotdigitalNodeError(ctx.getNode(), caught);
		if (!ctx.continueOnFail()) throw error;
		return [{ json: errorJson(error), pairedItem: { item: 0 } }];
	}
}

/** Done and Failed hold one item per input item between them; Summary holds the run's counts. */
function outputs(resource: string, items: INodeExecutionData[], records: Array<Record<string, unknown>>, results: RecordResult[], byFile: Map<string, SendingCounts>, sync: DotdigitalSync): INodeExecutionData[][] {
	const done: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	results.forEach((result, itemIndex) => {
		const source = items[itemIndex].json._source;
		const where = source ? { _source: source } : {};
		const { email, email_from: emailFrom } = records[itemIndex];
		const resolved = emailFrom ? { email: String(email), email_from: String(emailFrom) } : {};
		if (result.status === 'unchanged') {
			done.push({
				json: { resource, action: 'unchanged', ...(resource === 'contact' ? { identifier: result.key } : { key: result.key }), ...where },
				pairedItem: { item: itemIndex },
			});
		} else if (result.status === 'done') {
			done.push({
				json: {
					resource,
					action: result.action,
					...(resource === 'contact' ? { identifier: result.key, contact_id: result.contactId ?? null } : { key: result.key }),
					import_id: result.importId ?? null,
					...resolved,
					...where,
				},
				pairedItem: { item: itemIndex },
			});
		} else {
			failed.push({
				json: {
					resource,
					key: result.key ?? null,
					code: result.code,
					description: result.description,
					retryable: result.retryable,
					owner: result.owner,
					import_id: result.importId ?? null,
					record: items[itemIndex].json,
				},
				pairedItem: { item: itemIndex },
			});
		}
	});
	const counts = countResults(results, { apiCalls: sync.transport.stats.requests, imports: sync.importCalls, retries: sync.transport.stats.retries });
	// Per source file, for checking each file against Mapping Apply's summary of it.
	const files = [...byFile]
		.filter(([file]) => file !== FILE_WITHOUT_SOURCE)
		.map(([file, counts]) => ({ file, records: counts.records, done: counts.accepted, failed: counts.failed, unchanged: counts.unchanged }));
	const summary = {
		resource,
		records: counts.received,
		done: counts.done,
		failed: counts.failed,
		unchanged: counts.unchanged,
		created: counts.created,
		updated: counts.updated,
		imported: counts.imported,
		suppressed: counts.suppressed,
		failed_by_code: counts.failedByCode,
		balanced: counts.done + counts.failed + counts.unchanged === counts.received,
		api_calls: counts.apiCalls,
		imports: counts.imports,
		retries: counts.retries,
		...(files.length > 0 ? { files } : {}),
	};
	return [done, failed, [{ json: summary, pairedItem: items.map((_, item) => ({ item })) }]];
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}
