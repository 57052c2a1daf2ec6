/**
 * Issue 20: no line of the package's source is wider than 160 columns, so every line fits a
 * screen. Prettier (100 columns) cannot break a long string, so split it into a concatenation
 * ('…' +\n'…') instead; a tab counts as prettier's tab width.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const FOLDERS = ['lib', 'nodes', 'credentials'];
const MAX_WIDTH = 160;
const TAB_WIDTH: number = JSON.parse(readFileSync(join(ROOT, '.prettierrc.json'), 'utf8')).tabWidth;

function sourceFiles(folder: string): string[] {
	return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) return sourceFiles(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

/** Columns on screen: a tab moves to the next tab stop. */
function width(line: string): number {
	let columns = 0;
	for (const character of line) {
		columns = character === '\t' ? columns + TAB_WIDTH - (columns % TAB_WIDTH) : columns + 1;
	}
	return columns;
}

function tooWide(files: string[]): string[] {
	return files.flatMap((file) =>
		readFileSync(file, 'utf8')
			.split('\n')
			.flatMap((line, index) =>
				width(line) > MAX_WIDTH
					? [`${relative(ROOT, file)}:${index + 1} is ${width(line)} columns wide`]
					: [],
			),
	);
}

describe('line length', () => {
	const files = FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)));

	it('reads the source of every folder', () => {
		for (const folder of FOLDERS) {
			expect(files.some((file) => relative(ROOT, file).startsWith(`${folder}/`))).toBe(true);
		}
	});

	it(`has no line over ${MAX_WIDTH} columns in ${FOLDERS.join(', ')}`, () => {
		expect(tooWide(files)).toEqual([]);
	});

	it('counts a tab as a tab stop', () => {
		expect(width('\tab')).toBe(TAB_WIDTH + 2);
		expect(width('a\tb')).toBe(TAB_WIDTH + 1);
	});
});
