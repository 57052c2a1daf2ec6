/** JSON in and out for the fakes' /__admin/ APIs. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_JSON = 1024 * 1024;

export function send(res: ServerResponse, status: number, value: unknown): void {
	const body = JSON.stringify(value);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(body),
	});
	res.end(body);
}

/** The request body as a JSON object; an empty body is `{}`. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_JSON) throw new Error('Request body too large');
		chunks.push(chunk as Buffer);
	}
	const text = Buffer.concat(chunks).toString('utf8').trim();
	if (text === '') return {};
	const value: unknown = JSON.parse(text);
	if (value === null || typeof value !== 'object' || Array.isArray(value))
		throw new Error('Body must be a JSON object');
	return value as Record<string, unknown>;
}
