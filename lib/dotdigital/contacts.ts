/**
 * Canonical customers as Dotdigital v3 contact requests.
 *
 * Consent belongs to Dotdigital: a request for a contact Dotdigital already holds never carries an
 * email status or a consent record, so an unsubscribed or suppressed contact can never be resubscribed
 * by a sync. A new contact gets its status from the till in the request that creates it (`whenNew`,
 * see lib/dotdigital/registry.ts for how new is told from existing).
 */
import { isIP } from 'node:net';

import {
	dataFieldValue,
	inferDataFieldType,
	type DataField,
	type DataFieldType,
} from './data-fields';
import type { RecordFailure } from './results';

export type MatchIdentifier = 'email' | 'mobileNumber';
export type MergeOption = 'overwriteIfNotEmpty' | 'overwrite' | 'overwriteIfEmpty';
/** posOptIn: new contacts are subscribed only when the till recorded a yes; dotdigital: Dotdigital's default (subscribed). */
export type NewContactConsent = 'posOptIn' | 'dotdigital';

export interface FieldMapEntry {
	/** Canonical field (`first_name`, `custom.tier`, …). */
	field: string;
	dataField: string;
}

/** Dotdigital refuses a consent record without all of text, time, URL, IP address and user agent. */
export interface ConsentRecordSettings {
	text: string;
	/** Where the wording the customer agreed to can be read. */
	url: string;
	/** The shop's or till's public address; a till has no browser to take it from. */
	ipAddress: string;
}

/** Why these consent settings would be refused by Dotdigital, if they would. */
export function consentSettingsProblem(consent: ConsentRecordSettings): string | undefined {
	const missing = [
		!consent.text.trim() && 'Consent Text',
		!isWebUrl(consent.url) && 'Consent Page URL (a full http or https address)',
		isIP(consent.ipAddress.trim()) === 0 && 'Consent IP Address (an IPv4 or IPv6 address)',
	].filter(Boolean);
	if (missing.length === 0) return undefined;
	return `Dotdigital only keeps a consent record that has all of its parts; missing or not valid: ${missing.join(', ')}`;
}

function isWebUrl(value: string): boolean {
	try {
		return /^https?:$/.test(new URL(value.trim()).protocol);
	} catch {
		return false;
	}
}

export interface ContactSettings {
	identifier: MatchIdentifier;
	fieldMap: readonly FieldMapEntry[];
	lists: readonly number[];
	mergeOption: MergeOption;
	newContactConsent: NewContactConsent;
	consentRecord?: ConsentRecordSettings;
}

export const DEFAULT_FIELD_MAP: readonly FieldMapEntry[] = [
	{ field: 'first_name', dataField: 'FIRSTNAME' },
	{ field: 'last_name', dataField: 'LASTNAME' },
	{ field: 'full_name', dataField: 'FULLNAME' },
	{ field: 'postcode', dataField: 'POSTCODE' },
];

/** The data field type that suits each canonical customer field, for creating missing fields. */
const FIELD_TYPES: Record<string, DataFieldType> = {
	birth_date: 'Date',
	created_at: 'Date',
	updated_at: 'Date',
	marketing_opt_in: 'Boolean',
};

/** The type for a new data field filled from `field`: fixed for the canonical fields, read from the values for custom ones. */
export function dataFieldTypeFor(
	field: string,
	records: ReadonlyArray<Record<string, unknown>>,
): DataFieldType {
	if (!field.startsWith('custom.')) return FIELD_TYPES[field] ?? 'String';
	return inferDataFieldType(records.map((record) => fieldValue(record, field)));
}

export interface ContactRequest {
	matchIdentifier: MatchIdentifier;
	identifiers: { email?: string; mobileNumber?: string };
	dataFields?: Record<string, string | number | boolean | null>;
	lists?: number[];
	channelProperties?: { email: { status: 'subscribed' | 'unsubscribed' } };
	consentRecords?: Array<{
		text: string;
		dateTimeConsented: string;
		url: string;
		ipAddress: string;
		userAgent: string;
	}>;
}

export interface PreparedContact {
	/** The lower-cased email or the mobile's digits: what Dotdigital matches on. */
	key: string;
	request: ContactRequest;
	/** What a new contact is created with; undefined when Dotdigital's default (subscribed) is right. */
	whenNew?: Pick<ContactRequest, 'channelProperties' | 'consentRecords'>;
	/** Lists to add the contact to; never set for a customer who did not opt in, as a list can start a programme. */
	lists?: number[];
}

/** The till said no (or nothing): a new contact must be created unsubscribed, and kept off lists. */
export function withoutOptIn(contact: Pick<PreparedContact, 'whenNew'>): boolean {
	return contact.whenNew?.channelProperties !== undefined;
}

