/**
 * Sends contacts so that consent holds at every instant, whatever fails and wherever a run stops.
 *
 * - A contact Dotdigital does not hold yet is created with its status from the till in the same
 *   request: unsubscribed when the customer did not opt in, and then on no list. In real time that is
 *   `POST /contacts/v3`, which only ever creates; in bulk it is the import entry itself.
 * - A contact Dotdigital holds is sent without a status, so its status stays Dotdigital's.
 * - Which is which comes from the registry, brought up to date by listing the contacts created since
 *   the last run. Only a contact deleted in Dotdigital since then can be created by a request without
 *   a status; for a customer without an opt-in that consent step is written down before the request
 *   goes, applied as soon as Dotdigital reports the contact created, and otherwise settled by the next
 *   listing, in this run or any later one.
 * - Every call after the first write is guarded: a record ends in Done or Failed with a reason.
 *
 * The requests themselves are in contact-import.ts (bulk) and contact-realtime.ts (real time).
 */
import type { ContactEntry, ContactSendSettings, Planned, Seen } from './contact-plan';
import { importContacts } from './contact-import';
import { RealtimeContacts } from './contact-realtime';
import { withoutOptIn, type MatchIdentifier } from './contacts';
import { CLOCK_MARGIN_MS, type ImportRunOptions } from './imports';
import {
	listContactsCreated,
	listedKeys,
	LISTING_OVERLAP_MS,
	registryKey,
	type ContactRegistry,
	type ListedContact,
	type OwedConsent,
} from './registry';
import type { Results } from './sync-results';
import type { DotdigitalTransport } from './transport';

export interface ContactSenderOptions extends ImportRunOptions {
	batchSize: number;
	concurrency: number;
	realtimeConcurrency: number;
	registry: ContactRegistry;
	scope: string;
}

/** An owed consent step older than this has had every import it could come from finish or time out. */
const OWED_STALE_MS = 60 * 60_000;
const UNSUBSCRIBED = { email: { status: 'unsubscribed' as const } };

export class ContactSender {
	private check?: Promise<{ ok: true } | { ok: false; reason: string }>;
	private readonly realtime: RealtimeContacts;

	constructor(
		private readonly transport: DotdigitalTransport,
		private readonly options: ContactSenderOptions,
	) {
		this.realtime = new RealtimeContacts(transport, options.realtimeConcurrency, () =>
			this.clock(),
		);
	}

	/**
	 * The keys among `keys` Dotdigital holds, with their contact ids (0 when not known). When the
	 * registry does not know them all, or earlier runs owe consent steps, it first lists the contacts
	 * created since the last listing (once per run) and finishes those steps; a failed listing is
	 * returned, not thrown, so that the contacts which need the answer wait while the rest go.
	 */
	async known(
		identifier: MatchIdentifier,
		keys: readonly string[],
	): Promise<{ known: Map<string, number>; check: { ok: true } | { ok: false; reason: string } }> {
		let known = await this.lookUp(identifier, keys);
		if (
			known.size === keys.length &&
			(await this.options.registry.owedConsent(this.options.scope)).length === 0
		)
			return { known, check: { ok: true } };
		this.check ??= this.list(undefined, new Set()).then(
			() => ({ ok: true as const }),
			(error: unknown) => ({
				ok: false as const,
				reason: error instanceof Error ? error.message : String(error),
			}),
		);
		const check = await this.check;
		known = await this.lookUp(identifier, keys);
		return { known, check };
	}

	/** Contacts found missing after all (an order for them was refused): the next look-up treats them as new. */
	async forget(identifier: MatchIdentifier, keys: readonly string[]): Promise<void> {
		await this.options.registry.forgetContacts(
			this.options.scope,
			keys.map((key) => registryKey(identifier, key)),
		);
	}

	private async lookUp(
		identifier: MatchIdentifier,
		keys: readonly string[],
	): Promise<Map<string, number>> {
		const found = await this.options.registry.knownContacts(
			this.options.scope,
			keys.map((key) => registryKey(identifier, key)),
		);
		return new Map(
			keys
				.filter((key) => found.has(registryKey(identifier, key)))
				.map((key) => [key, found.get(registryKey(identifier, key)) ?? 0]),
		);
	}

