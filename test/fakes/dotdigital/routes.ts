/**
 * The API itself: one authenticated call in, one reply out. Paths are matched without regard to case,
 * as ASP.NET routes are; a call to a region other than the account's is a 403, except account-info on r1.
 */
import { applyContact, contactJson, newContact, readContact } from './contacts';
import type { ContactInput, MergeOption } from './contacts';
import { FIELD_NAME, FIELD_TYPES, coerceFieldValue } from './fields';
import { identifierName, normaliseIdentifier } from './identifiers';
import { readImport } from './imports';
import { createAddressBook, getAddressBook, listAddressBooks } from './lists';
import {
	COLLECTION_NAME,
	COLLECTION_TYPES,
	checkJson,
	collectionNotFound,
	contactOwner,
	invalidCollectionName,
	recordJson,
	recordKey,
	upsert,
} from './insight';
import type { Collection, Owner, Scope } from './insight';
import { ApiError, json, v2Error, v3Error } from './replies';
import type { Reply } from './replies';
import { MAX_CONTACT_IMPORTS, MAX_INSIGHT_IMPORTS } from './state';
import type { DotdigitalState } from './state';
import type { FakeDataField, Region } from './types';

export interface ApiCall {
	method: string;
	region: Region;
	/** The path after the region, e.g. /contacts/v3/import. */
	path: string;
	query: URLSearchParams;
	body: string;
	contentType: string;
}

export interface Account {
	region: Region;
	user: string;
	regionUrl(region: Region): string;
	callsInLastHour(): number;
}

type Family = 'v2' | 'contacts' | 'insightData';

const MERGE_QUERY: Record<string, MergeOption> = {
	overwrite: 'overwrite',
	'overwrite-if-not-empty': 'overwriteIfNotEmpty',
	'overwrite-if-empty': 'overwriteIfEmpty',
};
const HOURLY_ALLOWANCE = 2000;
const DEFAULT_PAGE = 1000;
const MAX_PAGE = 5000;

export function dispatch(state: DotdigitalState, call: ApiCall, account: Account): Reply {
	try {
		return route(state, call, account);
	} catch (error) {
		if (error instanceof ApiError) return error.reply;
		throw error;
	}
}

function route(state: DotdigitalState, call: ApiCall, account: Account): Reply {
	let segments: string[];
	try {
		segments = call.path
			.split('/')
			.filter((part) => part !== '')
			.map((part) => decodeURIComponent(part));
	} catch {
		return notFound(call);
	}
	const is = (index: number, literal: string): boolean =>
		segments[index]?.toLowerCase() === literal.toLowerCase();
	const accountInfo = segments.length === 2 && is(0, 'v2') && is(1, 'account-info');
	if (
		call.region !== account.region &&
		!(accountInfo && call.method === 'GET' && call.region === 'r1')
	) {
		return json(403, { message: 'Forbidden: Access is denied' });
	}
	state.settle();
	const methods = (allowed: Record<string, () => Reply>): Reply => {
		const handler = allowed[call.method];
		if (handler !== undefined) return handler();
		const family = is(0, 'v2') ? 'v2' : 'v3';
		const allow = Object.keys(allowed).join(', ');
		return {
			status: 405,
			headers: { Allow: allow },
			json:
				family === 'v2'
					? { message: `The requested resource does not support http method '${call.method}'.` }
					: {
							errorCode: 'methodNotAllowed',
							description: `The requested resource does not support http method '${call.method}'`,
						},
		};
	};
	const n = segments.length;

	if (is(0, 'v2')) {
		if (accountInfo) return methods({ GET: () => accountInfoReply(account) });
		if (n === 2 && is(1, 'data-fields'))
			return methods({
				GET: () => json(200, state.fields.all()),
				POST: () => createDataField(state, call),
			});
		if (n === 3 && is(1, 'data-fields'))
			return methods({ DELETE: () => deleteDataField(state, segments[2]) });
		if (n === 2 && is(1, 'address-books'))
			return methods({
				GET: () => listAddressBooks(state, call.query),
				POST: () => createAddressBook(state, readBody(call, 'v2')),
			});
		if (n === 3 && is(1, 'address-books'))
			return methods({ GET: () => getAddressBook(state, segments[2]) });
		return notFound(call);
	}
	if (is(0, 'contacts') && is(1, 'v3')) {
		if (n === 2)
			return methods({
				GET: () => listContacts(state, call),
				POST: () => createContact(state, call),
			});
		if (n === 3 && is(2, 'import')) return methods({ PUT: () => importContacts(state, call) });
		if (n === 4 && is(2, 'import'))
			return methods({ GET: () => contactImportStatus(state, segments[3]) });
		if (n === 4) {
			return methods({
				GET: () => getContact(state, segments[2], segments[3]),
				PATCH: () => patchContact(state, call, segments[2], segments[3]),
				DELETE: () => deleteContact(state, segments[2], segments[3]),
			});
		}
		return notFound(call);
	}
	if (is(0, 'insightData') && is(1, 'v3')) {
		if (n === 3 && is(2, 'import')) return methods({ PUT: () => importInsight(state, call) });
		if (n === 4 && is(2, 'import'))
			return methods({ GET: () => insightImportStatus(state, segments[3]) });
		if (n === 3 && is(2, 'collections')) return methods({ GET: () => listCollections(state) });
		if (n === 4 && is(2, 'collections'))
			return methods({ POST: () => createCollection(state, call, segments[3]) });
		if (n === 5 && is(2, 'account')) {
			return methods({
				GET: () => getRecord(state, 'account', segments[3], segments[4], {}),
				PUT: () => putRecord(state, call, 'account', segments[3], segments[4], {}),
			});
		}
		if (n === 7 && is(2, 'contacts')) {
			const owner = (): Owner => contactOwner(segments[3], segments[4], state.contacts);
			return methods({
				GET: () => getRecord(state, 'contact', segments[5], segments[6], owner()),
				PUT: () => putRecord(state, call, 'contact', segments[5], segments[6], owner()),
			});
		}
		return notFound(call);
	}
	return notFound(call);
}

