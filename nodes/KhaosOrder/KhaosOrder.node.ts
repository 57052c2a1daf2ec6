import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	changedCustomers,
	getDeletedCustomers,
	khaosTime,
	orderTracking,
	salesOrderCodes,
	sendOrdersChecked,
	webOrderFromJson,
	type OrderProblem,
	type OrderStatus,
	type SendOrderResult,
	type SendOrdersOptions,
	type WebOrder,
} from '../../lib/khaos';
import { khaosListSearch } from '../shared/khaos-pickers';
import { checkReadOncePerRun } from '../shared/once-per-run';
import { pickedValue } from '../shared/pickers';
import {
	connectToKhaos,
	errorJson,
	khaosNodeError,
	splitCodes,
	testKhaosCredential,
	type KhaosConnection,
} from '../shared/khaos-common';
import { updateMailingPreferences } from './mailing-preference';
import { khaosOrderProperties } from './properties';

/** Done and Failed, for Import Orders. */
const IMPORT_OUTPUTS =
	'[{ "type": "main", "displayName": "Done" }, { "type": "main", "displayName": "Failed" }]';

type Operation =
	| 'importOrders'
	| 'getStatus'
	| 'exportCustomers'
	| 'getDeletedCustomers'
	| 'updateMailingPreference';

export class KhaosOrder implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Khaos Order',
		name: 'khaosOrder',
		icon: { light: 'file:khaosOrder.svg', dark: 'file:khaosOrder.dark.svg' },
		group: ['output'],
		version: [1],
		subtitle:
			'={{ { importOrders: "Import orders", getStatus: "Order status", exportCustomers: "Export customers", ' +
			'getDeletedCustomers: "Deleted customers", updateMailingPreference: "Mailing preference" }[$parameter["operation"]] }}',
		description:
			"Sends web orders into Khaos Control, reads back their status and tracking, exports customers, and records customers' unsubscribes",
		defaults: { name: 'Khaos Order' },
		inputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		outputs:
			`={{ $parameter["operation"] === "importOrders" ? ${IMPORT_OUTPUTS} : [{ "type": "main" }] }}` as const,
		credentials: [{ name: 'khaosControlApi', required: true, testedBy: 'khaosControlApiTest' }],
		properties: khaosOrderProperties,
	};

	methods = {
		credentialTest: {
			khaosControlApiTest: testKhaosCredential,
		},
		listSearch: khaosListSearch,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		checkReadOncePerRun(this, ['operation'], khaosOrderProperties);
		const operation = this.getNodeParameter('operation', 0) as Operation;
		const connection = await connectToKhaos(this);
		if (operation === 'importOrders') return await importOrders(this, connection);
		if (operation === 'getStatus') return [await orderStatuses(this, connection)];
		if (operation === 'getDeletedCustomers') return [await deletedCustomers(this, connection)];
		if (operation === 'updateMailingPreference')
			return [await updateMailingPreferences(this, connection)];
		return [await exportCustomers(this, connection)];
	}
}

/** One item per customer deleted (or merged: merged_into names the customer to export again) in the date range. */
async function deletedCustomers(
	ctx: IExecuteFunctions,
	{ client }: KhaosConnection,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
		try {
			const day = (name: string): string => {
				try {
					return khaosTime(text(ctx.getNodeParameter(name, itemIndex, ''))).slice(0, 10);
				} catch (error) {
					throw new NodeOperationError(
						ctx.getNode(),
						`${name === 'deletedFrom' ? 'Deleted From' : 'Deleted To'}: ${(error as Error).message}`,
						{ itemIndex },
					);
				}
			};
			const entries = await getDeletedCustomers(
				client,
				`${day('deletedFrom')}T00:00:00`,
				`${day('deletedTo')}T23:59:59`,
			);
			for (const entry of entries)
				output.push({ json: entry as unknown as IDataObject, pairedItem: { item: itemIndex } });
		} catch (caught) {
			const error =
				caught instanceof NodeOperationError
					? caught
					: khaosNodeError(ctx.getNode(), caught, itemIndex);
			if (!ctx.continueOnFail()) throw error;
			output.push({ json: errorJson(error), pairedItem: { item: itemIndex } });
		}
	}
	return output;
}

