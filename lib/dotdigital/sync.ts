/**
 * Upserts canonical customers, orders and products into Dotdigital and returns exactly one result per
 * input record, in input order.
 *
 * Records that share a key (the same email twice, the same order twice) are sent once: contacts merged
 * as if applied one after the other, orders and products as the last one. Every record with that key
 * gets the result. A till's placeholder email on 500 customers is then one contact, not 500 imports.
 */
import {
	consentSettingsProblem,
	dataFieldTypeFor,
	mergeContacts,
	prepareContact,
	type ContactRequest,
	type ContactSettings,
	type MatchIdentifier,
	type NewContactConsent,
	type PreparedContact,
} from './contacts';
import { ensureDataFields, type DataField, type EnsureResult } from './data-fields';
import { fingerprint, type DeltaOptions } from './delta';
import { DotdigitalApiError, DotdigitalError } from './errors';
import { batchRecords, CLOCK_MARGIN_MS, MAX_REQUEST_BYTES, runImports, type BatchOutcome, type ImportKind, type ImportRunOptions } from './imports';
import { collectionNameProblem, orderRecord, productRecord, type InsightRecord, type KeyedFailure } from './insight';
import { failure, type FailureOwner, type RecordFailure, type RecordResult } from './results';
import type { DotdigitalTransport } from './transport';

export type ContactMode = 'bulk' | 'realtime';

export interface ContactUpsertSettings extends ContactSettings {
	mode: ContactMode;
	createMissingDataFields: boolean;
}

export interface OrderUpsertSettings {
	collection: string;
	createMissingContacts: boolean;
	newContactConsent: NewContactConsent;
}

export interface SyncOptions extends ImportRunOptions {
	contactBatchSize?: number;
	insightBatchSize?: number;
	contactConcurrency?: number;
	insightConcurrency?: number;
	/** Real-time calls in flight at once. */
	realtimeConcurrency?: number;
	now?: () => Date;
	/** Only send records that changed since Dotdigital last confirmed them. */
	delta?: DeltaOptions;
}

interface ContactImportStatus {
	status?: string;
	created?: Array<{ contactId?: number; identifiers?: Record<string, unknown> }>;
	updated?: Array<{ contactId?: number; identifiers?: Record<string, unknown> }>;
	failures?: Array<{ identifiers?: Record<string, unknown>; failures?: Array<{ failureCode?: string; description?: string }> }>;
}

interface InsightImportStatus {
	status?: string;
	failures?: Array<{ key?: string; failureReason?: string; details?: unknown[] }>;
}

interface Keyed {
	index: number;
	key: string;
}

/** A contact whose call was sent more than once, the first time no earlier than `since`. */
interface Repeated {
	contact: Keyed & PreparedContact;
	since: number;
}

/** What the contact calls learn on the way: which contacts Dotdigital created, and which were sent more than once. */
interface Seen {
	created: Set<number>;
	repeated: Repeated[];
}

type Results = (RecordResult | undefined)[];

const CONTACT_STILL_EXISTS = new Set(['globallysuppressed', 'consentnotapplied']);

export class DotdigitalSync {
	private readonly options: Required<Omit<SyncOptions, 'poll' | 'sleep' | 'delta'>> & Pick<SyncOptions, 'delta'> & ImportRunOptions;

	constructor(
		readonly transport: DotdigitalTransport,
		options: SyncOptions = {},
	) {
		this.options = {
			contactBatchSize: 2000,
			insightBatchSize: 4000,
			// About half of Dotdigital's limits (25 and 5 active imports), so two runs at once still fit.
			contactConcurrency: 12,
			insightConcurrency: 2,
			realtimeConcurrency: 4,
			now: () => new Date(),
			...options,
		};
	}

	/** Imports submitted so far, retries included. */
	get importCalls(): number {
		const calls = this.transport.stats.byCall;
		return (calls['contact import'] ?? 0) + (calls['insight import'] ?? 0);
	}

	async createDataFields(fields: readonly DataField[]): Promise<EnsureResult> {
		const { created, existing, otherType } = await ensureDataFields(this.transport, fields, { create: true });
		return { created, existing, otherType };
	}

