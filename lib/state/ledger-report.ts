/**
 * The ledger as people read it: one line per file and sending (mapping and sending joined), flagged
 * where the counts do not add up. The totals are in ledger-totals.ts, the period's summary (text and
 * HTML) in ledger-summary.ts.
 */
import { DateTime } from 'luxon';

import { foldAttempts } from './ledger-attempts';
import type { LedgerLine } from './ledger-line';
import {
	addMoney,
	emptyMap,
	type InFlightCounts,
	type LedgerStep,
	type MappingCounts,
	type MoneyByCurrency,
	type SendingCounts,
} from './ledger';

export type { LedgerLine } from './ledger-line';

export type PeriodChoice = 'today' | 'yesterday' | 'last7Days' | 'last30Days' | 'custom';

export interface Period {
	from: Date;
	to: Date;
	timeZone: string;
	/** "Sat 21 Nov 2026", or "14 Nov – 20 Nov 2026". */
	label: string;
}

/** Feeds as people name them: Mapping Apply's feed, or what Dotdigital Upsert sent when no mapping was recorded. */
const FEED_NAMES: Record<string, string> = {
	customer: 'customers',
	product: 'products',
	transaction: 'transactions',
};
const FEED_OF_RESOURCE: Record<string, string> = {
	contact: 'customers',
	order: 'transactions',
	product: 'products',
	consent: 'unsubscribes back to the till',
};
const SENT_AS: Record<string, string> = {
	contact: 'contacts',
	order: 'orders',
	product: 'products',
	consent: 'lines in the till file',
};

/** A period of whole days in the workflow's time zone; a custom period includes both its dates. */
export function periodFor(
	choice: PeriodChoice,
	options: { now: Date; timeZone: string; from?: string; to?: string },
): Period {
	const zone = options.timeZone;
	const today = DateTime.fromJSDate(options.now, { zone }).startOf('day');
	let from: DateTime;
	let to: DateTime;
	if (choice === 'custom') {
		from = DateTime.fromISO(options.from ?? '', { zone }).startOf('day');
		to = DateTime.fromISO(options.to || options.from || '', { zone })
			.startOf('day')
			.plus({ days: 1 });
		if (!from.isValid || !to.isValid)
			throw new Error(
				`The period needs a start and an end date (got "${options.from ?? ''}" to "${options.to ?? ''}")`,
			);
		if (to <= from) throw new Error('The period ends before it starts');
	} else {
		const days = { today: 0, yesterday: 1, last7Days: 7, last30Days: 30 }[choice];
		from = today.minus({ days });
		to = choice === 'today' ? today.plus({ days: 1 }) : today;
	}
	const last = to.minus({ days: 1 });
	const label = last.hasSame(from, 'day')
		? from.toFormat('ccc d LLL yyyy')
		: `${from.toFormat(from.hasSame(last, 'year') ? 'd LLL' : 'd LLL yyyy')} – ${last.toFormat('d LLL yyyy')}`;
	return { from: from.toJSDate(), to: to.toJSDate(), timeZone: zone, label };
}

/** Joins each execution's mapping and sending steps of a file into lines, in the order they were recorded. */
export function ledgerLines(steps: readonly LedgerStep[], timeZone: string): LedgerLine[] {
	const groups = new Map<string, LedgerStep[]>();
	for (const step of steps) {
		const key = JSON.stringify([step.executionId, step.file]);
		groups.set(key, [...(groups.get(key) ?? []), step]);
	}
	const lines: LedgerLine[] = [];
	for (const group of groups.values()) {
		const mapping = group.find((step) => step.counts.step === 'mapping');
		const sendings = group.filter((step) => step.counts.step === 'sending');
		const inFlight = group
			.filter((step) => step.counts.step === 'inFlight')
			.reduce((sum, step) => sum + (step.counts as InFlightCounts).records, 0);
		const first = mapping ?? group[0];
		if (sendings.length === 0)
			lines.push(
				line(first, mapping?.counts as MappingCounts | undefined, undefined, inFlight, timeZone),
			);
		sendings.forEach((sending, index) =>
			lines.push(
				line(
					mapping ?? sending,
					mapping?.counts as MappingCounts | undefined,
					sending.counts as SendingCounts,
					index === 0 ? inFlight : 0,
					timeZone,
				),
			),
		);
	}
	lines.sort((a, b) =>
		a.recorded_at < b.recorded_at ? -1 : a.recorded_at > b.recorded_at ? 1 : 0,
	);
	closeInterrupted(lines);
	return foldAttempts(lines);
}

/** A later execution that sent the same file to the end settles an interrupted one: Dotdigital's upserts made the replay whole. */
function closeInterrupted(lines: LedgerLine[]): void {
	lines.forEach((entry, position) => {
		if (!entry.outcome_unknown) return;
		const later = lines
			.slice(position + 1)
			.find(
				(other) =>
					other.file === entry.file &&
					other.sent_as !== null &&
					!other.outcome_unknown &&
					other.balanced,
			);
		if (!later) return;
		entry.confirmed_by = later.execution_id;
		entry.problems = entry.problems.filter((problem) => !problem.includes('outcome unknown'));
		entry.balanced = entry.problems.length === 0;
	});
}

