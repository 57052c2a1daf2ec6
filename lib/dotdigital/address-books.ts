import type { DotdigitalTransport } from './transport';

/** A Dotdigital list (an address book in the v2 API). */
export interface AddressBook {
	id: number;
	name: string;
	visibility: 'Public' | 'Private';
	contacts: number;
}

/** Dotdigital's largest page for `GET /v2/address-books`. */
const PAGE = 1000;

/**
 * Every list of the account, by id. Pages with `select` and `skip` until a page brings nothing new,
 * as the API asks ("continue until 0 records are returned"), so an account of any size is read whole.
 */
export async function listAddressBooks(transport: DotdigitalTransport): Promise<AddressBook[]> {
	const books = new Map<number, AddressBook>();
	for (;;) {
		const { body } = await transport.request<unknown>(
			'GET',
			`/v2/address-books?select=${PAGE}&skip=${books.size}`,
			{ call: 'list lists' },
		);
		const before = books.size;
		for (const entry of Array.isArray(body) ? (body as Array<Record<string, unknown>>) : []) {
			const id = Number(entry?.id);
			if (!Number.isInteger(id) || typeof entry.name !== 'string' || books.has(id)) continue;
			books.set(id, {
				id,
				name: entry.name,
				visibility: entry.visibility === 'Public' ? 'Public' : 'Private',
				contacts: Number(entry.contacts) || 0,
			});
		}
		if (books.size === before) break;
	}
	return [...books.values()].sort((a, b) => a.id - b.id);
}