	async upsertContacts(records: ReadonlyArray<Record<string, unknown>>, settings: ContactUpsertSettings): Promise<RecordResult[]> {
		const consentProblem = settings.consentRecord && consentSettingsProblem(settings.consentRecord);
		if (consentProblem) throw new DotdigitalError(consentProblem, 'badConsentSettings', false);
		const wanted = settings.fieldMap.map((entry) => ({ name: entry.dataField, type: dataFieldTypeFor(entry.field, records) }));
		const { fields } = await ensureDataFields(this.transport, wanted, { create: settings.createMissingDataFields });
		const results: Results = new Array(records.length).fill(undefined);
		const groups = groupByKey<PreparedContact>((add) =>
			records.forEach((record, index) => {
				const contact = prepareContact(record, settings, fields, this.options.now);
				if ('code' in contact) results[index] = { status: 'failed', ...contact };
				else add(index, contact.key, contact, (earlier) => mergeContacts(earlier, contact, settings.mergeOption));
			}),
		);
		const entryResults: Results = new Array(groups.length).fill(undefined);
		const delta = this.changedOnly(`contact|${settings.identifier}`, groups, entryResults, settings.mergeOption);
		await this.sendContacts(delta.pending.map((index) => ({ index, ...groups[index].value })), settings, entryResults);
		delta.confirm();
		return finish(spread(groups, entryResults, results));
	}

	async upsertOrders(records: ReadonlyArray<Record<string, unknown>>, settings: OrderUpsertSettings): Promise<RecordResult[]> {
		checkCollection(settings.collection);
		const results: Results = new Array(records.length).fill(undefined);
		const groups = insightGroups(records, orderRecord, results);
		const entryResults: Results = new Array(groups.length).fill(undefined);
		const delta = this.changedOnly(`order|${settings.collection}`, groups, entryResults);
		let orders = delta.pending.map((index) => ({ index, key: groups[index].key, record: groups[index].value }));
		if (settings.createMissingContacts) orders = await this.withContacts(orders, settings.newContactConsent, entryResults);
		await this.sendInsight(orders, { collectionName: settings.collection, collectionScope: 'contact', collectionType: 'orders' }, entryResults);
		delta.confirm();
		return finish(spread(groups, entryResults, results));
	}

	async upsertProducts(records: ReadonlyArray<Record<string, unknown>>, settings: { collection: string }): Promise<RecordResult[]> {
		checkCollection(settings.collection);
		const results: Results = new Array(records.length).fill(undefined);
		const groups = insightGroups(records, productRecord, results);
		const entryResults: Results = new Array(groups.length).fill(undefined);
		const delta = this.changedOnly(`product|${settings.collection}`, groups, entryResults);
		const products = delta.pending.map((index) => ({ index, key: groups[index].key, record: groups[index].value }));
		await this.sendInsight(products, { collectionName: settings.collection, collectionScope: 'account', collectionType: 'catalog' }, entryResults);
		delta.confirm();
		return finish(spread(groups, entryResults, results));
	}

	/**
	 * With "only changed records" on, marks the groups Dotdigital already has exactly as they are, and
	 * returns the others to send; `confirm` then stores the prints of those Dotdigital confirmed.
	 */
	private changedOnly<T>(kind: string, groups: readonly Group<T>[], results: Results, salt?: unknown): { pending: number[]; confirm: () => void } {
		const all = groups.map((_, index) => index);
		const delta = this.options.delta;
		if (!delta) return { pending: all, confirm: () => undefined };
		const scope = `${delta.scope}|${kind}`;
		const prints = groups.map((group) => ({ key: group.key, fingerprint: fingerprint([salt ?? null, group.value]) }));
		const same = delta.force ? new Set<string>() : delta.store.unchanged(scope, prints);
		const pending = all.filter((index) => {
			if (!same.has(groups[index].key)) return true;
			results[index] = { status: 'unchanged', key: groups[index].key };
			return false;
		});
		return {
			pending,
			confirm: () => delta.store.commitFingerprints(scope, pending.filter((index) => results[index]?.status === 'done').map((index) => prints[index])),
		};
	}