function notFound(call: ApiCall): Reply {
	if (/^\/v2(\/|$)/i.test(call.path))
		return json(404, {
			message: `No HTTP resource was found that matches the request URI '${call.path}'.`,
		});
	return json(404, {
		errorCode: 'notFound',
		description: `No resource was found at '${call.path}'`,
	});
}

/** The body as JSON: 415 unless it is sent as JSON, 400 (in the family's error shape) when it does not parse. */
function readBody(call: ApiCall, family: Family): unknown {
	const mediaType = call.contentType.split(';')[0].trim().toLowerCase();
	if (call.body !== '' && mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
		throw new ApiError({
			status: 415,
			contentType: 'application/problem+json; charset=utf-8',
			json: {
				type: 'https://tools.ietf.org/html/rfc7231#section-6.5.13',
				title: 'Unsupported Media Type',
				status: 415,
			},
		});
	}
	try {
		if (call.body.trim() === '') throw new SyntaxError('empty body');
		return JSON.parse(call.body);
	} catch {
		if (family === 'v2')
			throw v2Error(400, 'The request body is not valid JSON.', 'ERROR_PARAMETER_INVALID');
		throw v3Error(400, `${family}:badJson`, 'The request JSON is badly formed');
	}
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function accountInfoReply(account: Account): Reply {
	const used = account.callsInLastHour();
	const property = (
		name: string,
		type: string,
		value: string,
	): { name: string; type: string; value: string } => ({ name, type, value });
	return json(200, {
		id: 400123,
		properties: [
			property('AvailableEmailSendsCredits', 'Int', '10000'),
			property('AvailableSmsSendsCredits', 'Int', '0'),
			property('PremiumWalletBalance', 'Decimal', '0.00'),
			property('ListManagedUsers', 'String', ''),
			property('Name', 'String', 'POS Sync Test Account'),
			property('MainMobilePhoneNumber', 'String', ''),
			property('MainEmail', 'String', 'owner@pos-sync.invalid'),
			property('APILocale', 'String', 'en-GB'),
			property('ApiCallsInLastHour', 'Int', String(used)),
			property('ApiCallsRemaining', 'Int', String(Math.max(0, HOURLY_ALLOWANCE - used))),
			property('ApiEndpoint', 'String', `${account.regionUrl(account.region)}/`),
			property('CurrencyCode', 'String', 'GBP'),
			property('CampaignEmailMtaPool', 'String', 'IP pool for Email campaigns'),
			property('ShowClock', 'Boolean', 'False'),
			property('TimeZoneIana', 'String', 'Europe/London'),
		],
	});
}

function createDataField(state: DotdigitalState, call: ApiCall): Reply {
	const body = readBody(call, 'v2');
	if (!isObject(body))
		throw v2Error(400, 'The data field is not valid.', 'ERROR_DATAFIELD_INVALID');
	const { name, type, visibility, defaultValue } = body;
	if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
		throw v2Error(
			400,
			'Data field names can be at most 20 characters and hold only letters, digits, hyphens and underscores.',
			'ERROR_DATAFIELD_INVALID',
		);
	}
	const fieldType = FIELD_TYPES.find(
		(candidate) => typeof type === 'string' && candidate.toLowerCase() === type.toLowerCase(),
	);
	if (fieldType === undefined)
		throw v2Error(
			400,
			`The data field type '${String(type)}' is not one of String, Numeric, Date, Boolean.`,
			'ERROR_DATAFIELD_INVALID',
		);
	const fieldVisibility =
		visibility === undefined || visibility === null
			? 'Private'
			: (['Public', 'Private'] as const).find(
					(candidate) =>
						typeof visibility === 'string' && candidate.toLowerCase() === visibility.toLowerCase(),
				);
	if (fieldVisibility === undefined)
		throw v2Error(
			400,
			`The visibility '${String(visibility)}' is not Public or Private.`,
			'ERROR_DATAFIELD_INVALID',
		);
	if (state.fields.get(name) !== undefined)
		throw v2Error(400, 'Field already exists.', 'ERROR_NON_UNIQUE_DATAFIELD');
	const field: FakeDataField = {
		name,
		type: fieldType,
		visibility: fieldVisibility,
		defaultValue: null,
	};
	if (defaultValue !== undefined && defaultValue !== null && defaultValue !== '') {
		const coerced = coerceFieldValue(field, defaultValue);
		if (coerced.error !== undefined)
			throw v2Error(
				400,
				`The default value does not fit the type ${fieldType}.`,
				'ERROR_DATAFIELD_INVALID',
			);
		field.defaultValue = coerced.value;
	}
	state.fields.add(field);
	return json(201, field);
}

