/**
 * The pickers and handles a consultant uses in the n8n editor, in a real browser: Dotdigital Upsert's
 * lists, several at once, and its data fields; Khaos Order's sales sources and sites and Khaos
 * Product's site, each loaded from the fake account the credential names; POS File Trigger's two
 * outputs drawn as two handles, the second one connectable. Each is checked in the saved workflow.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import {
	ARTIFACTS,
	openPickerList,
	pickFromList,
	saveAndRead,
	startEditor,
	type Editor,
} from './harness/editor';

const PKG = 'n8n-nodes-pos-sync';

let editor: Editor;

beforeAll(async () => {
	editor = await startEditor();
}, 240_000);

afterAll(async () => {
	await editor?.stop();
});

/** A workflow of these nodes, saved through n8n's API and opened in the editor. */
async function openNewWorkflow(name: string, nodes: Array<Record<string, unknown>>) {
	const id = await editor.server.instance.createWorkflow({
		name,
		nodes: nodes.map((node) => ({ id: randomUUID(), typeVersion: 1, ...node })),
		connections: {},
	});
	await editor.page.goto(`${editor.server.instance.baseUrl}/workflow/${id}`);
	await editor.page.waitForFunction(
		`document.querySelectorAll('[data-test-id=canvas-node]').length === ${nodes.length}`,
		undefined,
		{ timeout: 30_000 },
	);
	return id;
}

async function openNode(name: string) {
	await editor.page.locator(`[data-test-id=canvas-node][data-node-name="${name}"]`).dblclick();
}

async function closeNode() {
	const { page } = editor;
	await page.keyboard.press('Escape');
	const close = page.locator('[data-test-id=ndv-close-button]').filter({ visible: true });
	if ((await close.count()) > 0) await close.first().click();
}

const listMode = { __rl: true, mode: 'list', value: '' };
const parametersOf = (workflow: any, name: string) =>
	workflow.nodes.find((node: { name: string }) => node.name === name)?.parameters;

