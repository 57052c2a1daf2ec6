/**
 * "Only send records that changed" at scale, on each backend of the sync state: the same
 * CUSTOMERS-customer export (default 1,000,000) through Dotdigital Upsert three times, inside n8n's
 * engine against the fake Dotdigital in a process of its own: into an empty account, then unchanged,
 * then with 1% of the customers changed. Once with the state in a SQLite file (one n8n process), once
 * in a real Postgres server started for the bench (queue mode), each against a fresh fake.
 *
 *   npm run bench sync-state      (or: CUSTOMERS=100000 STATE_BACKENDS=postgres node --expose-gc .build/bench/sync-state.js)
 *
 * Prints each run's wall time, API calls and peak RSS growth, and Postgres against SQLite per run.
 * The target: the unchanged run makes no contact import at all, and the 1% run sends only the
 * changed customers, on both backends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import {
	measure,
	runBench,
	startFake,
	type Measured,
	type RecordSet,
} from './lib/dotdigital-bench';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPostgres } = require(
	join(__dirname, '..', '..', 'test', 'e2e', 'harness', 'services.cjs'),
) as { startPostgres: () => Promise<{ url: () => string; stop: () => Promise<void> }> };

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const IMPORT_MS = Number(process.env.IMPORT_MS ?? 2000);
const CHANGED_EVERY = 100;
const BACKENDS = (process.env.STATE_BACKENDS ?? 'sqlite,postgres')
	.split(',')
	.map((name) => name.trim()) as Array<'sqlite' | 'postgres'>;

function customers(changed: boolean): RecordSet {
	return {
		count: CUSTOMERS,
		make: (index) => ({
			customer_id: `C${1_000_000 + index}`,
			email: `shopper${index}@example.com`,
			first_name: ['Jo', 'Sam', 'Alex', 'Kim', 'Pat'][index % 5],
			last_name: `Shopper${index}`,
			postcode:
				changed && index % CHANGED_EVERY === 0
					? `NEW${index % 90} 1ZZ`
					: `NG${index % 90} ${index % 9}AB`,
			store_code: `S${index % 40}`,
			marketing_opt_in: true,
			_source: { file: 'customers.csv', lines: [index + 2] },
		}),
	};
}

async function runs(backend: string): Promise<Measured[]> {
	const { fake, stop } = await startFake(IMPORT_MS);
	process.stdout.write(
		`\n--- State in ${backend} ---\nFake Dotdigital at ${fake.rootUrl}; an import finishes ${IMPORT_MS} ms after it is accepted; ${CUSTOMERS.toLocaleString('en-GB')} customers.\n`,
	);
	try {
		const parameters: INodeParameters = {
			resource: 'contact',
			operation: 'upsert',
			mode: 'bulk',
			onlyChanged: true,
		};
		const first = await measure(
			fake,
			`Run 1 (${backend}): the export into an empty account`,
			customers(false),
			parameters,
		);
		const same = await measure(
			fake,
			`Run 2 (${backend}): the same export again`,
			customers(false),
			parameters,
		);
		const changed = await measure(
			fake,
			`Run 3 (${backend}): the export with 1% of customers changed (${(CUSTOMERS / CHANGED_EVERY).toLocaleString('en-GB')})`,
			customers(true),
			parameters,
		);
		process.stdout.write(
			`\nContact imports: run 1 ${first.contactImports}, run 2 ${same.contactImports}, run 3 ${changed.contactImports}. ` +
				`Records sent in run 3: ${changed.summary.done} of ${changed.summary.records} (${changed.summary.unchanged} unchanged).\n`,
		);
		return [first, same, changed];
	} finally {
		await stop();
	}
}

async function main(): Promise<void> {
	const results = new Map<string, Measured[]>();
	for (const backend of BACKENDS) {
		if (backend === 'postgres') {
			const postgres = await startPostgres();
			process.env.POS_SYNC_STATE_POSTGRES_URL = postgres.url();
			try {
				results.set(backend, await runs(backend));
			} finally {
				delete process.env.POS_SYNC_STATE_POSTGRES_URL;
				await postgres.stop();
			}
		} else {
			process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-bench-state-'));
			results.set(backend, await runs(backend));
		}
	}
	const sqlite = results.get('sqlite');
	const postgres = results.get('postgres');
	if (!sqlite || !postgres) return;
	process.stdout.write(
		`\nPostgres against SQLite, ${CUSTOMERS.toLocaleString('en-GB')} customers (wall time of the whole Dotdigital Upsert run):\n`,
	);
	['new', 'unchanged', '1% changed'].forEach((label, run) => {
		process.stdout.write(
			`  ${label.padEnd(11)} SQLite ${sqlite[run].seconds.toFixed(1)} s, Postgres ${postgres[run].seconds.toFixed(1)} s: ×${(postgres[run].seconds / sqlite[run].seconds).toFixed(2)}\n`,
		);
	});
}

runBench(main);
