/**
 * Exceptions Report inside n8n's engine: the rows Mapping Apply rejected and the records Dotdigital
 * refused written into one workbook in one step, into a folder it creates, each row with a message
 * in plain words; and n8n's file-access rules kept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import * as XLSX from 'xlsx';

import { ExceptionsReport } from '../../nodes/ExceptionsReport/ExceptionsReport.node';
import { FILES_FOLDER, PACKAGE, errorOf, outputOf, runWorkflow } from './harness/engine';

const NODE = 'Exceptions Report';

/** A start node with two outputs, as Mapping Apply's Rejected and Dotdigital Upsert's Failed. */
class TwoOutputs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Two Outputs',
		name: 'twoOutputs',
		group: ['input'],
		version: 1,
		description: 'Rejected rows on the first output, failed records on the second',
		defaults: { name: 'Two Outputs' },
		inputs: [],
		outputs: ['main', 'main'],
		properties: [
			{ displayName: 'Rejected', name: 'rejected', type: 'json', default: '[]' },
			{ displayName: 'Failed', name: 'failed', type: 'json', default: '[]' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = (name: string) =>
			(JSON.parse(this.getNodeParameter(name, 0) as string) as IDataObject[]).map((json) => ({
				json,
			}));
		return [items('rejected'), items('failed')];
	}
}

async function run(rejected: IDataObject[], failed: IDataObject[], parameters: INodeParameters) {
	return await runWorkflow({
		nodes: [
			{
				name: 'Outcomes',
				type: `${PACKAGE}.twoOutputs`,
				parameters: { rejected: JSON.stringify(rejected), failed: JSON.stringify(failed) },
			},
			{ name: NODE, type: 'n8n-nodes-pos-sync.exceptionsReport', parameters },
		],
		connections: {
			Outcomes: {
				main: [[{ node: NODE, type: 'main', index: 0 }], [{ node: NODE, type: 'main', index: 1 }]],
			},
		},
		nodeTypes: { exceptionsReport: new ExceptionsReport(), twoOutputs: new TwoOutputs() },
		executionOrder: 'v1',
	});
}

const rejection = (line: number): IDataObject => ({
	file: 'customers.csv',
	line,
	field: 'email',
	column: 'Email',
	rule: 'email.invalid',
	value: '=1+1',
	message: '"=1+1" is not a valid email address',
	owner: 'till data',
});
const failure = (line: number): IDataObject => ({
	resource: 'contact',
	key: `c${line}@example.com`,
	code: 'invalidDataFieldValue',
	description: "Invalid value for data field 'POINTS': not a number",
	retryable: false,
	owner: 'mapping',
	record: { email: `c${line}@example.com`, _source: { file: 'customers.csv', lines: [line] } },
});

describe('Exceptions Report in the n8n engine', () => {
	it('writes both inputs into one workbook in a folder it creates, every row with a message in plain words', async () => {
		const rejected = Array.from({ length: 30 }, (_, index) => rejection(index + 2));
		const failed = Array.from({ length: 20 }, (_, index) => failure(index + 100));
		const result = await run(rejected, failed, {
			folder: join(FILES_FOLDER, 'reports', 'today'),
			fileName: 'customers-exceptions.xlsx',
		});
		const [summary] = outputOf(result, NODE);
		expect(summary.json).toEqual({
			file: join(FILES_FOLDER, 'reports', 'today', 'customers-exceptions.xlsx'),
			rows: 50,
			rejected: 30,
			failed: 20,
			by_owner: { 'till data': 30, mapping: 20 },
		});
		const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(
			XLSX.read(readFileSync(summary.json.file as string)).Sheets.Exceptions,
		);
		expect(rows).toHaveLength(50);
		// Dotdigital's refusals first, then the mapping's rejections.
		expect(rows[0]).toMatchObject({
			owner: 'mapping',
			stage: 'Dotdigital',
			line: 100,
			field: 'invalidDataFieldValue',
			identifier: 'c100@example.com',
			retry_helps: 'No',
		});
		expect(rows[0].message).toMatch(/does not fit the type of its Dotdigital data field/);
		expect(rows[20]).toMatchObject({
			owner: 'till data',
			stage: 'Mapping',
			line: 2,
			value: '=1+1',
			message: '"=1+1" is not a valid email address',
		});
		expect(rows.every((row) => typeof row.message === 'string' && / /.test(row.message))).toBe(
			true,
		);
	});

	it('runs with only one input filled, and writes CSV when asked', async () => {
		const result = await run([], [failure(7)], {
			folder: join(FILES_FOLDER, 'reports'),
			fileName: 'only-failed',
			format: 'csv',
		});
		const [summary] = outputOf(result, NODE);
		expect(summary.json).toMatchObject({
			rows: 1,
			rejected: 0,
			failed: 1,
			file: join(FILES_FOLDER, 'reports', 'only-failed.csv'),
		});
		expect(readFileSync(summary.json.file as string, 'utf8').split('\r\n')[1]).toMatch(/^mapping,/);
	});

	it('refuses a folder outside the ones n8n may write to, and a file name with a folder in it', async () => {
		expect(
			errorOf(await run([rejection(2)], [], { folder: '/etc', fileName: 'x.xlsx' }), NODE).message,
		).toBe('n8n may not write to /etc');
		expect(
			errorOf(await run([rejection(2)], [], { folder: FILES_FOLDER, fileName: '../x.xlsx' }), NODE)
				.message,
		).toBe('The file name "../x.xlsx" names a folder');
	});
});
