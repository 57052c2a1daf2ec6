/**
 * Contacts (v3): the store with its email, mobile and id indexes, reading a contact from a request
 * (PATCH, POST and each import entry), merging it into a stored contact, and the contact as the API
 * returns it.
 */
import { isIP } from 'node:net';

import { coerceFieldValue } from './fields';
import type { DataFieldStore, FieldValue } from './fields';
import { normaliseContactId, normaliseEmail, normaliseMobile } from './identifiers';
import type { IdentifierName } from './identifiers';
import { v3Error } from './replies';
import type { EmailChannelStatus, FakeConsentRecord, FakeContact, FakeList } from './types';

export type MergeOption = 'overwrite' | 'overwriteIfNotEmpty' | 'overwriteIfEmpty';
export type ChannelStatusUpdate = 'subscribed' | 'unsubscribed' | 'suppressed';

export interface Failure {
	failureCode: string;
	description: string;
}

export interface ContactInput {
	/** Sent identifiers that are valid, in stored form. */
	identifiers: { email?: string; mobileNumber?: string; contactId?: number };
	/** As sent, for failure reports. */
	sentIdentifiers: Record<string, unknown>;
	/** Checked values under the field's own name; null clears. */
	dataFields: Array<[string, FieldValue | null]>;
	lists: number[];
	channel: {
		status?: ChannelStatusUpdate;
		optInType?: string;
		emailType?: string;
		resubscribeWithNoChallenge?: boolean;
	};
	consentRecords: FakeConsentRecord[];
	/** Problems with identifiers: the contact is neither created nor updated. */
	identifierFailures: Failure[];
	/** Problems with data fields: the contact is neither created nor updated. */
	dataFailures: Failure[];
	/** Parts left out while the rest of the contact is applied (unknown lists, malformed consent). */
	partialFailures: Failure[];
}

export interface ReadContext {
	fields: DataFieldStore;
	lists: Map<number, FakeList>;
	/** Where the contact sits in the request, for error details ('' for a whole body). */
	where: string;
	/** Import entries carry matchIdentifier and may carry contactId among identifiers. */
	inImport: boolean;
}

const OPT_IN_TYPES: Record<string, string> = {
	unknown: 'Unknown',
	single: 'Single',
	double: 'Double',
	verifieddouble: 'VerifiedDouble',
};
const EMAIL_TYPES: Record<string, string> = { html: 'Html', plaintext: 'PlainText' };
const STATUS_UPDATES: ChannelStatusUpdate[] = ['subscribed', 'unsubscribed', 'suppressed'];
const MAX_CONSENT = 5;
const MAX_LISTS = 100;

/** One change of a contact's email status, as the fake saw it happen. */
export interface StatusChange {
	contactId: number;
	email?: string;
	/** null when the contact came into being with this status. */
	from: EmailChannelStatus | null;
	to: EmailChannelStatus;
	/** Epoch ms by the fake's clock. */
	at: number;
	/** What made the change: import, PATCH, POST, seed or admin. */
	via: string;
}

export class ContactStore {
	/** Every status a contact ever had, in order: tests assert over the whole history, not only the end. */
	readonly history: StatusChange[] = [];
	private readonly byId = new Map<number, FakeContact>();
	private readonly byEmail = new Map<string, number>();
	private readonly byMobile = new Map<string, number>();
	private lastId = 0;

	get size(): number {
		return this.byId.size;
	}

	all(): FakeContact[] {
		return [...this.byId.values()];
	}

	find(identifier: IdentifierName, value: string | number): FakeContact | undefined {
		if (identifier === 'contactId') return this.byId.get(Number(value));
		const id =
			identifier === 'email' ? this.byEmail.get(String(value)) : this.byMobile.get(String(value));
		return id === undefined ? undefined : this.byId.get(id);
	}

	/** Another contact that already holds one of these identifiers, and which. */
	conflict(
		contact: FakeContact | undefined,
		identifiers: { email?: string; mobileNumber?: string },
	): { identifier: 'email' | 'mobileNumber'; value: string } | undefined {
		for (const identifier of ['email', 'mobileNumber'] as const) {
			const value = identifiers[identifier];
			if (value === undefined) continue;
			const owner = this.find(identifier, value);
			if (owner !== undefined && owner !== contact) return { identifier, value };
		}
		return undefined;
	}