export const hasMoney = (money: MoneyByCurrency) => Object.keys(money).length > 0;

function line(
	first: LedgerStep,
	mapping: MappingCounts | undefined,
	sending: SendingCounts | undefined,
	inFlight: number,
	timeZone: string,
): LedgerLine {
	const skipped = first.counts.step === 'skipped' ? first.counts : undefined;
	const ordersSent =
		sending &&
		[sending.value_accepted, sending.value_failed, sending.value_unchanged].some(hasMoney);
	return {
		date:
			DateTime.fromISO(first.recordedAt, { zone: timeZone }).toISODate() ??
			first.recordedAt.slice(0, 10),
		recorded_at: first.recordedAt,
		workflow: first.workflow,
		execution_id: first.executionId,
		file: first.file,
		feed: mapping
			? (FEED_NAMES[mapping.feed] ?? mapping.feed)
			: skipped
				? (FEED_NAMES[skipped.feed] ?? skipped.feed)
				: (FEED_OF_RESOURCE[sending?.resource ?? ''] ?? ''),
		rows_read: mapping ? mapping.rows_read : null,
		records: mapping ? mapping.records : (sending?.records ?? null),
		rejected: mapping ? mapping.rejected : null,
		rejected_by_reason: mapping?.rejected_by_reason ?? emptyMap(),
		sent_as: sending ? (SENT_AS[sending.resource] ?? sending.resource) : null,
		unchanged: sending ? sending.unchanged : null,
		sent: sending ? sending.accepted + sending.failed : null,
		accepted: sending ? sending.accepted : null,
		failed: sending ? sending.failed : null,
		failed_by_reason: sending?.failed_by_reason ?? emptyMap(),
		value_in_file: mapping && hasMoney(mapping.value) ? mapping.value : null,
		value_sent: ordersSent ? sending.value_accepted : null,
		value_unchanged: ordersSent ? sending.value_unchanged : null,
		value_failed: ordersSent ? sending.value_failed : null,
		outcome_unknown: inFlight > 0 ? inFlight : null,
		confirmed_by: null,
		attempts: 1,
		first_tried_at: first.recordedAt,
		last_error: null,
		skipped: skipped?.reason ?? null,
		note: skipped?.note ?? null,
		...check(mapping, sending, inFlight),
	};
}

/** Every count must add up: rows into records and rejections, and records into accepted, failed and unchanged. */
function check(
	mapping: MappingCounts | undefined,
	sending: SendingCounts | undefined,
	inFlight: number,
): { balanced: boolean; problems: string[] } {
	const problems: string[] = [];
	if (mapping?.error) problems.push(`The file could not be mapped: ${mapping.error}`);
	if (mapping && mapping.rows_read !== mapping.rows_in_records + mapping.rejected) {
		problems.push(
			`${mapping.rows_read} rows were read, but ${mapping.rows_in_records} went into records and ${mapping.rejected} were rejected`,
		);
	}
	if (sending && sending.records !== sending.accepted + sending.failed + sending.unchanged) {
		problems.push(
			`Dotdigital Upsert got ${sending.records} records, but ${sending.accepted} were accepted, ` +
				`${sending.failed} failed and ${sending.unchanged} were unchanged`,
		);
	}
	if (mapping && sending && mapping.records !== sending.records) {
		problems.push(
			`Mapping Apply made ${mapping.records} records, but Dotdigital Upsert got ${sending.records}`,
		);
	}
	if (inFlight > 0)
		problems.push(
			`${inFlight} records were sent to Dotdigital, outcome unknown: ` +
				'the run was stopped before Dotdigital answered, and the next run of the file will confirm them',
		);
	else if (mapping && !sending && !mapping.error && mapping.records > 0)
		problems.push(`${mapping.records} records were mapped but never sent to Dotdigital`);
	if (mapping && sending && hasMoney(mapping.value)) {
		const reached = emptyMap<number>();
		for (const money of [sending.value_accepted, sending.value_failed, sending.value_unchanged])
			for (const [currency, amount] of Object.entries(money)) addMoney(reached, currency, amount);
		const currencies = new Set([...Object.keys(mapping.value), ...Object.keys(reached)]);
		if (
			[...currencies].some(
				(currency) => Math.abs((mapping.value[currency] ?? 0) - (reached[currency] ?? 0)) >= 0.005,
			)
		) {
			problems.push(
				`Orders worth ${formatMoney(mapping.value)} were mapped, but ${formatMoney(reached)} reached Dotdigital Upsert`,
			);
		}
	}
	return { balanced: problems.length === 0, problems };
}

/** The counts of one day (or one feed), summed over its lines. */

export function formatMoney(money: MoneyByCurrency): string {
	const entries = Object.entries(money);
	if (entries.length === 0) return '0.00';
	return entries
		.map(([currency, amount]) => {
			if (/^[A-Z]{3}$/.test(currency)) {
				try {
					return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amount);
				} catch {
					// An unknown code falls through to the plain form.
				}
			}
			return `${amount.toFixed(2)}${currency ? ` ${currency}` : ''}`;
		})
		.join(' + ');
}
