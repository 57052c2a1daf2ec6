/**
 * Consent back to the till: the contacts whose email became unsubscribed or suppressed in Dotdigital
 * since the last run, each once. The listing asks for every contact changed since the cursor (the
 * filter takes whole seconds and "greater than or equal", so the cursor is moved back a margin and the
 * second it falls in is always asked for again); a contact already written with the same status is
 * not written again, so the overlap never repeats a line.
 */
import { listContactsSince, type ListedContact } from './registry';
import type { DotdigitalTransport } from './transport';

export type ConsentStatus = 'unsubscribed' | 'suppressed';

export interface ConsentChange {
	contact_id: number;
	email: string;
	mobile_number: string;
	status: ConsentStatus;
	/** When Dotdigital last changed the contact (ISO), the best the API says about when it happened. */
	changed_at: string;
}

/** What the cursor and the written statuses are kept in (the sync state store in the node). */
export interface ConsentBackStore {
	cursor(scope: string): Promise<number | undefined>;
	/** Contact ids (as text) whose last written status is the one given. */
	alreadyWritten(
		scope: string,
		entries: ReadonlyArray<{ key: string; fingerprint: string }>,
	): Promise<Set<string>>;
	/** Saves the statuses seen and the new cursor, after the file is written. */
	commit(
		scope: string,
		seen: ReadonlyArray<{ key: string; fingerprint: string }>,
		cursor: number,
	): Promise<void>;
}

/** Listing overlap behind the cursor: Dotdigital's clock and its write of a change are not ours. */
export const CONSENT_OVERLAP_MS = 10 * 60_000;

const CONSENT_STATUSES = new Set<string>(['unsubscribed', 'suppressed']);

export interface ConsentListing {
	changes: ConsentChange[];
	/** Every contact listed with its status now, to be committed once the changes are safely written. */
	seen: Array<{ key: string; fingerprint: string }>;
	since: number | undefined;
	until: number;
}

/** Reads the unsubscribes and suppressions since the last committed run; commits nothing. */
export async function listConsentChanges(
	transport: DotdigitalTransport,
	store: ConsentBackStore,
	scope: string,
): Promise<ConsentListing> {
	const cursor = await store.cursor(scope);
	const since = cursor === undefined ? undefined : cursor - CONSENT_OVERLAP_MS;
	const listed: ListedContact[] = [];
	const { until } = await listContactsSince(transport, '~modified', since, async (page) => {
		listed.push(...page);
	});
	const seen = listed
		.filter((contact) => contact.contactId > 0)
		.map((contact) => ({
			key: String(contact.contactId),
			fingerprint: contact.status.toLowerCase(),
		}));
	const written = await store.alreadyWritten(scope, seen);
	const changes = listed
		.filter(
			(contact) =>
				CONSENT_STATUSES.has(contact.status.toLowerCase()) &&
				!written.has(String(contact.contactId)),
		)
		.map((contact) => ({
			contact_id: contact.contactId,
			email: contact.email ?? '',
			mobile_number: contact.mobile ?? '',
			status: contact.status.toLowerCase() as ConsentStatus,
			changed_at: new Date(contact.updated).toISOString(),
		}));
	return { changes, seen, since, until };
}
