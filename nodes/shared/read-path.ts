import type { IExecuteFunctions } from 'n8n-workflow';

import { MappingError } from '../../lib/mapping';

/**
 * Reads a file by path through n8n's file helpers, so n8n's file-access restrictions apply. Every
 * failure is a MappingError naming `what` (the mapping workbook, the sample export).
 */
export async function readFileAtPath(
	ctx: IExecuteFunctions,
	path: string,
	what: string,
): Promise<Buffer> {
	const fail = (message: string, advice?: string) =>
		new MappingError([advice ? `${message}. ${advice}` : message], `${what} "${path}"`);
	if (!path) throw fail(`Set the path of ${what}`);
	const unreadable = (error: unknown) => {
		const code = (error as NodeJS.ErrnoException).code;
		return fail(
			code === 'ENOENT'
				? `There is no ${what.replace(/^the /, '')} at "${path}"`
				: `Cannot read ${what} "${path}": ${(error as Error).message}`,
		);
	};
	let resolved: Awaited<ReturnType<typeof ctx.helpers.resolvePath>>;
	try {
		resolved = await ctx.helpers.resolvePath(path);
	} catch (error) {
		throw unreadable(error);
	}
	if (ctx.helpers.isFilePathBlocked(resolved)) {
		throw fail(
			`n8n may not read ${what} "${path}"`,
			'Put it in a folder n8n may read: see N8N_RESTRICT_FILE_ACCESS_TO (by default ~/.n8n-files)',
		);
	}
	try {
		const chunks: Buffer[] = [];
		for await (const chunk of await ctx.helpers.createReadStream(resolved))
			chunks.push(chunk as Buffer);
		return Buffer.concat(chunks);
	} catch (error) {
		throw unreadable(error);
	}
}
