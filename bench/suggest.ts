/**
 * Mapping-suggestion benchmark: Suggest Mapping on every real export layout of
 * test/fixtures/suggest/layouts.json, scored against the mapping a consultant would write. Prints
 * per layout the fields suggested correctly, wrongly and left empty, the date formats chosen in the
 * wrong order, the seconds from export to preview, and overall precision and recall.
 *
 *   npm run bench suggest
 *
 * Targets (from the issue): precision ≥ 95% (a wrong suggestion costs more than an empty one),
 * recall ≥ 85%, no date read in the wrong order. Figures only: nothing here passes or fails.
 */
import { performance } from 'node:perf_hooks';

import {
	loadLayouts,
	precisionAndRecall,
	scoreLayout,
	type LayoutScore,
} from '../test/helpers/suggest-layouts';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

async function main() {
	const scores: LayoutScore[] = [];
	const rows: string[][] = [
		[
			'layout',
			'feed',
			'correct',
			'wrong',
			'left empty',
			'precision',
			'recall',
			'wrong dates',
			'seconds',
		],
	];
	for (const layout of loadLayouts()) {
		const started = performance.now();
		const score = await scoreLayout(layout);
		const seconds = (performance.now() - started) / 1000;
		scores.push(score);
		const own = precisionAndRecall([score]);
		rows.push([
			layout.name.length > 48 ? `${layout.name.slice(0, 47)}…` : layout.name,
			`${score.result.suggestion.feed.feed}${score.feedRight ? '' : ` (want ${layout.feed})`}`,
			String(score.correct),
			String(score.wrong),
			String(score.leftEmpty),
			percent(own.precision),
			percent(own.recall),
			String(score.wrongDates.length),
			seconds.toFixed(2),
		]);
	}
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	for (const row of rows)
		process.stdout.write(
			`${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}\n`,
		);
	const total = precisionAndRecall(scores);
	process.stdout.write(
		`\nOverall: ${total.correct} correct, ${total.wrong} wrong, ${total.leftEmpty} left empty of ${total.expected} fields a consultant maps\n`,
	);
	process.stdout.write(
		`Precision ${percent(total.precision)} (target ≥ 95%), recall ${percent(total.recall)} (target ≥ 85%), wrong date formats ${scores.reduce((sum, score) => sum + score.wrongDates.length, 0)} (target 0)\n`,
	);
	const details = scores.flatMap((score) =>
		score.verdicts
			.filter((verdict) => verdict.verdict !== 'correct')
			.map(
				(verdict) =>
					`  ${score.layout.name}: ${verdict.field} ${verdict.verdict}${verdict.suggested ? ` ("${verdict.suggested}")` : ''}; the answer is "${verdict.expected}"`,
			),
	);
	if (details.length) process.stdout.write(`\nNot correct:\n${details.join('\n')}\n`);
}

void main();