describe('pickers and handles in the editor', () => {
	it('lists every list of the account in Add to Lists, and stores the IDs of the two picked', async () => {
		const { dotdigital, page, shop } = editor;
		const login = `Basic ${Buffer.from(`${dotdigital.user}:${dotdigital.password}`).toString('base64')}`;
		// More lists than one page of GET /v2/address-books holds (1,000): the last one is on the second page.
		const added = [
			...Array.from({ length: 999 }, (_, i) => `Store list ${String(i + 1).padStart(3, '0')}`),
			'Spring sale',
		];
		let springSaleId = 0;
		for (const name of added) {
			const created = await fetch(`${dotdigital.regionUrl('r1')}/v2/address-books`, {
				method: 'POST',
				headers: { Authorization: login, 'content-type': 'application/json' },
				body: JSON.stringify({ name }),
			});
			expect(created.status).toBe(200);
			springSaleId = ((await created.json()) as { id: number }).id;
		}
		expect(springSaleId).toBeGreaterThan(1000);

		const id = await openNewWorkflow('Add to Lists', [
			{
				name: 'Send to Dotdigital',
				type: `${PKG}.dotdigitalUpsert`,
				position: [0, 0],
				parameters: { resource: 'contact', operation: 'upsert' },
				credentials: { dotdigitalApi: shop.credentials.dotdigitalApi },
			},
		]);
		await openNode('Send to Dotdigital');
		const lists = page.locator('[data-test-id=parameter-input-lists]');
		await lists.waitFor({ timeout: 15_000 });
		// n8n holds the select disabled while it loads the lists.
		await lists.locator('.el-select .el-input:not(.is-disabled)').waitFor({ timeout: 15_000 });
		await lists.locator('.el-select').click();
		const items = page.locator('.el-select-dropdown__item').filter({ visible: true });
		await items.first().waitFor({ timeout: 15_000 });
		const listed = (await items.allInnerTexts()).map((text) => text.split('\n')[0].trim());
		const expected = ['Newsletter', 'POS customers', 'Welcome', ...added].sort((a, b) =>
			a.localeCompare(b),
		);
		expect(listed).toEqual(expected);
		await items.nth(listed.indexOf('Welcome')).click();
		await items.nth(listed.indexOf('Spring sale')).click();
		await page.screenshot({ path: join(ARTIFACTS, 'lists-picker.png') });
		await page.keyboard.press('Escape');
		expect((await lists.locator('.el-tag').allInnerTexts()).map((text) => text.trim())).toEqual([
			'Welcome',
			'Spring sale',
		]);
		await closeNode();

		const saved = await saveAndRead(
			editor,
			id,
			(workflow) =>
				((parametersOf(workflow, 'Send to Dotdigital')?.lists ?? []) as unknown[])
					.map(String)
					.sort(),
			['3', String(springSaleId)].sort(),
		);
		expect(saved).toEqual(['3', String(springSaleId)].sort());
	}, 180_000);

	it("offers the account's data fields in Dotdigital Data Field", async () => {
		const { dotdigital, page, shop } = editor;
		const login = `Basic ${Buffer.from(`${dotdigital.user}:${dotdigital.password}`).toString('base64')}`;
		const created = await fetch(`${dotdigital.regionUrl('r1')}/v2/data-fields`, {
			method: 'POST',
			headers: { Authorization: login, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'POS_CUSTOMER_ID', type: 'String', visibility: 'Private' }),
		});
		expect(created.status).toBe(201);

		const id = await openNewWorkflow('Data fields', [
			{
				name: 'Send to Dotdigital',
				type: `${PKG}.dotdigitalUpsert`,
				position: [0, 0],
				parameters: {
					resource: 'contact',
					operation: 'upsert',
					dataFields: { field: [{ field: 'customer_id', dataField: listMode }] },
				},
				credentials: { dotdigitalApi: shop.credentials.dotdigitalApi },
			},
		]);
		await openNode('Send to Dotdigital');
		const picker = page.locator('[data-test-id=resource-locator-dataField]');
		await picker.waitFor({ timeout: 15_000 });
		const fields = await openPickerList(page, picker);
		expect(fields).toContain('POS_CUSTOMER_ID');
		expect(fields).toEqual(
			dotdigital
				.dataFields()
				.map((field) => field.name)
				.sort((a, b) => a.localeCompare(b)),
		);
		await page.screenshot({ path: join(ARTIFACTS, 'data-field-picker.png') });
		expect(await pickFromList(page, picker, 'POS_CUSTOMER_ID')).toBe('POS_CUSTOMER_ID');
		await closeNode();

		const saved = await saveAndRead(
			editor,
			id,
			(workflow) => {
				const row = parametersOf(workflow, 'Send to Dotdigital')?.dataFields?.field?.[0];
				return { field: row?.field, dataField: row?.dataField?.value };
			},
			{ field: 'customer_id', dataField: 'POS_CUSTOMER_ID' },
		);
		expect(saved).toEqual({ field: 'customer_id', dataField: 'POS_CUSTOMER_ID' });
	}, 120_000);

	it("offers Khaos's sales sources and sites in Khaos Order and Khaos Product", async () => {
		const { page, shop } = editor;
		const khaosCredential = { khaosControlApi: shop.credentials.khaosControlApi };
		const id = await openNewWorkflow('Khaos pickers', [
			{
				name: 'Import into Khaos',
				type: `${PKG}.khaosOrder`,
				position: [0, 0],
				parameters: {
					operation: 'importOrders',
					options: { salesSource: listMode, site: listMode },
				},
				credentials: khaosCredential,
			},
			{
				name: 'Stock levels',
				type: `${PKG}.khaosProduct`,
				position: [400, 0],
				parameters: { operation: 'getStockLevels', options: { siteId: listMode } },
				credentials: khaosCredential,
			},
		]);

		await openNode('Import into Khaos');
		const salesSource = page.locator('[data-test-id=resource-locator-salesSource]');
		await salesSource.waitFor({ timeout: 15_000 });
		expect((await openPickerList(page, salesSource)).sort()).toEqual(['Shop', 'Telephone', 'Web']);
		await page.screenshot({ path: join(ARTIFACTS, 'sales-source-picker.png') });
		expect(await pickFromList(page, salesSource, 'Shop')).toBe('Shop');
		const site = page.locator('[data-test-id=resource-locator-site]');
		expect(await openPickerList(page, site)).toEqual(['Main Site']);
		expect(await pickFromList(page, site, 'Main Site')).toBe('Main Site');
		await closeNode();

		await openNode('Stock levels');
		const siteId = page.locator('[data-test-id=resource-locator-siteId]');
		await siteId.waitFor({ timeout: 15_000 });
		expect(await openPickerList(page, siteId)).toEqual(['All Sites (Added Up)', 'Main Site (1)']);
		expect(await pickFromList(page, siteId, 'Main Site (1)')).toBe('Main Site (1)');
		await closeNode();

		const expected = {
			salesSource: 'Shop',
			site: 'Main Site',
			siteId: '1',
		};
		const saved = await saveAndRead(
			editor,
			id,
			(workflow) => ({
				salesSource: parametersOf(workflow, 'Import into Khaos')?.options?.salesSource?.value,
				site: parametersOf(workflow, 'Import into Khaos')?.options?.site?.value,
				siteId: parametersOf(workflow, 'Stock levels')?.options?.siteId?.value,
			}),
			expected,
		);
		expect(saved).toEqual(expected);
	}, 120_000);

	it("draws POS File Trigger's Files and Sync Gap Alerts as two handles, and connects a node to Sync Gap Alerts", async () => {
		const { page, shop } = editor;
		const customers = shop.workflows.find(({ file }) => file.startsWith('01-'));
		const trigger = customers!.workflow.nodes.find(
			(node: { type: string }) => node.type === `${PKG}.posFileTrigger`,
		);
		const id = await openNewWorkflow('Sync gap alert', [
			{ ...trigger, id: randomUUID(), name: 'New customers export', position: [0, 0] },
			{
				name: 'Tell someone',
				type: 'n8n-nodes-base.noOp',
				position: [500, 300],
				parameters: {},
			},
		]);
		const outputs = page.locator(
			'[data-test-id=canvas-node-output-handle][data-node-name="New customers export"]',
		);
		expect(await outputs.count()).toBe(2);
		const labels = await outputs.evaluateAll((handles) =>
			handles
				.sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
				.map((handle) => (handle as unknown as { innerText: string }).innerText.trim()),
		);
		expect(labels).toEqual(['Files', 'Sync Gap Alerts']);
		const from = await outputs.and(page.locator('[data-index="1"]')).boundingBox();
		const to = await page
			.locator('[data-test-id=canvas-node-input-handle][data-node-name="Tell someone"]')
			.boundingBox();
		expect(from && to).toBeTruthy();
		await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
		await page.mouse.down();
		await page.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, { steps: 20 });
		await page.mouse.up();
		await page.screenshot({ path: join(ARTIFACTS, 'sync-gap-alerts-handle.png') });

		const names = (connections: Array<{ node: string }> | undefined) =>
			(connections ?? []).map((connection) => connection.node);
		const expected = { files: [], syncGapAlerts: ['Tell someone'] };
		const saved = await saveAndRead(
			editor,
			id,
			(workflow) => {
				const main = workflow.connections?.['New customers export']?.main ?? [];
				return { files: names(main[0]), syncGapAlerts: names(main[1]) };
			},
			expected,
		);
		expect(saved).toEqual(expected);
	}, 120_000);
});
