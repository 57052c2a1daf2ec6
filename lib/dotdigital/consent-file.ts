/**
 * The consent changes as a file in the shop's folder, in the columns the till's import expects.
 * Written exactly once by consent-write.ts.
 */
import { csvText } from '../files/csv-out';
import type { ConsentChange } from './consent-back';

export const CONSENT_FIELDS = [
	'email',
	'mobile_number',
	'contact_id',
	'status',
	'changed_at',
] as const;
export type ConsentField = (typeof CONSENT_FIELDS)[number];

/** Column headings by field; a field with no heading is left out. */
export type ConsentColumns = Partial<Record<ConsentField, string>>;

export const DEFAULT_CONSENT_COLUMNS: Record<ConsentField, string> = {
	email: 'Email',
	mobile_number: 'Mobile',
	contact_id: 'Dotdigital ID',
	status: 'Status',
	changed_at: 'Changed At',
};

/** How the statuses read in the file, for a till that wants its own words (e.g. "N" for both). */
export type ConsentWords = Record<ConsentChange['status'], string>;

export function checkConsentFileName(name: string): void {
	if (/[\\/]/.test(name) || name.startsWith('.') || name.trim() === '')
		throw new Error(`"${name}" is not a file name (no folders, not starting with a dot)`);
}

/** The file's text: a heading row, then one row per change. */
export function consentFileText(
	changes: readonly ConsentChange[],
	columns: ConsentColumns,
	words: ConsentWords,
): string {
	const fields = CONSENT_FIELDS.filter((field) => (columns[field] ?? '').trim() !== '');
	if (fields.length === 0)
		throw new Error(
			'Every column of the file has an empty heading: give at least the Email column a heading',
		);
	const rows = changes.map((change) =>
		fields.map((field) => (field === 'status' ? words[change.status] : change[field])),
	);
	return csvText(
		fields.map((field) => columns[field]!.trim()),
		rows,
	);
}
