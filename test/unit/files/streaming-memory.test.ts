import { createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { readRows } from '../../../lib/files';
import { scratchFolder } from './read-helpers';

// The baseline is taken from a collected heap, so that garbage left from writing the file is not
// counted; node exposes gc() to code compiled after the flag is set.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const folder = scratchFolder();
afterAll(() => folder.remove());

const ROWS = 600_000;
const MB = 1024 * 1024;

function* transactionLines(): Generator<string> {
	yield 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n';
	for (let i = 0; i < ROWS; i++) {
		const description = i % 7 === 0 ? '"MUG, WHITE, LARGE"' : 'WHITE HANGING HEART T-LIGHT HOLDER';
		yield `${536365 + Math.floor(i / 5)},85123A,${description},${(i % 12) + 1},12/1/2010 8:26,2.55,${17850 + (i % 400)},United Kingdom\r\n`;
	}
}

/** Lines joined into chunks of about 64 KiB, so that writing the file takes seconds, not minutes. */
function* chunked(lines: Iterable<string>): Generator<string> {
	let chunk = '';
	for (const line of lines) {
		chunk += line;
		if (chunk.length >= 64 * 1024) {
			yield chunk;
			chunk = '';
		}
	}
	if (chunk) yield chunk;
}

it('streams a large CSV from disk without memory growing with the file', async () => {
	const path = folder.path('large.csv');
	await pipeline(Readable.from(chunked(transactionLines())), createWriteStream(path));
	const size = statSync(path).size;
	expect(size).toBeGreaterThan(50 * MB);

	collectGarbage();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	let rows = 0;
	let lastLine = 0;
	for await (const result of readRows(path, { fileName: 'large.csv' })) {
		if (result.kind !== 'row') continue;
		rows++;
		lastLine = result.line;
		if (rows % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
	}

	expect(rows).toBe(ROWS);
	expect(lastLine).toBe(ROWS + 1);
	// A loose sanity bound: holding the file, its text or its rows would take several times this.
	expect((peak - baseline) / MB).toBeLessThan(150);
}, 120_000);
