/**
 * One run of consent back to the till in a process of its own, so that a test can SIGKILL it between
 * the steps of its write or run two at once: takes the folder's lock, settles, lists and writes as the
 * node does, printing each step's name once it is done and, at the job's `killAt`, waiting there to be
 * killed. With `startOnGo` it waits for a line on stdin before taking the lock. A run that finds the folder locked past the job's `lock.waitMs` prints "busy".
 */
require('./ts-register.cjs');
const { readFileSync } = require('node:fs');
const { DotdigitalTransport } = require('../../lib/dotdigital');
const { listConsentChanges } = require('../../lib/dotdigital/consent-back');
const {
	lockConsentFolder,
	settleConsentWrite,
	writeConsentChanges,
} = require('../../lib/dotdigital/consent-write');
const { FolderBusyError } = require('../../lib/files/folder-lock');
const { SyncStateStore } = require('../../lib/state');

async function main() {
	if (process.argv[2] === '--load-only') return; // warms ts-register's cache
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
	const hold = () => new Promise(() => setInterval(() => undefined, 1000));
	if (job.startOnGo) {
		// Loaded and connected: two children told "go" together take the lock at the same moment.
		process.stdout.write('ready\n');
		await new Promise((resolve) => process.stdin.on('data', resolve));
	}
	let lock;
	try {
		lock = await lockConsentFolder(job.folder, job.scope, job.lock);
	} catch (error) {
		await state.close();
		if (!(error instanceof FolderBusyError)) throw error;
		process.stdout.write('busy\n');
		return;
	}
	process.stdout.write('locked\n');
	if (job.killAt === 'locked') await hold();
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
				if (step === job.killAt) return hold();
			},
		);
	} finally {
		await lock.release();
		await state.close();
	}
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
