/** The ledger's lines added up: per feed, per day, and the exceptions by owner and reason. */
import { DateTime } from 'luxon';

import { addMoney, emptyMap, type MoneyByCurrency, type ReasonCounts } from './ledger';
import type { LedgerLine } from './ledger-line';

export interface Totals {
	files: number;
	rows_read: number;
	records: number;
	rejected: number;
	unchanged: number;
	sent: number;
	accepted: number;
	failed: number;
	not_balanced: number;
	value_in_file: MoneyByCurrency;
	value_sent: MoneyByCurrency;
}

function emptyTotals(): Totals {
	return {
		files: 0,
		rows_read: 0,
		records: 0,
		rejected: 0,
		unchanged: 0,
		sent: 0,
		accepted: 0,
		failed: 0,
		not_balanced: 0,
		value_in_file: emptyMap(),
		value_sent: emptyMap(),
	};
}

function addLine(totals: Totals, entry: LedgerLine): void {
	totals.files += 1;
	totals.rows_read += entry.rows_read ?? 0;
	totals.records += entry.records ?? 0;
	totals.rejected += entry.rejected ?? 0;
	totals.unchanged += entry.unchanged ?? 0;
	totals.sent += entry.sent ?? 0;
	totals.accepted += entry.accepted ?? 0;
	totals.failed += entry.failed ?? 0;
	if (!entry.balanced) totals.not_balanced += 1;
	for (const [currency, amount] of Object.entries(entry.value_in_file ?? {}))
		addMoney(totals.value_in_file, currency, amount);
	for (const [currency, amount] of Object.entries(entry.value_sent ?? {}))
		addMoney(totals.value_sent, currency, amount);
}

export function totalsByFeed(lines: readonly LedgerLine[]): Record<string, Totals> {
	const byFeed: Record<string, Totals> = emptyMap();
	for (const entry of lines)
		if (!entry.skipped) addLine((byFeed[entry.feed] ??= emptyTotals()), entry);
	return byFeed;
}

/** Every day from `from` to `to`, including days with no files, for the chart. */
export function totalsByDay(
	lines: readonly LedgerLine[],
	from: Date,
	to: Date,
	timeZone: string,
): Array<{ date: string } & Totals> {
	const days = new Map<string, Totals>();
	for (
		let day = DateTime.fromJSDate(from, { zone: timeZone }).startOf('day');
		day.toJSDate() < to;
		day = day.plus({ days: 1 })
	)
		days.set(day.toISODate()!, emptyTotals());
	for (const entry of lines) {
		const totals = days.get(entry.date);
		if (totals && !entry.skipped) addLine(totals, entry);
	}
	return [...days].map(([date, totals]) => ({ date, ...totals }));
}

export interface ExceptionLine {
	owner: string;
	/** Where the records stopped: at the mapping, or at Dotdigital. */
	stage: 'mapping' | 'Dotdigital';
	reason: string;
	count: number;
	files: number;
	feeds: string[];
	example: string;
}

/** Rejected and failed records over the lines, by owner and reason, the most common first. */
export function exceptionsByReason(lines: readonly LedgerLine[]): ExceptionLine[] {
	const groups = new Map<string, ExceptionLine>();
	const add = (entry: LedgerLine, stage: ExceptionLine['stage'], reasons: ReasonCounts) => {
		for (const [reason, counted] of Object.entries(reasons)) {
			const key = JSON.stringify([counted.owner, stage, reason]);
			const group = groups.get(key) ?? {
				owner: counted.owner,
				stage,
				reason: readable(reason),
				count: 0,
				files: 0,
				feeds: [],
				example: counted.example ?? '',
			};
			group.count += counted.count;
			group.files += 1;
			if (!group.feeds.includes(entry.feed)) group.feeds.push(entry.feed);
			groups.set(key, group);
		}
	};
	for (const entry of lines) {
		add(entry, 'mapping', entry.rejected_by_reason);
		add(entry, 'Dotdigital', entry.failed_by_reason);
	}
	return [...groups.values()].sort(
		(a, b) =>
			b.count - a.count || a.owner.localeCompare(b.owner) || a.reason.localeCompare(b.reason),
	);
}

/** `customerLookupFailed` → "customer lookup failed", `email.invalid` → "email invalid". */
export function readable(code: string): string {
	return code
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/[._]+/g, ' ')
		.toLowerCase()
		.trim();
}