	/** Creates the contacts orders belong to, so transactions post to profiles; orders whose contact could not be made fail. */
	private async withContacts(orders: Array<Keyed & { record: InsightRecord }>, consent: NewContactConsent, results: Results): Promise<Array<Keyed & { record: InsightRecord }>> {
		const emails = [...new Set(orders.map((order) => order.record.contactIdentity?.value ?? ''))].filter(Boolean);
		const contacts: Array<Keyed & PreparedContact> = emails.map((email, index) => ({
			index,
			key: email,
			request: { matchIdentifier: 'email', identifiers: { email } },
			whenNew: consent === 'posOptIn' ? { channelProperties: { email: { status: 'unsubscribed' } } } : undefined,
		}));
		const contactResults: Results = new Array(contacts.length).fill(undefined);
		await this.sendContacts(contacts, { mode: 'bulk', mergeOption: 'overwriteIfNotEmpty' }, contactResults);
		const failedByEmail = new Map<string, RecordResult & { status: 'failed' }>();
		contactResults.forEach((result, index) => {
			// A suppressed contact, or one created without its status set, still exists and can hold orders.
			if (result?.status === 'failed' && !CONTACT_STILL_EXISTS.has(result.code.toLowerCase())) failedByEmail.set(emails[index], result);
		});
		return orders.filter((order) => {
			const email = order.record.contactIdentity?.value ?? '';
			const contactFailure = failedByEmail.get(email);
			if (!contactFailure) return true;
			results[order.index] = {
				status: 'failed',
				key: order.key,
				code: 'customerLookupFailed',
				description: `Dotdigital could not create the contact ${email} for this order: ${contactFailure.description}`,
				retryable: contactFailure.retryable,
				owner: contactFailure.owner,
				importId: contactFailure.importId,
			};
			return false;
		});
	}

	private async sendContacts(contacts: Array<Keyed & PreparedContact>, settings: Pick<ContactSettings, 'mergeOption'> & { mode: ContactMode }, results: Results): Promise<void> {
		const created = new Set<number>();
		const repeated: Repeated[] = [];
		await this.sendContactRequests(contacts, settings, results, { created, repeated });
		await this.findCreatedAmongRepeated(repeated, created, results);
		// Second step: status, consent and held-back lists for contacts this run created; held-back lists only for the rest.
		const followUps = contacts.flatMap((contact) => {
			const isNew = created.has(contact.index);
			if (!(isNew && contact.whenNew) && !(contact.listsAfter && results[contact.index]?.status === 'done')) return [];
			const request: ContactRequest = { matchIdentifier: contact.request.matchIdentifier, identifiers: contact.request.identifiers, ...(isNew ? contact.whenNew : {}) };
			if (contact.listsAfter) request.lists = contact.listsAfter;
			return [{ ...contact, request, isNew }];
		});
		if (followUps.length === 0) return;
		const followUpResults: Results = new Array(results.length).fill(undefined);
		await this.sendContactRequests(followUps, settings, followUpResults, { created: new Set(), repeated: [] });
		for (const contact of followUps) {
			const outcome = followUpResults[contact.index];
			if (outcome?.status !== 'failed' || results[contact.index]?.status === 'failed') continue;
			const statusNotSet = contact.isNew && !/list/i.test(outcome.code);
			results[contact.index] = statusNotSet
				? { ...outcome, code: 'consentNotApplied', description: `The contact was created, but its marketing status from the till could not be set, so Dotdigital's default applies (subscribed): ${outcome.description}`, owner: 'API' }
				: { ...outcome, code: 'listsNotApplied', description: `The contact was ${contact.isNew ? 'created' : 'updated'}, but could not be added to its lists: ${outcome.description}`, owner: 'mapping' };
		}
	}

	private sendContactRequests(contacts: Array<Keyed & PreparedContact>, settings: Pick<ContactSettings, 'mergeOption'> & { mode: ContactMode }, results: Results, seen: Seen): Promise<void> {
		return settings.mode === 'realtime' ? this.patchContacts(contacts, settings.mergeOption, results, seen) : this.importContacts(contacts, settings.mergeOption, results, seen);
	}

	/**
	 * A contact created by a try whose answer was lost is reported "updated" by the try that got
	 * through, and would miss its consent step. For contacts sent more than once, ask Dotdigital which
	 * were created since the first try, and count those as created.
	 */
	private async findCreatedAmongRepeated(repeated: readonly Repeated[], created: Set<number>, results: Results): Promise<void> {
		const candidates = repeated.filter(({ contact }) => contact.whenNew && !created.has(contact.index));
		if (candidates.length === 0) return;
		const createdSince = await this.contactsCreatedSince(candidates.reduce((earliest, candidate) => Math.min(earliest, candidate.since), Infinity));
		for (const { contact } of candidates) {
			if (!createdSince.has(contact.key)) continue;
			created.add(contact.index);
			const result = results[contact.index];
			if (result?.status === 'done') results[contact.index] = { ...result, action: 'created' };
		}
	}

