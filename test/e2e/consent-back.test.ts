/**
 * Dotdigital Consent Changes in a real n8n 2.41.1 server against the fake Dotdigital: unsubscribes and
 * suppressions made in Dotdigital come out in the next run's file for the till exactly once, and each
 * file has its line in the sync ledger.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import * as XLSX from 'xlsx';

import { ledgerLines, SyncStateStore } from '../../lib/state';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { nodeOutput, startServer, type E2eServer } from './harness';

let server: E2eServer;
let dotdigital: FakeDotdigital;

beforeAll(async () => {
	dotdigital = await startFakeDotdigital({ importMs: 50 });
	server = await startServer();
});

afterAll(async () => {
	await server?.stop();
	await dotdigital?.stop();
});

async function setStatus(email: string, status: 'subscribed' | 'unsubscribed' | 'suppressed') {
	const response = await fetch(
		`${dotdigital.regionUrl('r1')}/contacts/v3/email/${encodeURIComponent(email)}`,
		{
			method: 'PATCH',
			headers: {
				authorization: `Basic ${Buffer.from(`${dotdigital.user}:${dotdigital.password}`).toString('base64')}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({ channelProperties: { email: { status } } }),
		},
	);
	expect(response.status).toBeLessThan(300);
}

test("unsubscribes and suppressions made in Dotdigital come out in the next run's file exactly once, each file with its ledger line", async () => {
	const folder = join(server.files, 'pos', 'consent');
	const credential = await server.instance.createCredential('Dotdigital (fake)', 'dotdigitalApi', {
		user: dotdigital.user,
		password: dotdigital.password,
		region: 'auto',
		baseUrl: dotdigital.regionUrl('r1'),
	});
	const id = await server.instance.createWorkflow({
		name: 'Unsubscribes back to the till',
		nodes: [
			{
				name: 'Run',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				name: 'Consent',
				type: 'n8n-nodes-pos-sync.dotdigitalConsentChanges',
				typeVersion: 1,
				position: [300, 0],
				parameters: {
					folder,
					fileName: '=unsubscribes-{{ $execution.id }}.csv',
					columns: { email: 'EMAIL', mobile_number: '', contact_id: '', changed_at: '' },
					unsubscribedWord: 'N',
					suppressedWord: 'N',
				},
				credentials: { dotdigitalApi: credential },
			},
		],
		connections: { Run: { main: [[{ node: 'Consent', type: 'main', index: 0 }]] } },
	});
	const run = async () =>
		nodeOutput(await server.instance.runManually(id, 'Run'), 'Consent')[0].json;
	const file = (summary: any) => readFileSync(summary.file, 'utf8').split('\r\n').filter(Boolean);

	for (const email of ['ann@example.com', 'bob@example.com', 'cat@example.com'])
		await setStatus(email, 'subscribed');
	await setStatus('bob@example.com', 'unsubscribed');
	await setStatus('cat@example.com', 'suppressed');
	const first = await run();
	expect(first).toMatchObject({ contacts: 2, unsubscribed: 1, suppressed: 1 });
	expect(file(first).sort()).toEqual(
		['EMAIL,Status', 'bob@example.com,N', 'cat@example.com,N'].sort(),
	);

	const quiet = await run();
	expect(quiet).toMatchObject({ contacts: 0, file: null });

	await setStatus('ann@example.com', 'unsubscribed');
	const third = await run();
	expect(file(third)).toEqual(['EMAIL,Status', 'ann@example.com,N']);
	expect(
		readdirSync(folder)
			.filter((name) => !name.startsWith('.'))
			.sort(),
	).toEqual([first.file, third.file].map((path: string) => path.split('/').pop()).sort());
	expect(existsSync(quiet.file ?? '/nonexistent')).toBe(false);

	const store = SyncStateStore.open(
		join(server.instance.userFolder, '.n8n', 'pos-sync', 'pos-sync-state.sqlite'),
	);
	try {
		const lines = ledgerLines(
			await store.ledgerSteps(new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000)),
			'UTC',
		);
		expect(
			lines.map((line) => [
				line.file,
				line.feed,
				line.sent_as,
				line.records,
				line.accepted,
				line.balanced,
			]),
		).toEqual([
			[
				first.file.split('/').pop(),
				'unsubscribes back to the till',
				'lines in the till file',
				2,
				2,
				true,
			],
			[
				third.file.split('/').pop(),
				'unsubscribes back to the till',
				'lines in the till file',
				1,
				1,
				true,
			],
		]);
	} finally {
		await store.close();
	}
}, 180_000);

test("at version 2 the file follows the Consent File sheet of the shop's mapping workbook, and a layout that does not fit stops before Dotdigital is read", async () => {
	const folder = join(server.files, 'pos', 'consent-v2');
	const workbookPath = join(server.files, 'pos', 'mapping', 'consent-mapping.xlsx');
	mkdirSync(dirname(workbookPath), { recursive: true });
	const saveWorkbook = (fields: string[][]) => {
		const book = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(
			book,
			XLSX.utils.aoa_to_sheet([
				['Column heading', 'Comes from', 'Fixed value', 'Value map'],
				...fields,
			]),
			'Consent File',
		);
		XLSX.utils.book_append_sheet(
			book,
			XLSX.utils.aoa_to_sheet([
				['Map', 'From', 'To'],
				['Opt in', 'unsubscribed', 'N'],
				['Opt in', 'suppressed', 'N'],
			]),
			'Value Maps',
		);
		writeFileSync(workbookPath, XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
	};
	const credential = await server.instance.createCredential(
		'Dotdigital (fake v2)',
		'dotdigitalApi',
		{
			user: dotdigital.user,
			password: dotdigital.password,
			region: 'auto',
			baseUrl: dotdigital.regionUrl('r1'),
		},
	);
	const id = await server.instance.createWorkflow({
		name: 'Unsubscribes back to the till (workbook)',
		nodes: [
			{
				name: 'Run',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				name: 'Consent',
				type: 'n8n-nodes-pos-sync.dotdigitalConsentChanges',
				typeVersion: 2,
				position: [300, 0],
				parameters: {
					folder,
					fileName: '=unsubscribes-{{ $execution.id }}.csv',
					layout: 'workbook',
					mappingWorkbook: workbookPath,
				},
				credentials: { dotdigitalApi: credential },
			},
		],
		connections: { Run: { main: [[{ node: 'Consent', type: 'main', index: 0 }]] } },
	});

	saveWorkbook([['Postcode', 'Postcode', '', '']]);
	const callsBefore = dotdigital.calls().length;
	const refused = await server.instance.runManually(id, 'Run');
	expect(refused.data?.resultData?.error?.message).toContain(
		'Consent File sheet, row 2, column "Comes from": unknown field "Postcode"',
	);
	expect(refused.data?.resultData?.error?.description).toContain('Owner: mapping.');
	expect(dotdigital.calls().length).toBe(callsBefore);
	expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);

	saveWorkbook([
		['E-MAIL', 'Email', '', ''],
		['OPT_IN', 'Status', '', 'Opt in'],
		['SOURCE', '', 'Dotdigital', ''],
	]);
	await setStatus('dan@example.com', 'subscribed');
	await setStatus('dan@example.com', 'unsubscribed');
	const summary = nodeOutput(await server.instance.runManually(id, 'Run'), 'Consent')[0].json;
	const lines = readFileSync(summary.file, 'utf8').split('\r\n').filter(Boolean);
	expect(lines[0]).toBe('E-MAIL,OPT_IN,SOURCE');
	expect(lines).toContain('dan@example.com,N,Dotdigital');
}, 180_000);
