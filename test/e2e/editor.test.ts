/**
 * The n8n editor in a real browser (Debian's Chromium driven by playwright-core): a consultant logs
 * in, opens each template and sees every node drawn with its own icon, and finds each of our nodes by
 * name in the node creator, reads every sticky note whole, and picks an Insight collection. Screenshots go
 * to .build/artifacts/editor/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from 'playwright-core';

import { repoDir } from './harness';
import { ARTIFACTS, startEditor, type Editor } from './harness/editor';

/** Our nodes as the node creator lists them, with the icon file each must be drawn with. */
const OUR_NODES = (
	JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')).n8n.nodes as string[]
)
	.map((path) => path.split('/')[2])
	.map((folder) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const NodeClass = require(join(repoDir, 'dist', 'nodes', folder, `${folder}.node.js`))[folder];
		const { displayName, name, icon } = new NodeClass().description as {
			displayName: string;
			name: string;
			icon: { light: string; dark: string };
		};
		// The editor's light theme draws the light icon.
		return {
			folder,
			type: `n8n-nodes-pos-sync.${name}`,
			displayName,
			icon: `/icons/n8n-nodes-pos-sync/dist/nodes/${folder}/${icon.light.replace(/^file:/, '')}`,
		};
	});

let editor: Editor;
let page: Page;

beforeAll(async () => {
	editor = await startEditor();
	page = editor.page;
}, 240_000);

afterAll(async () => {
	await editor?.stop();
});

interface DrawnNode {
	name: string | null;
	type: string | null;
	images: Array<{ src: string; loaded: boolean }>;
	builtInIcon: string | null;
}

/** Each node on the canvas: its type, and how its icon was drawn (an image that loaded, or one of n8n's own icons). */
async function drawnNodes(): Promise<DrawnNode[]> {
	return page.$$eval('[data-test-id=canvas-node]', (elements) =>
		elements.map((element) => {
			const icon = element.querySelector('.n8n-node-icon');
			return {
				name: element.getAttribute('data-node-name'),
				type: element.getAttribute('data-node-type'),
				images: [...(icon?.querySelectorAll('img') ?? [])].map((img) => ({
					src: new URL(img.src).pathname,
					loaded: img.complete && img.naturalWidth > 0,
				})),
				builtInIcon:
					icon?.querySelector('svg[data-icon^="node:"]')?.getAttribute('data-icon') ?? null,
			};
		}),
	);
}

