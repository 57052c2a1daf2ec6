/**
 * The answer key of Suggest Mapping (test/fixtures/suggest/layouts.json) and how a suggestion is
 * scored against it, shared by the tests and the benchmark. A suggested field is correct when
 * every column it reads is one the answer names for the field, wrong when it reads another column
 * or the answer leaves the field empty, and left empty when the answer maps it and the suggestion
 * does not. A date is wrong when the suggestion reads it in another order of day, month and year.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { normaliseColumnName, parseSource } from '../../lib/mapping/columns';
import type { Feed } from '../../lib/mapping';
import { suggestFromFile, type SuggestedMapping } from '../../lib/mapping/suggest';

/** The repository: the nearest folder with the fixtures, from the source or from a compiled copy in .build. */
export const REPO = (() => {
	let folder = __dirname;
	while (
		!existsSync(join(folder, 'test/fixtures/suggest/layouts.json')) &&
		dirname(folder) !== folder
	)
		folder = dirname(folder);
	return folder;
})();

export interface Layout {
	name: string;
	file: string;
	source: string;
	feed: Feed;
	rowGrain?: 'line' | 'basket';
	fields: Record<string, string>;
	dates?: Record<string, string>;
	mustStayEmpty?: string[];
}

export interface FieldVerdict {
	field: string;
	verdict: 'correct' | 'wrong' | 'left empty';
	suggested: string;
	expected: string;
}

export interface LayoutScore {
	layout: Layout;
	result: SuggestedMapping;
	feedRight: boolean;
	verdicts: FieldVerdict[];
	correct: number;
	wrong: number;
	leftEmpty: number;
	/** Date fields read in another order than the answer's (an ambiguous answer is never wrong). */
	wrongDates: string[];
	/** Date fields reported ambiguous although the answer knows the order. */
	ambiguousDates: string[];
}

export function loadLayouts(): Layout[] {
	return (
		JSON.parse(readFileSync(join(REPO, 'test/fixtures/suggest/layouts.json'), 'utf8')) as {
			layouts: Layout[];
		}
	).layouts;
}

function columnsOf(source: string): Set<string> {
	return new Set(parseSource(source).flat().map(normaliseColumnName));
}

export async function scoreLayout(layout: Layout): Promise<LayoutScore> {
	const path = join(REPO, layout.file);
	const result = await suggestFromFile(readFileSync(path), path.split('/').pop()!);
	const { suggestion } = result;
	const feedRight = suggestion.feed.feed === layout.feed;
	const verdicts: FieldVerdict[] = [];
	const wrongDates: string[] = [];
	const ambiguousDates: string[] = [];
	const suggestedByField = new Map(
		suggestion.fields.filter((field) => field.source).map((field) => [field.field, field]),
	);
	const fields = new Set([...Object.keys(layout.fields), ...suggestedByField.keys()]);
	for (const field of fields) {
		const expected = layout.fields[field] ?? '';
		const suggested = suggestedByField.get(field);
		if (!suggested) {
			if (expected) verdicts.push({ field, verdict: 'left empty', suggested: '', expected });
			continue;
		}
		const allowed = columnsOf(expected);
		const right =
			feedRight &&
			expected !== '' &&
			[...columnsOf(suggested.source)].every((column) => allowed.has(column));
		verdicts.push({
			field,
			verdict: right ? 'correct' : 'wrong',
			suggested: suggested.source,
			expected,
		});
		const order = layout.dates?.[field];
		if (right && order && suggested.dateReading) {
			if (suggested.dateReading === 'ambiguous') {
				if (order !== 'ambiguous') ambiguousDates.push(field);
			} else if (
				suggested.dateReading !== 'ISO or Excel dates' &&
				order !== 'ambiguous' &&
				suggested.dateReading !== order
			)
				wrongDates.push(field);
			else if (order === 'ambiguous') wrongDates.push(field);
		}
	}
	const count = (verdict: FieldVerdict['verdict']) =>
		verdicts.filter((each) => each.verdict === verdict).length;
	return {
		layout,
		result,
		feedRight,
		verdicts,
		correct: count('correct'),
		wrong: count('wrong'),
		leftEmpty: count('left empty'),
		wrongDates,
		ambiguousDates,
	};
}

export function precisionAndRecall(scores: readonly LayoutScore[]): {
	precision: number;
	recall: number;
	correct: number;
	wrong: number;
	leftEmpty: number;
	expected: number;
} {
	const correct = scores.reduce((sum, score) => sum + score.correct, 0);
	const wrong = scores.reduce((sum, score) => sum + score.wrong, 0);
	const leftEmpty = scores.reduce((sum, score) => sum + score.leftEmpty, 0);
	const expected = scores.reduce((sum, score) => sum + Object.keys(score.layout.fields).length, 0);
	return {
		precision: correct / Math.max(1, correct + wrong),
		recall: correct / Math.max(1, expected),
		correct,
		wrong,
		leftEmpty,
		expected,
	};
}