	nextId(): number {
		this.lastId += 1;
		return this.lastId;
	}

	/** Notes a contact's status if it is new or changed. */
	noteStatus(contact: FakeContact, from: EmailChannelStatus | null, at: string, via: string): void {
		const to = contact.channelProperties.email.status;
		if (from === to) return;
		this.history.push({
			contactId: contact.contactId,
			...(contact.identifiers.email === undefined ? {} : { email: contact.identifiers.email }),
			from,
			to,
			at: Date.parse(at),
			via,
		});
	}

	insert(contact: FakeContact): void {
		if (this.byId.has(contact.contactId))
			throw new Error(`Contact ${contact.contactId} already exists`);
		const clash = this.conflict(undefined, contact.identifiers);
		if (clash !== undefined)
			throw new Error(`The ${clash.identifier} '${clash.value}' already belongs to a contact`);
		this.byId.set(contact.contactId, contact);
		this.lastId = Math.max(this.lastId, contact.contactId);
		this.index(contact);
	}

	remove(contact: FakeContact): void {
		this.byId.delete(contact.contactId);
		if (contact.identifiers.email !== undefined) this.byEmail.delete(contact.identifiers.email);
		if (contact.identifiers.mobileNumber !== undefined)
			this.byMobile.delete(contact.identifiers.mobileNumber);
	}

	/** Changes a stored contact's identifiers, keeping the indexes right. */
	setIdentifiers(
		contact: FakeContact,
		identifiers: { email?: string; mobileNumber?: string },
	): void {
		if (contact.identifiers.email !== undefined) this.byEmail.delete(contact.identifiers.email);
		if (contact.identifiers.mobileNumber !== undefined)
			this.byMobile.delete(contact.identifiers.mobileNumber);
		contact.identifiers = {};
		if (identifiers.email !== undefined) contact.identifiers.email = identifiers.email;
		if (identifiers.mobileNumber !== undefined)
			contact.identifiers.mobileNumber = identifiers.mobileNumber;
		this.index(contact);
	}