	/** The match keys (lower-cased email, mobile digits) of every contact created since `since`, page by page. */
	private async contactsCreatedSince(since: number): Promise<Set<string>> {
		const keys = new Set<string>();
		const query: Record<string, string> = { '~created': `gte::${new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z')}`, limit: '5000' };
		for (;;) {
			const { body } = await this.transport.request<{ _items?: Array<{ identifiers?: Record<string, unknown> }>; _links?: { next?: { marker?: string } } }>('GET', '/contacts/v3', {
				call: 'list new contacts',
				query,
			});
			for (const item of body?._items ?? []) {
				keys.add(identifierKey(item.identifiers, 'email'));
				keys.add(identifierKey(item.identifiers, 'mobileNumber'));
			}
			const marker = body?._links?.next?.marker;
			if (!marker) return keys;
			query.marker = marker;
		}
	}

	private async importContacts(contacts: Array<Keyed & PreparedContact>, mergeOption: ContactSettings['mergeOption'], results: Results, seen: Seen): Promise<void> {
		const kind: ImportKind<ContactImportStatus> = {
			name: 'contact import',
			submitPath: '/contacts/v3/import',
			statusPath: (id) => `/contacts/v3/import/${encodeURIComponent(id)}`,
			open: `{"mergeOption":${JSON.stringify(mergeOption)},"contacts":[`,
			close: ']}',
			maxRecords: this.options.contactBatchSize,
			maxBytes: MAX_REQUEST_BYTES,
			concurrency: this.options.contactConcurrency,
			progress: (status) => {
				const state = String(status?.status ?? '');
				if (state === 'Finished') return 'done';
				if (state === 'NotFinished' || state === 'NotStarted' || state === '') return 'pending';
				return { failed: `Dotdigital ended the contact import with status ${state}${state === 'ExceedsAllowedContactLimit' ? ' (the account has reached its contact limit)' : ''}` };
			},
		};
		await this.runBatches(kind, contacts, (contact) => JSON.stringify(contact.request), results, (members, outcome) => {
			const byKey = new Map(members.map((contact) => [contact.key, contact]));
			const memberFor = (identifiers: Record<string, unknown> | undefined) => byKey.get(identifierKey(identifiers, members[0].request.matchIdentifier));
			const settle = (entries: ContactImportStatus['created'], action: 'created' | 'updated'): void => {
				for (const entry of entries ?? []) {
					const contact = memberFor(entry.identifiers);
					if (!contact) continue;
					results[contact.index] = { status: 'done', action, key: contact.key, contactId: entry.contactId, importId: outcome.importId };
					if (action === 'created') seen.created.add(contact.index);
				}
			};
			settle(outcome.status.created, 'created');
			settle(outcome.status.updated, 'updated');
			if (outcome.repeatedSince !== undefined) for (const contact of members) seen.repeated.push({ contact, since: outcome.repeatedSince });
			for (const entry of outcome.status.failures ?? []) {
				const contact = memberFor(entry.identifiers);
				if (!contact) continue;
				const first = entry.failures?.[0];
				const code = first?.failureCode ?? 'importFailure';
				results[contact.index] = {
					status: 'failed',
					key: contact.key,
					importId: outcome.importId,
					code,
					description: (entry.failures ?? []).map((item) => item.description ?? item.failureCode).join('; ') || 'Dotdigital did not import the contact',
					retryable: false,
					owner: contactFailureOwner(code),
				};
			}
		});
	}

