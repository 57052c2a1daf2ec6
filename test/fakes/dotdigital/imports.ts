/**
 * Bulk contact imports (PUT /contacts/v3/import): checked when accepted, applied when they finish,
 * in the order they were accepted, with the summary, created, updated and failures Dotdigital reports.
 */
import { randomUUID } from 'node:crypto';

import { applyContact, newContact, readContact } from './contacts';
import type { ContactInput, ContactStore, Failure, MergeOption, ReadContext } from './contacts';
import { identifierName } from './identifiers';
import type { IdentifierName } from './identifiers';
import { v3Error } from './replies';

export const MERGE_OPTIONS: MergeOption[] = [
	'overwrite',
	'overwriteIfNotEmpty',
	'overwriteIfEmpty',
];

interface ImportEntry {
	matchIdentifier: string;
	input: ContactInput;
}

interface ContactReference {
	contactId: number;
	identifiers: { email?: string; mobileNumber?: string };
}

interface ImportFailure {
	contactId?: number;
	matchIdentifier: string;
	identifiers: Record<string, unknown>;
	failures: Failure[];
}

export interface ContactImportResult {
	summary: {
		newContacts: number;
		updatedContacts: number;
		globallySuppressed: number;
		invalidEntries: number;
		duplicateIdentifiers: number;
	};
	created: ContactReference[];
	updated: ContactReference[];
	failures: ImportFailure[];
}

export interface ContactImport {
	importId: string;
	acceptedAt: number;
	mergeOption: MergeOption;
	entries: ImportEntry[];
	result?: ContactImportResult;
}

export interface ImportTarget {
	store: ContactStore;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks an import body's shape and reads its contacts; a body that does not fit is a 400. */
export function readImport(
	body: unknown,
	ctx: Omit<ReadContext, 'where' | 'inImport'>,
	acceptedAt: number,
): ContactImport {
	if (!isObject(body)) throw v3Error(400, 'contacts:badJson', 'The request JSON is badly formed');
	const mergeOption = body.mergeOption ?? 'overwrite';
	if (!MERGE_OPTIONS.includes(mergeOption as MergeOption)) {
		throw v3Error(400, 'contacts:validationFailed', 'The request is invalid', [
			{
				item: 'mergeOption',
				description: `'${String(mergeOption)}' is not one of ${MERGE_OPTIONS.join(', ')}`,
			},
		]);
	}
	if (!Array.isArray(body.contacts) || body.contacts.length === 0) {
		throw v3Error(400, 'contacts:validationFailed', 'The request is invalid', [
			{ item: 'contacts', description: 'contacts must be an array of at least one contact' },
		]);
	}
	const entries = body.contacts.map((raw: unknown, index): ImportEntry => {
		const where = `contacts[${index}]`;
		const matchIdentifier = isObject(raw) ? raw.matchIdentifier : undefined;
		if (typeof matchIdentifier !== 'string' || !/^[-A-Za-z0-9_]{1,50}$/.test(matchIdentifier)) {
			throw v3Error(400, 'contacts:validationFailed', 'The request is invalid', [
				{ item: `${where}.matchIdentifier`, description: 'matchIdentifier is required' },
			]);
		}
		return { matchIdentifier, input: readContact(raw, { ...ctx, where, inImport: true }) };
	});
	return { importId: randomUUID(), acceptedAt, mergeOption: mergeOption as MergeOption, entries };
}

/** Applies a finished import to the contacts and works out its report. */
export function runImport(
	job: ContactImport,
	target: ImportTarget,
	now: string,
): ContactImportResult {
	const result: ContactImportResult = {
		summary: {
			newContacts: 0,
			updatedContacts: 0,
			globallySuppressed: 0,
			invalidEntries: 0,
			duplicateIdentifiers: 0,
		},
		created: [],
		updated: [],
		failures: [],
	};
	const seen = new Set<string>();
	const { store } = target;
	for (const { matchIdentifier, input } of job.entries) {
		const fail = (
			failures: Failure[],
			counter: keyof ContactImportResult['summary'],
			contactId?: number,
		): void => {
			result.summary[counter] += 1;
			result.failures.push({
				...(contactId === undefined ? {} : { contactId }),
				matchIdentifier,
				identifiers: input.sentIdentifiers,
				failures,
			});
		};
		if (input.identifierFailures.length > 0) {
			fail(input.identifierFailures, 'invalidEntries');
			continue;
		}
		const match: IdentifierName | undefined = identifierName(matchIdentifier);
		const matchValue = match === undefined ? undefined : input.identifiers[match];
		if (match === undefined || matchValue === undefined) {
			fail(
				[
					{
						failureCode: 'noValidIdentifiers',
						description: `No valid value was supplied for the match identifier '${matchIdentifier}'`,
					},
				],
				'invalidEntries',
			);
			continue;
		}
		const key = `${match}\n${matchValue}`;
		if (seen.has(key)) {
			fail(
				[
					{
						failureCode: 'duplicateIdentifier',
						description: `Duplicate identifier detected for ${match} '${matchValue}'`,
					},
				],
				'duplicateIdentifiers',
			);
			continue;
		}
		seen.add(key);
		const existing = store.find(match, matchValue);
		const identifiers = {
			email: input.identifiers.email ?? existing?.identifiers.email,
			mobileNumber: input.identifiers.mobileNumber ?? existing?.identifiers.mobileNumber,
		};
		// Suppression is the contact's status: an import neither updates such a contact nor changes its status.
		const suppressedContact =
			existing?.status === 'suppressed'
				? existing
				: identifiers.email === undefined
					? undefined
					: store.find('email', identifiers.email);
		if (suppressedContact?.status === 'suppressed') {
			fail(
				[
					{
						failureCode: 'GloballySuppressed',
						description: `The contact '${suppressedContact.identifiers.email ?? suppressedContact.contactId}' is suppressed at the account level, so can't be updated`,
					},
				],
				'globallySuppressed',
				suppressedContact.contactId,
			);
			continue;
		}
		if (input.dataFailures.length > 0) {
			fail(input.dataFailures, 'invalidEntries', existing?.contactId);
			continue;
		}
		if (existing === undefined && match === 'contactId') {
			fail(
				[
					{
						failureCode: 'contactNotFound',
						description: `No contact has the contactId ${matchValue}`,
					},
				],
				'invalidEntries',
			);
			continue;
		}
		const clash = store.conflict(existing, identifiers);
		if (clash !== undefined) {
			fail(
				[
					{
						failureCode: 'idAlreadyExists',
						description: `The ${clash.identifier} '${clash.value}' already belongs to another contact`,
					},
				],
				'invalidEntries',
				existing?.contactId,
			);
			continue;
		}
		const contact = existing ?? newContact(store.nextId(), now);
		if (existing === undefined) store.insert(contact);
		store.setIdentifiers(contact, identifiers);
		applyContact(contact, input, job.mergeOption, existing === undefined, now, {
			store,
			via: `import ${job.importId}`,
		});
		const reference = { contactId: contact.contactId, identifiers: { ...contact.identifiers } };
		if (existing === undefined) {
			result.summary.newContacts += 1;
			result.created.push(reference);
		} else {
			result.summary.updatedContacts += 1;
			result.updated.push(reference);
		}
		if (input.partialFailures.length > 0)
			result.failures.push({
				contactId: contact.contactId,
				matchIdentifier,
				identifiers: input.sentIdentifiers,
				failures: input.partialFailures,
			});
	}
	return result;
}
