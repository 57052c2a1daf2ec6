/**
 * Insight data (v3): collections whose first stored record fixes each key path's JSON type, records
 * upserted by (owner, key), bulk imports checked when accepted and applied when they finish, and
 * the failure reasons Dotdigital gives per record.
 */
import { randomUUID } from 'node:crypto';

import type { ContactStore } from './contacts';
import { identifierName, normaliseIdentifier } from './identifiers';
import { v3Error } from './replies';
import type { FakeInsightCollection, FakeInsightRecord } from './types';

export const COLLECTION_NAME = /^[-A-Za-z_][-A-Za-z0-9_]{1,255}$/;
export const COLLECTION_TYPES = [
	'cartInsight',
	'catalog',
	'consentInsight',
	'custom',
	'easyEditorExtensions',
	'nostoEmailCampaigns',
	'orders',
	'productCategories',
	'webInsight',
	'wishList',
];
export type Scope = 'account' | 'contact';

const JSON_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_KEY_LENGTH = 128;

type JsonKind = 'string' | 'number' | 'boolean' | 'object' | 'array';

export class Collection {
	readonly records = new Map<string, FakeInsightRecord>();
	/** Key path (a.b, list[], list[].c) to the JSON type its first value had. */
	readonly schema = new Map<string, JsonKind>();

	constructor(
		readonly name: string,
		readonly scope: Scope,
		readonly type: string,
	) {}

	snapshot(): FakeInsightCollection {
		return {
			name: this.name,
			scope: this.scope,
			type: this.type,
			records: [...this.records.values()].map((record) => structuredClone(record)),
		};
	}
}

export interface JsonProblem {
	reason: string;
	details: string[];
}

/** Checks a record's json against the collection's schema; on success the schema learns any new paths. */
export function checkJson(json: unknown, schema: Map<string, JsonKind>): JsonProblem | undefined {
	if (typeof json !== 'object' || json === null || Array.isArray(json))
		return { reason: 'InvalidJson', details: ['json must be a JSON object'] };
	const learned = new Map<string, JsonKind>();
	const walk = (value: unknown, path: string, inArray: boolean): JsonProblem | undefined => {
		if (value === null) return undefined;
		const kind: JsonKind = Array.isArray(value) ? 'array' : (typeof value as JsonKind);
		if (kind === 'array' && inArray)
			return {
				reason: 'JsonContainsNestedArray',
				details: [`'${path}' is an array inside an array`],
			};
		if (path !== '') {
			const known = schema.get(path) ?? learned.get(path);
			if (known === undefined) learned.set(path, kind);
			else if (known !== kind)
				return {
					reason: 'JsonValueIncompatibleWithSchema',
					details: [`'${path}' is ${kind} but the collection holds ${known}`],
				};
		}
		if (kind === 'array') {
			for (const item of value as unknown[]) {
				const problem = walk(item, `${path}[]`, true);
				if (problem) return problem;
			}
		} else if (kind === 'object') {
			for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
				if (key.length > MAX_KEY_LENGTH)
					return {
						reason: 'JsonKeyTooLong',
						details: [`'${key.slice(0, 40)}…' is longer than ${MAX_KEY_LENGTH} characters`],
					};
				if (!JSON_KEY.test(key))
					return {
						reason: 'JsonKeyInvalidCharacters',
						details: [
							`'${key}' may only hold letters, digits and underscores, and not start with a digit`,
						],
					};
				const problem = walk(child, path === '' ? key : `${path}.${key}`, false);
				if (problem) return problem;
			}
		}
		return undefined;
	};
	const problem = walk(json, '', false);
	if (problem === undefined) for (const [path, kind] of learned) schema.set(path, kind);
	return problem;
}

interface ImportRecord {
	key: string;
	contactIdentity?: unknown;
	json: unknown;
}

interface InsightFailure {
	collectionOwner: { ownerType: Scope; contactIdentity?: unknown };
	failureReason: string;
	details: string[];
	key: string;
	json: unknown;
}

