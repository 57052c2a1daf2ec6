/**
 * The default data: the three real ExportStock responses (items revised at the time in their file
 * names), seed/example-stock.xml, levels, web categories and customers. Files are read from
 * seed/ next to this module, or from the source tree when running the tsc output in .build/.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { FakeKhaosSeed, FakeStockLevel } from './types';

/** When seed/example-stock.xml's items were last revised (the real items carry their file's time). */
export const EXAMPLE_STOCK_REVISED = new Date(Date.UTC(2020, 10, 1, 9, 0, 0));
export const DEFAULT_VERSION = '8.146.12';

function seedDir(): string {
	const candidates = [
		process.env.FAKE_KHAOS_SEED_DIR,
		join(__dirname, 'seed'),
		resolve(__dirname, '../../../../test/fakes/khaos/seed'),
	];
	const found = candidates.find(
		(candidate): candidate is string =>
			candidate !== undefined && existsSync(join(candidate, 'example-stock.xml')),
	);
	if (found === undefined)
		throw new Error(
			`Fake Khaos seed folder not found (looked in ${candidates.filter(Boolean).join(', ')})`,
		);
	return found;
}

export function defaultSeed(): Required<FakeKhaosSeed> {
	const dir = seedDir();
	const read = (...parts: string[]): string => readFileSync(join(dir, ...parts), 'utf8');
	const realDir = join(dir, 'real-responses');
	const real = readdirSync(realDir)
		.filter((name) => /^ExportStock__archive__\d+\.xml$/.test(name))
		.sort()
		.map((name) => ({
			xml: read('real-responses', name),
			lastUpdated: new Date(Number(/(\d+)\.xml$/.exec(name)![1]) * 1000),
		}));
	const levels = JSON.parse(read('stock-levels.json')) as {
		site: string;
		levels: Record<string, FakeStockLevel>;
	};
	return {
		stock: [...real, { xml: read('example-stock.xml'), lastUpdated: EXAMPLE_STOCK_REVISED }],
		levels: levels.levels,
		webCategoriesXml: read('web-categories.xml'),
		customersXml: read('customers.xml'),
		version: DEFAULT_VERSION,
		siteName: levels.site,
	};
}

export function resolveSeed(seed: FakeKhaosSeed | undefined): Required<FakeKhaosSeed> {
	const defaults = defaultSeed();
	return {
		...defaults,
		...Object.fromEntries(Object.entries(seed ?? {}).filter(([, value]) => value !== undefined)),
	};
}
