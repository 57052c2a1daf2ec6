/**
 * Mapping Apply's Suggest Mapping operation inside n8n's own engine: a file item (as the POS File
 * Trigger's "Fetch test event" gives it) or a path in; the suggested workbook, feed, settings and
 * preview out; errors and "continue on fail".
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { MappingApply } from '../../nodes/MappingApply/MappingApply.node';
import { readMappingWorkbook } from '../../lib/mapping';
import { FILES_FOLDER, binaryBuffer, errorOf, outputOf, runWorkflow } from './harness/engine';

// The file's first run starts n8n's engine (binary data, the workbook library): about 2 s alone, past
// jest's 5 s default on a busy 2-core machine (seen at a load average of 11).
jest.setTimeout(60_000);

const SQUARE = join(__dirname, '..', 'fixtures', 'pos', 'square-item-detail.csv');

function fileItem(path: string, fileName: string): INodeExecutionData {
	return {
		json: { feed: 'other', name: fileName },
		binary: {
			data: { data: readFileSync(path).toString('base64'), mimeType: 'text/csv', fileName },
		},
	};
}

async function run(
	items: INodeExecutionData[],
	parameters: INodeParameters,
	options: { continueOnFail?: boolean } = {},
) {
	return await runWorkflow({
		nodes: [
			{ name: 'Input', type: 'testInput', parameters: { items: JSON.stringify(items) } },
			{
				name: 'Suggest',
				type: 'n8n-nodes-pos-sync.mappingApply',
				parameters: { operation: 'suggest', ...parameters },
				...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: { Input: { main: [[{ node: 'Suggest', type: 'main', index: 0 }]] } },
		nodeTypes: { mappingApply: new MappingApply() },
	});
}

describe('Suggest Mapping in the n8n engine', () => {
	it('suggests from a file item: the workbook as binary "mapping", the feed, grain, settings, fields and a preview, paired to the item', async () => {
		const result = await run([fileItem(SQUARE, 'items-2026-06-21.csv')], {
			sampleSource: 'binary',
			sampleBinaryProperty: 'data',
			suggestFeed: 'detect',
			suggestedFileName: 'shop-mapping.xlsx',
			previewRecords: 2,
		});
		const [item] = outputOf(result, 'Suggest', 0);
		expect(outputOf(result, 'Suggest', 1)).toEqual([]);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			file: 'items-2026-06-21.csv',
			feed: 'transaction',
			row_grain: 'line',
			workbook: 'shop-mapping.xlsx',
		});
		expect(item.json.row_grain_evidence).toMatch(
			/^417 rows hold 296 distinct "Transaction ID" values/,
		);
		expect(item.json.settings).toContainEqual(
			expect.objectContaining({ setting: 'Currency', value: 'USD' }),
		);
		expect(item.json.faults).toContainEqual(expect.stringMatching(/^no email or mobile column/));
		const preview = item.json.preview as { records: unknown[]; summary: unknown };
		expect(preview.records).toHaveLength(2);
		expect(preview.summary).toMatchObject({ rows_read: 417, records: 296, balanced: true });
		expect(item.binary?.mapping).toMatchObject({
			fileName: 'shop-mapping.xlsx',
			mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		});
		const mapping = await readMappingWorkbook(
			await binaryBuffer(item.binary!.mapping),
			'shop-mapping.xlsx',
			'transaction',
		);
		expect(mapping.fields.find((field) => field.target === 'purchase_date')?.source).toBe(
			'Date + Time',
		);
	});

	it('suggests from a path n8n may read, for the feed asked for', async () => {
		const path = join(FILES_FOLDER, 'first-export.csv');
		copyFileSync(SQUARE, path);
		const result = await run([{ json: {} }], {
			sampleSource: 'path',
			samplePath: path,
			suggestFeed: 'transaction',
			suggestedFileName: 'square-mapping.xlsx',
			previewRecords: 0,
		});
		const [item] = outputOf(result, 'Suggest', 0);
		expect(item.json).toMatchObject({
			file: 'first-export.csv',
			feed: 'transaction',
			workbook: 'square-mapping.xlsx',
			preview: { records: [] },
		});
	});

	it('will not read a sample outside the folders n8n may read, and says plainly when it is not there', async () => {
		const outside = join(FILES_FOLDER, '..', 'outside.csv');
		writeFileSync(outside, 'Customer No,Email\nC1,jo@example.com\n');
		const blocked = await run([{ json: {} }], {
			sampleSource: 'path',
			samplePath: outside,
			suggestFeed: 'detect',
		});
		expect(errorOf(blocked, 'Suggest').message).toContain(
			`n8n may not read the sample export "${outside}"`,
		);
		const missing = await run([{ json: {} }], {
			sampleSource: 'path',
			samplePath: join(FILES_FOLDER, 'missing.csv'),
			suggestFeed: 'detect',
		});
		expect(errorOf(missing, 'Suggest').message).toBe(
			`There is no sample export at "${join(FILES_FOLDER, 'missing.csv')}"`,
		);
	});

	it('with "continue on fail", an unreadable sample gives an item with the error and the next sample is still suggested', async () => {
		const empty: INodeExecutionData = {
			json: {},
			binary: { data: { data: '', mimeType: 'text/csv', fileName: 'empty.csv' } },
		};
		const result = await run(
			[empty, fileItem(SQUARE, 'square.csv')],
			{ sampleSource: 'binary', sampleBinaryProperty: 'data', suggestFeed: 'detect' },
			{ continueOnFail: true },
		);
		const items = outputOf(result, 'Suggest', 0);
		expect(items.map((each) => each.json.error ?? each.json.feed)).toEqual([
			'Cannot read "empty.csv": the file is empty.',
			'transaction',
		]);
		expect(items.map((each) => each.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
