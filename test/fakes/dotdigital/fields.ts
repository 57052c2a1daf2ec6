/** Contact data fields (v2): the account's definitions, and how a value sent for one is checked and stored. */
import type { FakeDataField } from './types';

export const FIELD_NAME = /^[A-Za-z0-9_-]{1,20}$/;
export const FIELD_TYPES = ['String', 'Numeric', 'Date', 'Boolean'] as const;
export const MAX_TEXT = 255;

const ISO_DATE =
	/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type FieldValue = string | number | boolean;

/** A checked value: `value` null means "clear"; `error` says why it does not fit the field's type. */
export type Coerced =
	{ value: FieldValue | null; error?: undefined } | { value?: undefined; error: string };

export class DataFieldStore {
	private readonly byName = new Map<string, FakeDataField>();

	constructor(fields: FakeDataField[]) {
		for (const field of fields) this.byName.set(field.name.toUpperCase(), { ...field });
	}

	all(): FakeDataField[] {
		return [...this.byName.values()].map((field) => ({ ...field }));
	}

	/** Field names are not case-sensitive. */
	get(name: string): FakeDataField | undefined {
		return this.byName.get(name.toUpperCase());
	}

	add(field: FakeDataField): void {
		this.byName.set(field.name.toUpperCase(), { ...field });
	}

	remove(name: string): boolean {
		return this.byName.delete(name.toUpperCase());
	}
}

/** Checks a value sent for a field. "" clears a typed field and is kept as "" in a String one. */
export function coerceFieldValue(field: FakeDataField, value: unknown): Coerced {
	if (value === null) return { value: null };
	switch (field.type) {
		case 'String':
			if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
			if (typeof value !== 'string')
				return { error: `A String field takes text, not ${describe(value)}` };
			if (value.length > MAX_TEXT) return { error: `Text longer than ${MAX_TEXT} characters` };
			return { value };
		case 'Numeric':
			if (typeof value === 'number' && Number.isFinite(value)) return { value };
			if (value === '') return { value: null };
			if (typeof value === 'string' && NUMBER.test(value.trim()))
				return { value: Number(value.trim()) };
			return { error: `'${String(value)}' is not a number` };
		case 'Date':
			if (value === '') return { value: null };
			if (
				typeof value === 'string' &&
				ISO_DATE.test(value.trim()) &&
				!Number.isNaN(Date.parse(value.trim().replace(' ', 'T')))
			)
				return { value: value.trim() };
			return { error: `'${String(value)}' is not an ISO 8601 date` };
		case 'Boolean':
			if (typeof value === 'boolean') return { value };
			if (value === '') return { value: null };
			if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
				return { value: value.trim().toLowerCase() === 'true' };
			return { error: `'${String(value)}' is not true or false` };
	}
}

function describe(value: unknown): string {
	return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}