function deleteDataField(state: DotdigitalState, name: string): Reply {
	if (!state.fields.remove(name))
		throw v2Error(404, `The data field '${name}' does not exist.`, 'ERROR_DATAFIELD_NOTFOUND');
	return json(200, { dependencies: null, result: true });
}

/** The contact a path names: 400 for an unknown identifier or a value that is not valid for it. */
function pathIdentifier(
	identifier: string,
	rawValue: string,
): { name: 'email' | 'mobileNumber' | 'contactId'; value: string | number } {
	const name = identifierName(identifier);
	if (name === undefined)
		throw v3Error(400, 'contacts:invalidIdentifier', `The identifier '${identifier}' is not valid`);
	const value = normaliseIdentifier(name, rawValue);
	if (value === undefined)
		throw v3Error(
			400,
			'contacts:invalidId',
			`The id value '${rawValue}' is invalid for the identifier '${name}'`,
		);
	return { name, value };
}

function getContact(state: DotdigitalState, identifier: string, rawValue: string): Reply {
	const { name, value } = pathIdentifier(identifier, rawValue);
	const contact = state.contacts.find(name, value);
	if (contact === undefined) throw contactNotFound(name, value);
	return json(200, contactJson(contact, state));
}

/** The spec's 200 {contactId}; the contact and its lists are gone, and a later import creates it anew. */
function deleteContact(state: DotdigitalState, identifier: string, rawValue: string): Reply {
	const { name, value } = pathIdentifier(identifier, rawValue);
	const contact = state.contacts.find(name, value);
	if (contact === undefined) throw contactNotFound(name, value);
	state.contacts.remove(contact);
	return json(200, { contactId: contact.contactId });
}

const contactNotFound = (name: string, value: string | number): ApiError =>
	v3Error(404, 'contacts:contactNotFound', 'The following contacts could not be found', [
		{ item: String(value), description: `Not found using the identifier '${name}'` },
	]);