describe('the editor in a real browser', () => {
	it('draws every node of every template with its own icon', async () => {
		for (const { file, id, workflow } of editor.shop.workflows) {
			await page.goto(`${editor.server.instance.baseUrl}/workflow/${id}`);
			const expected = workflow.nodes.filter(
				(node: { type: string }) => node.type !== 'n8n-nodes-base.stickyNote',
			);
			await page.waitForFunction(
				`document.querySelectorAll('[data-test-id=canvas-node]').length === ${expected.length}`,
				undefined,
				{ timeout: 30_000 },
			);
			await page.waitForFunction(
				"[...document.querySelectorAll('[data-test-id=canvas-node] img')].every((img) => img.complete)",
				undefined,
				{ timeout: 15_000 },
			);
			const drawn = await drawnNodes();
			expect(drawn.map((node) => node.name).sort()).toEqual(
				expected.map((node: { name: string }) => node.name).sort(),
			);
			for (const node of drawn) {
				const ours = OUR_NODES.find((candidate) => candidate.type === node.type);
				if (ours) {
					expect({ node: node.name, images: node.images }).toEqual({
						node: node.name,
						images: [{ src: ours.icon, loaded: true }],
					});
				} else {
					expect({ node: node.name, icon: node.builtInIcon }).toEqual({
						node: node.name,
						icon: expect.stringMatching(/^node:[a-z-]+$/),
					});
				}
			}
			const checklist = page.locator('[data-test-id=suggested-actions-close]');
			if (await checklist.isVisible()) await checklist.click();
			await page.screenshot({ path: join(ARTIFACTS, file.replace(/\.json$/, '.png')) });
		}
	}, 300_000);

	it('finds each of our nodes by name in the node creator', async () => {
		await page.goto(`${editor.server.instance.baseUrl}/workflow/${editor.shop.workflows[0].id}`);
		await page.locator('[data-test-id=canvas-node]').first().waitFor();
		for (const node of OUR_NODES) {
			await page
				.locator('[data-test-id=canvas-plus-button], [data-test-id=node-creator-plus-button]')
				.first()
				.click();
			const search = page.locator('input[data-test-id=node-creator-search-bar]');
			await search.fill(node.displayName);
			// Nodes with operations are listed as a different kind of item; both carry the name and the icon.
			const listed = (text: string) =>
				page
					.locator('[data-test-id=node-creator] [data-test-id$=-item]', {
						has: page.locator('[data-test-id=node-creator-item-name]', {
							hasText: new RegExp(`^${text}$`),
						}),
					})
					.first();
			const trigger = node.displayName.endsWith(' Trigger')
				? node.displayName.replace(/ Trigger$/, '')
				: undefined;
			let item = listed(node.displayName);
			await (trigger ? item.or(listed(trigger)) : item).first().waitFor({ timeout: 15_000 });
			if (trigger && (await item.count()) === 0) {
				// n8n lists "X Trigger" with "X", as it lists Gmail Trigger with Gmail: open it and expand its triggers.
				await listed(trigger).click();
				await page
					.locator('[data-test-id=node-creator-category-item]', { hasText: /^Triggers/ })
					.click();
				item = page
					.locator('[data-test-id=node-creator] [data-test-id$=-item]', {
						has: page.locator(`img[src$="${node.icon.split('/').pop()}"]`),
					})
					.first();
			}
			await item.waitFor({ timeout: 15_000 });
			const icons = await item
				.locator('img')
				.evaluateAll((images) =>
					images.map((img) => new URL((img as { src: string }).src).pathname),
				);
			expect(icons.length).toBeGreaterThan(0);
			expect(new Set(icons)).toEqual(new Set([node.icon]));
			if (trigger) await page.screenshot({ path: join(ARTIFACTS, 'node-creator-trigger.png') });
			if (node.folder === 'DotdigitalUpsert')
				await page.screenshot({ path: join(ARTIFACTS, 'node-creator.png') });
			await page.keyboard.press('Escape');
			await search.waitFor({ state: 'detached', timeout: 10_000 });
		}
	}, 180_000);

	it('fits the text of every sticky note of every template in its box', async () => {
		const cutOff: Array<Record<string, unknown>> = [];
		let notes = 0;
		for (const { file, id, workflow } of editor.shop.workflows) {
			const expected = workflow.nodes.filter(
				(node: { type: string }) => node.type === 'n8n-nodes-base.stickyNote',
			).length;
			await page.goto(`${editor.server.instance.baseUrl}/workflow/${id}`);
			await page.locator('[data-test-id=canvas-node]').first().waitFor({ timeout: 30_000 });
			const stickies = page.locator(
				'[data-node-type="n8n-nodes-base.stickyNote"] [data-test-id=sticky]',
			);
			await page.waitForFunction(
				`document.querySelectorAll('[data-node-type="n8n-nodes-base.stickyNote"] [data-test-id=sticky]').length === ${expected}`,
				undefined,
				{ timeout: 15_000 },
			);
			// n8n draws the note's text in a box of the note's size that cuts off what does not fit; the
			// text is measured where it is drawn, in the note's own pixels (the canvas may be zoomed).
			const measured = await stickies.evaluateAll((elements) =>
				elements.map((sticky) => {
					const page = globalThis as any;
					const box = sticky.firstElementChild as any;
					const drawn = box.getBoundingClientRect();
					const scale = drawn.height / box.clientHeight;
					const range = page.document.createRange();
					range.selectNodeContents(box);
					const text = range.getBoundingClientRect();
					return {
						note: sticky.closest('[data-node-name]')?.getAttribute('data-node-name'),
						cutsOff: page.getComputedStyle(box).overflow === 'hidden',
						textBottom: Math.round((text.bottom - drawn.top) / scale),
						boxHeight: box.clientHeight,
						textRight: Math.round((text.right - drawn.left) / scale),
						boxWidth: box.clientWidth,
					};
				}),
			);
			for (const note of measured) {
				notes += 1;
				expect(note.cutsOff).toBe(true);
				if (note.textBottom > note.boxHeight || note.textRight > note.boxWidth)
					cutOff.push({ file, ...note });
			}
		}
		expect(notes).toBeGreaterThan(0);
		expect(cutOff).toEqual([]);
	}, 300_000);

	it("offers the account's Insight collections in Dotdigital Upsert's Collection picker", async () => {
		const { dotdigital } = editor;
		const login = `Basic ${Buffer.from(`${dotdigital.user}:${dotdigital.password}`).toString('base64')}`;
		for (const [name, scope, type] of [
			['Orders', 'contact', 'orders'],
			['Returns', 'contact', 'orders'],
		]) {
			const created = await fetch(
				`${dotdigital.regionUrl('r1')}/insightData/v3/collections/${name}?collectionScope=${scope}&collectionType=${type}`,
				{ method: 'POST', headers: { Authorization: login } },
			);
			expect(created.status).toBeLessThan(300);
		}
		const transactions = editor.shop.workflows.find(
			({ workflow }) =>
				workflow.nodes.some((node: { name: string }) => node.name === 'Send to Dotdigital') &&
				JSON.stringify(workflow).includes('"orderCollection"'),
		);
		expect(transactions).toBeDefined();
		await page.goto(`${editor.server.instance.baseUrl}/workflow/${transactions!.id}`);
		await page
			.locator('[data-test-id=canvas-node][data-node-name="Send to Dotdigital"]')
			.dblclick();
		const picker = page.locator('[data-test-id=resource-locator-orderCollection]');
		await picker.waitFor({ timeout: 15_000 });
		// As the template sets it: typed by name.
		expect(await picker.locator('input[data-test-id=rlc-input]').inputValue()).toBe('Orders');
		await picker.locator('[data-test-id=rlc-mode-selector]').click();
		await page.locator('[data-test-id=mode-list]').filter({ visible: true }).click();
		await picker.locator('[data-test-id=rlc-input]').click();
		const items = page.locator('[data-test-id=rlc-item]');
		await items.first().waitFor({ timeout: 15_000 });
		const listed = await items.allInnerTexts();
		expect(listed.map((text) => text.split('\n')[0].trim()).sort()).toEqual(['Orders', 'Returns']);
		await page.screenshot({ path: join(ARTIFACTS, 'collection-picker.png') });
		await items.filter({ hasText: 'Returns' }).first().click();
		expect(await picker.locator('input[data-test-id=rlc-input]').inputValue()).toBe('Returns');
		await page.keyboard.press('Escape');
	}, 120_000);
});
