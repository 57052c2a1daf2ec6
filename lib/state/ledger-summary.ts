/**
 * The summary for the daily check and the weekly review, as text and as a compact HTML page whose
 * chart is a table, so that it shows in every mail client (Gmail and Outlook drop SVG and most CSS).
 */
import { DateTime } from 'luxon';

import { emptyMap, type LedgerBook } from './ledger';
import { attemptsInWords, stopCause } from './ledger-attempts';
import { formatMoney, hasMoney, ledgerLines, type LedgerLine, type Period } from './ledger-report';
import {
	exceptionsByReason,
	totalsByDay,
	totalsByFeed,
	type ExceptionLine,
	type Totals,
} from './ledger-totals';

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
	return (
		`${feed}: ${totals.files} ${plural(totals.files, 'file')}, ` +
		`${totals.rows_read} rows → ${totals.records} records (${totals.rejected} rejected); ` +
		`${totals.accepted} accepted, ${totals.unchanged} unchanged, ${totals.failed} failed${value}`
	);
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

const TABLE_TITLES = [
	'Files',
	'Rows',
	'Records',
	'Rejected',
	'Accepted',
	'Unchanged',
	'Failed',
	'Order value in files / sent',
];

/** A heading and a bulleted list; the items are HTML already. */
function htmlList(title: string, items: string[]): string {
	return (
		`<h3 style="margin:16px 0 4px">${title}</h3><ul style="margin:0;padding-left:18px">` +
		`${items.map((item) => `<li>${item}</li>`).join('')}</ul>`
	);
}

function summaryHtml(check: Omit<LedgerSummary, 'text' | 'html'>): string {
	const cell = 'style="padding:4px 8px;border-bottom:1px solid #eee;text-align:right"';
	const head = 'style="padding:4px 8px;border-bottom:2px solid #ccc;text-align:right"';
	const colour = check.status === 'balanced' ? '#2e7d32' : '#c62828';
	const feeds = Object.entries(check.totals)
		.map(([feed, totals]) => {
			const counts = [
				totals.files,
				totals.rows_read,
				totals.records,
				totals.rejected,
				totals.accepted,
				totals.unchanged,
				totals.failed,
			];
			const value = hasMoney(totals.value_in_file)
				? `${escapeHtml(formatMoney(totals.value_in_file))} / ${escapeHtml(formatMoney(totals.value_sent))}`
				: '';
			return (
				`<tr><td ${cell.replace('right', 'left')}>${escapeHtml(feed)}</td>` +
				counts.map((count) => `<td ${cell}>${count}</td>`).join('') +
				`<td ${cell}>${value}</td></tr>`
			);
		})
		.join('');
	const missing = check.missing_feeds
		.map(
			(feed) =>
				`<tr><td ${cell.replace('right', 'left')}>${escapeHtml(feed)}</td><td colspan="8" style="padding:4px 8px;color:#c62828">No file came in</td></tr>`,
		)
		.join('');
	const problems = check.not_balanced.length
		? htmlList(
				'Files that do not balance',
				check.not_balanced.map(
					(entry) =>
						`<b>${escapeHtml(entry.file)}</b> ` +
						`(${escapeHtml(entry.workflow)}, execution ${escapeHtml(entry.execution_id)}): ` +
						[...entry.problems, attemptsInWords(entry)].filter(Boolean).map(escapeHtml).join('; '),
				),
			)
		: '';
	const skipped = check.skipped.length
		? htmlList(
				'Files left alone',
				check.skipped.map(
					(entry) =>
						`<b>${escapeHtml(entry.file)}</b> (${escapeHtml(entry.feed)}): ${escapeHtml(entry.note)}`,
				),
			)
		: '';
	const stopped = check.stopped.length
		? htmlList(
				'Files that did not go through',
				check.stopped.map(
					(entry) =>
						`<b>${escapeHtml(entry.file)}</b> (${escapeHtml(entry.workflow)}): ` +
						escapeHtml(attemptsInWords(entry)),
				),
			)
		: '';
	const exceptions = check.exceptions.length
		? `<h3 style="margin:16px 0 4px">Records to fix</h3><table style="border-collapse:collapse">${check.exceptions
				.slice(0, 10)
				.map(
					(group) =>
						`<tr><td ${cell}>${group.count}</td>` +
						`<td style="padding:4px 8px;border-bottom:1px solid #eee">` +
						`${escapeHtml(group.owner)}: ${escapeHtml(group.reason)}` +
						(group.example
							? `<br><span style="color:#777">e.g. ${escapeHtml(group.example)}</span>`
							: '') +
						'</td></tr>',
				)
				.join('')}</table>`
		: '';
	return [
		'<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:720px">',
		`<h2 style="margin:0 0 4px;color:${colour}">${escapeHtml(check.subject)}</h2>`,
		`<p style="margin:0 0 12px;color:#555">${escapeHtml(check.period.label)} (${escapeHtml(check.period.time_zone)})</p>`,
		`<table style="border-collapse:collapse"><tr><th ${head.replace('right', 'left')}>Feed</th>`,
		TABLE_TITLES.map((title) => `<th ${head}>${title}</th>`).join(''),
		`</tr>${feeds}${missing}</table>`,
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
					`<td width="${Math.max(1, Math.round((day[part.key] / largest) * CHART_WIDTH))}" height="12" ` +
					`bgcolor="${part.colour}" title="${day[part.key]} ${part.label}" ` +
					`style="background:${part.colour};font-size:1px;line-height:1px">&nbsp;</td>`,
			)
			.join('');
		const counts = CHART_PARTS.map((part) => day[part.key]).join(' / ');
		const bar = cells
			? `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>${cells}</tr></table>`
			: '';
		return (
			'<tr><td style="padding:2px 8px 2px 0;color:#555;white-space:nowrap">' +
			`${escapeHtml(DateTime.fromISO(day.date).toFormat('ccc d LLL'))}</td>` +
			`<td width="${CHART_WIDTH}" style="padding:2px 0">${bar}</td>` +
			`<td style="padding:2px 0 2px 8px;color:#555;white-space:nowrap">${counts}</td></tr>`
		);
	});
	const legend = CHART_PARTS.map(
		(part) => `<span style="color:${part.colour}">&#9632;</span> ${part.label}`,
	).join(' &nbsp; ');
	return (
		'<h3 style="margin:16px 0 4px">Records per day</h3>' +
		`<p style="margin:0 0 4px;color:#555;font-size:12px">${legend}</p>` +
		`<table cellpadding="0" cellspacing="0" style="border-collapse:collapse">${rows.join('')}</table>`
	);
}