/** In a single-contact call every failure is a 400 named after it, e.g. contacts:dataFieldNotFound. */
function rejectFailures(input: ContactInput): void {
	const failures = [...input.identifierFailures, ...input.dataFailures, ...input.partialFailures];
	if (failures.length === 0) return;
	throw v3Error(
		400,
		`contacts:${failures[0].failureCode}`,
		failures[0].description,
		failures.map((failure) => ({ item: failure.failureCode, description: failure.description })),
	);
}

function patchContact(
	state: DotdigitalState,
	call: ApiCall,
	identifier: string,
	rawValue: string,
): Reply {
	const { name, value } = pathIdentifier(identifier, rawValue);
	const mergeText = call.query.get('merge-option') ?? 'overwrite';
	const merge = MERGE_QUERY[mergeText.toLowerCase()];
	if (merge === undefined)
		throw v3Error(400, 'contacts:validationFailed', 'The request is invalid', [
			{
				item: 'merge-option',
				description: `'${mergeText}' is not one of ${Object.keys(MERGE_QUERY).join(', ')}`,
			},
		]);
	const body = readBody(call, 'contacts');
	if (!isObject(body)) throw v3Error(400, 'contacts:badJson', 'The request JSON is badly formed');
	const input = readContact(body, {
		fields: state.fields,
		lists: state.lists,
		where: '',
		inImport: false,
	});
	rejectFailures(input);
	const existing = state.contacts.find(name, value);
	if (existing === undefined && name === 'contactId') throw contactNotFound(name, value);
	const identifiers = {
		email: existing?.identifiers.email,
		mobileNumber: existing?.identifiers.mobileNumber,
	};
	if (existing === undefined && name !== 'contactId') identifiers[name] = String(value);
	if (input.identifiers.email !== undefined) identifiers.email = input.identifiers.email;
	if (input.identifiers.mobileNumber !== undefined)
		identifiers.mobileNumber = input.identifiers.mobileNumber;
	const clash = state.contacts.conflict(existing, identifiers);
	if (clash !== undefined) throw idAlreadyExists(clash.identifier, clash.value);
	const now = state.nowIso();
	const contact = existing ?? newContact(state.contacts.nextId(), now);
	if (existing === undefined) state.contacts.insert(contact);
	state.contacts.setIdentifiers(contact, identifiers);
	applyContact(contact, input, merge, existing === undefined, now, {
		store: state.contacts,
		via: 'PATCH',
	});
	return json(existing === undefined ? 201 : 200, contactJson(contact, state));
}

const idAlreadyExists = (identifier: string, value: string): ApiError =>
	v3Error(
		409,
		'contacts:idAlreadyExists',
		`The id value '${value}' for the identifier '${identifier}' already exists. All identifiers must be unique!`,
	);

function createContact(state: DotdigitalState, call: ApiCall): Reply {
	const body = readBody(call, 'contacts');
	if (!isObject(body)) throw v3Error(400, 'contacts:badJson', 'The request JSON is badly formed');
	const input = readContact(body, {
		fields: state.fields,
		lists: state.lists,
		where: '',
		inImport: false,
	});
	rejectFailures(input);
	const identifiers = {
		email: input.identifiers.email,
		mobileNumber: input.identifiers.mobileNumber,
	};
	if (identifiers.email === undefined && identifiers.mobileNumber === undefined)
		throw v3Error(400, 'contacts:noValidIdentifiers', 'No valid identifiers were supplied');
	const clash = state.contacts.conflict(undefined, identifiers);
	if (clash !== undefined) throw idAlreadyExists(clash.identifier, clash.value);
	const now = state.nowIso();
	const contact = newContact(state.contacts.nextId(), now);
	state.contacts.insert(contact);
	state.contacts.setIdentifiers(contact, identifiers);
	applyContact(contact, input, 'overwrite', true, now, { store: state.contacts, via: 'POST' });
	return json(201, contactJson(contact, state));
}

