/**
 * How fast a large transaction CSV (Online Retail layout) is read by readRows, and read and mapped
 * into orders by Mapping Apply's engine with the Online Retail preset, against plain csv-parse on
 * the same file, and how much memory each takes; and how fast readRows reads the same rows when
 * each ends in an extra comma. Writes two files of ROWS rows (default 1,000,000, about 75 MB each)
 * to the system temp folder, reads them, prints a table and deletes the files.
 *
 *   npm run bench read-and-map          (or: ROWS=200000 node --expose-gc .build/bench/read-and-map.js)
 *
 * Each reader runs in a child process of its own, so that neither starts with a heap the other
 * grew. Peak RSS growth is the highest RSS sampled every 20 ms while reading, less the RSS the
 * child had just before (after a garbage collection).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'csv-parse';

import { readRowBatches, readRows } from '../lib/files';
import { applyMapping, presetById } from '../lib/mapping';

const MB = 1024 * 1024;
const RSS_SAMPLE_MS = 20;
const WRITE_CHUNK_CHARACTERS = 256 * 1024;

interface Measurement {
	reader: string;
	rows: number;
	seconds: number;
	peakGrowthMb: number;
}

const DESCRIPTIONS = [
	'WHITE HANGING HEART T-LIGHT HOLDER',
	'"SET 7 BABUSHKA BOXES, RED"',
	'CREAM CUPID HEARTS COAT HANGER',
	'"STAR T-LIGHT HOLDER, LARGE"',
	'JUMBO BAG RED RETROSPOT',
	'"POSTAGE, UK"',
	'PACK OF 72 CAKE CASES',
	'ALARM CLOCK PINK',
];
const STOCK_CODES = ['85123A', '71053', '84406B', '84029G', '22752', '21730', '22633', 'POST'];
const COUNTRIES = ['United Kingdom', 'United Kingdom', 'United Kingdom', 'France', 'Germany', 'EIRE', 'Netherlands', 'Spain'];

/** Deterministic pseudo-random numbers in [0, 1) (xorshift32), so that every run reads the same file. */
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

const LINES_PER_INVOICE = 20;

interface Invoice {
	number: string;
	date: string;
	customer: string;
	country: string;
	sign: number;
}

/** As in the real dataset, the lines of an invoice share its number, time, customer and country. */
function newInvoice(index: number, random: () => number): Invoice {
	const cancelled = random() < 0.02;
	const day = 1 + (Math.floor(index / 3000) % 28);
	const time = `${8 + Math.floor(random() * 10)}:${String(Math.floor(random() * 60)).padStart(2, '0')}`;
	return {
		number: `${cancelled ? 'C' : ''}${536_365 + Math.floor(index / LINES_PER_INVOICE)}`,
		date: `12/${day}/2010 ${time}`,
		customer: random() < 0.2 ? '' : String(12_346 + Math.floor(random() * 6000)),
		country: COUNTRIES[Math.floor(random() * COUNTRIES.length)],
		sign: cancelled ? -1 : 1,
	};
}

function invoiceLine(invoice: Invoice, random: () => number): string {
	const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
	const quantity = invoice.sign * (1 + Math.floor(random() * 24));
	const price = (0.29 + random() * 20).toFixed(2);
	return `${invoice.number},${pick(STOCK_CODES)},${pick(DESCRIPTIONS)},${quantity},${invoice.date},${price},${invoice.customer},${invoice.country}`;
}

/**
 * Writes the file a chunk at a time, waiting whenever the stream asks to. With `extraComma`, every
 * data row ends in a delimiter the header does not have, as some tills write them.
 */
async function writeTransactions(path: string, rows: number, extraComma: boolean): Promise<void> {
	const ending = extraComma ? ',\r\n' : '\r\n';
	const out = createWriteStream(path);
	const random = randomNumbers(20_101_201);
	let chunk = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n';
	let invoice = newInvoice(0, random);
	for (let index = 0; index < rows; index++) {
		if (index % LINES_PER_INVOICE === 0) invoice = newInvoice(index, random);
		chunk += invoiceLine(invoice, random) + ending;
		if (chunk.length >= WRITE_CHUNK_CHARACTERS) {
			const accepted = out.write(chunk);
			chunk = '';
			if (!accepted) await once(out, 'drain');
		}
	}
	out.end(chunk);
	await once(out, 'finish');
}

async function countWithReadRows(path: string): Promise<number> {
	let rows = 0;
	for await (const result of readRows(path, { fileName: 'transactions.csv' })) {
		if (result.kind === 'row') rows++;
	}
	return rows;
}