	private index(contact: FakeContact): void {
		if (contact.identifiers.email !== undefined)
			this.byEmail.set(contact.identifiers.email, contact.contactId);
		if (contact.identifiers.mobileNumber !== undefined)
			this.byMobile.set(contact.identifiers.mobileNumber, contact.contactId);
	}
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(ctx: ReadContext, item: string, description: string): never {
	throw v3Error(400, 'contacts:validationFailed', 'The request is invalid', [
		{ item: ctx.where === '' ? item : `${ctx.where}.${item}`, description },
	]);
}

/**
 * Reads one contact. A body that does not fit the schema (wrong JSON types, unknown enum values,
 * too many lists) throws a 400; problems with the values themselves are returned as failures.
 */
export function readContact(raw: unknown, ctx: ReadContext): ContactInput {
	if (!isObject(raw)) invalid(ctx, 'contact', 'A contact must be a JSON object');
	const input: ContactInput = {
		identifiers: {},
		sentIdentifiers: {},
		dataFields: [],
		lists: [],
		channel: {},
		consentRecords: [],
		identifierFailures: [],
		dataFailures: [],
		partialFailures: [],
	};
	readIdentifiers(raw.identifiers, input, ctx);
	readDataFields(raw.dataFields, input, ctx);
	readLists(raw.lists, input, ctx);
	readChannel(raw.channelProperties, input, ctx);
	readConsent(raw.consentRecords, input, ctx);
	return input;
}

function readIdentifiers(raw: unknown, input: ContactInput, ctx: ReadContext): void {
	if (raw === undefined || raw === null) return;
	if (!isObject(raw)) invalid(ctx, 'identifiers', 'identifiers must be an object');
	input.sentIdentifiers = { ...raw };
	for (const [name, value] of Object.entries(raw)) {
		if (value === null || value === '') continue;
		if (name === 'email') {
			const email = normaliseEmail(value);
			if (email === undefined)
				input.identifierFailures.push({
					failureCode: 'invalidEmail',
					description: "Invalid value for 'email'",
				});
			else input.identifiers.email = email;
		} else if (name === 'mobileNumber') {
			const mobile = normaliseMobile(value);
			if (mobile === undefined)
				input.identifierFailures.push({
					failureCode: 'invalidPhoneNumber',
					description: "Invalid value for 'mobileNumber'",
				});
			else input.identifiers.mobileNumber = mobile;
		} else if (name === 'contactId' && ctx.inImport) {
			const id = normaliseContactId(value);
			if (id === undefined)
				input.identifierFailures.push({
					failureCode: 'invalidContactId',
					description: "Invalid value for 'contactId'",
				});
			else input.identifiers.contactId = id;
		} else {
			input.identifierFailures.push({
				failureCode: 'invalidIdentifier',
				description: `The identifier '${name}' does not exist in the account`,
			});
		}
	}
}

function readDataFields(raw: unknown, input: ContactInput, ctx: ReadContext): void {
	if (raw === undefined || raw === null) return;
	if (!isObject(raw)) invalid(ctx, 'dataFields', 'dataFields must be an object');
	for (const [name, value] of Object.entries(raw)) {
		const field = ctx.fields.get(name);
		if (field === undefined) {
			input.dataFailures.push({
				failureCode: 'dataFieldNotFound',
				description: `The data field '${name}' does not exist`,
			});
			continue;
		}
		if (typeof value === 'object' && value !== null) {
			input.dataFailures.push({
				failureCode: 'invalidDataFieldValue',
				description: `Invalid value for data field '${field.name}': objects and arrays are not allowed`,
			});
			continue;
		}
		const coerced = coerceFieldValue(field, value);
		if (coerced.error !== undefined)
			input.dataFailures.push({
				failureCode: 'invalidDataFieldValue',
				description: `Invalid value for data field '${field.name}': ${coerced.error}`,
			});
		else input.dataFields.push([field.name, coerced.value]);
	}
}

function readLists(raw: unknown, input: ContactInput, ctx: ReadContext): void {
	if (raw === undefined || raw === null) return;
	if (!Array.isArray(raw) || raw.some((id) => !Number.isSafeInteger(id)))
		invalid(ctx, 'lists', 'lists must be an array of list ids');
	if (raw.length < 1 || raw.length > MAX_LISTS)
		invalid(ctx, 'lists', `lists takes 1 to ${MAX_LISTS} list ids`);
	for (const id of raw as number[]) {
		if (!ctx.lists.has(id))
			input.partialFailures.push({
				failureCode: 'listNotFound',
				description: `The list '${id}' could not be found`,
			});
		else if (!input.lists.includes(id)) input.lists.push(id);
	}
}

function readChannel(raw: unknown, input: ContactInput, ctx: ReadContext): void {
	if (raw === undefined || raw === null) return;
	if (!isObject(raw)) invalid(ctx, 'channelProperties', 'channelProperties must be an object');
	const email = raw.email;
	if (email === undefined || email === null) return;
	if (!isObject(email))
		invalid(ctx, 'channelProperties.email', 'channelProperties.email must be an object');
	const enumValue = (name: string, allowed: Record<string, string>): string | undefined => {
		const value = email[name];
		if (value === undefined || value === null) return undefined;
		const found = typeof value === 'string' ? allowed[value.toLowerCase()] : undefined;
		if (found === undefined)
			invalid(
				ctx,
				`channelProperties.email.${name}`,
				`'${String(value)}' is not one of ${Object.values(allowed).join(', ')}`,
			);
		return found;
	};
	input.channel.optInType = enumValue('optInType', OPT_IN_TYPES);
	input.channel.emailType = enumValue('emailType', EMAIL_TYPES);
	input.channel.status = enumValue(
		'status',
		Object.fromEntries(STATUS_UPDATES.map((status) => [status.toLowerCase(), status])),
	) as ChannelStatusUpdate | undefined;
	const resubscribe = email.resubscribeOptions;
	if (isObject(resubscribe) && typeof resubscribe.resubscribeWithNoChallenge === 'boolean')
		input.channel.resubscribeWithNoChallenge = resubscribe.resubscribeWithNoChallenge;
}

function readConsent(raw: unknown, input: ContactInput, ctx: ReadContext): void {
	if (raw === undefined || raw === null) return;
	if (!Array.isArray(raw)) invalid(ctx, 'consentRecords', 'consentRecords must be an array');
	if (raw.length > MAX_CONSENT && !ctx.inImport)
		invalid(ctx, 'consentRecords', `consentRecords takes 1 to ${MAX_CONSENT} records`);
	const problems: string[] =
		raw.length > MAX_CONSENT
			? [`More than ${MAX_CONSENT} consent records`]
			: raw.length === 0
				? ['No consent records']
				: [];
	const records: FakeConsentRecord[] = [];
	raw.forEach((record: unknown, index) => {
		const problem = consentProblem(record);
		if (problem !== undefined) problems.push(`consentRecords[${index}]: ${problem}`);
		else records.push(record as FakeConsentRecord);
	});
	if (problems.length > 0) {
		input.partialFailures.push({
			failureCode: 'consentRecordsNotApplied',
			description: `The provided consent records could not be applied as they were incorrectly formatted: ${problems.join('; ')}`,
		});
		return;
	}
	input.consentRecords = records.map((record) => ({
		text: record.text,
		dateTimeConsented: record.dateTimeConsented,
		url: record.url,
		ipAddress: record.ipAddress,
		userAgent: record.userAgent,
	}));
}

/** The OpenAPI consentRecord: text, dateTimeConsented, url, ipAddress and userAgent are all required, nothing else is allowed. */
function consentProblem(record: unknown): string | undefined {
	if (!isObject(record)) return 'not an object';
	const extra = Object.keys(record).find(
		(key) => !['text', 'dateTimeConsented', 'url', 'ipAddress', 'userAgent'].includes(key),
	);
	if (extra !== undefined) return `unknown property '${extra}'`;
	if (typeof record.text !== 'string' || record.text.trim() === '') return 'text is required';
	if (
		typeof record.dateTimeConsented !== 'string' ||
		!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(
			record.dateTimeConsented,
		) ||
		Number.isNaN(Date.parse(record.dateTimeConsented))
	) {
		return 'dateTimeConsented must be an ISO 8601 date-time';
	}
	if (typeof record.url !== 'string' || !isAbsoluteUrl(record.url))
		return 'url must be an absolute URL';
	if (typeof record.ipAddress !== 'string' || isIP(record.ipAddress) === 0)
		return 'ipAddress must be an IPv4 or IPv6 address';
	if (typeof record.userAgent !== 'string' || record.userAgent.trim() === '')
		return 'userAgent is required';
	return undefined;
}

function isAbsoluteUrl(value: string): boolean {
	try {
		return /^https?:$/.test(new URL(value).protocol);
	} catch {
		return false;
	}
}

export function newContact(contactId: number, now: string): FakeContact {
	return {
		contactId,
		status: 'subscribed',
		identifiers: {},
		dataFields: {},
		channelProperties: { email: { status: 'subscribed', optInType: 'Unknown', emailType: 'Html' } },
		lists: [],
		consentRecords: [],
		created: now,
		updated: now,
	};
}

const isEmpty = (value: unknown): boolean => value === undefined || value === null || value === '';

/**
 * Applies a read contact to a stored one (identifiers are the caller's job). Merge options govern
 * data fields only. A channel status that is sent is applied, whatever the contact's status was:
 * v3 does resubscribe unsubscribed and suppressed contacts.
 */
export function applyContact(
	contact: FakeContact,
	input: ContactInput,
	merge: MergeOption,
	isNew: boolean,
	now: string,
	record: { store: ContactStore; via: string },
): void {
	for (const [name, value] of input.dataFields) {
		const current = contact.dataFields[name];
		if (merge === 'overwriteIfNotEmpty' && isEmpty(value)) continue;
		if (merge === 'overwriteIfEmpty' && !isEmpty(current)) continue;
		if (value === null) delete contact.dataFields[name];
		else contact.dataFields[name] = value;
	}
	const email = contact.channelProperties.email;
	const previous = email.status;
	if (input.channel.optInType !== undefined) email.optInType = input.channel.optInType;
	if (input.channel.emailType !== undefined) email.emailType = input.channel.emailType;
	const requested = input.channel.status ?? (isNew ? 'subscribed' : undefined);
	if (requested !== undefined) email.status = channelStatus(requested, previous, isNew, input);
	contact.status = email.status;
	record.store.noteStatus(contact, isNew ? null : previous, now, record.via);
	for (const id of input.lists) if (!contact.lists.includes(id)) contact.lists.push(id);
	for (const consent of input.consentRecords)
		contact.consentRecords.push({ ...consent, dateTimeCreated: now });
	contact.updated = now;
}

/** Verified double opt-in, and a resubscribe with a challenge, leave the contact pending until it confirms. */
function channelStatus(
	requested: ChannelStatusUpdate,
	previous: EmailChannelStatus,
	isNew: boolean,
	input: ContactInput,
): EmailChannelStatus {
	if (requested !== 'subscribed' || (!isNew && previous === 'subscribed')) return requested;
	if (input.channel.optInType === 'VerifiedDouble') return 'pendingOptIn';
	if (!isNew && previous !== 'pendingOptIn' && input.channel.resubscribeWithNoChallenge === false)
		return 'pendingOptIn';
	return 'subscribed';
}

export interface ContactView {
	fields: DataFieldStore;
	lists: Map<number, FakeList>;
}

/** A contact as GET and PATCH answer it: every data field of the account (null when empty), response enums in PascalCase. */
export function contactJson(
	contact: FakeContact,
	view: ContactView,
	parts: {
		dataFields?: string[] | 'all';
		channelProperties?: boolean;
		lists?: boolean;
		consentRecords?: boolean;
	} = { dataFields: 'all', channelProperties: true, lists: true, consentRecords: true },
): Record<string, unknown> {
	const out: Record<string, unknown> = {
		contactId: contact.contactId,
		status: contact.status,
		created: contact.created,
		updated: contact.updated,
		identifiers: { ...contact.identifiers },
	};
	if (parts.dataFields !== undefined) {
		const names =
			parts.dataFields === 'all'
				? view.fields.all().map((field) => field.name)
				: parts.dataFields.map((name) => view.fields.get(name)?.name ?? name);
		out.dataFields = Object.fromEntries(
			names.map((name) => [name, contact.dataFields[name] ?? null]),
		);
	}
	if (parts.channelProperties)
		out.channelProperties = { email: { ...contact.channelProperties.email } };
	if (parts.lists)
		out.lists = contact.lists.map((id) => ({
			id,
			name: view.lists.get(id)?.name ?? '',
			status: 'subscribed',
		}));
	if (parts.consentRecords)
		out.consentRecords = contact.consentRecords.map((record) => ({ ...record }));
	return out;
}

/** A seeded or admin-added contact, in stored form. */
export function contactFromPartial(
	partial: Partial<FakeContact>,
	contactId: number,
	now: string,
	fields: DataFieldStore,
): FakeContact {
	const contact = newContact(contactId, partial.created ?? now);
	contact.updated = partial.updated ?? contact.created;
	const email = partial.identifiers?.email;
	if (email !== undefined) {
		const stored = normaliseEmail(email);
		if (stored === undefined) throw new Error(`Invalid email '${email}'`);
		contact.identifiers.email = stored;
	}
	const mobile = partial.identifiers?.mobileNumber;
	if (mobile !== undefined) {
		const stored = normaliseMobile(mobile);
		if (stored === undefined) throw new Error(`Invalid mobileNumber '${mobile}'`);
		contact.identifiers.mobileNumber = stored;
	}
	for (const [name, value] of Object.entries(partial.dataFields ?? {})) {
		if (value === null) continue;
		contact.dataFields[fields.get(name)?.name ?? name] = value;
	}
	const channel = partial.channelProperties?.email;
	if (channel !== undefined) {
		if (channel.optInType !== undefined)
			contact.channelProperties.email.optInType =
				OPT_IN_TYPES[channel.optInType.toLowerCase()] ?? channel.optInType;
		if (channel.emailType !== undefined)
			contact.channelProperties.email.emailType =
				EMAIL_TYPES[channel.emailType.toLowerCase()] ?? channel.emailType;
		if (channel.status !== undefined) contact.channelProperties.email.status = channel.status;
	}
	if (partial.status !== undefined) {
		contact.status = partial.status;
		if (
			channel?.status === undefined &&
			['subscribed', 'unsubscribed', 'suppressed', 'pendingOptIn'].includes(partial.status)
		)
			contact.channelProperties.email.status = partial.status as EmailChannelStatus;
	} else {
		contact.status = contact.channelProperties.email.status;
	}
	contact.lists = [...new Set(partial.lists ?? [])];
	contact.consentRecords = (partial.consentRecords ?? []).map((record) => ({ ...record }));
	return contact;
}

export const cloneContact = (contact: FakeContact): FakeContact => structuredClone(contact);
