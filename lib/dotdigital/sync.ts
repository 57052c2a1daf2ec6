/**
 * Upserts canonical customers, orders and products into Dotdigital and returns exactly one result per
 * input record, in input order.
 *
 * Records that share a key (the same email twice, the same order twice) are sent once: contacts merged
 * as if applied one after the other, orders and products as the last one. Every record with that key
 * gets the result. A till's placeholder email on 500 customers is then one contact, not 500 imports.
 * The grouping is in record-groups.ts; the insight import (orders, products) in insight-import.ts.
 */
import type { ContactEntry, ContactMode, Keyed } from './contact-plan';
import { ContactSender } from './contact-sync';
import {
	consentSettingsProblem,
	dataFieldTypeFor,
	mergeContacts,
	prepareContact,
	type ContactSettings,
	type NewContactConsent,
	type PreparedContact,
} from './contacts';
import { ensureDataFields, type DataField, type EnsureResult } from './data-fields';
import { fingerprint, type DeltaOptions } from './delta';
import { DotdigitalError } from './errors';
import type { ImportRunOptions } from './imports';
import { ImportPace } from './pace';
import { collectionNameProblem, orderRecord, productRecord, type InsightRecord } from './insight';
import { sendInsight } from './insight-import';
import { groupByKey, insightGroups, spread, type Group } from './record-groups';
import { MemoryContactRegistry, type ContactRegistry } from './registry';
import { failure, type RecordResult } from './results';
import type { Results } from './sync-results';
import type { DotdigitalTransport } from './transport';

export type { ContactMode };

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
	/** Which contacts the account holds, and consent steps owed (the state store in the node); one run's memory when left out. */
	registry?: ContactRegistry;
}

/** Order contacts that failed only in a way that leaves them in Dotdigital, able to hold orders. */
const CONTACT_STILL_EXISTS = new Set(['consentnotapplied', 'listsnotapplied']);