/**
 * Every input item ends on exactly one output: Done (imported now, or imported before) or Failed
 * (with the reason, whether trying again could help, and the order as it came in).
 */
async function importOrders(
	ctx: IExecuteFunctions,
	{ client, settings }: KhaosConnection,
): Promise<INodeExecutionData[][]> {
	checkReadOncePerRun(ctx, ['options'], khaosOrderProperties);
	const items = ctx.getInputData();
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const done: (INodeExecutionData | undefined)[] = new Array(items.length).fill(undefined);
	const failed: (INodeExecutionData | undefined)[] = new Array(items.length).fill(undefined);
	const fail = (itemIndex: number, json: IDataObject): void => {
		failed[itemIndex] = {
			json: { order_id: orderIdOf(items[itemIndex].json), ...json, order: items[itemIndex].json },
			pairedItem: { item: itemIndex },
		};
	};

	const orders: WebOrder[] = [];
	const itemOf: number[] = [];
	items.forEach((item, itemIndex) => {
		// Read for each item: each order is read on its own.
		const pricesChoice = ctx.getNodeParameter('pricesIncludeTax', itemIndex, 'order') as string;
		const read = webOrderFromJson(item.json, {
			pricesIncludeTax: pricesChoice === 'yes' ? true : pricesChoice === 'no' ? false : undefined,
		});
		if ('problems' in read) {
			fail(itemIndex, {
				reason: describeProblems(read.problems),
				retryable: false,
				problems: problemList(read.problems),
			});
		} else {
			orders.push(read.order);
			itemOf.push(itemIndex);
		}
	});

	// A description is no way to name an order line, so a credential set to Description means stock codes here.
	const mappingType = Number(options.mappingType ?? 0) || (settings.stockMappingType === 2 ? 2 : 1);
	const sendOptions: SendOrdersOptions = {
		salesSource: pickedValue(options.salesSource) || settings.salesSource,
		websiteName: text(options.websiteName) || settings.websiteName,
		site: pickedValue(options.site),
		companyClass: text(options.companyClass),
		brand: text(options.brand),
		mappingType,
		timeZone: text(options.timeZone) || 'Europe/London',
		batchSize: Number(options.batchSize ?? 20) || 20,
	};

	let results: SendOrderResult[] = [];
	try {
		results = orders.length === 0 ? [] : await sendOrdersChecked(client, orders, sendOptions);
	} catch (caught) {
		const error = khaosNodeError(ctx.getNode(), caught);
		if (!ctx.continueOnFail()) throw error;
		const { description } = errorJson(error);
		itemOf.forEach((itemIndex) =>
			fail(itemIndex, {
				reason: error.message,
				retryable: true,
				...(description ? { description } : {}),
			}),
		);
	}

	const repeats = results
		.filter((result) => result.status === 'already_imported')
		.map((result) => result.order_id);
	const knownCodes =
		repeats.length > 0 ? await salesOrderCodes(client, repeats) : new Map<string, string>();
	for (const result of results) {
		const itemIndex = itemOf[result.index];
		const warnings = result.warnings.map((warning) => `${warning.field} ${warning.message}`);
		if (result.status === 'failed') {
			fail(itemIndex, {
				reason: result.reason,
				retryable: result.retryable,
				...(result.unknownCodes ? { unknown_codes: result.unknownCodes } : {}),
				...(result.problems ? { problems: problemList(result.problems) } : {}),
				...(warnings.length > 0 ? { warnings } : {}),
			});
			continue;
		}
		const json: IDataObject =
			result.status === 'imported'
				? {
						order_id: result.order_id,
						status: 'imported',
						sales_order_code: result.salesOrderCode,
						customer_code: result.customerCode,
						message: result.message,
						warnings,
					}
				: {
						order_id: result.order_id,
						status: 'already_imported',
						sales_order_code: knownCodes.get(result.order_id.trim().toUpperCase()) ?? null,
						customer_code: null,
						message: result.reason,
						warnings,
					};
		done[itemIndex] = { json, pairedItem: { item: itemIndex } };
	}
	// sendOrders answers for every order; this only guards the promise that no item is ever dropped.
	items.forEach((_, itemIndex) => {
		if (!done[itemIndex] && !failed[itemIndex])
			fail(itemIndex, {
				reason: 'the order was not processed; sending it again is safe',
				retryable: true,
			});
	});
	return [done.filter(isItem), failed.filter(isItem)];
}

