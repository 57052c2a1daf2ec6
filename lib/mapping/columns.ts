/**
 * Finds the export's columns for each mapped field, before any row is read, and says plainly
 * which columns are missing and what the export has instead.
 */
import { distance } from 'fastest-levenshtein';

import { parseFormula } from './formula';
import { MappingError, type FieldMapping, type Mapping } from './mapping';
import { fieldDefinition } from './schema';

/** One way to fill a field: these columns' positions, joined when more than one. */
export type ColumnChoice = number[];

export interface ResolvedField {
	field: FieldMapping;
	/** The ways to fill the field, in preference order; [] when it only takes its default. */
	choices: ColumnChoice[];
}

export interface ResolvedColumns {
	fields: ResolvedField[];
	/** Fields marked "may be absent" whose columns this export does not have; they are left empty. */
	missingOptional: string[];
	/** The header with each repeated name made unique: the second `name` becomes `name (2)`. */
	header: string[];
	/** The repeated names renamed, as `name (2)`, in header order. */
	renamedColumns: string[];
	/** Columns no field reads, by position (kept under `custom` when the mapping asks). */
	unusedColumns: number[];
}

/** Splits `A | B + C` into alternatives of joined columns. Quote a name that holds | or +: `"Size+Fit"`. */
export function parseSource(source: string): string[][] {
	const alternatives: string[][] = [];
	let columns: string[] = [];
	let current = '';
	let quoted = false;
	const endColumn = () => {
		const name = current.trim();
		if (name) columns.push(name);
		current = '';
	};
	for (const character of source) {
		if (character === '"') quoted = !quoted;
		else if (!quoted && character === '+') endColumn();
		else if (!quoted && character === '|') {
			endColumn();
			if (columns.length) alternatives.push(columns);
			columns = [];
		} else current += character;
	}
	endColumn();
	if (columns.length) alternatives.push(columns);
	return alternatives;
}

/**
 * How column names are compared: case, spaces, underscores, punctuation, accents and a BOM do not
 * matter, so `Invoice No`, `InvoiceNo` and `invoice_no` are one name.
 */
export function normaliseColumnName(name: string): string {
	const squashed = name
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]/gu, '');
	// A name of punctuation only (`#`, `%`) keeps its characters, so that it still names one column.
	return (
		squashed ||
		name
			.replace(/^\uFEFF/, '')
			.trim()
			.replace(/\s+/g, ' ')
	);
}

/**
 * The header with repeated names made unique, as people would number them: the second `name`
 * becomes `name (2)`. Names that differ only in case, spacing or punctuation are repeats too,
 * since the mapping could not tell them apart.
 */
export function uniqueHeader(header: readonly string[]): { header: string[]; renamed: string[] } {
	const taken = new Set(header.map(normaliseColumnName));
	const seen = new Set<string>();
	const renamed: string[] = [];
	const unique = header.map((name) => {
		const key = normaliseColumnName(name);
		if (!name.trim() || !seen.has(key)) {
			seen.add(key);
			return name;
		}
		let count = 2;
		while (taken.has(normaliseColumnName(`${name.trim()} (${count})`))) count++;
		const newName = `${name.trim()} (${count})`;
		taken.add(normaliseColumnName(newName));
		renamed.push(newName);
		return newName;
	});
	return { header: unique, renamed };
}

/**
 * Matches every mapped field to the header. Throws one MappingError listing every mapped column
 * that is missing (unless its field is marked "may be absent"), each with the closest columns the
 * export does have.
 */
export function resolveColumns(
	originalHeader: readonly string[],
	mapping: Mapping,
	fileName: string,
): ResolvedColumns {
	const { header, renamed } = uniqueHeader(originalHeader);
	const positions = new Map<string, number>();
	header.forEach((name, index) => {
		const key = normaliseColumnName(name);
		if (key && !positions.has(key)) positions.set(key, index);
	});
	const used = new Set<number>();
	const problems: string[] = [];
	const missingOptional: string[] = [];
	const fields: ResolvedField[] = [];

	for (const field of mapping.fields) {
		// A calculated field reads every column its formula names (mappingProblems has checked it reads).
		const alternatives =
			field.transform === 'calculate'
				? [parseFormula(field.format ?? '').columns]
				: parseSource(field.source);
		const choices: ColumnChoice[] = [];
		const missing: string[] = [];
		for (const columns of alternatives) {
			const found = columns.map((column) => positions.get(normaliseColumnName(column)));
			if (found.every((position): position is number => position !== undefined))
				choices.push(found);
			else columns.forEach((column, index) => found[index] === undefined && missing.push(column));
		}
		choices.flat().forEach((position) => used.add(position));
		fields.push({ field, choices });
		if (alternatives.length && !choices.length) {
			if (field.mayBeAbsent && !isRequired(field, mapping)) missingOptional.push(field.target);
			else
				problems.push(
					describeMissing(
						field.target,
						missing,
						header,
						field.mayBeAbsent ? ' (it is required, so it cannot be absent)' : '',
					),
				);
		}
	}
	if (problems.length)
		throw new MappingError(
			problems.map((problem) => `${problem} (in ${fileName})`),
			mapping.origin,
		);

	const unusedColumns = header
		.map((_, index) => index)
		.filter((index) => !used.has(index) && header[index].trim() !== '');
	return { fields, missingOptional, unusedColumns, header, renamedColumns: renamed };
}

export function isRequired(field: FieldMapping, mapping: Mapping): boolean {
	if (field.required) return true;
	if (mapping.feed === 'transaction' && field.target === mapping.settings.orderKey) return true;
	return fieldDefinition(mapping.feed, field.target)?.required === true;
}

function describeMissing(
	target: string,
	missing: string[],
	header: readonly string[],
	note: string,
): string {
	const names = [...new Set(missing)];
	const wanted = names.map((name) => `"${name}"`).join(' or ');
	const near = closestColumns(names, header);
	const found = near.length
		? `found ${near.map((name) => `"${name}"`).join(', ')}`
		: `the export's columns are ${header
				.slice(0, 12)
				.map((name) => `"${name}"`)
				.join(', ')}${header.length > 12 ? ', …' : ''}`;
	return `${wanted} is missing for ${target}${note}; ${found}`;
}

/** Up to three header names that look like the wanted ones: same letters, a typo away, or one inside the other. */
export function closestColumns(wanted: readonly string[], header: readonly string[]): string[] {
	const squash = normaliseColumnName;
	const scored = header
		.filter((name) => name.trim())
		.map((name) => {
			const candidate = squash(name);
			const score = Math.min(
				...wanted.map((want) => {
					const target = squash(want);
					if (!target || !candidate) return Infinity;
					if (candidate === target) return 0;
					if (candidate.includes(target) || target.includes(candidate))
						return 1 + Math.abs(candidate.length - target.length) / 10;
					const edits = distance(candidate, target);
					return edits <= Math.max(2, Math.floor(target.length / 3)) ? 1 + edits : Infinity;
				}),
			);
			return { name, score };
		})
		.filter(({ score }) => Number.isFinite(score))
		.sort((a, b) => a.score - b.score);
	return scored.slice(0, 3).map(({ name }) => name);
}
