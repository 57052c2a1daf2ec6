/** Contacts in real time: each created with POST when new, else PATCHed without a status, a few at once. */
import { withoutOptIn, type ContactRequest, type MergeOption } from './contacts';
import type { ContactSendSettings, Planned, Seen } from './contact-plan';
import { DotdigitalApiError } from './errors';
import { callFailure, contactFailureOwner, isLoginRefused, type Results } from './sync-results';
import type { DotdigitalTransport } from './transport';

export class RealtimeContacts {
	constructor(
		private readonly transport: DotdigitalTransport,
		private readonly concurrency: number,
		/** When a request goes out, by Dotdigital's clock. */
		private readonly clock: () => number,
	) {}

	/** Real time: a few contacts at once, each created with POST when new, else PATCHed without a status. */
	patchAll(
		contacts: readonly Planned[],
		settings: ContactSendSettings,
		results: Results,
		seen: Seen,
	): Promise<void> {
		return this.eachAtOnce(
			contacts,
			(contact) => this.upsertOne(contact, settings, results, seen),
			results,
		);
	}

	private async upsertOne(
		contact: Planned,
		settings: ContactSendSettings,
		results: Results,
		seen: Seen,
	): Promise<void> {
		const sentAt = this.clock();
		const { matchIdentifier, lists, channelProperties, consentRecords, ...data } = contact.request;
		let createdByLostTry = false;
		if (!contact.known) {
			try {
				const { body } = await this.transport.request<{ contactId?: number }>(
					'POST',
					'/contacts/v3',
					{ call: 'create contact', body: { ...data, channelProperties, consentRecords, lists } },
				);
				results[contact.index] = {
					status: 'done',
					action: 'created',
					key: contact.key,
					contactId: body?.contactId,
				};
				seen.created.add(contact.index);
				return;
			} catch (error) {
				// 409: it exists after all, made by someone else or by our own try whose answer was lost; update it as a known contact.
				if (!(error instanceof DotdigitalApiError && error.status === 409)) throw error;
				createdByLostTry = error.repeated;
			}
		}
		const response = await this.patch(contact, data, settings.mergeOption);
		const body = response.body as
			{ contactId?: number; status?: string; created?: string } | undefined;
		const createdHere =
			response.status === 201 || (createdByLostTry && Date.parse(body?.created ?? '') >= sentAt);
		const done = { status: 'done' as const, key: contact.key, contactId: body?.contactId };
		if (body?.status === 'suppressed') {
			results[contact.index] = { ...done, action: 'suppressed' };
			return;
		}
		results[contact.index] = { ...done, action: createdHere ? 'created' : 'updated' };
		if (response.status === 201) seen.created.add(contact.index);
		if (response.status === 201 && withoutOptIn(contact)) return; // its status is set by `send`, and it gets no list
		if (!lists) return;
		try {
			await this.patch(contact, { lists });
		} catch (error) {
			if (isLoginRefused(error)) throw error;
			const failed = callFailure(error, contactFailureOwner);
			results[contact.index] = {
				...failed,
				key: contact.key,
				code: 'listsNotApplied',
				description: `The contact was ${createdHere ? 'created' : 'updated'}, but could not be added to its lists: ${failed.description}`,
				owner: 'mapping',
			};
		}
	}

	patch(
		contact: Pick<Planned, 'key' | 'request'>,
		body: Partial<Omit<ContactRequest, 'matchIdentifier'>>,
		mergeOption: MergeOption = 'overwriteIfNotEmpty',
	) {
		const mergeQuery = {
			overwriteIfNotEmpty: 'overwrite-if-not-empty',
			overwrite: 'overwrite',
			overwriteIfEmpty: 'overwrite-if-empty',
		}[mergeOption];
		return this.transport.request<unknown>(
			'PATCH',
			`/contacts/v3/${contact.request.matchIdentifier}/${encodeURIComponent(contact.key)}`,
			{
				call: 'upsert contact',
				query: { 'merge-option': mergeQuery },
				body: { identifiers: contact.request.identifiers, ...body },
			},
		);
	}

	/** Runs `work` for each contact, a few at once; a failure becomes that contact's result, and a refused login stops the rest. */
	async eachAtOnce(
		contacts: readonly Planned[],
		work: (contact: Planned) => Promise<void>,
		results: Results,
	): Promise<void> {
		let next = 0;
		let refused: unknown;
		const worker = async (): Promise<void> => {
			while (next < contacts.length && refused === undefined) {
				const contact = contacts[next++];
				try {
					await work(contact);
				} catch (error) {
					if (isLoginRefused(error)) refused = error;
					else
						results[contact.index] = {
							key: contact.key,
							...callFailure(error, contactFailureOwner),
						};
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(this.concurrency, contacts.length) }, worker));
		if (refused === undefined) return;
		if (!contacts.some((contact) => results[contact.index]?.status === 'done')) throw refused;
		for (const contact of contacts)
			results[contact.index] ??= { key: contact.key, ...callFailure(refused, contactFailureOwner) };
	}
}
