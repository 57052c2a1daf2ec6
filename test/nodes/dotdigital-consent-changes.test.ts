/**
 * Dotdigital Consent Changes inside n8n's engine against the fake Dotdigital: the file for the till
 * in the layout the mapping workbook's Consent File sheet sets (headings, status words, the Settings
 * sheet's delimiter), a sheet that does not fit stopping the run before Dotdigital is asked anything,
 * and two executions at once writing each change once.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';
import * as XLSX from 'xlsx';

import { DotdigitalApi } from '../../credentials/DotdigitalApi.credentials';
import { DotdigitalConsentChanges } from '../../nodes/DotdigitalConsentChanges/DotdigitalConsentChanges.node';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { errorOf, FILES_FOLDER, outputOf, runWorkflow } from './harness/engine';

jest.setTimeout(60_000);

const NODE = 'Dotdigital Consent Changes';
let fake: FakeDotdigital;
let shop: string;

beforeAll(async () => {
	fake = await startFakeDotdigital({ importMs: 20 });
});

afterAll(async () => {
	await fake.stop();
});

// The fake numbers contacts from 1 again after a reset: a sync state of its own per test, so no test
// finds its contacts already written under another test's ids.
beforeEach(() => {
	fake.reset();
	process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-state-'));
	shop = mkdtempSync(join(FILES_FOLDER, 'shop-'));
	mkdirSync(join(shop, 'mapping'));
});

const HEADER = [
	'Column heading',
	'Comes from',
	'Fixed value',
	'Value map',
	'Not in the map',
	'Date format',
];

function writeWorkbook(consentRows: string[][]): string {
	const book = XLSX.utils.book_new();
	const sheet = (grid: string[][], name: string) =>
		XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(grid), name);
	sheet(
		[
			['Setting', 'Value'],
			['Delimiter', 'Semicolon'],
		],
		'Settings',
	);
	sheet(
		[
			['Map', 'From', 'To'],
			['Opt out', 'unsubscribed', 'N'],
			['Opt out', 'suppressed', 'X'],
		],
		'Value Maps',
	);
	sheet([HEADER, ...consentRows], 'Consent File');
	const path = join(shop, 'mapping', 'shop-mapping.xlsx');
	writeFileSync(path, XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
	return path;
}

function optedOut(email: string, status: 'unsubscribed' | 'suppressed') {
	fake.addContact({
		identifiers: { email },
		status,
		channelProperties: { email: { status, emailType: 'Html', optInType: 'Single' } },
	});
}

function run(parameters: INodeParameters) {
	return runWorkflow({
		nodes: [
			{ name: 'Input', type: 'testInput', parameters: { items: JSON.stringify([{ json: {} }]) } },
			{
				name: NODE,
				type: 'n8n-nodes-pos-sync.dotdigitalConsentChanges',
				typeVersion: 2,
				parameters: { folder: join(shop, 'till'), ...parameters },
				credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
			},
		],
		connections: { Input: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		nodeTypes: { dotdigitalConsentChanges: new DotdigitalConsentChanges() },
		credentialTypes: { dotdigitalApi: new DotdigitalApi() },
		credentials: {
			dotdigitalApi: {
				user: fake.user,
				password: fake.password,
				region: 'auto',
				baseUrl: fake.regionUrl('r1'),
			},
		},
	});
}

/** The till's files and what each holds, sorted by name. */
function tillFiles(): Record<string, string> {
	const folder = join(shop, 'till');
	return Object.fromEntries(
		readdirSync(folder)
			.sort()
			.map((name) => [name, readFileSync(join(folder, name), 'utf8')]),
	);
}

it("writes the file in the workbook's layout: its headings, its status words and the Settings sheet's delimiter", async () => {
	const workbook = writeWorkbook([
		['E-mail address', 'Email', '', '', '', ''],
		['Opted in', 'Status', '', 'Opt out', '', ''],
		['Source', '', 'Web; email', '', '', ''],
	]);
	optedOut('ann@example.com', 'unsubscribed');
	optedOut('bob@example.com', 'suppressed');
	fake.addContact({ identifiers: { email: 'cat@example.com' }, status: 'subscribed' });

	const first = outputOf(
		await run({ mappingWorkbook: workbook, fileName: 'opt-outs.csv' }),
		NODE,
	)[0].json;
	expect(first).toMatchObject({ contacts: 2, unsubscribed: 1, suppressed: 1 });
	const written = tillFiles()['opt-outs.csv'];
	const [heading, ...lines] = written.trimEnd().split('\r\n');
	expect(heading).toBe('E-mail address;Opted in;Source');
	expect(lines.sort()).toEqual([
		'ann@example.com;N;"Web; email"',
		'bob@example.com;X;"Web; email"',
	]);

	const second = outputOf(await run({ mappingWorkbook: workbook, fileName: 'again.csv' }), NODE)[0]
		.json;
	expect(second).toMatchObject({ contacts: 0, file: null });
	expect(Object.keys(tillFiles())).toEqual(['opt-outs.csv']);
});

it('a Consent File sheet naming an unknown field stops the run before Dotdigital is asked anything, for the mapping to fix', async () => {
	const workbook = writeWorkbook([
		['E-mail address', 'Email', '', '', '', ''],
		['Loyalty card', 'Loyalty number', '', '', '', ''],
	]);
	optedOut('ann@example.com', 'unsubscribed');
	fake.resetCalls();

	const error = errorOf(await run({ mappingWorkbook: workbook }), NODE);
	expect(error.message).toContain(
		'Consent File sheet, row 3, column "Comes from": unknown field "Loyalty number"',
	);
	expect(error.description).toMatch(/^Owner: mapping\./);
	expect(error.description).toContain('nothing was read from Dotdigital or written');
	expect(fake.calls()).toEqual([]);
	expect(readdirSync(shop)).toEqual(['mapping']);
});

it('two executions at once for the same account and folder write each change once', async () => {
	const workbook = writeWorkbook([
		['Email', 'Email', '', '', '', ''],
		['Status', 'Status', '', 'Opt out', '', ''],
	]);
	const expected: string[] = [];
	for (let n = 1; n <= 6; n++) {
		const status = n % 2 ? 'unsubscribed' : 'suppressed';
		optedOut(`p${n}@example.com`, status);
		expected.push(`p${n}@example.com;${n % 2 ? 'N' : 'X'}`);
	}
	const runs = await Promise.all(
		[1, 2].map(() => run({ mappingWorkbook: workbook, fileName: 'together.csv' })),
	);
	const counts = runs.map((result) => outputOf(result, NODE)[0].json.contacts).sort();
	expect(counts).toEqual([0, 6]);
	const files = tillFiles();
	expect(Object.keys(files)).toEqual(['together.csv']);
	expect(files['together.csv'].trimEnd().split('\r\n').slice(1).sort()).toEqual(expected.sort());
});
