/**
 * Template 09 in a real n8n 2.41.1: a new shop's first export dropped into pos/new-shop becomes,
 * through Mapping Apply's Suggest Mapping, the shop's mapping workbook; the customers template
 * then maps and sends the shop's customer export with that workbook as it was written.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import * as XLSX from 'xlsx';

import { readMappingWorkbook } from '../../lib/mapping';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { startFakeStore, type FakeStore } from '../fakes/store';
import { writeFileAged } from '../helpers/files';
import { nodeOutput, startServer, type E2eServer } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setUpDemoShop } =
	require('./harness/sandbox.cjs') as typeof import('./harness/sandbox.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const demoShop =
	require('../fixtures/demo-shop/index.cjs') as typeof import('../fixtures/demo-shop/index.cjs');

let server: E2eServer;
let dotdigital: FakeDotdigital;
let khaos: FakeKhaos;
let store: FakeStore;
let shop: Awaited<ReturnType<typeof setUpDemoShop>>;

const pos = (...parts: string[]) => join(server.files, 'pos', ...parts);
const workflowId = (prefix: string) =>
	shop.workflows.find((workflow) => workflow.file.startsWith(prefix))!.id;

beforeAll(async () => {
	[dotdigital, khaos, store] = await Promise.all([
		startFakeDotdigital({ importMs: 300 }),
		startFakeKhaos(),
		startFakeStore(),
	]);
	server = await startServer({ GENERIC_TIMEZONE: 'Europe/London' });
	shop = await setUpDemoShop(server.instance, {
		filesRoot: server.files,
		fakes: { dotdigital, khaos, store },
		checkEverySeconds: 1,
		settleSeconds: 1,
	});
	// A new shop has no mapping workbook yet.
	rmSync(pos('mapping', 'shop-mapping.xlsx'));
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await Promise.all([dotdigital?.stop(), khaos?.stop(), store?.stop()]);
});

function expectSuccess(execution: any) {
	const error = execution.data?.resultData?.error;
	const failure = {
		node: execution.data?.resultData?.lastNodeExecuted,
		error: error?.message,
		description: error?.description,
	};
	expect(
		execution.status === 'success' ? 'success' : `${execution.status}: ${JSON.stringify(failure)}`,
	).toBe('success');
}

describe('New shop: suggest and check a mapping', () => {
	it('the first export becomes the shop’s mapping workbook, with the feed, settings, confidence, why and a preview', async () => {
		writeFileAged(
			pos('new-shop', 'Customers_2026-11-21.csv'),
			readFileSync(demoShop.demoExport('customers')),
			5,
		);
		const [execution] = await server.instance.waitForExecutions(workflowId('09-'), 1, {
			timeoutMs: 300_000,
		});
		expectSuccess(execution);
		const [suggested] = nodeOutput(execution, 'Suggest a mapping');
		expect(suggested.json).toMatchObject({
			file: 'Customers_2026-11-21.csv',
			feed: 'customer',
			workbook: 'shop-mapping.xlsx',
			faults: [],
		});
		expect(suggested.json.fields).toContainEqual(
			expect.objectContaining({
				field: 'email',
				source: 'Email',
				why: expect.stringContaining('values are emails'),
			}),
		);
		expect(suggested.json.fields).toContainEqual(
			expect.objectContaining({
				field: 'created_at',
				source: 'Date Joined',
				format: 'd/M/yyyy',
				dateReading: 'day first',
			}),
		);
		expect(suggested.json.preview.summary).toMatchObject({
			rows_read: 40,
			records: 39,
			rejected: 1,
			balanced: true,
		});
		expect(suggested.json.preview.records[0]).toMatchObject({
			customer_id: 'C10001',
			email: 'amelia.smith@example.co.uk',
			marketing_opt_in: true,
		});

		expect(existsSync(pos('mapping', 'shop-mapping.xlsx'))).toBe(true);
		const workbook = readFileSync(pos('mapping', 'shop-mapping.xlsx'));
		expect(XLSX.read(workbook).SheetNames).toContain('Suggestion');
		const mapping = await readMappingWorkbook(workbook, 'shop-mapping.xlsx', 'customer');
		expect(Object.fromEntries(mapping.fields.map((field) => [field.target, field.source]))).toEqual(
			{
				customer_id: 'Customer No',
				email: 'Email',
				mobile: 'Mobile',
				first_name: 'First Name',
				last_name: 'Surname',
				title: 'Title',
				postcode: 'Postcode',
				store_code: 'Home Store',
				marketing_opt_in: 'Email Opt In',
				created_at: 'Date Joined',
			},
		);
	}, 600_000);

	it('the customers template then uses that workbook unchanged: contacts with the opt-in respected, every row reported', async () => {
		writeFileAged(
			pos('customers', 'Customers_2026-11-21.csv'),
			readFileSync(demoShop.demoExport('customers')),
			5,
		);
		const [execution] = await server.instance.waitForExecutions(workflowId('01-'), 1, {
			timeoutMs: 300_000,
		});
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Map the rows', 2)[0].json).toMatchObject({
			rows_read: 40,
			records: 39,
			rejected: 1,
			balanced: true,
			mapping: 'the mapping workbook "shop-mapping.xlsx"',
		});
		expect(nodeOutput(execution, 'Send to Dotdigital', 2)[0].json).toMatchObject({
			records: 39,
			done: 37,
			failed: 2,
			created: 37,
			balanced: true,
		});
		expect(dotdigital.contact('email', 'amelia.smith@example.co.uk')).toMatchObject({
			status: 'subscribed',
			dataFields: expect.objectContaining({
				FIRSTNAME: 'Amelia',
				LASTNAME: 'Smith',
				POSTCODE: 'SE1 9SG',
			}),
		});
		expect(dotdigital.contact('email', 'oliver.jones@example.co.uk')?.status).toBe('unsubscribed');
	}, 600_000);
});
