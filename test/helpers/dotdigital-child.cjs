/**
 * One Dotdigital Upsert of contacts in a process of its own, so that a test can SIGKILL it at any
 * call and then run the replay: reads its job from the JSON file named on the command line, uses
 * the SQLite state file named there, writes the ledger as Dotdigital Upsert does (in flight before
 * the first call, the counts after the last), and prints the results as JSON.
 */
require('./ts-register.cjs');
const { readFileSync } = require('node:fs');
const { DotdigitalSync, DotdigitalTransport } = require('../../lib/dotdigital');
const { inFlightNode, sendingCountsByFile, SyncStateStore } = require('../../lib/state');

async function main() {
	const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
	const transport = new DotdigitalTransport(
		{ user: job.user, password: job.password, region: 'r1', baseUrl: job.baseUrl },
		{ retry: { attempts: 3, baseMs: 1, maxMs: 5 } },
	);
	const store = SyncStateStore.open(job.statePath);
	try {
		const sync = new DotdigitalSync(transport, {
			registry: store,
			contactBatchSize: job.batchSize,
			contactConcurrency: 2,
			poll: { firstMs: 10, maxMs: 40 },
			...(job.onlyChanged ? { delta: { store, scope: transport.account } } : {}),
		});
		const step = (node, counts) => ({
			executionId: job.executionId,
			workflow: 'crash test',
			node,
			file: job.file,
			recordedAt: new Date().toISOString(),
			counts,
		});
		await store.recordLedgerSteps([
			step(inFlightNode('Dotdigital'), {
				step: 'inFlight',
				resource: 'contact',
				records: job.records.length,
			}),
		]);
		const results = await sync.upsertContacts(job.records, job.settings);
		const records = job.records.map((record) => ({
			...record,
			_source: { file: job.file, lines: [2] },
		}));
		await store.recordLedgerSteps([
			step('Dotdigital', sendingCountsByFile('contact', records, results, '(none)').get(job.file)),
		]);
		process.stdout.write(JSON.stringify(results));
	} finally {
		await store.close();
	}
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