async function countWithCsvParse(path: string): Promise<number> {
	let records = 0;
	for await (const _record of createReadStream(path, { highWaterMark: 64 * 1024 }).pipe(parse())) records++;
	// The first record is the header.
	return records - 1;
}

/** Rows read and mapped into orders; every row must end in a record or a rejection. */
async function countWithMapping(path: string): Promise<number> {
	const run = applyMapping(readRowBatches(path, { fileName: 'transactions.csv' }), presetById('online-retail').mapping(), 'transactions.csv');
	let next = await run.next();
	while (!next.done) next = await run.next();
	const summary = next.value;
	if (!summary.balanced) throw new Error(`the mapping lost rows: ${JSON.stringify(summary)}`);
	process.stderr.write(`  mapped: ${summary.records.toLocaleString('en-GB')} orders, ${summary.rejected.toLocaleString('en-GB')} rows rejected\n`);
	return summary.rows_read;
}

interface Reader {
	read: (path: string) => Promise<number>;
	extraComma: boolean;
}

const READERS: Record<string, Reader> = {
	'csv-parse alone': { read: countWithCsvParse, extraComma: false },
	'readRows (lib/files)': { read: countWithReadRows, extraComma: false },
	'readRows + mapping into orders': { read: countWithMapping, extraComma: false },
	'readRows, every row ending in a comma': { read: countWithReadRows, extraComma: true },
};

/** In the child process: reads the file with one reader and reports to the parent. */
async function measureInThisProcess(reader: string, path: string): Promise<void> {
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, RSS_SAMPLE_MS);
	const started = process.hrtime.bigint();
	try {
		const rows = await READERS[reader].read(path);
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		peak = Math.max(peak, process.memoryUsage().rss);
		const measurement: Measurement = { reader, rows, seconds, peakGrowthMb: (peak - baseline) / MB };
		process.send?.(measurement);
	} finally {
		clearInterval(sampler);
	}
}

async function measureInChild(reader: string, path: string): Promise<Measurement> {
	const child = fork(__filename, [], {
		execArgv: [...new Set([...process.execArgv, '--expose-gc'])],
		env: { ...process.env, BENCH_READER: reader, BENCH_FILE: path },
	});
	let measurement: Measurement | undefined;
	child.on('message', (message) => {
		measurement = message as Measurement;
	});
	const [exitCode] = (await once(child, 'exit')) as [number | null];
	if (exitCode !== 0 || !measurement) throw new Error(`measuring ${reader} failed (exit code ${exitCode})`);
	return measurement;
}

function table(measurements: Measurement[]): string {
	const header = ['reader', 'rows', 'seconds', 'rows/s', 'peak RSS growth (MB)'];
	const lines = measurements.map((m) => [
		m.reader,
		m.rows.toLocaleString('en-GB'),
		m.seconds.toFixed(2),
		Math.round(m.rows / m.seconds).toLocaleString('en-GB'),
		m.peakGrowthMb.toFixed(1),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
	const format = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
	return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

async function main(): Promise<void> {
	const rows = Number(process.env.ROWS ?? 1_000_000);
	if (!Number.isInteger(rows) || rows <= 0) throw new Error(`ROWS must be a positive whole number, got "${process.env.ROWS}"`);

	const folder = await mkdtemp(join(tmpdir(), 'pos-sync-bench-'));
	const files = { plain: join(folder, `transactions-${rows}.csv`), extraComma: join(folder, `transactions-${rows}-extra-comma.csv`) };
	try {
		for (const [kind, path] of Object.entries(files)) {
			process.stdout.write(`Writing ${rows.toLocaleString('en-GB')} rows to ${path} … `);
			await writeTransactions(path, rows, kind === 'extraComma');
			console.log(`${(statSync(path).size / MB).toFixed(1)} MB`);
		}
		console.log(`Node ${process.version}; each reader in its own process\n`);

		const measurements: Measurement[] = [];
		for (const [name, reader] of Object.entries(READERS)) measurements.push(await measureInChild(name, reader.extraComma ? files.extraComma : files.plain));
		console.log(table(measurements));
		const [raw, , mapped] = measurements;
		console.log(`\nMapping runs at ${((raw.seconds / mapped.seconds) * 100).toFixed(0)}% of csv-parse's speed on the same file.`);
		if (measurements.some((m) => m.rows !== rows)) throw new Error(`expected ${rows} rows from each reader`);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

if (require.main === module) {
	const { BENCH_READER: reader, BENCH_FILE: file } = process.env;
	const run = reader && file ? measureInThisProcess(reader, file) : main();
	run.catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
