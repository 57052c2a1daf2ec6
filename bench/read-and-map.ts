/**
 * How fast a large transaction CSV (Online Retail layout) is read by readRows, and read and mapped
 * into orders by Mapping Apply's engine with the Online Retail preset, against plain csv-parse on
 * the same file, and how much memory each takes; and how fast readRows reads the same rows when
 * each ends in an extra comma. Then the two files whose records the engine must hold until the
 * file ends: a customer export of ROWS customers (1 row in 20 a later row of an earlier customer,
 * to be merged), also mapped in a process whose empty-object shape is as crowded as a freshly
 * started n8n's, and a transaction file whose orders' two rows lie half the file apart. Writes
 * four files of ROWS rows (default 1,000,000) to the system temp folder, reads them, prints a table
 * and deletes the files.
 *
 *   npm run bench read-and-map          (or: ROWS=200000 READERS=customers node --expose-gc .build/bench/read-and-map.js)
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
import { applyMapping, mappingFromFieldList, presetById, type Mapping } from '../lib/mapping';

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
const COUNTRIES = [
	'United Kingdom',
	'United Kingdom',
	'United Kingdom',
	'France',
	'Germany',
	'EIRE',
	'Netherlands',
	'Spain',
];

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
 * A transaction file in the Online Retail layout, invoices of 20 adjacent lines. With `extraComma`, every
 * data row ends in a delimiter the header does not have, as some tills write them.
 */
async function writeTransactions(path: string, rows: number, extraComma: boolean): Promise<void> {
	const ending = extraComma ? ',\r\n' : '\r\n';
	const random = randomNumbers(20_101_201);
	let invoice = newInvoice(0, random);
	await writeLines(path, TRANSACTION_HEADER, rows, (index) => {
		if (index % LINES_PER_INVOICE === 0) invoice = newInvoice(index, random);
		return invoiceLine(invoice, random) + ending;
	});
}

const TRANSACTION_HEADER =
	'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n';

/** Orders of two rows each, an order's second row half the file after its first: every order stays open until the middle. */
async function writeSpreadTransactions(path: string, rows: number): Promise<void> {
	const random = randomNumbers(20_101_202);
	const half = Math.ceil(rows / 2);
	const invoices: Invoice[] = [];
	await writeLines(path, TRANSACTION_HEADER, rows, (index) => {
		const invoice =
			index < half ? newInvoice(index * LINES_PER_INVOICE, random) : invoices[index - half];
		if (index < half) invoices.push(invoice);
		return `${invoiceLine(invoice, random)}\r\n`;
	});
}

const FIRST_NAMES = ['Jo', 'Sam', 'Alex', 'Priya', 'Chris', 'Ola', 'Mei', 'Tom'];
const TOWNS = ['Bath', 'York', 'Leeds', 'Truro', 'Derby', 'Ely', 'Hull', 'Ayr'];

/** A customer export; 1 row in 20 updates a customer from earlier in the file (a new town), to be merged. */
async function writeCustomers(path: string, rows: number): Promise<void> {
	const random = randomNumbers(20_101_203);
	let customers = 0;
	await writeLines(path, 'CustomerID,FirstName,Email,Town,OptIn\r\n', rows, (index) => {
		const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
		const again = index > 0 && index % 20 === 0;
		const id = again ? Math.floor(random() * customers) : customers++;
		return `C${100_000 + id},${pick(FIRST_NAMES)},customer${id}@example.com,${pick(TOWNS)},${random() < 0.5 ? 'Y' : 'N'}\r\n`;
	});
}

function customerMapping(): Mapping {
	const field = (target: string, source: string) => ({ target, source });
	return mappingFromFieldList(
		'customer',
		[
			field('customer_id', 'CustomerID'),
			field('first_name', 'FirstName'),
			field('email', 'Email'),
			field('town', 'Town'),
			field('marketing_opt_in', 'OptIn'),
		],
		[],
	);
}

