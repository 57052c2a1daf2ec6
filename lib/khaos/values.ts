/** Khaos's value conventions: booleans as -1/0, plain-number amounts, DD/MM/YYYY dates in status exports. */

/** `-1` → true, `0` → false (also `true`/`false`, `yes`/`no`); blank or anything else → null. */
export function parseKhaosBoolean(value: string | undefined): boolean | null {
	const normalised = value?.trim().toLowerCase() ?? '';
	if (normalised === '-1' || normalised === 'true' || normalised === 'yes') return true;
	if (normalised === '0' || normalised === 'false' || normalised === 'no') return false;
	return null;
}

/** Writes a boolean the way Khaos's XML documents expect it. */
export function khaosFlag(value: boolean): '-1' | '0' {
	return value ? '-1' : '0';
}

/** A plain number, or null when blank or not a number. */
export function parseNumber(value: string | undefined): number | null {
	const trimmed = value?.trim() ?? '';
	if (trimmed === '') return null;
	const number = Number(trimmed);
	return Number.isFinite(number) ? number : null;
}

/** Trimmed text, or null when blank. */
export function nonBlank(value: string | undefined): string | null {
	const trimmed = value?.trim() ?? '';
	return trimmed === '' ? null : trimmed;
}

/**
 * A Khaos date as ISO `yyyy-MM-dd`: accepts the status exports' `DD/MM/YYYY` (time part ignored)
 * and `YYYY-MM-DD[THH:MM:SS]`. Blank or impossible dates → null.
 */
export function parseKhaosDate(value: string | undefined): string | null {
	const trimmed = value?.trim() ?? '';
	const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec(trimmed);
	const iso = /^(\d{4})-(\d{2})-(\d{2})\b/.exec(trimmed);
	if (uk) return isoDate(Number(uk[3]), Number(uk[2]), Number(uk[1]));
	if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
	return null;
}

function isoDate(year: number, month: number, day: number): string | null {
	const date = new Date(Date.UTC(year, month - 1, day));
	if (
		date.getUTCFullYear() !== year ||
		date.getUTCMonth() !== month - 1 ||
		date.getUTCDate() !== day
	)
		return null;
	return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Rounds money to pence without binary-fraction surprises (1.005 → 1.01). */
export function roundMoney(value: number): number {
	return Math.round((value + Number.EPSILON) * 100) / 100;
}

/** Money as Khaos wants it: a plain number with two decimals, no currency sign or grouping. */
export function formatMoney(value: number): string {
	return roundMoney(value).toFixed(2);
}
