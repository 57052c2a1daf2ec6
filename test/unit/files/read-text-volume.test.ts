/** Bad records placed line by line in files of thousands of rows, in every encoding and line ending. */
import { Readable } from 'node:stream';

import { readRows, type SkippedRow } from '../../../lib/files';
import { readAll } from './read-helpers';

describe('bad records in large files', () => {
	/**
	 * A file of good rows, rows with quoted line breaks, blank lines and bad rows, with the line
	 * each row starts on worked out as it is written, so that every place can be checked.
	 */
	function mixedFile(rows: number, ending: string) {
		const lines = ['Item,Note,Qty'];
		let multiLineRows = 0;
		const good: Array<[number, string]> = [];
		const bad: Array<[number, string]> = [];
		// The line the next entry starts on: one row above spans two lines.
		let line = 2;
		for (let index = 0; index < rows; index++, line = lines.length + 1 + multiLineRows) {
			const item = `Item ${index} £`;
			if (index % 997 === 13) {
				lines.push(`${item},12" tall,1`);
				bad.push([line, `${item},12"`]);
			} else if (index % 991 === 14) {
				// Two bad records in a row.
				lines.push(`${item},9" x,1`, `${item} again,"8" y",2`);
				bad.push([line, `${item},9"`], [line + 1, `${item} again,"8"`]);
			} else if (index % 89 === 0) {
				lines.push(`${item},"two${ending}lines",3`);
				multiLineRows++;
				good.push([line, item]);
			} else if (index % 61 === 0) {
				lines.push(`${item},plain,4`, '');
				good.push([line, item]);
			} else {
				lines.push(`${item},plain,5`);
				good.push([line, item]);
			}
		}
		return { text: lines.join(ending) + ending, good, bad };
	}

	for (const [name, ending] of [
		['LF', '\n'],
		['CRLF', '\r\n'],
	]) {
		it(`places every row and every bad record across many chunks (${name})`, async () => {
			const { text, good, bad } = mixedFile(40_000, ending);
			expect(Buffer.byteLength(text)).toBeGreaterThan(10 * 64 * 1024);

			const { rows, skipped } = await readAll(Buffer.from(text), { fileName: 'mixed.csv' });

			expect(rows.map((row) => [row.line, row.values[0]])).toEqual(good);
			expect(skipped.map((row) => [row.line, row.raw])).toEqual(
				bad.map(([line, raw]) => [line, raw]),
			);
			expect(skipped.every((row) => row.lastLine === row.line)).toBe(true);
		});
	}

	it('reports a long run of bad rows as it reads, not once the file ends', async () => {
		const badRow = (index: number) =>
			`Pizza ${index},12" deep pan ${'with extra cheese '.repeat(12)},9.99\n`;
		const source = new Readable({ read() {} });
		source.push('Item,Size,Price\n');
		let written = 0;
		// Well past the size of run kept in memory before it is reported in parts.
		while (written < 6000) source.push(badRow(written++));

		const skipped: SkippedRow[] = [];
		let firstReportedAfter: number | undefined;
		const reading = (async () => {
			for await (const result of readRows(source, { fileName: 'pizzas.csv' })) {
				if (result.kind !== 'skipped') continue;
				firstReportedAfter ??= written;
				skipped.push(result);
			}
		})();
		while (firstReportedAfter === undefined)
			await new Promise((resolve) => setTimeout(resolve, 10));
		while (written < 8000) source.push(badRow(written++));
		source.push(null);
		await reading;

		expect(firstReportedAfter).toBe(6000);
		expect(skipped).toHaveLength(8000);
		expect(
			skipped.every(
				(row, index) =>
					row.line === index + 2 && row.lastLine === row.line && row.raw === `Pizza ${index},12"`,
			),
		).toBe(true);
	});

	it('keeps a run of bad records whole where no line can be shown to start a record', async () => {
		// Each bad record spans two lines, and its fault is on the second, inside what began as a quoted value.
		const rows = Array.from(
			{ length: 5000 },
			(_, index) => `Pizza ${index},"thin\ncrust${' and more crust'.repeat(14)}",12" x`,
		);
		const text = ['Item,Base,Size', ...rows, 'Cake,none,9'].join('\n');

		const { rows: good, skipped } = await readAll(Buffer.from(text), { fileName: 'pizzas.csv' });

		expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
		expect(good.map((row) => [row.line, row.values[0]])).toEqual([[10_002, 'Cake']]);
		expect(skipped).toHaveLength(5000);
		expect(
			skipped.every((row, index) => row.line === 2 + 2 * index && row.lastLine === row.line + 1),
		).toBe(true);
	});

	it('places bad records the same way in Windows-1252, UTF-16 and UTF-8 with a byte order mark', async () => {
		const { text, good, bad } = mixedFile(3000, '\r\n');
		const encoded = [
			Buffer.from(text, 'latin1'),
			Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
			Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
		];
		for (const bytes of encoded) {
			const { rows, skipped } = await readAll(bytes, { fileName: 'mixed.csv' });
			expect(rows.map((row) => [row.line, row.values[0]])).toEqual(good);
			expect(skipped.map((row) => [row.line, row.raw])).toEqual(bad);
		}
	});

	it('reports a bad header in a file with a byte order mark on line 1', async () => {
		const bytes = Buffer.concat([
			Buffer.from([0xef, 0xbb, 0xbf]),
			Buffer.from('Item,Size 12"\nLatte,1\n'),
		]);
		await expect(readAll(bytes, { fileName: 'bom.csv' })).rejects.toMatchObject({
			line: 1,
			message: expect.stringContaining('the header row on line 1 cannot be read'),
		});
	});
});