/** Writes a header and `rows` lines a chunk at a time, waiting whenever the stream asks to. */
async function writeLines(
	path: string,
	header: string,
	rows: number,
	line: (index: number) => string,
): Promise<void> {
	const out = createWriteStream(path);
	let chunk = header;
	for (let index = 0; index < rows; index++) {
		chunk += line(index);
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
	for await (const _record of createReadStream(path, { highWaterMark: 64 * 1024 }).pipe(parse()))
		records++;
	// The first record is the header.
	return records - 1;
}

/** Rows read and mapped; every row must end in a record or a rejection. */
async function countWithMapping(path: string, mapping: Mapping): Promise<number> {
	const run = applyMapping(readRowBatches(path, { fileName: 'export.csv' }), mapping, 'export.csv');
	let next = await run.next();
	while (!next.done) next = await run.next();
	const summary = next.value;
	if (!summary.balanced) throw new Error(`the mapping lost rows: ${JSON.stringify(summary)}`);
	process.stderr.write(
		`  mapped: ${summary.records.toLocaleString('en-GB')} records, ${summary.rejected.toLocaleString('en-GB')} rows rejected\n`,
	);
	return summary.rows_read;
}

const FILES = {
	transactions: (path: string, rows: number) => writeTransactions(path, rows, false),
	'transactions-extra-comma': (path: string, rows: number) => writeTransactions(path, rows, true),
	customers: writeCustomers,
	'transactions-spread': writeSpreadTransactions,
};
type FileKind = keyof typeof FILES;

interface Reader {
	read: (path: string) => Promise<number>;
	file: FileKind;
}

const onlineRetail = (path: string) =>
	countWithMapping(path, presetById('online-retail').mapping());
const READERS: Record<string, Reader> = {
	'csv-parse alone': { read: countWithCsvParse, file: 'transactions' },
	'readRows (lib/files)': { read: countWithReadRows, file: 'transactions' },
	'readRows + mapping into orders': { read: onlineRetail, file: 'transactions' },
	'readRows, every row ending in a comma': {
		read: countWithReadRows,
		file: 'transactions-extra-comma',
	},
	'customers: csv-parse alone': { read: countWithCsvParse, file: 'customers' },
	'customers: readRows + mapping (merged)': {
		read: (path) => countWithMapping(path, customerMapping()),
		file: 'customers',
	},
	// A freshly started n8n has made objects of thousands of different first properties: V8 keeps
	// them all as branches of the empty object's shape until a full garbage collection.
	'customers: mapping, in a process like a fresh n8n': {
		read: (path) => {
			crowdTheEmptyObjectShape(3000);
			return countWithMapping(path, customerMapping());
		},
		file: 'customers',
	},
	'orders half a file apart: csv-parse alone': {
		read: countWithCsvParse,
		file: 'transactions-spread',
	},
	'orders half a file apart: mapping into orders': {
		read: onlineRetail,
		file: 'transactions-spread',
	},
};

/** Objects begun as `{}` with `count` different first properties, kept alive. */
const crowd: object[] = [];
function crowdTheEmptyObjectShape(count: number): void {
	for (let index = 0; index < count; index++) {
		const value: Record<string, number> = {};
		value[`property${index}`] = index;
		crowd.push(value);
	}
}

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
		const measurement: Measurement = {
			reader,
			rows,
			seconds,
			peakGrowthMb: (peak - baseline) / MB,
		};
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
	if (exitCode !== 0 || !measurement)
		throw new Error(`measuring ${reader} failed (exit code ${exitCode})`);
	return measurement;
}

const RATIOS = [
	['csv-parse alone', 'readRows + mapping into orders', 'transactions'],
	['customers: csv-parse alone', 'customers: readRows + mapping (merged)', 'customers'],
	[
		'customers: csv-parse alone',
		'customers: mapping, in a process like a fresh n8n',
		'customers in a process like a fresh n8n',
	],
	[
		'orders half a file apart: csv-parse alone',
		'orders half a file apart: mapping into orders',
		'orders half a file apart',
	],
];

function table(measurements: Measurement[]): string {
	const header = ['reader', 'rows', 'seconds', 'rows/s', 'peak RSS growth (MB)'];
	const lines = measurements.map((m) => [
		m.reader,
		m.rows.toLocaleString('en-GB'),
		m.seconds.toFixed(2),
		Math.round(m.rows / m.seconds).toLocaleString('en-GB'),
		m.peakGrowthMb.toFixed(1),
	]);
	const widths = header.map((title, column) =>
		Math.max(title.length, ...lines.map((line) => line[column].length)),
	);
	const format = (cells: string[]) =>
		cells
			.map((cell, column) =>
				column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
			)
			.join('  ');
	return [
		format(header),
		widths.map((width) => '-'.repeat(width)).join('  '),
		...lines.map(format),
	].join('\n');
}

async function main(): Promise<void> {
	const rows = Number(process.env.ROWS ?? 1_000_000);
	if (!Number.isInteger(rows) || rows <= 0)
		throw new Error(`ROWS must be a positive whole number, got "${process.env.ROWS}"`);

	const folder = await mkdtemp(join(tmpdir(), 'pos-sync-bench-'));
	const only = process.env.READERS ? new RegExp(process.env.READERS) : undefined;
	const readers = Object.entries(READERS).filter(([name]) => !only || only.test(name));
	const files = new Map<FileKind, string>();
	try {
		for (const kind of new Set(readers.map(([, reader]) => reader.file))) {
			const path = join(folder, `${kind}-${rows}.csv`);
			process.stdout.write(`Writing ${rows.toLocaleString('en-GB')} rows to ${path} … `);
			await FILES[kind](path, rows);
			console.log(`${(statSync(path).size / MB).toFixed(1)} MB`);
			files.set(kind, path);
		}
		console.log(`Node ${process.version}; each reader in its own process\n`);

		const measurements: Measurement[] = [];
		for (const [name, reader] of readers)
			measurements.push(await measureInChild(name, files.get(reader.file)!));
		console.log(table(measurements));
		console.log('');
		for (const [raw, mapped, file] of RATIOS) {
			const [rawRun, mappedRun] = [raw, mapped].map((name) =>
				measurements.find((m) => m.reader === name),
			);
			if (rawRun && mappedRun)
				console.log(
					`Mapping ${file} runs at ${((rawRun.seconds / mappedRun.seconds) * 100).toFixed(0)}% of csv-parse's speed on the same file.`,
				);
		}
		if (measurements.some((m) => m.rows !== rows))
			throw new Error(`expected ${rows} rows from each reader`);
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
