/**
 * Mapping Apply's Split by Feed inside n8n's engine: a per-sale export mapped into customers, products
 * and orders comes out of one output per feed (records one item each in a small file, batches of one
 * feed each past 5,000 records), while a workflow saved before the option keeps its three outputs and
 * what each holds.
 */
import { join } from 'node:path';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { MappingApply } from '../../nodes/MappingApply/MappingApply.node';
import { RECORDS_PER_BATCH, readBatch } from '../../lib/files';
import { superstoreLike } from '../unit/mapping/generated';
import { FILES_FOLDER, binaryBuffer, outputOf, runWorkflow } from './harness/engine';
import { writeMappingWorkbook } from './harness/workbook';

jest.setTimeout(120_000);

/** A node that passes on what it is given, to see what reaches a node connected to an output. */
class PassOn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pass On',
		name: 'passOn',
		group: ['transform'],
		version: 1,
		description: 'Outputs its input',
		defaults: { name: 'Pass On' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** The shop's workbook with all three sheets filled in for the Superstore-like layout (with an Email column). */
function superstoreWorkbook(): string {
	return writeMappingWorkbook(join(FILES_FOLDER, 'feeds-mapping.xlsx'), {
		Customers: { customer_id: ['Customer ID'], full_name: ['Customer Name'], email: ['Email'] },
		Products: { sku: ['Product ID'], name: ['Product Name'], category: ['Category'] },
		Transactions: {
			order_id: ['Order ID'],
			purchase_date: ['Order Date', 'M/d/yyyy'],
			customer_id: ['Customer ID'],
			'lines.sku': ['Product ID'],
			'lines.qty': ['Quantity'],
			'lines.line_total': ['Sales'],
		},
	});
}

function fileItem(csv: string, fileName: string): INodeExecutionData {
	return {
		json: { name: fileName },
		binary: { data: { data: Buffer.from(csv).toString('base64'), mimeType: 'text/csv', fileName } },
	};
}

/** A small per-sale export: 200 orders of about 40 customers and 60 products, some rows without an email. */
function smallExport() {
	const file = superstoreLike(200, 77);
	const csv = file.csv
		.replace('Customer Name,', 'Customer Name,Email,')
		.replace(/(Claire Gute),/g, '$1,,');
	return { ...file, csv };
}

/** A per-sale export of one row per order, every order another customer: `count` of each feed. */
function bigExport(count: number): string {
	const lines = [
		'Order ID,Order Date,Customer ID,Customer Name,Email,Product ID,Category,Product Name,Sales,Quantity',
	];
	for (let row = 0; row < count; row++)
		lines.push(
			`S-${row},11/8/2016,C-${row},Jo ${row},jo${row}@example.com,P-${row},Furniture,Chair ${row},${(row % 90) + 10}.50,1`,
		);
	return `${lines.join('\n')}\n`;
}

const FEEDS = [
	{ feed: 'customer', output: 3 },
	{ feed: 'product', output: 4 },
	{ feed: 'transaction', output: 5 },
] as const;

let workbookPath: string;
beforeAll(() => {
	workbookPath = superstoreWorkbook();
});

const parameters = (split?: boolean): INodeParameters => ({
	feed: 'all',
	mappingSource: 'workbook',
	workbookLocation: 'path',
	workbookPath,
	settings: { currency: 'USD' },
	...(split === undefined ? {} : { splitByFeed: split }),
});

/** Maps one file, each of the node's outputs connected to a node of its own ("Output 0", …). */
async function run(item: INodeExecutionData, mapping: INodeParameters, outputs: number) {
	const downstream = Array.from({ length: outputs }, (_, index) => `Output ${index}`);
	return await runWorkflow({
		nodes: [
			{ name: 'Input', type: 'testInput', parameters: { items: JSON.stringify([item]) } },
			{ name: 'Mapping Apply', type: 'n8n-nodes-pos-sync.mappingApply', parameters: mapping },
			...downstream.map((name) => ({
				name,
				type: 'n8n-nodes-pos-sync.passOn',
				parameters: {},
			})),
		],
		connections: {
			Input: { main: [[{ node: 'Mapping Apply', type: 'main', index: 0 }]] },
			'Mapping Apply': { main: downstream.map((node) => [{ node, type: 'main', index: 0 }]) },
		},
		nodeTypes: { mappingApply: new MappingApply(), passOn: new PassOn() },
		executionOrder: 'v1',
	});
}

/** What n8n draws and connects for a Mapping Apply node with these parameters. */
function outputNames(mapping: INodeParameters): string[] {
	const type = new MappingApply();
	const nodeTypes: INodeTypes = {
		getByName: () => type,
		getByNameAndVersion: () => type,
		getKnownTypes: () => ({}),
	};
	const node = {
		id: 'map',
		name: 'Mapping Apply',
		type: 'n8n-nodes-pos-sync.mappingApply',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: mapping,
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return NodeHelpers.getNodeOutputs(workflow, node, type.description).map((output) =>
		typeof output === 'string' ? output : String(output.displayName),
	);
}

const feedOf = (item: INodeExecutionData) => (item.json._source as { feed: string }).feed;

describe('Mapping Apply, Split by Feed', () => {
	it('adds Customers, Products and Orders after Records, Rejected and Summary, only when switched on for a several-feed export', () => {
		expect(outputNames(parameters())).toEqual(['Records', 'Rejected', 'Summary']);
		expect(outputNames(parameters(false))).toEqual(['Records', 'Rejected', 'Summary']);
		expect(outputNames(parameters(true))).toEqual([
			'Records',
			'Rejected',
			'Summary',
			'Customers',
			'Products',
			'Orders',
		]);
		expect(outputNames({ ...parameters(true), feed: 'customer' })).toEqual([
			'Records',
			'Rejected',
			'Summary',
		]);
	});

	it("gives each feed's records, one item each, on that feed's output, and nothing on Records", async () => {
		const file = smallExport();
		const result = await run(fileItem(file.csv, 'sales.csv'), parameters(true), 6);

		expect(outputOf(result, 'Mapping Apply', 0)).toEqual([]);
		expect(result.data.resultData.runData['Output 0']).toBeUndefined();
		expect(outputOf(result, 'Mapping Apply', 1)).toEqual([]);
		expect(outputOf(result, 'Output 2').map((summary) => summary.json.file)).toEqual([
			'sales.csv (customers)',
			'sales.csv (products)',
			'sales.csv (transactions)',
		]);
		const ids = {
			customer: { key: 'customer_id', values: file.customers },
			product: { key: 'sku', values: file.products },
		};
		for (const { feed, output } of FEEDS) {
			const items = outputOf(result, `Output ${output}`);
			expect(items.map(feedOf)).toEqual(items.map(() => feed));
			expect(items.some((item) => 'record_batch' in item.json)).toBe(false);
			if (feed === 'transaction') expect(items).toHaveLength(200);
			else expect(new Set(items.map((item) => item.json[ids[feed].key]))).toEqual(ids[feed].values);
		}
	});

	it('gives a file past 5,000 records per feed in batches that each hold one feed', async () => {
		const count = RECORDS_PER_BATCH + 600;
		const result = await run(fileItem(bigExport(count), 'big-sales.csv'), parameters(true), 6);

		expect(outputOf(result, 'Mapping Apply', 0)).toEqual([]);
		expect(result.data.resultData.runData['Output 0']).toBeUndefined();
		expect(outputOf(result, 'Mapping Apply', 1)).toEqual([]);
		for (const { feed, output } of FEEDS) {
			const items = outputOf(result, `Output ${output}`);
			expect(items.map((item) => item.json.record_batch)).toEqual([
				expect.objectContaining({ feed, batch: 1, records: RECORDS_PER_BATCH }),
				expect.objectContaining({ feed, batch: 2, records: 600 }),
			]);
			const feeds = new Set<unknown>();
			let records = 0;
			for (const item of items)
				for await (const record of readBatch(await binaryBuffer(item.binary!.records), feed)) {
					feeds.add((record._source as { feed: string }).feed);
					records += 1;
				}
			expect([...feeds]).toEqual([feed]);
			expect(records).toBe(count);
		}
	});

	it('leaves a workflow saved before the option as it was: every record on Records, Rejected and Summary where they were', async () => {
		const file = smallExport();
		const before = await run(fileItem(file.csv, 'sales.csv'), parameters(), 3);
		const records = outputOf(before, 'Output 0');
		expect(records).toHaveLength(file.customers.size + file.products.size + 200);
		expect(new Set(records.map(feedOf))).toEqual(new Set(['customer', 'product', 'transaction']));
		expect(outputOf(before, 'Mapping Apply', 1)).toEqual([]);
		expect(outputOf(before, 'Output 2').map((summary) => summary.json.records)).toEqual([
			file.customers.size,
			file.products.size,
			200,
		]);
		expect(before.data.resultData.runData['Mapping Apply'][0].data!.main).toHaveLength(3);
	});
});
