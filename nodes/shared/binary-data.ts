import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isQueueMode } from '../../lib/state';

/**
 * An item's file as a stream (or a buffer when n8n holds it in memory). When n8n's binary data store
 * cannot find the file, the error says why: in queue mode each process only sees its own disk, so the
 * binary data must be in the database or S3.
 */
export async function binaryFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	fileName: string,
) {
	const binary = ctx.helpers.assertBinaryData(itemIndex, property);
	try {
		return binary.id
			? await ctx.helpers.getBinaryStream(binary.id)
			: await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	} catch (error) {
		const missing =
			error instanceof Error &&
			(error.message === 'File not found' || (error as { code?: unknown }).code === 'ENOENT');
		if (!missing) throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		const store = (binary.id ?? '').split(':')[0] || 'memory';
		throw new NodeOperationError(
			ctx.getNode(),
			`n8n could not find the file ${fileName} in its binary data (${store})`,
			{
				itemIndex,
				description: isQueueMode(process.env)
					? 'n8n runs in queue mode, and the process that received the file keeps its binary data ' +
						`where this process cannot read it (N8N_DEFAULT_BINARY_DATA_MODE=${store}). ` +
						"Set N8N_DEFAULT_BINARY_DATA_MODE=database (n8n's default in queue mode) or s3 " +
						'on the main instance and every worker, then run the file again.'
					: 'The file’s binary data is gone (n8n deletes it with old executions, or it was stored on another host). Run the file again from its trigger.',
			},
		);
	}
}
