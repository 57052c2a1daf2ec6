import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { FileReadError } from '../../lib/files';
import { FEEDS, FEED_DEFINITIONS, MappingError, type Feed } from '../../lib/mapping';
import { suggestFromFile } from '../../lib/mapping/suggest';
import { readFileAtPath } from '../shared/read-path';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const suggestOnly = { operation: ['suggest'] };

export const suggestProperties: INodeProperties[] = [
	{
		displayName: 'Sample Export From',
		name: 'sampleSource',
		type: 'options',
		options: [
			{
				name: 'File in the Input Item',
				value: 'binary',
				description: 'For example the POS File Trigger\'s "Fetch test event"',
			},
			{ name: 'File Path', value: 'path' },
		],
		default: 'binary',
		displayOptions: { show: suggestOnly },
	},
	{
		displayName: 'Sample File Field',
		name: 'sampleBinaryProperty',
		type: 'string',
		default: 'data',
		description: 'The binary field of the input item that holds the sample export',
		displayOptions: { show: { ...suggestOnly, sampleSource: ['binary'] } },
	},
	{
		displayName: 'Sample Path',
		name: 'samplePath',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. /home/node/.n8n-files/pos/customers/Customers_2026-11-21.csv',
		displayOptions: { show: { ...suggestOnly, sampleSource: ['path'] } },
	},
	{
		displayName: 'The Export Holds',
		name: 'suggestFeed',
		type: 'options',
		options: [
			{ name: 'Find Out From the File', value: 'detect' },
			...FEEDS.map((feed) => ({ name: FEED_DEFINITIONS[feed].label, value: feed })),
		],
		default: 'detect',
		description:
			'Which records to map. A per-sale export that carries customers and products too is taken as transactions unless set here.',
		displayOptions: { show: suggestOnly },
	},
	{
		displayName: 'Workbook File Name',
		name: 'suggestedFileName',
		type: 'string',
		default: 'shop-mapping.xlsx',
		description: 'The name of the suggested mapping workbook in the output',
		displayOptions: { show: suggestOnly },
	},
	{
		displayName: 'Preview Records',
		name: 'previewRecords',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 5,
		description: 'How many records of the sample, mapped with the suggested workbook, to show',
		displayOptions: { show: suggestOnly },
	},
];

/**
 * One item per sample export: the suggested workbook (binary "mapping"), the feed and grain with
 * their evidence, the settings, every field with its confidence and why, and a preview.
 */
export async function suggestMappings(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const { bytes, fileName } = await sampleOf(ctx, itemIndex);
			const feed = ctx.getNodeParameter('suggestFeed', itemIndex) as Feed | 'detect';
			const previewRecords = ctx.getNodeParameter('previewRecords', itemIndex, 5) as number;
			const { suggestion, workbook, preview } = await suggestFromFile(bytes, fileName, {
				feed: feed === 'detect' ? undefined : feed,
				previewRecords,
			});
			const workbookName =
				(ctx.getNodeParameter('suggestedFileName', itemIndex) as string).trim() ||
				'shop-mapping.xlsx';
			const json = {
				file: fileName,
				feed: suggestion.feed.feed,
				feed_evidence: suggestion.feed.evidence,
				row_grain: suggestion.feed.grain?.rowGrain,
				row_grain_evidence: suggestion.feed.grain?.evidence,
				settings: suggestion.settings,
				fields: suggestion.fields.filter((field) => field.source),
				left_empty: suggestion.leftEmpty,
				ambiguous_dates: suggestion.ambiguousDates,
				unused_columns: suggestion.unusedColumns,
				faults: preview.faults,
				preview: { records: preview.records, summary: preview.summary ?? null },
				workbook: workbookName,
			};
			const binary = await ctx.helpers.prepareBinaryData(workbook, workbookName, XLSX_MIME);
			output.push({
				json: json as unknown as IDataObject,
				binary: { mapping: binary },
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			const known = error instanceof MappingError || error instanceof FileReadError;
			const message = (error as Error).message || String(error);
			if (known && ctx.continueOnFail()) {
				output.push({ json: { error: message }, pairedItem: { item: itemIndex } });
				continue;
			}
			throw error instanceof NodeOperationError
				? error
				: new NodeOperationError(ctx.getNode(), message, { itemIndex });
		}
	}
	return output;
}

async function sampleOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<{ bytes: Buffer; fileName: string }> {
	if (ctx.getNodeParameter('sampleSource', itemIndex) === 'path') {
		const path = (ctx.getNodeParameter('samplePath', itemIndex) as string).trim();
		return {
			bytes: await readFileAtPath(ctx, path, 'the sample export'),
			fileName: path.split(/[\\/]/).pop() ?? path,
		};
	}
	const property = ctx.getNodeParameter('sampleBinaryProperty', itemIndex) as string;
	const binary = ctx.helpers.assertBinaryData(itemIndex, property);
	return {
		bytes: await ctx.helpers.getBinaryDataBuffer(itemIndex, property),
		fileName: binary.fileName ?? `item ${itemIndex + 1}`,
	};
}
