/**
 * Lists (address books), v2 routes as the "Lists / Address books" OpenAPI document gives them:
 * `GET /v2/address-books` (paged by `select`, 1 to 1000, and `skip`), `POST /v2/address-books` and
 * `GET /v2/address-books/{id}`. Where the document is silent, the least convenient reading: without
 * `select` a page is 1000 lists; a `select` or `skip` that is not a whole number in range is a 400.
 */
import { json, v2Error, type Reply } from './replies';
import type { DotdigitalState } from './state';
import type { FakeList } from './types';

const MAX_SELECT = 1000;

function listJson(state: DotdigitalState, list: FakeList) {
	const contacts = state.contacts.all().filter((contact) => contact.lists.includes(list.id)).length;
	return { id: list.id, name: list.name, visibility: list.visibility ?? 'Private', contacts };
}

function wholeNumber(
	query: URLSearchParams,
	name: string,
	fallback: number,
	min: number,
	max: number,
): number {
	const text = query.get(name);
	if (text === null) return fallback;
	const value = Number(text);
	if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
		throw v2Error(
			400,
			`${name} must be a whole number between ${min} and ${max}.`,
			'ERROR_PARAMETER_INVALID',
		);
	}
	return value;
}

export function listAddressBooks(state: DotdigitalState, query: URLSearchParams): Reply {
	const select = wholeNumber(query, 'select', MAX_SELECT, 1, MAX_SELECT);
	const skip = wholeNumber(query, 'skip', 0, 0, Number.MAX_SAFE_INTEGER);
	const lists = [...state.lists.values()].sort((a, b) => a.id - b.id);
	return json(
		200,
		lists.slice(skip, skip + select).map((list) => listJson(state, list)),
	);
}

export function getAddressBook(state: DotdigitalState, idText: string): Reply {
	const list = /^\d+$/.test(idText) ? state.lists.get(Number(idText)) : undefined;
	if (list === undefined)
		throw v2Error(404, 'The address book was not found.', 'ERROR_ADDRESSBOOK_NOT_FOUND');
	return json(200, listJson(state, list));
}

export function createAddressBook(state: DotdigitalState, body: unknown): Reply {
	const fields =
		typeof body === 'object' && body !== null && !Array.isArray(body)
			? (body as Record<string, unknown>)
			: {};
	const name = typeof fields.name === 'string' ? fields.name.trim() : '';
	if (name === '' || name.length > 128)
		throw v2Error(
			400,
			'The address book name must be 1 to 128 characters.',
			'ERROR_ADDRESSBOOK_INVALID',
		);
	const visibility = fields.visibility ?? 'Private';
	if (visibility !== 'Private' && visibility !== 'Public')
		throw v2Error(
			400,
			`The visibility '${String(visibility)}' is not Public or Private.`,
			'ERROR_ADDRESSBOOK_INVALID',
		);
	if ([...state.lists.values()].some((list) => list.name.toLowerCase() === name.toLowerCase())) {
		throw v2Error(
			400,
			'An address book with this name already exists.',
			'ERROR_ADDRESSBOOK_DUPLICATE',
		);
	}
	const list: FakeList = { id: Math.max(0, ...state.lists.keys()) + 1, name, visibility };
	state.lists.set(list.id, list);
	return json(200, listJson(state, list));
}