function listContacts(state: DotdigitalState, call: ApiCall): Reply {
	const query = call.query;
	const limitText = query.get('limit');
	const limit = limitText === null ? DEFAULT_PAGE : Number(limitText);
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
		throw v3Error(
			400,
			'contacts:invalidLimit',
			`The limit '${limitText}' must be from 1 to ${MAX_PAGE}`,
		);
	const after = readMarker(query.get('marker'));
	const since = (name: '~created' | '~modified'): number | undefined => {
		const text = query.get(name);
		if (text === null) return undefined;
		const match = /^gte::(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z)$/.exec(text);
		if (!match)
			throw v3Error(400, 'contacts:invalidFilter', `The filter value '${text}' is invalid`);
		return Date.parse(match[1]);
	};
	const created = since('~created');
	const modified = since('~modified');
	if (created !== undefined && modified !== undefined)
		throw v3Error(
			400,
			'contacts:invalidFilter',
			"The filter '~created' can't be used in conjunction with '~modified'",
		);
	const listText = query.get('~listId');
	const listId = listText === null ? undefined : Number(listText);
	if (listId !== undefined && !Number.isInteger(listId))
		throw v3Error(400, 'contacts:invalidFilter', `The filter value '${listText}' is invalid`);
	const fieldsText = query.get('data-fields');
	const dataFields: string[] | 'all' | undefined =
		fieldsText === null
			? undefined
			: fieldsText === '[[ALL]]'
				? 'all'
				: fieldsText.split('|').filter((name) => name !== '');
	const include = new Set(
		(query.get('include') ?? '').split('|').map((part) => part.trim().toLowerCase()),
	);
	const parts = {
		dataFields,
		channelProperties: include.has('channelproperties'),
		lists: include.has('lists'),
		consentRecords: include.has('consentrecords'),
	};
	const matching = state.contacts
		.all()
		.filter((contact) => contact.contactId > after)
		.filter((contact) => created === undefined || Date.parse(contact.created) >= created)
		.filter((contact) => modified === undefined || Date.parse(contact.updated) >= modified)
		.filter((contact) => listId === undefined || contact.lists.includes(listId))
		.sort((a, b) => a.contactId - b.contactId);
	const page = matching.slice(0, limit);
	const link = (marker: string): { marker: string; link: string } => {
		const params = new URLSearchParams(query);
		if (marker === '') params.delete('marker');
		else params.set('marker', marker);
		const text = params.toString();
		return { marker, link: `/contacts/v3${text === '' ? '' : `?${text}`}` };
	};
	const links: Record<string, { marker: string; link: string }> = {
		self: link(query.get('marker') ?? ''),
		first: link(''),
	};
	// A full page always links on, even when nothing follows: the client must stop at an empty page.
	if (page.length === limit) links.next = link(writeMarker(page[page.length - 1].contactId));
	return json(200, {
		_links: links,
		_items: page.map((contact) => contactJson(contact, state, parts)),
	});
}

function readMarker(marker: string | null): number {
	if (marker === null || marker === '') return 0;
	const id = Number(
		Buffer.from(marker, 'base64')
			.toString('utf8')
			.replace(/^after:/, ''),
	);
	if (!Number.isInteger(id))
		throw v3Error(400, 'contacts:invalidMarker', `The marker '${marker}' is invalid`);
	return id;
}

const writeMarker = (contactId: number): string =>
	Buffer.from(`after:${contactId}`, 'utf8').toString('base64');

function importContacts(state: DotdigitalState, call: ApiCall): Reply {
	const body = readBody(call, 'contacts');
	const job = readImport(body, { fields: state.fields, lists: state.lists }, state.now());
	if (state.activeImports().contacts >= MAX_CONTACT_IMPORTS) {
		throw v3Error(
			429,
			'contacts:tooManyActiveImports',
			'Your import request cannot be accepted as too many imports are being processed for you account. Please wait for an import to complete and then resubmit.',
		);
	}
	state.acceptContactImport(job);
	return json(202, { importId: job.importId });
}

function contactImportStatus(state: DotdigitalState, importId: string): Reply {
	const job = state.contactImports.get(importId);
	if (job === undefined)
		throw v3Error(
			404,
			'contacts:importNotFound',
			`The import request '${importId}' could not be found!`,
		);
	if (job.result === undefined) return json(200, { importId, status: 'NotFinished' });
	// Only importId and status are required: empty lists are left out.
	const { summary, created, updated, failures } = structuredClone(job.result);
	return json(200, {
		importId,
		status: 'Finished',
		summary,
		...(created.length > 0 ? { created } : {}),
		...(updated.length > 0 ? { updated } : {}),
		...(failures.length > 0 ? { failures } : {}),
	});
}

