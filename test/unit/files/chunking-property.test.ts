/**
 * Whatever sizes of chunk a file arrives in, readRows gives the same rows: the values csv-parse
 * reads from the whole text at once, each on the line the file was written with it on. Random
 * files, from a fixed seed so that a failure can be run again.
 */
import { Readable } from 'node:stream';

import { parse } from 'csv-parse/sync';

import { readRows, type RowEvent } from '../../../lib/files';

/** Deterministic pseudo-random numbers in [0, 1) (xorshift32). */
function randomNumbers(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		state >>>= 0;
		return state / 4_294_967_296;
	};
}

const BREAKS = ['\n', '\r\n', '\r'];

interface WrittenFile {
	text: string;
	/** The line each non-blank data row starts on, in order. */
	lines: number[];
}

function writeFile(random: () => number): WrittenFile {
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
	const ending = random() < 0.7 ? pick(BREAKS) : undefined;
	const lineBreak = () => ending ?? pick(BREAKS);
	const value = () =>
		pick([
			() => `plain ${Math.floor(random() * 1000)}`,
			() => '"with, a comma"',
			() => '"a ""quoted"" word"',
			() => `"two${lineBreak()}lines"`,
			() => '',
			() => '£ é 😀',
			() => 'x'.repeat(Math.floor(random() * 5000)),
		])();

	let text = 'A,B,C' + lineBreak();
	const starts: number[] = [];
	const rows = 50 + Math.floor(random() * 400);
	for (let index = 0; index < rows; index++) {
		if (random() < 0.05) {
			text += lineBreak();
			continue;
		}
		const width = random() < 0.1 ? 1 + Math.floor(random() * 4) : 3;
		const row = Array.from({ length: width }, value).join(',');
		if (!row.split(',').every((cell) => cell.trim() === '')) starts.push(text.length);
		text += row + lineBreak();
	}
	// A row starts on the line after every break before it (CRLF, LF and a lone CR each count as
	// one, so a CR ending one line and an LF ending the next blank one make a single break).
	const lines = starts.map((start) => 1 + (text.slice(0, start).match(/\r\n|\n|\r/g)?.length ?? 0));
	return { text, lines };
}

/** The bytes in chunks of random sizes, from one byte to a few kilobytes. */
function chunked(bytes: Buffer, random: () => number): Readable {
	const chunks: Buffer[] = [];
	for (let at = 0; at < bytes.length;) {
		const size = random() < 0.3 ? 1 + Math.floor(random() * 8) : 1 + Math.floor(random() * 8000);
		chunks.push(bytes.subarray(at, at + size));
		at += size;
	}
	return Readable.from(chunks, { objectMode: false });
}

it.each(Array.from({ length: 40 }, (_, run) => run + 1))(
	'random file %i reads the same in any chunks',
	async (seed) => {
		const random = randomNumbers(seed * 7919);
		const { text, lines } = writeFile(random);
		const bytes = Buffer.from(text);
		const whole = (
			parse(bytes, {
				record_delimiter: ['\r\n', '\n', '\r'],
				relax_column_count: true,
				skip_empty_lines: true,
			}) as string[][]
		).filter((record) => !record.every((cell) => cell.trim() === ''));

		const rows: RowEvent[] = [];
		let header: unknown[] | undefined;
		for await (const result of readRows(chunked(bytes, random), { fileName: 'random.csv' })) {
			if (result.kind === 'header') header = result.values;
			else if (result.kind === 'row') rows.push(result);
			else throw new Error(`a well-formed file gave a skipped record: ${result.reason}`);
		}

		expect(header).toEqual(whole[0]);
		expect(rows.map((row) => row.values)).toEqual(whole.slice(1));
		expect(rows.map((row) => row.line)).toEqual(lines);
	},
);
