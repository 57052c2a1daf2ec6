/**
 * The admin API over HTTP (JSON, no auth), for driving the fake from outside the test process.
 * Routes, all under /__admin/:
 *   GET  state       {contacts, collections, dataFields, lists}
 *   GET  calls       request log (CallRecord[])
 *   POST reset       state back to the seed, calls and faults cleared
 *   POST faults      FakeFaults, replacing the current ones
 *   POST fail-next   ScriptedFault, with `path` as a string
 *   POST contacts    Partial<FakeContact>; answers 201 with the stored contact
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FakeContact, FakeDotdigital, FakeFaults, ScriptedFault } from './types';

export interface AdminBackend {
	fake: FakeDotdigital;
	state(): unknown;
}

const MAX_JSON = 1024 * 1024;

export async function handleAdmin(path: string, req: IncomingMessage, res: ServerResponse, backend: AdminBackend): Promise<void> {
	const { fake } = backend;
	const route = `${req.method ?? 'GET'} ${path.replace(/^\/__admin\/?/, '').replace(/\/$/, '')}`;
	try {
		const body = req.method === 'POST' ? await readJson(req) : {};
		switch (route) {
			case 'GET state':
				return send(res, 200, backend.state());
			case 'GET calls':
				return send(res, 200, fake.calls());
			case 'POST reset':
				fake.reset();
				return send(res, 200, { ok: true });
			case 'POST faults':
				fake.setFaults(body as FakeFaults);
				return send(res, 200, { ok: true });
			case 'POST fail-next':
				fake.failNext(body as unknown as ScriptedFault);
				return send(res, 200, { ok: true });
			case 'POST contacts':
				return send(res, 201, fake.addContact(body as Partial<FakeContact>));
			default:
				return send(res, 404, { error: `No admin route ${route}` });
		}
	} catch (error) {
		return send(res, 400, { error: error instanceof Error ? error.message : String(error) });
	}
}

function send(res: ServerResponse, status: number, value: unknown): void {
	const body = JSON.stringify(value);
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
	res.end(body);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
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
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('Body must be a JSON object');
	return value as Record<string, unknown>;
}