export interface InsightImportResult {
	summary: { totalRecords: number; totalImported: number; totalRejected: number };
	failures: InsightFailure[];
}

export interface InsightImport {
	importId: string;
	acceptedAt: number;
	collectionName: string;
	records: ImportRecord[];
	result?: InsightImportResult;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(item: string, description: string): never {
	throw v3Error(400, 'insightData:validationFailed', 'The request is invalid', [
		{ item, description },
	]);
}

export function invalidCollectionName(name: string): never {
	throw v3Error(400, 'insightData:invalidId', `The collectionName value '${name}' is invalid`);
}

export class InsightStore {
	readonly collections = new Map<string, Collection>();

	/** The collection, created on first use; a name already used with the other scope is a 400. */
	open(name: string, scope: Scope, type: string): Collection {
		const existing = this.collections.get(name);
		if (existing !== undefined) {
			if (existing.scope !== scope)
				throw v3Error(
					400,
					'insightData:collectionScopeMismatch',
					`The collection '${name}' is ${existing.scope} scoped, not ${scope} scoped`,
				);
			return existing;
		}
		const collection = new Collection(name, scope, type);
		this.collections.set(name, collection);
		return collection;
	}

	/** Checks an import body; a body that does not fit is a 400. Creates the collection. */
	readImport(body: unknown, acceptedAt: number): InsightImport {
		if (!isObject(body))
			throw v3Error(400, 'insightData:badJson', 'The request JSON is badly formed');
		const { collectionName, collectionScope, collectionType, records } = body;
		if (typeof collectionName !== 'string' || !COLLECTION_NAME.test(collectionName))
			invalidCollectionName(String(collectionName));
		if (collectionScope !== 'account' && collectionScope !== 'contact')
			invalid('collectionScope', "collectionScope must be 'account' or 'contact'");
		if (typeof collectionType !== 'string' || !COLLECTION_TYPES.includes(collectionType))
			invalid('collectionType', `collectionType must be one of ${COLLECTION_TYPES.join(', ')}`);
		if (!Array.isArray(records) || records.length === 0)
			invalid('records', 'records must be an array of at least one record');
		const read = records.map((record: unknown, index): ImportRecord => {
			if (!isObject(record)) invalid(`records[${index}]`, 'A record must be a JSON object');
			const key =
				typeof record.key === 'number' && Number.isFinite(record.key)
					? String(record.key)
					: record.key;
			if (typeof key !== 'string' || key === '')
				invalid(`records[${index}].key`, 'key is required');
			if (!('json' in record)) invalid(`records[${index}].json`, 'json is required');
			return { key, contactIdentity: record.contactIdentity, json: record.json };
		});
		this.open(collectionName, collectionScope, collectionType);
		return { importId: randomUUID(), acceptedAt, collectionName, records: read };
	}

