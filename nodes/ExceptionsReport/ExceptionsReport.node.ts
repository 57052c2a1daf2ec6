import { lstat, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { exceptionRow, exceptionsFile, type ExceptionRow } from '../../lib/files/exceptions';

export class ExceptionsReport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Exceptions Report',
		name: 'exceptionsReport',
		icon: { light: 'file:exceptionsReport.svg', dark: 'file:exceptionsReport.dark.svg' },
		group: ['output'],
		version: [1],
		subtitle: '={{ $parameter["fileName"] }}',
		description:
			'Writes the rows Mapping Apply rejected and the records a sending node refused into one workbook, each with who ' +
			'fixes it and why, in plain words',
		defaults: { name: 'Exceptions Report' },
		// Two inputs, as n8n's own Merge node has: the rejected rows and the failed records.
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		inputNames: ['Rejected', 'Failed'],
		// Runs once either input has items, as n8n's Merge node does.
		requiredInputs: 1,
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [
			{
				displayName: 'Folder',
				name: 'folder',
				type: 'string',
				default: '',
				required: true,
				placeholder: '/home/node/.n8n-files/pos/reports',
				description:
					'Where the report is written; created when missing. It must be a folder n8n may write to.',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: 'exceptions.xlsx',
				required: true,
				description: 'The report’s name, for example with the date and the execution in it',
			},
			{
				displayName: 'Format',
				name: 'format',
				type: 'options',
				options: [
					{ name: 'Excel Workbook (.xlsx)', value: 'xlsx' },
					{ name: 'CSV', value: 'csv' },
				],
				default: 'xlsx',
			},
			{
				displayName: 'Sent To',
				name: 'sender',
				type: 'string',
				default: 'Dotdigital',
				description: 'The stage named on the rows of the Failed input',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const rejected = safeInput(this, 0);
		const failed = safeInput(this, 1);
		const sender =
			(this.getNodeParameter('sender', 0, 'Dotdigital') as string).trim() || 'Dotdigital';
		const rows: ExceptionRow[] = [];
		// The sending node's refusals first, then the mapping's, as the templates' workbooks have always listed them.
		for (const item of failed) rows.push(exceptionRow(item.json, sender));
		for (const item of rejected) rows.push(exceptionRow(item.json));
		const byOwner: IDataObject = {};
		for (const row of rows)
			byOwner[String(row.owner)] = ((byOwner[String(row.owner)] as number | undefined) ?? 0) + 1;
		const pairedItem = [
			...rejected.map((_, item) => ({ item, input: 0 })),
			...failed.map((_, item) => ({ item, input: 1 })),
		];
		if (rows.length === 0) return [[{ json: { rows: 0, file: null }, pairedItem }]];

		const format = this.getNodeParameter('format', 0, 'xlsx') as 'xlsx' | 'csv';
		const folder = (this.getNodeParameter('folder', 0) as string).trim();
		let fileName = (this.getNodeParameter('fileName', 0) as string).trim();
		if (!folder || !fileName)
			throw new NodeOperationError(
				this.getNode(),
				'Give the folder and the file name of the exceptions report',
			);
		if (/[\\/]/.test(fileName) || fileName === '.' || fileName === '..') {
			throw new NodeOperationError(this.getNode(), `The file name "${fileName}" names a folder`, {
				description: 'Put the folder in Folder and only the name in File Name.',
			});
		}
		if (!fileName.toLowerCase().endsWith(`.${format}`)) fileName += `.${format}`;
		const path = await resolveForWriting(this, folder, fileName);
		if (this.helpers.isFilePathBlocked(path)) {
			throw new NodeOperationError(this.getNode(), `n8n may not write to ${folder}`, {
				description: 'Choose a folder inside the ones N8N_RESTRICT_FILE_ACCESS_TO allows.',
			});
		}
		await makeFolders(this, path);
		await this.helpers.writeContentToFile(path, exceptionsFile(rows, format));
		return [
			[
				{
					json: {
						file: path,
						rows: rows.length,
						rejected: rejected.length,
						failed: failed.length,
						by_owner: byOwner,
					},
					pairedItem,
				},
			],
		];
	}
}

/**
 * The report's real path; a folder that does not exist yet is resolved from its nearest existing
 * parent (n8n resolves only paths whose folder exists), so that the rules apply before it is created.
 */
type ResolvedPath = Awaited<ReturnType<IExecuteFunctions['helpers']['resolvePath']>>;

async function resolveForWriting(
	ctx: IExecuteFunctions,
	folder: string,
	fileName: string,
): Promise<ResolvedPath> {
	const missing: string[] = [fileName];
	let existing = resolve(folder);
	for (;;) {
		try {
			const real = await ctx.helpers.resolvePath(existing);
			return join(real, ...missing) as typeof real;
		} catch (error) {
			const parent = dirname(existing);
			if ((error as { code?: string }).code !== 'ENOENT' || parent === existing) {
				throw new NodeOperationError(ctx.getNode(), error as Error, {
					description: `The report folder ${folder} cannot be used`,
				});
			}
			missing.unshift(basename(existing));
			existing = parent;
		}
	}
}

/** Creates the report's missing folders one at a time, refusing any that turns out to be a link. */
async function makeFolders(ctx: IExecuteFunctions, path: string): Promise<void> {
	const folders: string[] = [];
	for (let folder = dirname(path); dirname(folder) !== folder; folder = dirname(folder))
		folders.unshift(folder);
	for (const folder of folders) {
		try {
			await mkdir(folder);
		} catch (error) {
			if ((error as { code?: string }).code !== 'EEXIST') {
				throw new NodeOperationError(ctx.getNode(), error as Error, {
					description: `The folder ${folder} could not be created`,
				});
			}
		}
		const stats = await lstat(folder);
		if (stats.isSymbolicLink() || !stats.isDirectory())
			throw new NodeOperationError(ctx.getNode(), `${folder} is not a folder n8n may write into`);
	}
}

/** An input that did not run gives no items (n8n runs a two-input node when either has data). */
function safeInput(ctx: IExecuteFunctions, input: number): INodeExecutionData[] {
	try {
		return ctx.getInputData(input) ?? [];
	} catch {
		return [];
	}
}
