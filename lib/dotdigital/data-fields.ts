/**
 * Contact data fields (v2 API, not deprecated): listing them, creating the missing ones with the right
 * type, and turning a canonical value into what a field of that type accepts.
 */
import { DotdigitalApiError, DotdigitalError } from './errors';
import type { DotdigitalTransport } from './transport';

export type DataFieldType = 'String' | 'Numeric' | 'Date' | 'Boolean';

export interface DataField {
	name: string;
	type: DataFieldType;
	visibility?: 'Public' | 'Private';
}

export const DATA_FIELD_TYPES: readonly DataFieldType[] = ['String', 'Numeric', 'Date', 'Boolean'];
const NAME = /^[A-Za-z0-9_-]{1,20}$/;
export const MAX_TEXT_LENGTH = 255;

export interface EnsureResult {
	created: DataField[];
	existing: DataField[];
	/** Fields that exist with another type than the one wanted; values are converted to the existing type. */
	otherType: Array<{ name: string; wanted: DataFieldType; actual: DataFieldType }>;
}

export function dataFieldNameProblem(name: string): string | undefined {
	if (NAME.test(name)) return undefined;
	return `"${name}" cannot be a Dotdigital data field name: use up to 20 letters, digits, _ or -`;
}

/** Every data field in the account, by upper-cased name (Dotdigital compares names without case). */
export async function listDataFields(
	transport: DotdigitalTransport,
): Promise<Map<string, DataField>> {
	const { body } = await transport.request<
		Array<{ name: string; type: string; visibility?: string }>
	>('GET', '/v2/data-fields', { call: 'list data fields' });
	const fields = new Map<string, DataField>();
	for (const field of Array.isArray(body) ? body : []) {
		if (typeof field?.name !== 'string') continue;
		const type =
			DATA_FIELD_TYPES.find((known) => known.toLowerCase() === String(field.type).toLowerCase()) ??
			'String';
		fields.set(field.name.toUpperCase(), {
			name: field.name,
			type,
			visibility: field.visibility === 'Public' ? 'Public' : 'Private',
		});
	}
	return fields;
}

/**
 * Makes sure each wanted field exists. With `create` off, a missing field is an error naming all of
 * them, since every contact would fail on it. A field that already exists counts as existing, even
 * if another run created it a moment ago (Dotdigital answers ERROR_NON_UNIQUE_DATAFIELD).
 */
export async function ensureDataFields(
	transport: DotdigitalTransport,
	wanted: readonly DataField[],
	options: { create: boolean; known?: Map<string, DataField> },
): Promise<EnsureResult & { fields: Map<string, DataField> }> {
	for (const field of wanted) {
		const problem = dataFieldNameProblem(field.name);
		if (problem) throw new DotdigitalError(problem, 'badDataFieldName', false);
	}
	const fields = options.known ?? (await listDataFields(transport));
	const result: EnsureResult = { created: [], existing: [], otherType: [] };
	const missing = uniqueByName(wanted).filter((field) => {
		const found = fields.get(field.name.toUpperCase());
		if (!found) return true;
		result.existing.push(found);
		if (found.type !== field.type)
			result.otherType.push({ name: found.name, wanted: field.type, actual: found.type });
		return false;
	});
	if (missing.length > 0 && !options.create) {
		throw new DotdigitalError(
			`These data fields do not exist in Dotdigital: ${missing.map((field) => field.name).join(', ')}. ` +
				'Create them in Dotdigital, or turn on "Create Missing Data Fields".',
			'dataFieldMissing',
			false,
		);
	}
	for (const field of missing) {
		const created: DataField = {
			name: field.name.toUpperCase(),
			type: field.type,
			visibility: field.visibility ?? 'Private',
		};
		try {
			await transport.request('POST', '/v2/data-fields', {
				call: 'create data field',
				body: created,
			});
			result.created.push(created);
			fields.set(created.name, created);
		} catch (error) {
			if (!(error instanceof DotdigitalApiError && error.code === 'ERROR_NON_UNIQUE_DATAFIELD'))
				throw error;
			// Made by another run a moment ago, perhaps with another type: the type Dotdigital holds counts.
			const made = (await listDataFields(transport)).get(created.name) ?? created;
			result.existing.push(made);
			if (made.type !== field.type)
				result.otherType.push({ name: made.name, wanted: field.type, actual: made.type });
			fields.set(created.name, made);
		}
	}
	return { ...result, fields };
}

function uniqueByName(fields: readonly DataField[]): DataField[] {
	const byName = new Map<string, DataField>();
	for (const field of fields)
		if (!byName.has(field.name.toUpperCase())) byName.set(field.name.toUpperCase(), field);
	return [...byName.values()];
}

export type FieldValue =
	{ value: string | number | boolean } | { empty: true } | { problem: string };

/** A canonical value as a data field of this type takes it; blank values are `empty`. */
export function dataFieldValue(type: DataFieldType, raw: unknown): FieldValue {
	if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === ''))
		return { empty: true };
	if (type === 'Numeric') {
		const value =
			typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
		return Number.isFinite(value) ? { value } : { problem: `"${String(raw)}" is not a number` };
	}
	if (type === 'Boolean') {
		if (typeof raw === 'boolean') return { value: raw };
		const text = String(raw).trim().toLowerCase();
		if (['true', 'yes', 'y', '1'].includes(text)) return { value: true };
		if (['false', 'no', 'n', '0'].includes(text)) return { value: false };
		return { problem: `"${String(raw)}" is not yes or no` };
	}
	if (type === 'Date') {
		const text = raw instanceof Date ? raw.toISOString() : String(raw).trim();
		if (!isIsoDate(text)) {
			return { problem: `"${text}" is not a date (expected yyyy-mm-dd)` };
		}
		return { value: text.replace(' ', 'T') };
	}
	const text = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
	if (text.length > MAX_TEXT_LENGTH)
		return {
			problem: `is ${text.length} characters long; Dotdigital text fields hold at most ${MAX_TEXT_LENGTH}`,
		};
	return { value: text };
}

/** yyyy-mm-dd, optionally with a time and zone, naming a day that exists (Date.parse rolls 30 February over). */
function isIsoDate(text: string): boolean {
	const match =
		/^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
	if (!match || Number.isNaN(Date.parse(text.replace(' ', 'T')))) return false;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
	);
}

/** The type a new data field should have for these values: the one they all fit, else text. */
export function inferDataFieldType(values: Iterable<unknown>): DataFieldType {
	let type: DataFieldType | undefined;
	for (const value of values) {
		if (value === null || value === undefined || value === '') continue;
		const fits: DataFieldType =
			typeof value === 'number'
				? 'Numeric'
				: typeof value === 'boolean'
					? 'Boolean'
					: typeof value === 'string' && isIsoDate(value)
						? 'Date'
						: 'String';
		if (type !== undefined && type !== fits) return 'String';
		type = fits;
	}
	return type ?? 'String';
}
