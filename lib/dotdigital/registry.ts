/**
 * What the sync knows of the account's contacts, so that it can tell a new contact from an existing
 * one before it sends anything: Dotdigital's v3 API has no "set this status only when creating", and
 * a status left out means "subscribed" for a new contact. Knowing which contacts exist, a new contact
 * that did not opt in is created with its status in the same request, and an existing one never gets
 * a status at all.
 *
 * The registry is kept current by listing the account (`GET /contacts/v3`, newest by `~created`), and
 * by every contact Dotdigital reports created or updated. It also holds the consent steps still owed:
 * a contact believed to exist is sent without a status, so if Dotdigital had deleted it, the import
 * creates it subscribed; such sends are written down before they go, and settled by a later listing.
 */
import { CLOCK_MARGIN_MS } from './imports';
import type { MatchIdentifier } from './contacts';
import type { DotdigitalTransport } from './transport';

export interface OwedConsent {
	/** The match key: lower-cased email or mobile digits. */
	key: string;
	identifier: MatchIdentifier;
	/** The contact's id when the request went out; another id later means Dotdigital made it anew. 0 when not known. */
	contactId: number;
	/** Dotdigital's clock when the request went out, less the clock margin (epoch ms). */
	sentAt: number;
}

export interface ContactRegistry {
	/** The keys among `keys` that Dotdigital is known to hold, with their contact ids (0 when not known). */
	knownContacts(scope: string, keys: readonly string[]): Promise<Map<string, number>>;
	rememberContacts(scope: string, contacts: readonly KnownContact[]): Promise<void>;
	forgetContacts(scope: string, keys: readonly string[]): Promise<void>;
	/** Up to when (Dotdigital's clock, epoch ms) every contact created is known; undefined before the first listing. */
	contactsListedUntil(scope: string): Promise<number | undefined>;
	/** Moves the time forward; an earlier time than the one kept changes nothing. */
	setContactsListedUntil(scope: string, until: number): Promise<void>;
	/** Writes consent steps that may be owed; a key already owed keeps its earlier time. */
	oweConsent(scope: string, owed: readonly OwedConsent[]): Promise<void>;
	owedConsent(scope: string): Promise<OwedConsent[]>;
	/** `keys` as registryKey gives them. */
	settleConsent(scope: string, keys: readonly string[]): Promise<void>;
}

/** `email:jo@example.com` or `mobileNumber:447700900123`. */
export function registryKey(identifier: MatchIdentifier, key: string): string {
	return `${identifier}:${key}`;
}

/** How far back each incremental listing reaches past the last one, for contacts Dotdigital lists late. */
export const LISTING_OVERLAP_MS = 10 * 60_000;
const PAGE = 5000;

export interface KnownContact {
	key: string;
	contactId?: number;
}

export interface ListedContact {
	contactId: number;
	email?: string;
	mobile?: string;
	/** Epoch ms. */
	created: number;
	/** Epoch ms: when the contact last changed. */
	updated: number;
	status: string;
}

/**
 * Lists the contacts created since `since` (every contact when undefined), page by page, handing each
 * page to `onPage` as it comes so that a large account is never held whole; returns the time the
 * listing can be trusted up to.
 */
export function listContactsCreated(
	transport: DotdigitalTransport,
	since: number | undefined,
	onPage: (contacts: ListedContact[]) => Promise<void>,
): Promise<{ until: number }> {
	return listContactsSince(transport, '~created', since, onPage);
}

/** The same for the contacts created or changed (`~modified`) since `since`. */
export async function listContactsSince(
	transport: DotdigitalTransport,
	filter: '~created' | '~modified',
	since: number | undefined,
	onPage: (contacts: ListedContact[]) => Promise<void>,
): Promise<{ until: number }> {
	const until = (transport.serverTime() ?? Date.now()) - CLOCK_MARGIN_MS;
	const query: Record<string, string> = { limit: String(PAGE) };
	// The filter takes whole seconds: the second `since` falls in is asked for whole (gte), never skipped.
	if (since !== undefined)
		query[filter] = `gte::${new Date(Math.max(0, since)).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
	for (;;) {
		const { body } = await transport.request<{
			_items?: Array<{
				contactId?: number;
				identifiers?: Record<string, unknown>;
				created?: string;
				updated?: string;
				status?: string;
			}>;
			_links?: { next?: { marker?: string } };
		}>('GET', '/contacts/v3', {
			call: 'list contacts',
			query,
		});
		await onPage(
			(body?._items ?? []).map((item) => {
				const email = item.identifiers?.email;
				const mobile = item.identifiers?.mobileNumber;
				return {
					contactId: Number(item.contactId) || 0,
					...(typeof email === 'string' && email ? { email: email.trim().toLowerCase() } : {}),
					...((typeof mobile === 'string' || typeof mobile === 'number') && String(mobile)
						? { mobile: String(mobile).replace(/^\+/, '') }
						: {}),
					created: Date.parse(item.created ?? '') || 0,
					updated: Date.parse(item.updated ?? '') || Date.parse(item.created ?? '') || 0,
					status: String(item.status ?? ''),
				};
			}),
		);
		const marker = body?._links?.next?.marker;
		if (!marker) return { until };
		query.marker = marker;
	}
}

export function listedKeys(contact: ListedContact): string[] {
	return [
		...(contact.email ? [registryKey('email', contact.email)] : []),
		...(contact.mobile ? [registryKey('mobileNumber', contact.mobile)] : []),
	];
}

/** A registry for one run only, when no state store is at hand: every run then lists the whole account once. */
export class MemoryContactRegistry implements ContactRegistry {
	private readonly known = new Map<string, number>();
	private readonly owed = new Map<string, OwedConsent>();
	private listedUntil = new Map<string, number>();

	async knownContacts(scope: string, keys: readonly string[]): Promise<Map<string, number>> {
		const found = new Map<string, number>();
		for (const key of keys) {
			const id = this.known.get(`${scope}\n${key}`);
			if (id !== undefined) found.set(key, id);
		}
		return found;
	}

	async rememberContacts(scope: string, contacts: readonly KnownContact[]): Promise<void> {
		for (const { key, contactId } of contacts) {
			const id = `${scope}\n${key}`;
			this.known.set(id, contactId || this.known.get(id) || 0);
		}
	}

	async forgetContacts(scope: string, keys: readonly string[]): Promise<void> {
		for (const key of keys) this.known.delete(`${scope}\n${key}`);
	}

	async contactsListedUntil(scope: string): Promise<number | undefined> {
		return this.listedUntil.get(scope);
	}

	async setContactsListedUntil(scope: string, until: number): Promise<void> {
		this.listedUntil.set(scope, Math.max(until, this.listedUntil.get(scope) ?? until));
	}

	async oweConsent(scope: string, owed: readonly OwedConsent[]): Promise<void> {
		for (const entry of owed) {
			const id = `${scope}\n${registryKey(entry.identifier, entry.key)}`;
			if (!this.owed.has(id)) this.owed.set(id, entry);
		}
	}

	async owedConsent(scope: string): Promise<OwedConsent[]> {
		return [...this.owed].filter(([id]) => id.startsWith(`${scope}\n`)).map(([, entry]) => entry);
	}

	async settleConsent(scope: string, keys: readonly string[]): Promise<void> {
		for (const key of keys) this.owed.delete(`${scope}\n${key}`);
	}
}
