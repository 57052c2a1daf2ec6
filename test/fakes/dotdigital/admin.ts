/**
 * The admin API over HTTP (JSON, no auth), for driving the fake from outside the test process.
 * Routes, all under /__admin/:
 *   GET  state       {contacts, collections, dataFields, lists}
 *   GET  calls       request log (CallRecord[])
 *   GET  history     every email status change of every contact (StatusChange[])
 *   POST reset       state back to the seed, calls and faults cleared
 *   POST faults      FakeFaults, replacing the current ones
 *   POST fail-next   ScriptedFault, with `path` as a string
 *   POST contacts    Partial<FakeContact>; answers 201 with the stored contact
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { readJson, send } from '../admin-json';

import type { FakeContact, FakeDotdigital, FakeFaults, ScriptedFault } from './types';

export interface AdminBackend {
	fake: FakeDotdigital;
	state(): unknown;
}

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
			case 'GET history':
				return send(res, 200, fake.statusHistory());
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
