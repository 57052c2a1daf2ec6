/**
 * One run of consent back to the till in a process of its own, so that a test can SIGKILL it between
 * the steps of its write: settles, lists and writes as the node does, printing each step's name once
 * it is done and, at the job's `killAt`, waiting there to be killed.
 */
require('./ts-register.cjs');
const { readFileSync } = require('node:fs');
const { DotdigitalTransport } = require('../../lib/dotdigital');
const { listConsentChanges } = require('../../lib/dotdigital/consent-back');
const { settleConsentWrite, writeConsentChanges } = require('../../lib/dotdigital/consent-write');
const { SyncStateStore } = require('../../lib/state');

async function main() {
	const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
	const transport = new DotdigitalTransport(
		{ user: job.user, password: job.password, region: 'r1', baseUrl: job.baseUrl },
		{ retry: { attempts: 3, baseMs: 1, maxMs: 5 } },
	);
	const state = SyncStateStore.open(job.statePath);
	const store = {
		cursor: (scope) => state.contactsListedUntil(scope),
		alreadyWritten: (scope, entries) => state.unchanged(scope, entries),
		commit: async (scope, seen, cursor) => {
			await state.commitFingerprints(scope, seen);
			await state.setContactsListedUntil(scope, cursor);
		},
	};
	try {
		await settleConsentWrite(job.folder, store, job.scope);
		const listing = await listConsentChanges(transport, store, job.scope);
		await writeConsentChanges(
			job.folder,
			job.name,
			listing,
			job.format,
			store,
			job.scope,
			(step) => {
				process.stdout.write(`${step}\n`);
				if (step === job.killAt) return new Promise(() => setInterval(() => undefined, 1000));
			},
		);
	} finally {
		await state.close();
	}
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
