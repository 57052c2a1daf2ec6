/**
 * The product feed against the fake Khaos under random interleavings of edits, stock movements,
 * same-second changes, clock steps and polls with random caps and overlaps. Every edit sets a new,
 * higher price and every movement a higher level, so each product's states are ordered: the feed
 * must never emit a state twice or go back to an older one, must emit nothing that did not change,
 * and once Khaos is quiet must have emitted every product's final state. Some changes are stamped
 * late (a clock a little behind, within the overlap), which only the overlap catches.
 */
import { KhaosClient } from '../../../lib/khaos/client';
import type { FeedCursor } from '../../../lib/khaos/feed-cursor';
import { changedProducts, currentPosition } from '../../../lib/khaos/product-feed';
import type { WebProduct } from '../../../lib/khaos/web-product';
import { startFakeKhaos, type FakeKhaos } from '../../fakes/khaos';
import { mulberry32 } from '../../helpers/random';

const SCENARIOS = 200;

interface Truth {
	price: number;
	level: number;
	/** Which stock code moves: the item itself, or a size of the SCS parent. */
	moves: string;
	changed: boolean;
}

let now = Date.UTC(2024, 4, 1, 9, 0, 0, 0);
let fake: FakeKhaos;
let client: KhaosClient;

beforeAll(async () => {
	fake = await startFakeKhaos({ clock: () => new Date(now) });
	client = new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } });
});
afterAll(async () => fake.stop());

function seedProducts(run: number): Record<string, Truth> {
	const truth: Record<string, Truth> = {};
	for (const name of ['A', 'B', 'C']) {
		const code = `R${run}-${name}`;
		fake.addStock({ code, desc: code, sellPrice: 10, level: 5 });
		truth[code] = { price: 10, level: 5, moves: code, changed: false };
	}
	const parent = `R${run}-S`;
	fake.addStock({
		code: parent,
		desc: 'Shoe',
		sellPrice: 10,
		scs: {
			headings: ['Size'],
			children: [
				{ code: `${parent}-5`, suffixes: ['5'], level: 2 },
				{ code: `${parent}-6`, suffixes: ['6'], level: 3 },
			],
		},
	});
	truth[parent] = { price: 10, level: 5, moves: `${parent}-5`, changed: false };
	return truth;
}

test(`${SCENARIOS} random interleavings: every change emitted exactly once, none lost, none repeated`, async () => {
	for (let run = 0; run < SCENARIOS; run++) {
		const next = mulberry32(run + 1);
		const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
		fake.reset();
		now += 3_600_000;
		const truth = seedProducts(run);
		const codes = Object.keys(truth);
		const overlapSeconds = pick([0, 1, 300]);
		now += pick([0, 1000]);

		const position = await currentPosition(client, { overlapSeconds });
		let cursor: FeedCursor = position.cursor;
		const emitted = new Map<string, Array<{ price: number; level: number }>>();
		const context = (): string => `scenario ${run} (overlap ${overlapSeconds}s)`;
		const record = (products: readonly WebProduct[]): void => {
			for (const product of products) {
				if (!(product.stock_code in truth)) continue;
				const state = { price: product.price as number, level: product.stock_level as number };
				const earlier = emitted.get(product.stock_code) ?? [];
				const last = earlier[earlier.length - 1] ?? { price: 10, level: 5 };
				// Never an old state again, never the same state twice.
				expect({
					context: context(),
					code: product.stock_code,
					newer: state.price >= last.price && state.level >= last.level,
					same: state.price === last.price && state.level === last.level,
				}).toEqual({
					context: context(),
					code: product.stock_code,
					newer: true,
					same: false,
				});
				emitted.set(product.stock_code, [...earlier, state]);
			}
		};
		const poll = async (max: number): Promise<number> => {
			const result = await changedProducts(client, cursor, { max, overlapSeconds });
			cursor = result.cursor;
			record(result.products);
			return result.products.length;
		};

		const steps = 6 + Math.floor(next() * 14);
		for (let step = 0; step < steps; step++) {
			const action = next();
			const code = pick(codes);
			if (action < 0.3) {
				truth[code].price += 1 + Math.floor(next() * 3);
				truth[code].changed = true;
				fake.updateStock(code, { sellPrice: truth[code].price });
			} else if (action < 0.55) {
				truth[code].level += 1;
				truth[code].changed = true;
				const mover = truth[code].moves;
				const level = mover === code ? truth[code].level : truth[code].level - 3;
				fake.updateStock(mover, { level });
			} else if (action < 0.6 && overlapSeconds >= 5) {
				// A change saved with a time up to the overlap in the past, as a server clock behind the others would.
				const late = now;
				now -= Math.floor(next() * Math.min(overlapSeconds, 120)) * 1000;
				truth[code].price += 1;
				truth[code].changed = true;
				fake.updateStock(code, { sellPrice: truth[code].price });
				now = late;
			} else if (action < 0.75) {
				// Same second, a few hundred milliseconds on, or seconds later.
				now += pick([0, 0, 300, 1000, 2000, 7000]);
			} else {
				await poll(pick([1, 1, 2, 3, 0]));
			}
		}

		now += 1000;
		for (let quiet = 0; quiet < 30 && (await poll(pick([1, 2, 0]))) > 0; quiet++);
		expect({ context: context(), more: await poll(0) }).toEqual({ context: context(), more: 0 });
		for (const code of codes) {
			const states = emitted.get(code) ?? [];
			if (!truth[code].changed) {
				expect({ context: context(), code, states }).toEqual({
					context: context(),
					code,
					states: [],
				});
				continue;
			}
			expect({ context: context(), code, last: states[states.length - 1] }).toEqual({
				context: context(),
				code,
				last: { price: truth[code].price, level: truth[code].level },
			});
		}
	}
}, 600_000);