	/** Real-time: one PATCH per contact, a few in flight at once. */
	private async patchContacts(contacts: Array<Keyed & PreparedContact>, mergeOption: ContactSettings['mergeOption'], results: Results, seen: Seen): Promise<void> {
		const mergeQuery = { overwriteIfNotEmpty: 'overwrite-if-not-empty', overwrite: 'overwrite', overwriteIfEmpty: 'overwrite-if-empty' }[mergeOption];
		let next = 0;
		let stopped = false;
		const worker = async (): Promise<void> => {
			while (next < contacts.length && !stopped) {
				const contact = contacts[next++];
				const { matchIdentifier, ...body } = contact.request;
				const sentAfter = this.transport.serverTime() ?? Date.now() - CLOCK_MARGIN_MS;
				try {
					const response = await this.transport.request<{ contactId?: number }>('PATCH', `/contacts/v3/${matchIdentifier}/${encodeURIComponent(contact.key)}`, {
						call: 'upsert contact',
						query: { 'merge-option': mergeQuery },
						body: body satisfies Omit<ContactRequest, 'matchIdentifier'>,
					});
					results[contact.index] = { status: 'done', action: response.status === 201 ? 'created' : 'updated', key: contact.key, contactId: response.body?.contactId };
					if (response.status === 201) seen.created.add(contact.index);
					if (response.repeated) seen.repeated.push({ contact, since: sentAfter - CLOCK_MARGIN_MS });
				} catch (error) {
					stopped ||= isLoginRefused(error);
					results[contact.index] = { key: contact.key, ...callFailure(error, contactFailureOwner) };
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(this.options.realtimeConcurrency, contacts.length) }, worker));
	}

	private async sendInsight(records: Array<Keyed & { record: InsightRecord }>, collection: { collectionName: string; collectionScope: 'contact' | 'account'; collectionType: string }, results: Results): Promise<void> {
		const kind: ImportKind<InsightImportStatus> = {
			name: 'insight import',
			submitPath: '/insightData/v3/import',
			statusPath: (id) => `/insightData/v3/import/${encodeURIComponent(id)}`,
			open: `${JSON.stringify(collection).slice(0, -1)},"records":[`,
			close: ']}',
			maxRecords: this.options.insightBatchSize,
			maxBytes: MAX_REQUEST_BYTES,
			concurrency: this.options.insightConcurrency,
			progress: (status) => {
				const state = String(status?.status ?? '');
				if (state === 'Complete' || state === 'Finished') return 'done';
				if (state === 'NotStarted' || state === 'Processing' || state === 'NotFinished' || state === '') return 'pending';
				return { failed: `Dotdigital ended the ${collection.collectionName} import with status ${state}` };
			},
		};
		await this.runBatches(kind, records, (entry) => JSON.stringify(entry.record), results, (members, outcome) => {
			const failed = new Map((outcome.status.failures ?? []).map((entry) => [String(entry.key ?? ''), entry]));
			for (const member of members) {
				const problem = failed.get(member.key);
				results[member.index] = problem
					? { status: 'failed', key: member.key, importId: outcome.importId, ...insightFailure(problem, member.record) }
					: { status: 'done', action: 'imported', key: member.key, importId: outcome.importId };
			}
		});
	}

	/**
	 * Serialises, batches and imports `entries`. Whole-batch failures and oversized records are
	 * settled here; `settle` handles each finished import. A refused login stops the run.
	 */
	private async runBatches<T extends Keyed, S>(
		kind: ImportKind<S>,
		entries: readonly T[],
		serialise: (entry: T) => string,
		results: Results,
		settle: (members: T[], outcome: BatchOutcome<S> & { kind: 'done' }) => void,
	): Promise<void> {
		const { batches, oversized } = batchRecords(entries.map(serialise), kind);
		for (const position of oversized) {
			results[entries[position].index] = { status: 'failed', key: entries[position].key, ...tooLarge() };
		}
		let refused: Error | undefined;
		await runImports(
			this.transport,
			kind,
			batches,
			(batch, outcome) => {
				const members = batch.members.map((position) => entries[position]);
				if (outcome.kind === 'done') {
					settle(members, outcome);
					for (const member of members) {
						results[member.index] ??= { status: 'failed', key: member.key, importId: outcome.importId, code: 'notReported', description: `Dotdigital's ${kind.name} report did not mention this record; sending it again is safe`, retryable: true, owner: 'API' };
					}
					return;
				}
				if (isLoginRefused(outcome.error)) refused ??= outcome.error;
				for (const member of members) {
					results[member.index] = { status: 'failed', key: member.key, importId: outcome.importId, code: errorCode(outcome.error), description: outcome.reason, retryable: outcome.retryable, owner: 'API' };
				}
			},
			this.options,
		);
		if (refused) throw refused;
	}
}