function importInsight(state: DotdigitalState, call: ApiCall): Reply {
	const body = readBody(call, 'insightData');
	if (state.activeImports().insight >= MAX_INSIGHT_IMPORTS) {
		throw v3Error(
			429,
			'insightData:tooManyActiveImports',
			'Your import request cannot be accepted as too many imports are being processed for you account. Please wait for an import to complete and then resubmit.',
		);
	}
	const job = state.insight.readImport(body, state.now());
	state.acceptInsightImport(job);
	return json(202, { importId: job.importId });
}

function insightImportStatus(state: DotdigitalState, importId: string): Reply {
	const job = state.insightImports.get(importId);
	if (job === undefined)
		throw v3Error(
			404,
			'insightData:importNotFound',
			`The import request '${importId}' could not be found!`,
		);
	if (job.result === undefined) {
		const processing = state.now() - job.acceptedAt >= state.importMsOf(job) / 2;
		return json(200, { importId, status: processing ? 'Processing' : 'NotStarted' });
	}
	const out: Record<string, unknown> = {
		importId,
		status: 'Complete',
		collectionName: job.collectionName,
		summary: { ...job.result.summary },
	};
	if (job.result.failures.length > 0) out.failures = structuredClone(job.result.failures);
	return json(200, out);
}

function listCollections(state: DotdigitalState): Reply {
	return json(
		200,
		[...state.insight.collections.values()].map((collection) => ({
			collectionName: collection.name,
			collectionType: collection.type,
			collectionScope: collection.scope,
			recordCount: collection.records.size,
		})),
	);
}

function createCollection(state: DotdigitalState, call: ApiCall, name: string): Reply {
	if (!COLLECTION_NAME.test(name)) invalidCollectionName(name);
	const scope = call.query.get('collectionScope');
	const type = call.query.get('collectionType');
	if (scope !== 'account' && scope !== 'contact')
		throw v3Error(
			400,
			'insightData:validationFailed',
			"collectionScope must be 'account' or 'contact'",
		);
	if (type === null || !COLLECTION_TYPES.includes(type))
		throw v3Error(
			400,
			'insightData:validationFailed',
			`collectionType must be one of ${COLLECTION_TYPES.join(', ')}`,
		);
	const existed = state.insight.collections.has(name);
	state.insight.open(name, scope, type);
	return { status: existed ? 200 : 201 };
}

/** A collection of this scope; one of the other scope is not found from here. */
function scopedCollection(state: DotdigitalState, scope: Scope, name: string): Collection {
	if (!COLLECTION_NAME.test(name)) invalidCollectionName(name);
	const collection = state.insight.collections.get(name);
	if (collection === undefined || collection.scope !== scope) collectionNotFound(name);
	return collection;
}

function getRecord(
	state: DotdigitalState,
	scope: Scope,
	name: string,
	recordId: string,
	owner: Owner,
): Reply {
	const collection = scopedCollection(state, scope, name);
	const record = collection.records.get(recordKey(owner.contactId, recordId));
	if (record === undefined) {
		throw v3Error(404, 'insightData:recordNotFound', 'The Insight data record could not be found', [
			{
				item: recordId,
				description: `Not found in the ${scope === 'account' ? 'account' : 'contacts'} collection '${name}'`,
			},
		]);
	}
	return json(200, recordJson(record));
}

function putRecord(
	state: DotdigitalState,
	call: ApiCall,
	scope: Scope,
	name: string,
	recordId: string,
	owner: Owner,
): Reply {
	const collection = scopedCollection(state, scope, name);
	const body = readBody(call, 'insightData');
	const problem = checkJson(body, collection.schema);
	if (problem !== undefined) {
		throw v3Error(
			400,
			`insightData:${problem.reason.charAt(0).toLowerCase()}${problem.reason.slice(1)}`,
			problem.details[0] ?? problem.reason,
			problem.details.map((description) => ({ item: recordId, description })),
		);
	}
	const replaced = upsert(collection, recordId, owner, body, state.nowIso());
	return { status: replaced ? 204 : 201 };
}
