/**
 * The ledger as people read it: one line per file and sending (mapping and sending joined), flagged
 * where the counts do not add up; the day-by-day counts; the exceptions by owner and reason; and
 * the summary for the daily check and the weekly review, as text and as a compact HTML page whose chart is a table, so that it shows in
 * every mail client (Gmail and Outlook drop SVG and most CSS).
 */
import { DateTime } from 'luxon';

import { attemptsInWords, foldAttempts, stopCause } from './ledger-attempts';
import {
	addMoney,
	emptyMap,
	type InFlightCounts,
	type LedgerBook,
	type LedgerStep,
	type MappingCounts,
	type MoneyByCurrency,
	type ReasonCounts,
	type SendingCounts,
} from './ledger';

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

/** One file's journey through one execution: what Mapping Apply made of it and what Dotdigital did with that. */
export interface LedgerLine {
	date: string;
	recorded_at: string;
	workflow: string;
	execution_id: string;
	file: string;
	feed: string;
	rows_read: number | null;
	records: number | null;
	rejected: number | null;
	rejected_by_reason: ReasonCounts;
	/** What the records became in Dotdigital: contacts, orders or products; null when they were not sent. */
	sent_as: string | null;
	unchanged: number | null;
	sent: number | null;
	accepted: number | null;
	failed: number | null;
	failed_by_reason: ReasonCounts;
	/** The orders' total value in the file, against what Dotdigital accepted, already had, or refused. */
	value_in_file: MoneyByCurrency | null;
	value_sent: MoneyByCurrency | null;
	value_unchanged: MoneyByCurrency | null;
	value_failed: MoneyByCurrency | null;
	/** Records sent whose outcome the run never saw: it was stopped half-way. */
	outcome_unknown: number | null;
	/** The later execution that sent the same file through to the end, settling what was unknown. */
	confirmed_by: string | null;
	/** Executions of this file folded into this line: the ones that stopped before it, and this one. */
	attempts: number;
	/** When the first of them ran. */
	first_tried_at: string;
	/** Why the last execution that stopped did, in words; null when none stopped. */
	last_error: string | null;
	/** A file the POS File Trigger did not hand over: a duplicate, or a stray that does not match the pattern. */
	skipped: 'duplicate' | 'stray' | null;
	/** Why, in words: "same content as Customers_1.csv, processed Sun 22 Nov 2026 09:12". */
	note: string | null;
	balanced: boolean;
	problems: string[];
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

const hasMoney = (money: MoneyByCurrency) => Object.keys(money).length > 0;

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
			`Dotdigital Upsert got ${sending.records} records, but ${sending.accepted} were accepted, ${sending.failed} failed and ${sending.unchanged} were unchanged`,
		);
	}
	if (mapping && sending && mapping.records !== sending.records) {
		problems.push(
			`Mapping Apply made ${mapping.records} records, but Dotdigital Upsert got ${sending.records}`,
		);
	}
	if (inFlight > 0)
		problems.push(
			`${inFlight} records were sent to Dotdigital, outcome unknown: the run was stopped before Dotdigital answered, and the next run of the file will confirm them`,
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

export interface LedgerSummary {
	subject: string;
	text: string;
	html: string;
	status: 'balanced' | 'needs a look';
	period: { from: string; to: string; time_zone: string; label: string };
	files: number;
	files_not_balanced: number;
	missing_feeds: string[];
	totals: Record<string, Totals>;
	not_balanced: Array<
		Pick<
			LedgerLine,
			| 'file'
			| 'feed'
			| 'workflow'
			| 'execution_id'
			| 'recorded_at'
			| 'problems'
			| 'attempts'
			| 'last_error'
		>
	>;
	/** Files the POS File Trigger left alone (duplicates, strays), with why. */
	skipped: Array<
		Pick<LedgerLine, 'file' | 'feed' | 'workflow' | 'recorded_at' | 'skipped' | 'note'>
	>;
	/** Files whose last execution stopped before their records got anywhere (they are tried again, or wait in failed/). */
	stopped: Array<
		Pick<
			LedgerLine,
			'file' | 'feed' | 'workflow' | 'execution_id' | 'recorded_at' | 'attempts' | 'last_error'
		>
	>;
	/** Records to fix, per owner: till data, mapping, API. */
	by_owner: Record<string, number>;
	exceptions: ExceptionLine[];
	days: Array<{ date: string } & Totals>;
}

/**
 * A period at a glance, for the daily check and the weekly review: did every expected feed come,
 * does every file balance, and what was refused; with a chart of the `chartDays` days up to the
 * period's end.
 */
export async function ledgerSummary(
	ledger: LedgerBook,
	options: { period: Period; chartDays: number; expectedFeeds: readonly string[] },
): Promise<LedgerSummary> {
	const { period } = options;
	const chartFrom = DateTime.fromJSDate(period.to, { zone: period.timeZone })
		.minus({ days: options.chartDays })
		.toJSDate();
	const all = ledgerLines(
		await ledger.ledgerSteps(
			new Date(Math.min(chartFrom.getTime(), period.from.getTime())),
			period.to,
		),
		period.timeZone,
	);
	const inPeriod = all.filter((entry) => entry.recorded_at >= period.from.toISOString());
	const lines = inPeriod.filter((entry) => !entry.skipped);
	const totals = totalsByFeed(lines);
	const missing = options.expectedFeeds.filter((feed) => !totals[feed]);
	const notBalanced = lines.filter((entry) => !entry.balanced);
	const exceptions = exceptionsByReason(lines);
	const days = totalsByDay(all, chartFrom, period.to, period.timeZone);
	const problems = notBalanced.length + missing.length;
	const status = problems === 0 ? 'balanced' : 'needs a look';
	const byOwner: Record<string, number> = emptyMap();
	for (const group of exceptions) byOwner[group.owner] = (byOwner[group.owner] ?? 0) + group.count;
	const refused = exceptions.reduce((sum, group) => sum + group.count, 0);
	const subject = `POS sync ${period.label}: ${
		problems === 0
			? `all ${lines.length} ${plural(lines.length, 'file')} balanced`
			: [
					missing.length > 0 ? `${missing.join(', ')} missing` : '',
					notBalanced.length > 0
						? `${notBalanced.length} ${plural(notBalanced.length, 'file')} not balanced`
						: '',
				]
					.filter(Boolean)
					.join(', ')
	}${refused > 0 ? `, ${refused} ${plural(refused, 'record')} to fix` : ''}`;
	const check: Omit<LedgerSummary, 'text' | 'html'> = {
		subject,
		status,
		period: {
			from: period.from.toISOString(),
			to: period.to.toISOString(),
			time_zone: period.timeZone,
			label: period.label,
		},
		files: lines.length,
		files_not_balanced: notBalanced.length,
		missing_feeds: missing,
		totals,
		not_balanced: notBalanced.map(
			({
				file,
				feed,
				workflow,
				execution_id: executionId,
				recorded_at: recordedAt,
				problems: found,
				attempts,
				last_error: lastError,
			}) => ({
				file,
				feed,
				workflow,
				execution_id: executionId,
				recorded_at: recordedAt,
				problems: found,
				attempts,
				last_error: lastError,
			}),
		),
		skipped: inPeriod
			.filter((entry) => entry.skipped)
			.map(({ file, feed, workflow, recorded_at: recordedAt, skipped, note }) => ({
				file,
				feed,
				workflow,
				recorded_at: recordedAt,
				skipped,
				note,
			})),
		stopped: lines
			.filter((entry) => stopCause(entry))
			.map(
				({
					file,
					feed,
					workflow,
					execution_id: executionId,
					recorded_at: recordedAt,
					attempts,
					last_error: lastError,
				}) => ({
					file,
					feed,
					workflow,
					execution_id: executionId,
					recorded_at: recordedAt,
					attempts,
					last_error: lastError,
				}),
			),
		by_owner: byOwner,
		exceptions,
		days,
	};
	return { ...check, text: summaryText(check), html: summaryHtml(check) };
}

function plural(count: number, word: string): string {
	return count === 1 ? word : `${word}s`;
}

function feedSentence(feed: string, totals: Totals): string {
	const value = hasMoney(totals.value_in_file)
		? `; orders worth ${formatMoney(totals.value_in_file)}, ${formatMoney(totals.value_sent)} sent`
		: '';
	return `${feed}: ${totals.files} ${plural(totals.files, 'file')}, ${totals.rows_read} rows → ${totals.records} records (${totals.rejected} rejected); ${totals.accepted} accepted, ${totals.unchanged} unchanged, ${totals.failed} failed${value}`;
}

function summaryText(check: Omit<LedgerSummary, 'text' | 'html'>): string {
	const lines = [check.subject, ''];
	for (const feed of check.missing_feeds) lines.push(`No ${feed} file came in.`);
	for (const [feed, totals] of Object.entries(check.totals)) lines.push(feedSentence(feed, totals));
	if (check.not_balanced.length > 0) {
		lines.push('', 'Files that do not balance:');
		for (const entry of check.not_balanced)
			lines.push(
				`- ${entry.file} (${entry.workflow}, execution ${entry.execution_id}): ${[...entry.problems, attemptsInWords(entry)].filter(Boolean).join('; ')}`,
			);
	}
	if (check.stopped.length > 0) {
		lines.push('', 'Files that did not go through:');
		for (const entry of check.stopped)
			lines.push(`- ${entry.file} (${entry.workflow}): ${attemptsInWords(entry)}`);
	}
	if (check.skipped.length > 0) {
		lines.push('', 'Files left alone:');
		for (const entry of check.skipped) lines.push(`- ${entry.file} (${entry.feed}): ${entry.note}`);
	}
	if (check.exceptions.length > 0) {
		lines.push(
			'',
			`Records to fix: ${Object.entries(check.by_owner)
				.map(([owner, count]) => `${count} for ${owner}`)
				.join(', ')}`,
		);
		for (const group of check.exceptions.slice(0, 15))
			lines.push(
				`- ${group.count} × ${group.owner}: ${group.reason}${group.example ? ` (e.g. ${group.example})` : ''}`,
			);
	}
	return lines.join('\n');
}

const escapeHtml = (value: unknown) =>
	String(value).replace(
		/[&<>"']/g,
		(character) =>
			({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!,
	);

const CHART_WIDTH = 260;
const CHART_PARTS: Array<{
	key: 'accepted' | 'unchanged' | 'failed' | 'rejected';
	colour: string;
	label: string;
}> = [
	{ key: 'accepted', colour: '#2e7d32', label: 'accepted' },
	{ key: 'unchanged', colour: '#9e9e9e', label: 'unchanged' },
	{ key: 'failed', colour: '#c62828', label: 'failed' },
	{ key: 'rejected', colour: '#ef6c00', label: 'rejected' },
];

function summaryHtml(check: Omit<LedgerSummary, 'text' | 'html'>): string {
	const cell = 'style="padding:4px 8px;border-bottom:1px solid #eee;text-align:right"';
	const head = 'style="padding:4px 8px;border-bottom:2px solid #ccc;text-align:right"';
	const colour = check.status === 'balanced' ? '#2e7d32' : '#c62828';
	const feeds = Object.entries(check.totals)
		.map(
			([feed, totals]) =>
				`<tr><td ${cell.replace('right', 'left')}>${escapeHtml(feed)}</td>${[totals.files, totals.rows_read, totals.records, totals.rejected, totals.accepted, totals.unchanged, totals.failed].map((count) => `<td ${cell}>${count}</td>`).join('')}<td ${cell}>${hasMoney(totals.value_in_file) ? `${escapeHtml(formatMoney(totals.value_in_file))} / ${escapeHtml(formatMoney(totals.value_sent))}` : ''}</td></tr>`,
		)
		.join('');
	const missing = check.missing_feeds
		.map(
			(feed) =>
				`<tr><td ${cell.replace('right', 'left')}>${escapeHtml(feed)}</td><td colspan="8" style="padding:4px 8px;color:#c62828">No file came in</td></tr>`,
		)
		.join('');
	const problems = check.not_balanced.length
		? `<h3 style="margin:16px 0 4px">Files that do not balance</h3><ul style="margin:0;padding-left:18px">${check.not_balanced.map((entry) => `<li><b>${escapeHtml(entry.file)}</b> (${escapeHtml(entry.workflow)}, execution ${escapeHtml(entry.execution_id)}): ${[...entry.problems, attemptsInWords(entry)].filter(Boolean).map(escapeHtml).join('; ')}</li>`).join('')}</ul>`
		: '';
	const skipped = check.skipped.length
		? `<h3 style="margin:16px 0 4px">Files left alone</h3><ul style="margin:0;padding-left:18px">${check.skipped.map((entry) => `<li><b>${escapeHtml(entry.file)}</b> (${escapeHtml(entry.feed)}): ${escapeHtml(entry.note)}</li>`).join('')}</ul>`
		: '';
	const stopped = check.stopped.length
		? `<h3 style="margin:16px 0 4px">Files that did not go through</h3><ul style="margin:0;padding-left:18px">${check.stopped.map((entry) => `<li><b>${escapeHtml(entry.file)}</b> (${escapeHtml(entry.workflow)}): ${escapeHtml(attemptsInWords(entry))}</li>`).join('')}</ul>`
		: '';
	const exceptions = check.exceptions.length
		? `<h3 style="margin:16px 0 4px">Records to fix</h3><table style="border-collapse:collapse">${check.exceptions
				.slice(0, 10)
				.map(
					(group) =>
						`<tr><td ${cell}>${group.count}</td><td style="padding:4px 8px;border-bottom:1px solid #eee">${escapeHtml(group.owner)}: ${escapeHtml(group.reason)}${group.example ? `<br><span style="color:#777">e.g. ${escapeHtml(group.example)}</span>` : ''}</td></tr>`,
				)
				.join('')}</table>`
		: '';
	return [
		'<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:720px">',
		`<h2 style="margin:0 0 4px;color:${colour}">${escapeHtml(check.subject)}</h2>`,
		`<p style="margin:0 0 12px;color:#555">${escapeHtml(check.period.label)} (${escapeHtml(check.period.time_zone)})</p>`,
		`<table style="border-collapse:collapse"><tr><th ${head.replace('right', 'left')}>Feed</th>${['Files', 'Rows', 'Records', 'Rejected', 'Accepted', 'Unchanged', 'Failed', 'Order value in files / sent'].map((title) => `<th ${head}>${title}</th>`).join('')}</tr>${feeds}${missing}</table>`,
		problems,
		stopped,
		skipped,
		exceptions,
		chartHtml(check.days),
		'</div>',
	].join('');
}

/** One bar per day: accepted, unchanged, failed and rejected records, as coloured table cells. */
function chartHtml(days: ReadonlyArray<{ date: string } & Totals>): string {
	const largest = Math.max(
		1,
		...days.map((day) => CHART_PARTS.reduce((sum, part) => sum + day[part.key], 0)),
	);
	const rows = days.map((day) => {
		const cells = CHART_PARTS.filter((part) => day[part.key] > 0)
			.map(
				(part) =>
					`<td width="${Math.max(1, Math.round((day[part.key] / largest) * CHART_WIDTH))}" height="12" bgcolor="${part.colour}" title="${day[part.key]} ${part.label}" style="background:${part.colour};font-size:1px;line-height:1px">&nbsp;</td>`,
			)
			.join('');
		const counts = CHART_PARTS.map((part) => day[part.key]).join(' / ');
		const bar = cells
			? `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>${cells}</tr></table>`
			: '';
		return `<tr><td style="padding:2px 8px 2px 0;color:#555;white-space:nowrap">${escapeHtml(DateTime.fromISO(day.date).toFormat('ccc d LLL'))}</td><td width="${CHART_WIDTH}" style="padding:2px 0">${bar}</td><td style="padding:2px 0 2px 8px;color:#555;white-space:nowrap">${counts}</td></tr>`;
	});
	const legend = CHART_PARTS.map(
		(part) => `<span style="color:${part.colour}">&#9632;</span> ${part.label}`,
	).join(' &nbsp; ');
	return `<h3 style="margin:16px 0 4px">Records per day</h3><p style="margin:0 0 4px;color:#555;font-size:12px">${legend}</p><table cellpadding="0" cellspacing="0" style="border-collapse:collapse">${rows.join('')}</table>`;
}
