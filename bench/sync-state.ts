/**
 * "Only send records that changed" at scale: the same CUSTOMERS-customer export (default 1,000,000)
 * through Dotdigital Upsert three times, inside n8n's engine against the fake Dotdigital in a process
 * of its own: into an empty account, then unchanged, then with 1% of the customers changed.
 *
 *   npm run bench sync-state      (or: CUSTOMERS=100000 node --expose-gc .build/bench/sync-state.js)
 *
 * Prints each run's wall time, API calls and peak RSS growth. The target: the unchanged run makes no
 * contact import at all, and the 1% run sends only the changed customers.
 */
import type { INodeParameters } from 'n8n-workflow';

import { measure, runBench, startFake, type RecordSet } from './lib/dotdigital-bench';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const IMPORT_MS = Number(process.env.IMPORT_MS ?? 2000);
const CHANGED_EVERY = 100;

function customers(changed: boolean): RecordSet {
	return {
		count: CUSTOMERS,
		make: (index) => ({
			customer_id: `C${1_000_000 + index}`,
			email: `shopper${index}@example.com`,
			first_name: ['Jo', 'Sam', 'Alex', 'Kim', 'Pat'][index % 5],
			last_name: `Shopper${index}`,
			postcode: changed && index % CHANGED_EVERY === 0 ? `NEW${index % 90} 1ZZ` : `NG${index % 90} ${index % 9}AB`,
			store_code: `S${index % 40}`,
			marketing_opt_in: true,
			_source: { file: 'customers.csv', lines: [index + 2] },
		}),
	};
}

async function main(): Promise<void> {
	const { fake, stop } = await startFake(IMPORT_MS);
	process.stdout.write(`Fake Dotdigital at ${fake.rootUrl}; an import finishes ${IMPORT_MS} ms after it is accepted; ${CUSTOMERS.toLocaleString('en-GB')} customers.\n`);
	try {
		const parameters: INodeParameters = { resource: 'contact', operation: 'upsert', mode: 'bulk', onlyChanged: true };
		const first = await measure(fake, 'Run 1: the export into an empty account', customers(false), parameters);
		const same = await measure(fake, 'Run 2: the same export again', customers(false), parameters);
		const changed = await measure(fake, `Run 3: the export with 1% of customers changed (${(CUSTOMERS / CHANGED_EVERY).toLocaleString('en-GB')})`, customers(true), parameters);
		process.stdout.write(
			`\nContact imports: run 1 ${first.contactImports}, run 2 ${same.contactImports}, run 3 ${changed.contactImports}. ` +
				`Records sent in run 3: ${changed.summary.done} of ${changed.summary.records} (${changed.summary.unchanged} unchanged).\n`,
		);
	} finally {
		await stop();
	}
}

runBench(main);
