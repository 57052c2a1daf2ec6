/**
 * The consent changes as a file in the shop's folder, in the columns the till's import expects.
 * Written to a scratch name and linked into place, so the till never reads half a file, and never
 * over a file it has not imported yet.
 */
import { constants } from 'node:fs';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';

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

export async function writeConsentFile(
	folder: string,
	name: string,
	changes: readonly ConsentChange[],
	columns: ConsentColumns,
	words: ConsentWords,
): Promise<string> {
	if (/[\\/]/.test(name) || name.startsWith('.') || name.trim() === '')
		throw new Error(`"${name}" is not a file name (no folders, not starting with a dot)`);
	const fields = CONSENT_FIELDS.filter((field) => (columns[field] ?? '').trim() !== '');
	if (fields.length === 0)
		throw new Error(
			'Every column of the file has an empty heading: give at least the Email column a heading',
		);
	const rows = changes.map((change) =>
		fields.map((field) => (field === 'status' ? words[change.status] : change[field])),
	);
	await mkdir(folder, { recursive: true });
	const scratch = join(folder, `.${name}.${process.pid}.part`);
	const handle = await open(
		scratch,
		constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
		0o644,
	);
	try {
		await handle.writeFile(
			csvText(
				fields.map((field) => columns[field]!.trim()),
				rows,
			),
			'utf8',
		);
		await handle.sync();
	} finally {
		await handle.close();
	}
	try {
		return await placeWithoutOverwriting(scratch, folder, name);
	} finally {
		await unlink(scratch).catch(() => undefined);
	}
}

/** A file the till has not imported yet is never replaced: a name taken gets " (2)", " (3)" … */
async function placeWithoutOverwriting(
	scratch: string,
	folder: string,
	name: string,
): Promise<string> {
	const extension = extname(name);
	const stem = name.slice(0, name.length - extension.length);
	for (let copy = 1; ; copy++) {
		const path = join(folder, copy === 1 ? name : `${stem} (${copy})${extension}`);
		try {
			await link(scratch, path);
			return path;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
}