	/** Applies a finished import: contacts are looked up now, duplicate keys after the first fail. */
	runImport(job: InsightImport, contacts: ContactStore, now: string): InsightImportResult {
		const collection = this.collections.get(job.collectionName)!;
		const result: InsightImportResult = {
			summary: { totalRecords: job.records.length, totalImported: 0, totalRejected: 0 },
			failures: [],
		};
		const seen = new Set<string>();
		for (const record of job.records) {
			const owner = ownerOf(collection.scope, record.contactIdentity, contacts);
			const collectionOwner =
				collection.scope === 'contact'
					? { ownerType: collection.scope, contactIdentity: record.contactIdentity }
					: { ownerType: collection.scope };
			const fail = (reason: string, details: string[]): void => {
				result.summary.totalRejected += 1;
				result.failures.push({
					collectionOwner,
					failureReason: reason,
					details,
					key: record.key,
					json: record.json,
				});
			};
			if ('reason' in owner) {
				fail(owner.reason, owner.details);
				continue;
			}
			const storeKey = recordKey(owner.contactId, record.key);
			if (seen.has(storeKey)) {
				fail('DuplicateKey', [
					`The key '${record.key}' appears more than once for this owner in the import`,
				]);
				continue;
			}
			seen.add(storeKey);
			const problem = checkJson(record.json, collection.schema);
			if (problem !== undefined) {
				fail(problem.reason, problem.details);
				continue;
			}
			upsert(collection, record.key, owner, record.json, now);
			result.summary.totalImported += 1;
		}
		return result;
	}
}

export interface Owner {
	contactId?: number;
	contactIdentity?: { identifier: string; value: string };
}

export function recordKey(contactId: number | undefined, key: string): string {
	return contactId === undefined ? key : `${contactId}\n${key}`;
}

/** Stores a record; true when it replaced one with the same owner and key. */
export function upsert(
	collection: Collection,
	key: string,
	owner: Owner,
	json: unknown,
	now: string,
): boolean {
	const storeKey = recordKey(owner.contactId, key);
	const existing = collection.records.get(storeKey);
	const record: FakeInsightRecord = {
		key,
		json: structuredClone(json),
		created: existing?.created ?? now,
		updated: now,
	};
	if (owner.contactIdentity !== undefined) record.contactIdentity = owner.contactIdentity;
	if (owner.contactId !== undefined) record.contactId = owner.contactId;
	collection.records.set(storeKey, record);
	return existing !== undefined;
}

function ownerOf(scope: Scope, identity: unknown, contacts: ContactStore): Owner | JsonProblem {
	if (scope === 'account') return {};
	if (
		!isObject(identity) ||
		typeof identity.identifier !== 'string' ||
		(typeof identity.value !== 'string' && typeof identity.value !== 'number')
	) {
		return {
			reason: 'InvalidContactIdentifier',
			details: ['contactIdentity {identifier, value} is required for a contact-scoped collection'],
		};
	}
	const name = identifierName(identity.identifier);
	const value = name === undefined ? undefined : normaliseIdentifier(name, identity.value);
	if (name === undefined || value === undefined)
		return {
			reason: 'InvalidContactIdentifier',
			details: [`'${String(identity.value)}' is not a valid ${identity.identifier}`],
		};
	const contact = contacts.find(name, value);
	if (contact === undefined) {
		if (name === 'email')
			return {
				reason: 'ContactEmailDoesNotExist',
				details: [`No contact has the email '${value}'`],
			};
		if (name === 'contactId')
			return {
				reason: 'ContactIdDoesNotExist',
				details: [`No contact has the contactId ${value}`],
			};
		return {
			reason: 'InvalidContactIdentifier',
			details: [`No contact has the mobileNumber '${value}'`],
		};
	}
	return {
		contactId: contact.contactId,
		contactIdentity: { identifier: name, value: String(value) },
	};
}

/** The contact a single-record call names, or the 404 Dotdigital answers. */
export function contactOwner(identifier: string, rawValue: string, contacts: ContactStore): Owner {
	const name = identifierName(identifier);
	if (name === undefined)
		throw v3Error(
			400,
			'insightData:invalidIdentifier',
			`The identifier '${identifier}' is not valid`,
		);
	const value = normaliseIdentifier(name, rawValue);
	if (value === undefined)
		throw v3Error(
			400,
			'insightData:invalidId',
			`The id value '${rawValue}' is invalid for the identifier '${name}'`,
		);
	const contact = contacts.find(name, value);
	if (contact === undefined) {
		throw v3Error(404, 'insightData:contactNotFound', 'The following contacts could not be found', [
			{ item: String(value), description: `Not found using the identifier '${name}'` },
		]);
	}
	return {
		contactId: contact.contactId,
		contactIdentity: { identifier: name, value: String(value) },
	};
}

export function collectionNotFound(name: string): never {
	throw v3Error(404, 'insightData:collectionNotFound', 'The collection could not be found', [
		{ item: name, description: 'Not found' },
	]);
}

export function recordJson(record: FakeInsightRecord): Record<string, unknown> {
	const out: Record<string, unknown> = {
		key: record.key,
		json: structuredClone(record.json),
		created: record.created,
		updated: record.updated,
	};
	if (record.contactId !== undefined) out.ownerContactId = record.contactId;
	return out;
}
