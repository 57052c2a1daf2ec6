/**
 * Everything the fake account holds: data fields, lists, contacts, the global suppression list,
 * insight collections and the imports in flight. Imports finish lazily: every call (and every
 * look from the test) first applies the imports whose time has come, in the order they were accepted.
 */
import { mulberry32 } from '../../helpers/random';
import { ContactStore, cloneContact, contactFromPartial } from './contacts';
import { DataFieldStore } from './fields';
import { normaliseEmail } from './identifiers';
import { runImport } from './imports';
import type { ContactImport } from './imports';
import { InsightStore } from './insight';
import type { InsightImport } from './insight';
import type { FakeContact, FakeDataField, FakeDotdigitalSeed, FakeList } from './types';

export const MAX_CONTACT_IMPORTS = 25;
export const MAX_INSIGHT_IMPORTS = 5;

/** The data fields of a new Dotdigital account. */
export const DEFAULT_DATA_FIELDS: FakeDataField[] = [
	...['FIRSTNAME', 'LASTNAME', 'FULLNAME', 'GENDER', 'POSTCODE'].map((name): FakeDataField => ({
		name,
		type: 'String',
		visibility: 'Public',
		defaultValue: null,
	})),
	{ name: 'LASTSUBSCRIBED', type: 'Date', visibility: 'Public', defaultValue: null },
];

export const DEFAULT_LISTS: FakeList[] = [
	{ id: 1, name: 'Newsletter' },
	{ id: 2, name: 'POS customers' },
	{ id: 3, name: 'Welcome' },
];

export class DotdigitalState {
	readonly fields: DataFieldStore;
	readonly lists: Map<number, FakeList>;
	readonly contacts = new ContactStore();
	readonly insight = new InsightStore();
	readonly contactImports = new Map<string, ContactImport>();
	readonly insightImports = new Map<string, InsightImport>();
	/** Imports not yet applied, oldest first. */
	private pending: Array<
		{ kind: 'contacts'; job: ContactImport } | { kind: 'insight'; job: InsightImport }
	> = [];

	constructor(
		seed: FakeDotdigitalSeed,
		private readonly clock: () => Date,
		private readonly importTimes: { min: number; max: number },
	) {
		this.fields = new DataFieldStore(seed.dataFields ?? DEFAULT_DATA_FIELDS);
		this.lists = new Map((seed.lists ?? DEFAULT_LISTS).map((list) => [list.id, { ...list }]));
		for (const contact of seed.contacts ?? []) this.addContact(contact);
		for (const email of seed.globallySuppressed ?? []) {
			const stored = normaliseEmail(email);
			if (stored === undefined) throw new Error(`Invalid globally suppressed email '${email}'`);
			const contact = this.contacts.find('email', stored);
			if (contact === undefined)
				this.addContact({ identifiers: { email: stored }, status: 'suppressed' });
			else {
				const from = contact.channelProperties.email.status;
				contact.status = contact.channelProperties.email.status = 'suppressed';
				this.contacts.noteStatus(contact, from, this.nowIso(), 'seed');
			}
		}
	}

	now(): number {
		return this.clock().getTime();
	}

	nowIso(): string {
		return this.clock().toISOString();
	}

	addContact(partial: Partial<FakeContact>): FakeContact {
		const contact = contactFromPartial(
			partial,
			partial.contactId ?? this.contacts.nextId(),
			this.nowIso(),
			this.fields,
		);
		this.contacts.insert(contact);
		this.contacts.noteStatus(contact, null, contact.created, 'seed');
		return cloneContact(contact);
	}

	/** How long an import takes, by the order it was accepted in. */
	private readonly durations = new WeakMap<object, number>();
	private readonly draw = mulberry32(22);

	/** The ms an accepted import takes to finish. */
	importMsOf(job: object): number {
		return this.durations.get(job) ?? this.importTimes.min;
	}

	isFinished(job: { acceptedAt: number }): boolean {
		return this.now() - job.acceptedAt >= this.importMsOf(job);
	}

	private time(job: object): void {
		const { min, max } = this.importTimes;
		this.durations.set(job, min + Math.round(this.draw() * (max - min)));
	}

	acceptContactImport(job: ContactImport): void {
		this.time(job);
		this.contactImports.set(job.importId, job);
		this.pending.push({ kind: 'contacts', job });
	}

	acceptInsightImport(job: InsightImport): void {
		this.time(job);
		this.insightImports.set(job.importId, job);
		this.pending.push({ kind: 'insight', job });
	}

	/** Applies every import whose time has come. */
	settle(): void {
		while (this.pending.length > 0 && this.isFinished(this.pending[0].job)) {
			const next = this.pending.shift()!;
			const now = this.nowIso();
			if (next.kind === 'contacts')
				next.job.result = runImport(next.job, { store: this.contacts }, now);
			else next.job.result = this.insight.runImport(next.job, this.contacts, now);
		}
	}

	activeImports(): { contacts: number; insight: number } {
		this.settle();
		let contacts = 0;
		let insight = 0;
		for (const entry of this.pending) {
			if (entry.kind === 'contacts') contacts += 1;
			else insight += 1;
		}
		return { contacts, insight };
	}
}