export function normaliseEmail(value: unknown): string {
	return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

/** Dotdigital takes mobiles as E.164 digits without the plus: 447700900123. */
export function normaliseMobile(value: unknown): string {
	if (typeof value !== 'string' && typeof value !== 'number') return '';
	const text = String(value).trim();
	const digits = text
		.replace(/[\s().-]/g, '')
		.replace(/^\+/, '')
		.replace(/^00/, '');
	return /^\d{7,15}$/.test(digits) ? digits : text === '' ? '' : `invalid:${text}`;
}

export function prepareContact(
	record: Record<string, unknown>,
	settings: ContactSettings,
	fields: ReadonlyMap<string, DataField>,
	now: () => Date,
): PreparedContact | RecordFailure {
	const key =
		settings.identifier === 'email' ? normaliseEmail(record.email) : normaliseMobile(record.mobile);
	if (key === '') {
		const what = settings.identifier === 'email' ? 'email address' : 'mobile number';
		return {
			code: 'missingIdentifier',
			description: `The customer has no ${what}, which is what contacts are matched on`,
			retryable: false,
			owner: 'till data',
		};
	}
	if (key.startsWith('invalid:')) {
		return {
			code: 'invalidPhoneNumber',
			description: `"${key.slice(8)}" is not a mobile number Dotdigital can use`,
			retryable: false,
			owner: 'till data',
		};
	}
	const dataFields: Record<string, string | number | boolean | null> = {};
	const problems: string[] = [];
	for (const entry of settings.fieldMap) {
		const field = fields.get(entry.dataField.toUpperCase());
		if (!field) continue;
		const converted = dataFieldValue(field.type, fieldValue(record, entry.field));
		if ('problem' in converted)
			problems.push(`${entry.field} → ${field.name}: ${converted.problem}`);
		else if ('value' in converted) dataFields[field.name] = converted.value;
		else if (settings.mergeOption === 'overwrite') dataFields[field.name] = null;
	}
	if (problems.length > 0) {
		return {
			code: 'invalidDataFieldValue',
			description: problems.join('; '),
			retryable: false,
			owner: 'till data',
		};
	}
	const request: ContactRequest = {
		matchIdentifier: settings.identifier,
		identifiers: { [settings.identifier]: key },
	};
	if (Object.keys(dataFields).length > 0) request.dataFields = dataFields;
	const statusWhenNew = whenNew(record, settings, now);
	const prepared: PreparedContact = { key, request, whenNew: statusWhenNew };
	if (settings.lists.length > 0 && !withoutOptIn(prepared)) prepared.lists = [...settings.lists];
	return prepared;
}

/**
 * One contact from two records with the same email or mobile, as if sent one after the other: data
 * fields are laid over each other by the merge option, and the later record's opt-in and lists count.
 */
export function mergeContacts(
	earlier: PreparedContact,
	later: PreparedContact,
	mergeOption: MergeOption,
): PreparedContact {
	const [under, over] = mergeOption === 'overwriteIfEmpty' ? [later, earlier] : [earlier, later];
	const dataFields = { ...under.request.dataFields, ...over.request.dataFields };
	const request: ContactRequest = { ...later.request };
	if (Object.keys(dataFields).length > 0) request.dataFields = dataFields;
	return { ...later, request };
}

/** A canonical field, or FULLNAME's fallback of first and last name together. */
function fieldValue(record: Record<string, unknown>, field: string): unknown {
	if (field.startsWith('custom.')) {
		const custom = record.custom;
		const name = field.slice('custom.'.length);
		return custom &&
			typeof custom === 'object' &&
			Object.prototype.hasOwnProperty.call(custom, name)
			? (custom as Record<string, unknown>)[name]
			: undefined;
	}
	const value = Object.prototype.hasOwnProperty.call(record, field) ? record[field] : undefined;
	if (field === 'full_name' && (value === undefined || value === null || value === '')) {
		return [record.first_name, record.last_name]
			.filter((part) => typeof part === 'string' && part.trim() !== '')
			.join(' ');
	}
	return value;
}

function whenNew(
	record: Record<string, unknown>,
	settings: ContactSettings,
	now: () => Date,
): PreparedContact['whenNew'] {
	if (settings.newContactConsent !== 'posOptIn') return undefined;
	if (record.marketing_opt_in !== true)
		return { channelProperties: { email: { status: 'unsubscribed' } } };
	const consent = settings.consentRecord;
	if (!consent?.text.trim()) return undefined;
	const store =
		typeof record.store_code === 'string' && record.store_code ? ` ${record.store_code}` : '';
	return {
		consentRecords: [
			{
				text: consent.text.trim(),
				dateTimeConsented:
					consentTime(record.created_at) ??
					now()
						.toISOString()
						.replace(/\.\d{3}Z$/, 'Z'),
				url: consent.url.trim(),
				ipAddress: consent.ipAddress.trim(),
				userAgent: `In store${store}, recorded by the POS`,
			},
		],
	};
}

function consentTime(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const time = Date.parse(value);
	return Number.isNaN(time) ? undefined : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