/** One item per order asked about (found or not), paired with the input items that asked. */
async function orderStatuses(
	ctx: IExecuteFunctions,
	{ client }: KhaosConnection,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const askedBy = new Map<string, { ref: string; items: number[] }>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const value = ctx.getNodeParameter('orderRefs', itemIndex, '') as unknown;
		for (const ref of splitCodes(value === undefined || value === null ? '' : String(value))) {
			const key = ref.toUpperCase();
			const entry = askedBy.get(key) ?? { ref, items: [] };
			if (!entry.items.includes(itemIndex)) entry.items.push(itemIndex);
			askedBy.set(key, entry);
		}
	}
	if (askedBy.size === 0) {
		if (items.length === 0) return [];
		throw new NodeOperationError(ctx.getNode(), 'No order references given', {
			itemIndex: 0,
			description:
				"Order References is empty for every input item. By default it reads each item's order_id.",
		});
	}
	checkReadOncePerRun(ctx, ['lookUpBy', 'options'], khaosOrderProperties);
	const lookUpBy = ctx.getNodeParameter('lookUpBy', 0, 4) as 3 | 4;
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	let statuses: OrderStatus[];
	try {
		statuses = await client.exportOrderStatusEx({
			ids: [...askedBy.values()].map((entry) => entry.ref),
			mappingType: lookUpBy,
			includeTracking: true,
			includeCancelled: options.includeCancelled !== false,
			showItems: options.showItems === true,
		});
	} catch (caught) {
		const error = khaosNodeError(ctx.getNode(), caught, [...askedBy.values()][0].items[0]);
		if (!ctx.continueOnFail()) throw error;
		return items.map((_, itemIndex) => ({
			json: errorJson(error),
			pairedItem: { item: itemIndex },
		}));
	}
	const found = new Map<string, OrderStatus>();
	for (const status of statuses)
		found.set(
			(lookUpBy === 3 ? status.sales_order_code : status.associated_ref).trim().toUpperCase(),
			status,
		);
	return [...askedBy.entries()].map(([key, entry]) => {
		const status = found.get(key);
		const json = status
			? { found: true, ...status, ...orderTracking(status) }
			: { found: false, [lookUpBy === 3 ? 'sales_order_code' : 'associated_ref']: entry.ref };
		return {
			json: json as unknown as IDataObject,
			pairedItem: entry.items.map((item) => ({ item })),
		};
	});
}

async function exportCustomers(
	ctx: IExecuteFunctions,
	{ client }: KhaosConnection,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const customers = await changedCustomers(client, {
				since: text(ctx.getNodeParameter('changedSince', itemIndex, '')),
				companyClasses: splitCodes(text(ctx.getNodeParameter('companyClasses', itemIndex, ''))),
				excludeCodes: splitCodes(
					text(ctx.getNodeParameter('excludeCodes', itemIndex, 'EPOS, *TEST*')),
				),
			});
			for (const customer of customers)
				output.push({ json: customer as unknown as IDataObject, pairedItem: { item: itemIndex } });
		} catch (caught) {
			const error = khaosNodeError(ctx.getNode(), caught, itemIndex);
			if (!ctx.continueOnFail()) throw error;
			output.push({ json: errorJson(error), pairedItem: { item: itemIndex } });
		}
	}
	return output;
}

function describeProblems(problems: readonly OrderProblem[]): string {
	return problems.map((problem) => `${problem.field} ${problem.message}`).join('; ');
}

function problemList(problems: readonly OrderProblem[]): IDataObject[] {
	return problems.map((problem) => ({ field: problem.field, message: problem.message }));
}

function orderIdOf(json: IDataObject): string | null {
	const id = json?.order_id;
	return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function isItem(item: INodeExecutionData | undefined): item is INodeExecutionData {
	return item !== undefined;
}