export class DotdigitalSync {
	private readonly options: Required<
		Omit<SyncOptions, 'poll' | 'sleep' | 'delta' | 'registry' | 'pace'>
	> &
		Pick<SyncOptions, 'delta'> &
		ImportRunOptions;
	private readonly contacts: ContactSender;
	private dataFields?: Map<string, DataField>;

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
			pace: new ImportPace(),
			...options,
		};
		this.contacts = new ContactSender(transport, {
			...this.options,
			batchSize: this.options.contactBatchSize,
			concurrency: this.options.contactConcurrency,
			registry: options.registry ?? new MemoryContactRegistry(),
			scope: transport.account,
		});
	}

	/** Imports submitted so far, retries included. */
	get importCalls(): number {
		const calls = this.transport.stats.byCall;
		return (calls['contact import'] ?? 0) + (calls['insight import'] ?? 0);
	}

	async createDataFields(fields: readonly DataField[]): Promise<EnsureResult> {
		const { created, existing, otherType } = await ensureDataFields(this.transport, fields, {
			create: true,
		});
		return { created, existing, otherType };
	}

	async upsertContacts(
		records: ReadonlyArray<Record<string, unknown>>,
		settings: ContactUpsertSettings,
	): Promise<RecordResult[]> {
		const consentProblem = settings.consentRecord && consentSettingsProblem(settings.consentRecord);
		if (consentProblem) throw new DotdigitalError(consentProblem, 'badConsentSettings', false);
		const wanted = settings.fieldMap.map((entry) => ({
			name: entry.dataField,
			type: dataFieldTypeFor(entry.field, records),
		}));
		const { fields } = await ensureDataFields(this.transport, wanted, {
			create: settings.createMissingDataFields,
			known: this.dataFields,
		});
		// Listed once per run: the later parts of a big file reuse what the first part found and made.
		this.dataFields = fields;
		const results: Results = new Array(records.length).fill(undefined);
		const groups = groupByKey<PreparedContact>((add) =>
			records.forEach((record, index) => {
				const contact = prepareContact(record, settings, fields, this.options.now);
				if ('code' in contact) results[index] = { status: 'failed', ...contact };
				else
					add(index, contact.key, contact, (earlier) =>
						mergeContacts(earlier, contact, settings.mergeOption),
					);
			}),
		);
		const entryResults: Results = new Array(groups.length).fill(undefined);
		const delta = await this.changedOnly(
			`contact|${settings.identifier}`,
			groups,
			entryResults,
			settings.mergeOption,
		);
		await this.contacts.send(
			delta.pending.map((index) => ({ index, ...groups[index].value })),
			settings,
			entryResults,
		);
		await delta.confirm();
		return finish(spread(groups, entryResults, results));
	}

	async upsertOrders(
		records: ReadonlyArray<Record<string, unknown>>,
		settings: OrderUpsertSettings,
	): Promise<RecordResult[]> {
		checkCollection(settings.collection);
		const results: Results = new Array(records.length).fill(undefined);
		const groups = insightGroups(records, orderRecord, results);
		const entryResults: Results = new Array(groups.length).fill(undefined);
		const delta = await this.changedOnly(`order|${settings.collection}`, groups, entryResults);
		const collection = {
			collectionName: settings.collection,
			collectionScope: 'contact' as const,
			collectionType: 'orders',
		};
		let orders = delta.pending.map((index) => ({
			index,
			key: groups[index].key,
			record: groups[index].value,
		}));
		if (settings.createMissingContacts)
			orders = await this.withContacts(orders, settings.newContactConsent, entryResults);
		await sendInsight(this.transport, this.options, orders, collection, entryResults);
		if (settings.createMissingContacts) {
			// A contact the register believed Dotdigital held had been deleted there: forget it, create it, and send its orders again.
			const orphans = orders.filter((order) => {
				const result = entryResults[order.index];
				return result?.status === 'failed' && result.code === 'customerLookupFailed';
			});
			if (orphans.length > 0) {
				await this.contacts.forget(
					'email',
					orphans.map((order) => order.record.contactIdentity?.value ?? ''),
				);
				await sendInsight(
					this.transport,
					this.options,
					await this.withContacts(orphans, settings.newContactConsent, entryResults),
					collection,
					entryResults,
				);
			}
		}
		await delta.confirm();
		return finish(spread(groups, entryResults, results));
	}

	async upsertProducts(
		records: ReadonlyArray<Record<string, unknown>>,
		settings: { collection: string },
	): Promise<RecordResult[]> {
		checkCollection(settings.collection);
		const results: Results = new Array(records.length).fill(undefined);
		const groups = insightGroups(records, productRecord, results);
		const entryResults: Results = new Array(groups.length).fill(undefined);
		const delta = await this.changedOnly(`product|${settings.collection}`, groups, entryResults);
		const products = delta.pending.map((index) => ({
			index,
			key: groups[index].key,
			record: groups[index].value,
		}));
		await sendInsight(
			this.transport,
			this.options,
			products,
			{
				collectionName: settings.collection,
				collectionScope: 'account',
				collectionType: 'catalog',
			},
			entryResults,
		);
		await delta.confirm();
		return finish(spread(groups, entryResults, results));
	}

	/**
	 * With "only changed records" on, marks the groups Dotdigital already has exactly as they are, and
	 * returns the others to send; `confirm` then stores the prints of those Dotdigital confirmed.
	 */
	private async changedOnly<T>(
		kind: string,
		groups: readonly Group<T>[],
		results: Results,
		salt?: unknown,
	): Promise<{ pending: number[]; confirm: () => Promise<void> }> {
		const all = groups.map((_, index) => index);
		const delta = this.options.delta;
		if (!delta) return { pending: all, confirm: async () => undefined };
		const scope = `${delta.scope}|${kind}`;
		const prints = groups.map((group) => ({
			key: group.key,
			fingerprint: fingerprint([salt ?? null, group.value]),
		}));
		const same = delta.force ? new Set<string>() : await delta.store.unchanged(scope, prints);
		const pending = all.filter((index) => {
			if (!same.has(groups[index].key)) return true;
			results[index] = { status: 'unchanged', key: groups[index].key };
			return false;
		});
		return {
			pending,
			confirm: () =>
				delta.store.commitFingerprints(
					scope,
					pending
						.filter((index) => results[index]?.status === 'done')
						.map((index) => prints[index]),
				),
		};
	}

	/**
	 * Creates the contacts orders belong to that Dotdigital does not hold yet, so transactions post to
	 * profiles; orders whose contact could not be made fail.
	 */
	private async withContacts(
		orders: Array<Keyed & { record: InsightRecord }>,
		consent: NewContactConsent,
		results: Results,
	): Promise<Array<Keyed & { record: InsightRecord }>> {
		const emails = [
			...new Set(orders.map((order) => order.record.contactIdentity?.value ?? '')),
		].filter(Boolean);
		if (emails.length === 0) return orders;
		const { known } = await this.contacts.known('email', emails);
		const missing = emails.filter((email) => !known.has(email));
		const contacts: ContactEntry[] = missing.map((email, index) => ({
			index,
			key: email,
			request: { matchIdentifier: 'email', identifiers: { email } },
			whenNew:
				consent === 'posOptIn'
					? { channelProperties: { email: { status: 'unsubscribed' } } }
					: undefined,
		}));
		const contactResults: Results = new Array(contacts.length).fill(undefined);
		await this.contacts.send(
			contacts,
			{ mode: 'bulk', mergeOption: 'overwriteIfNotEmpty', identifier: 'email' },
			contactResults,
		);
		const failedByEmail = new Map<string, RecordResult & { status: 'failed' }>();
		contactResults.forEach((result, index) => {
			if (result?.status === 'failed' && !CONTACT_STILL_EXISTS.has(result.code.toLowerCase()))
				failedByEmail.set(missing[index], result);
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
}

function checkCollection(name: string): void {
	const problem = collectionNameProblem(name);
	if (problem) throw new DotdigitalError(problem, 'badCollectionName', false);
}

function finish(results: Results): RecordResult[] {
	return results.map(
		(result) =>
			result ??
			failure(
				'notProcessed',
				'The record was not processed; sending it again is safe',
				true,
				'API',
			),
	);
}
