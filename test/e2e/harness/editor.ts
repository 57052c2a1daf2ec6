/**
 * The n8n editor in a real browser for the editor tests: the fakes, a server with the demo shop set
 * up as a consultant would (credentials pointing at the fakes, every template imported), and Debian's
 * Chromium driven by playwright-core, logged in as the owner. Screenshots go to .build/artifacts/editor/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

import { startFakeDotdigital, type FakeDotdigital } from '../../fakes/dotdigital';
import { startFakeKhaos, type FakeKhaos } from '../../fakes/khaos';
import { startFakeStore, type FakeStore } from '../../fakes/store';
import { repoDir, startServer, waitFor, type E2eServer } from '.';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setUpDemoShop } = require('./sandbox.cjs') as typeof import('./sandbox.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureChromium } = require('./runtime.cjs') as typeof import('./runtime.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OWNER } = require('./instance.cjs') as typeof import('./instance.cjs');

export const ARTIFACTS = join(repoDir, '.build', 'artifacts', 'editor');

export interface Editor {
	server: E2eServer;
	dotdigital: FakeDotdigital;
	khaos: FakeKhaos;
	store: FakeStore;
	shop: Awaited<ReturnType<typeof setUpDemoShop>>;
	browser: Browser;
	page: Page;
	stop(): Promise<void>;
}

export async function startEditor(): Promise<Editor> {
	const executablePath = await ensureChromium();
	const [dotdigital, khaos, store] = await Promise.all([
		startFakeDotdigital(),
		startFakeKhaos(),
		startFakeStore(),
	]);
	let server: E2eServer | undefined;
	let browser: Browser | undefined;
	const stop = async () => {
		await browser?.close();
		await server?.stop();
		await Promise.all([dotdigital.stop(), khaos.stop(), store.stop()]);
	};
	try {
		server = await startServer();
		const shop = await setUpDemoShop(server.instance, {
			filesRoot: server.files,
			fakes: { dotdigital, khaos, store },
		});
		mkdirSync(ARTIFACTS, { recursive: true });
		browser = await chromium.launch({
			executablePath,
			headless: true,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-dev-shm-usage',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
			],
		});
		const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
		await page.goto(`${server.instance.baseUrl}/signin`);
		await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
		await page.fill('input[name=password]', OWNER.password);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
		return { server, dotdigital, khaos, store, shop, browser, page, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Opens a "From List" picker and returns the names it lists, as the consultant reads them. */
export async function openPickerList(page: Page, picker: Locator): Promise<string[]> {
	await picker.locator('[data-test-id=rlc-input]').click();
	const items = page.locator('[data-test-id=rlc-item]').filter({ visible: true });
	await items.first().waitFor({ timeout: 15_000 });
	return (await items.allInnerTexts()).map((text) => text.split('\n')[0].trim());
}

/** Picks one entry by name in the open picker list and returns what the picker then shows. */
export async function pickFromList(page: Page, picker: Locator, name: string): Promise<string> {
	const items = page.locator('[data-test-id=rlc-item]').filter({ visible: true });
	const names = (await items.allInnerTexts()).map((text) => text.split('\n')[0].trim());
	const index = names.indexOf(name);
	if (index < 0) throw new Error(`"${name}" is not in the list: ${names.join(', ')}`);
	await items.nth(index).click();
	return picker.locator('input[data-test-id=rlc-input]').inputValue();
}

/**
 * Saves the open workflow (Ctrl+S, as a consultant would) and reads it back through n8n's API until
 * `read` gives `expected` (n8n may also save by itself part-way), or for 20 s; returns what it last read.
 */
export async function saveAndRead(
	editor: Editor,
	workflowId: string,
	read: (workflow: any) => unknown,
	expected: unknown,
): Promise<unknown> {
	await editor.page.keyboard.press('Control+s');
	let last: unknown;
	await waitFor(
		`workflow ${workflowId} to be saved`,
		async () => {
			last = read(await editor.server.instance.api('GET', `/workflows/${workflowId}`));
			return isDeepStrictEqual(last, expected) ? true : undefined;
		},
		{ timeoutMs: 20_000, intervalMs: 500 },
	).catch(() => undefined);
	return last;
}