function checkCollection(name: string): void {
	const problem = collectionNameProblem(name);
	if (problem) throw new DotdigitalError(problem, 'badCollectionName', false);
}

interface Group<T> {
	key: string;
	value: T;
	/** Positions of the input records with this key. */
	sources: number[];
}

/** Groups values by key in order of first appearance; `combine` makes a repeat's value from the one so far. */
function groupByKey<T>(each: (add: (source: number, key: string, value: T, combine: (earlier: T) => T) => void) => void): Group<T>[] {
	const groups = new Map<string, Group<T>>();
	each((source, key, value, combine) => {
		const group = groups.get(key);
		if (!group) groups.set(key, { key, value, sources: [source] });
		else {
			group.value = combine(group.value);
			group.sources.push(source);
		}
	});
	return [...groups.values()];
}

/** Orders or products by key; a key that repeats keeps its last record, as Dotdigital would after sending each in turn. */
function insightGroups(records: ReadonlyArray<Record<string, unknown>>, build: (record: Record<string, unknown>) => InsightRecord | KeyedFailure, results: Results): Group<InsightRecord>[] {
	return groupByKey<InsightRecord>((add) =>
		records.forEach((source, index) => {
			const record = build(source);
			if ('code' in record) results[index] = { status: 'failed', ...record };
			else add(index, record.key, record, () => record);
		}),
	);
}

/** Gives every input record its group's result. */
function spread<T>(groups: readonly Group<T>[], groupResults: Results, results: Results): Results {
	groups.forEach((group, index) => {
		for (const source of group.sources) results[source] = groupResults[index];
	});
	return results;
}

/** The key a contact is matched on, from the identifiers Dotdigital reports (it reports all of them). */
function identifierKey(identifiers: Record<string, unknown> | undefined, matchIdentifier: MatchIdentifier): string {
	const value = identifiers?.[matchIdentifier];
	if (value === undefined || value === null) return '';
	return matchIdentifier === 'email' ? String(value).trim().toLowerCase() : String(value).replace(/^\+/, '');
}

function contactFailureOwner(code: string): FailureOwner {
	const lower = code.toLowerCase();
	if (/email|phone|identifier|duplicate|idalreadyexists|invalidid/.test(lower)) return 'till data';
	if (/datafield|list/.test(lower)) return 'mapping';
	return 'API';
}

function insightFailure(problem: { failureReason?: string; details?: unknown[] }, record: InsightRecord): RecordFailure {
	const reason = problem.failureReason ?? 'Unknown';
	const details = (problem.details ?? []).map(String).join('; ');
	if (/^Contact(Email|Id)DoesNotExist$|^InvalidContactIdentifier$/.test(reason)) {
		return {
			code: 'customerLookupFailed',
			description: `There is no Dotdigital contact ${record.contactIdentity?.value ?? ''} for this order (${reason}); turn on "Create Missing Contacts First", or sync the customer first`,
			retryable: false,
			owner: 'till data',
		};
	}
	const owner: FailureOwner = /^Json/.test(reason) ? 'mapping' : 'API';
	return { code: reason, description: details ? `${reason}: ${details}` : reason, retryable: reason === 'Unknown', owner };
}

function callFailure(error: unknown, ownerOf: (code: string) => FailureOwner): RecordFailure & { status: 'failed' } {
	if (isLoginRefused(error)) throw error;
	const known = error instanceof DotdigitalError ? error : undefined;
	const code = errorCode(error);
	const owner = error instanceof DotdigitalApiError && error.status < 500 && error.status !== 429 ? ownerOf(code) : 'API';
	return { status: 'failed', code, description: known?.message ?? String(error), retryable: known?.retryable ?? false, owner };
}

function isLoginRefused(error: unknown): boolean {
	return error instanceof DotdigitalApiError && (error.status === 401 || error.status === 403);
}

function errorCode(error: unknown): string {
	return error instanceof DotdigitalError ? error.code : 'error';
}

function tooLarge(): RecordFailure {
	return { code: 'recordTooLarge', description: 'The record is larger than the 50 MB Dotdigital accepts in one request', retryable: false, owner: 'till data' };
}

function finish(results: Results): RecordResult[] {
	return results.map((result) => result ?? failure('notProcessed', 'The record was not processed; sending it again is safe', true, 'API'));
}