	async send(
		contacts: readonly ContactEntry[],
		settings: ContactSendSettings,
		results: Results,
	): Promise<void> {
		if (contacts.length === 0) return;
		const { registry, scope } = this.options;
		const { known, check } = await this.known(
			settings.identifier,
			contacts.map((contact) => contact.key),
		);
		const earlier = new Set((await registry.owedConsent(scope)).map(owedKey));
		const sentAt = this.clock();
		const planned: Planned[] = [];
		const owed: OwedConsent[] = [];
		for (const contact of contacts) {
			const lists = contact.lists ? { lists: contact.lists } : {};
			if (known.has(contact.key)) {
				planned.push({ ...contact, known: true, request: { ...contact.request, ...lists } });
				if (withoutOptIn(contact))
					owed.push({
						key: contact.key,
						identifier: settings.identifier,
						contactId: known.get(contact.key) ?? 0,
						sentAt,
					});
			} else if (!check.ok && withoutOptIn(contact)) {
				results[contact.index] = {
					status: 'failed',
					key: contact.key,
					code: 'contactCheckFailed',
					description:
						'Nothing was sent for this customer: ' +
						`Dotdigital could not be asked which contacts exist (${check.reason}), ` +
						'and a new contact without an opt-in must be created unsubscribed in the same request. ' +
						'The next run sends it.',
					retryable: true,
					owner: 'API',
				};
			} else {
				planned.push({
					...contact,
					known: false,
					request: { ...contact.request, ...contact.whenNew, ...lists },
				});
			}
		}
		await registry.oweConsent(scope, owed);
		const seen: Seen = { created: new Set(), repeated: [] };
		if (settings.mode === 'realtime')
			await this.realtime.patchAll(planned, settings, results, seen);
		else
			await importContacts(
				this.transport,
				this.options,
				planned,
				settings.mergeOption,
				results,
				seen,
			);
		await registry.rememberContacts(
			scope,
			planned.flatMap((contact) => {
				const result = results[contact.index];
				return result?.status === 'done'
					? [{ key: registryKey(settings.identifier, contact.key), contactId: result.contactId }]
					: [];
			}),
		);

		// Known contacts that Dotdigital created after all (it had deleted them) were created subscribed.
		const due = planned.filter(
			(contact) => contact.known && seen.created.has(contact.index) && withoutOptIn(contact),
		);
		const applied = await this.applyStatus(
			due.map((contact) => ({
				key: contact.key,
				identifier: settings.identifier,
				contactId: 0,
				sentAt,
			})),
		);
		for (const contact of due) {
			if (applied.has(registryKey(settings.identifier, contact.key))) continue;
			results[contact.index] = {
				status: 'failed',
				key: contact.key,
				code: 'consentNotApplied',
				description:
					'Dotdigital had deleted this contact and created it again, subscribed by default; ' +
					'setting it unsubscribed failed. The next run sets it before sending anything else.',
				retryable: true,
				owner: 'API',
			};
		}
		// This run's own consent steps whose outcome is known: the contact was updated, refused, or is settled above.
		const byKey = new Map(planned.map((contact) => [contact.key, contact]));
		const dueKeys = new Set(due.map((contact) => contact.key));
		const settled = owed.filter((entry) => {
			const result = results[byKey.get(entry.key)?.index ?? -1];
			if (earlier.has(owedKey(entry)) || !result || dueKeys.has(entry.key)) return false;
			return result.status === 'done' || (result.status === 'failed' && !result.retryable);
		});
		await registry.settleConsent(scope, [...applied, ...settled.map(owedKey)]);
		await this.afterRun(settings.identifier, planned, results, seen);
	}

	/**
	 * One more listing when it can tell something: which contacts sent more than once were created by
	 * the first try (for the counts), and whether consent steps owed by earlier runs are due.
	 */
	private async afterRun(
		identifier: MatchIdentifier,
		planned: readonly Planned[],
		results: Results,
		seen: Seen,
	): Promise<void> {
		const owed = await this.options.registry.owedConsent(this.options.scope);
		const recount = seen.repeated.filter(
			({ contact }) =>
				!seen.created.has(contact.index) && results[contact.index]?.status === 'done',
		);
		if (owed.length === 0 && recount.length === 0) return;
		const reported = new Set(
			planned
				.filter((contact) => results[contact.index]?.status === 'done')
				.map((contact) => registryKey(identifier, contact.key)),
		);
		const since = Math.min(
			...recount.map((entry) => entry.since),
			...owed.map((entry) => entry.sentAt),
		);
		try {
			const listed = await this.list(
				since,
				reported,
				recount.map(({ contact }) => registryKey(identifier, contact.key)),
			);
			for (const { contact, since: firstTry } of recount) {
				const result = results[contact.index];
				if (
					(listed.get(registryKey(identifier, contact.key))?.created ?? -Infinity) >= firstTry &&
					result?.status === 'done'
				)
					results[contact.index] = { ...result, action: 'created' };
			}
		} catch {
			// The counts stay as Dotdigital's reports gave them; owed steps wait for the next run's listing.
		}
	}

