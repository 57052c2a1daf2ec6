/** Contacts in bulk: Dotdigital's contact import, each contact's result read from the import's report. */
import type { MatchIdentifier, MergeOption } from './contacts';
import type { Planned, Seen } from './contact-plan';
import {
	importBatches,
	MAX_REQUEST_BYTES,
	type ImportKind,
	type ImportRunOptions,
} from './imports';
import { contactFailureOwner, type Results } from './sync-results';
import type { DotdigitalTransport } from './transport';

interface ContactImportStatus {
	status?: string;
	created?: Array<{ contactId?: number; identifiers?: Record<string, unknown> }>;
	updated?: Array<{ contactId?: number; identifiers?: Record<string, unknown> }>;
	failures?: Array<{
		identifiers?: Record<string, unknown>;
		failures?: Array<{ failureCode?: string; description?: string }>;
	}>;
}

/** Sends contacts in import batches; each gets its result from the report, and `seen` learns which were created or sent twice. */
export async function importContacts(
	transport: DotdigitalTransport,
	options: ImportRunOptions & { batchSize: number; concurrency: number },
	contacts: readonly Planned[],
	mergeOption: MergeOption,
	results: Results,
	seen: Seen,
): Promise<void> {
	const kind: ImportKind<ContactImportStatus> = {
		name: 'contact import',
		submitPath: '/contacts/v3/import',
		statusPath: (id) => `/contacts/v3/import/${encodeURIComponent(id)}`,
		open: `{"mergeOption":${JSON.stringify(mergeOption)},"contacts":[`,
		close: ']}',
		maxRecords: options.batchSize,
		maxBytes: MAX_REQUEST_BYTES,
		concurrency: options.concurrency,
		progress: (status) => {
			const state = String(status?.status ?? '');
			if (state === 'Finished') return 'done';
			if (state === 'NotFinished' || state === 'NotStarted' || state === '') return 'pending';
			return {
				failed:
					`Dotdigital ended the contact import with status ${state}` +
					`${state === 'ExceedsAllowedContactLimit' ? ' (the account has reached its contact limit)' : ''}`,
			};
		},
	};
	await importBatches(
		transport,
		kind,
		contacts,
		(contact) => JSON.stringify(contact.request),
		results,
		options,
		(members, outcome) => {
			const byKey = new Map(members.map((contact) => [contact.key, contact]));
			const memberFor = (identifiers: Record<string, unknown> | undefined) =>
				byKey.get(identifierKey(identifiers, members[0].request.matchIdentifier));
			const settle = (
				entries: ContactImportStatus['created'],
				action: 'created' | 'updated',
			): void => {
				for (const entry of entries ?? []) {
					const contact = memberFor(entry.identifiers);
					if (!contact) continue;
					results[contact.index] = {
						status: 'done',
						action,
						key: contact.key,
						contactId: entry.contactId,
						importId: outcome.importId,
					};
					if (action === 'created') seen.created.add(contact.index);
				}
			};
			settle(outcome.status.created, 'created');
			settle(outcome.status.updated, 'updated');
			if (outcome.repeatedSince !== undefined)
				for (const contact of members)
					seen.repeated.push({ contact, since: outcome.repeatedSince });
			for (const entry of outcome.status.failures ?? []) {
				const contact = memberFor(entry.identifiers);
				if (!contact) continue;
				const first = entry.failures?.[0];
				const code = first?.failureCode ?? 'importFailure';
				if (/^globallySuppressed$/i.test(code)) {
					results[contact.index] = {
						status: 'done',
						action: 'suppressed',
						key: contact.key,
						importId: outcome.importId,
					};
					continue;
				}
				results[contact.index] = {
					status: 'failed',
					key: contact.key,
					importId: outcome.importId,
					code,
					description:
						(entry.failures ?? []).map((item) => item.description ?? item.failureCode).join('; ') ||
						'Dotdigital did not import the contact',
					retryable: false,
					owner: contactFailureOwner(code),
				};
			}
		},
	);
}

/** The key a contact is matched on, from the identifiers Dotdigital reports (it reports all of them). */
export function identifierKey(
	identifiers: Record<string, unknown> | undefined,
	matchIdentifier: MatchIdentifier,
): string {
	const value = identifiers?.[matchIdentifier];
	if (value === undefined || value === null) return '';
	return matchIdentifier === 'email'
		? String(value).trim().toLowerCase()
		: String(value).replace(/^\+/, '');
}
