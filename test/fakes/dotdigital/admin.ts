/**
 * The admin API over HTTP (JSON, no auth), for driving the fake from outside the test process.
 * Routes, all under /__admin/:
 *   GET  page        the same as a small HTML page: contacts with status, lists and consent; orders and products
 *   GET  state       {contacts, collections, dataFields, lists}
 *   GET  calls       request log (CallRecord[])
 *   GET  history     every email status change of every contact (StatusChange[])
 *   POST reset       state back to the seed, calls and faults cleared
 *   POST faults      FakeFaults, replacing the current ones
 *   POST fail-next   ScriptedFault, with `path` as a string
 *   POST contacts    Partial<FakeContact>; answers 201 with the stored contact
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { htmlPage, sendHtml } from '../admin-html';
import { readJson, send } from '../admin-json';

import type {
	FakeContact,
	FakeDotdigital,
	FakeFaults,
	FakeInsightCollection,
	ScriptedFault,
} from './types';

export interface AdminBackend {
	fake: FakeDotdigital;
	state(): unknown;
}

export async function handleAdmin(
	path: string,
	req: IncomingMessage,
	res: ServerResponse,
	backend: AdminBackend,
): Promise<void> {
	const { fake } = backend;
	const route = `${req.method ?? 'GET'} ${path.replace(/^\/__admin\/?/, '').replace(/\/$/, '')}`;
	try {
		const body = req.method === 'POST' ? await readJson(req) : {};
		switch (route) {
			case 'GET page':
				return sendHtml(res, dotdigitalPage(backend.state() as DotdigitalAdminState));
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

interface DotdigitalAdminState {
	contacts: FakeContact[];
	collections: FakeInsightCollection[];
	lists: Array<{ id: number; name: string }>;
}

function dotdigitalPage(state: DotdigitalAdminState): string {
	const listName = new Map(state.lists.map((list) => [list.id, list.name]));
	return htmlPage('Dotdigital stand-in', [
		{
			heading: 'Contacts',
			columns: [
				'ID',
				'Email',
				'Mobile',
				'Status',
				'Opt-in type',
				'Lists',
				'Consent records',
				'First name',
				'Last name',
				'Updated',
			],
			rows: state.contacts.map((contact) => [
				contact.contactId,
				contact.identifiers.email,
				contact.identifiers.mobileNumber,
				contact.status,
				contact.channelProperties.email.optInType,
				contact.lists.map((id) => `${listName.get(id) ?? 'list'} (${id})`).join(', '),
				contact.consentRecords
					.map((record) => `${record.dateTimeConsented} ${record.text}`)
					.join('; '),
				contact.dataFields.FIRSTNAME,
				contact.dataFields.LASTNAME,
				contact.updated,
			]),
		},
		...state.collections.map((collection) => ({
			heading: `Insight collection ${collection.name}`,
			columns: ['Key', 'Contact', 'Record', 'Updated'],
			rows: collection.records.map((record) => [
				record.key,
				record.contactIdentity?.value ?? record.contactId,
				record.json,
				record.updated,
			]),
		})),
	]);
}