	/**
	 * Lists contacts created since `since` (the last listing when undefined), remembers them, and
	 * applies the owed consent steps the listing proves due. Returns what was listed of the owed keys
	 * and of `keep`, by registry key.
	 */
	private async list(
		since: number | undefined,
		reported: ReadonlySet<string>,
		keep: readonly string[] = [],
	): Promise<Map<string, ListedContact>> {
		const { registry, scope } = this.options;
		const owed = await registry.owedConsent(scope);
		const listedUntil = await registry.contactsListedUntil(scope);
		const from =
			since ??
			(listedUntil === undefined
				? undefined
				: Math.min(listedUntil - LISTING_OVERLAP_MS, ...owed.map((entry) => entry.sentAt)));
		// Only the contacts someone asks about are kept; the rest go into the register page by page.
		const wanted = new Set([...owed.map(owedKey), ...keep]);
		const listed = new Map<string, ListedContact>();
		const listing = await listContactsCreated(this.transport, from, async (page) => {
			const known = page.flatMap((contact) => listedKeys(contact).map((key) => ({ key, contact })));
			await registry.rememberContacts(
				scope,
				known.map(({ key, contact }) => ({ key, contactId: contact.contactId })),
			);
			for (const { key, contact } of known) if (wanted.has(key)) listed.set(key, contact);
		});
		if (from === undefined || from <= (listedUntil ?? Infinity))
			await registry.setContactsListedUntil(scope, Math.max(listing.until, listedUntil ?? 0));
		await this.settleOwed(owed, listed, reported, listing.until);
		return listed;
	}

	/**
	 * An owed step is due when Dotdigital made the contact anew after its request went out (another
	 * contact id, or created since then when the id was not known) and it is subscribed.
	 */
	private async settleOwed(
		owed: readonly OwedConsent[],
		listed: ReadonlyMap<string, ListedContact>,
		reported: ReadonlySet<string>,
		now: number,
	): Promise<void> {
		const due: OwedConsent[] = [];
		const done: string[] = [];
		for (const entry of owed) {
			const key = owedKey(entry);
			const contact = listed.get(key);
			const remade =
				contact !== undefined &&
				(entry.contactId > 0
					? contact.contactId !== entry.contactId
					: contact.created >= entry.sentAt);
			if (remade) {
				if (contact.status === 'subscribed') due.push(entry);
				else done.push(key);
			} else if (reported.has(key) || entry.sentAt < now - OWED_STALE_MS) {
				done.push(key);
			}
		}
		const applied = await this.applyStatus(due);
		await this.options.registry.settleConsent(this.options.scope, [...done, ...applied]);
	}

	/** Sets contacts unsubscribed; the keys it was set for. Never throws. */
	private async applyStatus(entries: readonly OwedConsent[]): Promise<Set<string>> {
		const applied = new Set<string>();
		if (entries.length === 0) return applied;
		const steps: Planned[] = entries.map((entry, index) => ({
			index,
			key: entry.key,
			known: true,
			request: {
				matchIdentifier: entry.identifier,
				identifiers: { [entry.identifier]: entry.key },
				channelProperties: UNSUBSCRIBED,
			},
		}));
		const results: Results = new Array(steps.length).fill(undefined);
		try {
			if (steps.length <= this.options.realtimeConcurrency * 4) {
				await this.realtime.eachAtOnce(
					steps,
					async (step) => {
						await this.realtime.patch(step, { channelProperties: UNSUBSCRIBED });
						results[step.index] = { status: 'done', action: 'updated', key: step.key };
					},
					results,
				);
			} else {
				await importContacts(this.transport, this.options, steps, 'overwriteIfNotEmpty', results, {
					created: new Set(),
					repeated: [],
				});
			}
		} catch {
			// A refused login: nothing more can be set now; the steps stay owed.
		}
		steps.forEach((step, index) => {
			if (results[index]?.status === 'done')
				applied.add(registryKey(step.request.matchIdentifier, step.key));
		});
		return applied;
	}

	private clock(): number {
		return (this.transport.serverTime() ?? Date.now()) - CLOCK_MARGIN_MS;
	}
}

function owedKey(entry: OwedConsent): string {
	return registryKey(entry.identifier, entry.key);
}
