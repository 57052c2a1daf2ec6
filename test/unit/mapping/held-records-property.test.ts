/** Held records spilled to disk give what memory gives, over generated customer and order files. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { RowResult } from '../../../lib/files';
import {
	applyMapping,
	mappingFromFieldList,
	type Mapping,
	type MappingOutcome,
} from '../../../lib/mapping';
import { random } from './generated';
import { csvRows } from './run-mapping';
import { OUTCOMES_PER_YIELD } from '../../../lib/mapping/apply';

let folder: string;
beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'held-records-test-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const leftInFolder = () => readdirSync(folder);

const CUSTOMERS = mappingFromFieldList(
	'customer',
	[
		{ target: 'customer_id', source: 'ID' },
		{ target: 'email', source: 'Email' },
		{ target: 'first_name', source: 'Name' },
		{ target: 'town', source: 'Town' },
		{ target: 'custom.tier', source: 'Tier' },
	],
	[],
);
const ORDERS = mappingFromFieldList(
	'transaction',
	[
		{ target: 'order_id', source: 'Receipt' },
		{ target: 'purchase_date', source: 'Date', format: 'dd/MM/yyyy' },
		{ target: 'customer_id', source: 'Customer' },
		{ target: 'lines.sku', source: 'SKU' },
		{ target: 'lines.qty', source: 'Qty' },
		{ target: 'lines.unit_price', source: 'Price' },
	],
	[],
	{ currency: 'GBP' },
);

/** A customer export with repeated customers anywhere in it, some keyed by email only, some rows rejected. */
function customerFile(seed: number): string {
	const next = random(seed);
	const rows = ['ID,Email,Name,Town,Tier'];
	const count = 10 + Math.floor(next() * 120);
	for (let row = 0; row < count; row++) {
		const id = next() < 0.2 ? '' : `C${Math.floor(next() * 25)}`;
		const email =
			next() < 0.1
				? 'not an email'
				: next() < 0.3
					? ''
					: `Person${Math.floor(next() * 25)}@Example.com`;
		rows.push(
			`${id},${email},${next() < 0.3 ? '' : `N${row}`},${next() < 0.3 ? '' : `T${row}`},${next() < 0.5 ? '' : `gold${row}`}`,
		);
	}
	return rows.join('\n');
}

/** Transaction rows of an order spread across the whole file, some rows rejected (their orders held back). */
function orderFile(seed: number): string {
	const next = random(seed);
	const rows = ['Receipt,Date,Customer,SKU,Qty,Price'];
	const count = 10 + Math.floor(next() * 150);
	for (let row = 0; row < count; row++) {
		const qty = next() < 0.05 ? 'lots' : String(1 + Math.floor(next() * 3));
		rows.push(
			`R${Math.floor(next() * 30)},27/06/2026,C${Math.floor(next() * 9)},SKU-${row},${qty},${(1 + next() * 20).toFixed(2)}`,
		);
	}
	return rows.join('\n');
}

interface Run {
	outcomes: MappingOutcome[];
	end: unknown;
	/** Entries in the temporary folder once every row was read, before the held records were read out. */
	heldOnDisk: number;
}

async function run(csv: string, mapping: Mapping, rowsInMemory?: number): Promise<Run> {
	const outcomes: MappingOutcome[] = [];
	let heldOnDisk = 0;
	async function* rows(): AsyncGenerator<RowResult> {
		yield* csvRows(csv);
		heldOnDisk = leftInFolder().length;
	}
	const steps = applyMapping(
		rows(),
		mapping,
		'export.csv',
		rowsInMemory ? { holding: { rowsInMemory, directory: folder } } : {},
	);
	try {
		for (let step = await steps.next(); ; step = await steps.next()) {
			if (step.done) return { outcomes, end: step.value, heldOnDisk };
			outcomes.push(...step.value);
		}
	} catch (error) {
		return { outcomes, end: String(error), heldOnDisk };
	}
}

describe('mapping a file whose held records go to disk', () => {
	it.each([
		['customers', CUSTOMERS, customerFile],
		['orders', ORDERS, orderFile],
	] as const)(
		'gives the same %s, rejections and summary in the same order as in memory, over 60 random files',
		async (_feed, mapping, file) => {
			for (let seed = 1; seed <= 60; seed++) {
				const csv = file(seed);
				const inMemory = await run(csv, mapping);
				expect(
					inMemory.outcomes.filter((outcome) => outcome.kind === 'record').length,
				).toBeGreaterThan(3);
				const rowsInMemory = 1 + (seed % 4);
				const spilled = await run(csv, mapping, rowsInMemory);
				expect({ seed, ...spilled, heldOnDisk: undefined }).toEqual({
					seed,
					...inMemory,
					heldOnDisk: undefined,
				});
				expect({ seed, heldOnDisk: spilled.heldOnDisk }).toEqual({ seed, heldOnDisk: 1 });
				expect(leftInFolder()).toEqual([]);
			}
		},
	);

	it('removes the temporary file when reading the export fails halfway', async () => {
		let heldOnDisk = 0;
		async function* failing(): AsyncGenerator<RowResult> {
			yield* csvRows(customerFile(3));
			heldOnDisk = leftInFolder().length;
			throw new Error('the disk went away');
		}
		const steps = applyMapping(failing(), CUSTOMERS, 'export.csv', {
			holding: { rowsInMemory: 2, directory: folder },
		});
		await expect(
			(async () => {
				for await (const _outcomes of steps);
			})(),
		).rejects.toThrow('the disk went away');
		expect(heldOnDisk).toBe(1);
		expect(leftInFolder()).toEqual([]);
	});

	it('removes the temporary file when the run is stopped while the held records are read out', async () => {
		const csv = [
			'ID,Email,Name,Town,Tier',
			...Array.from({ length: 12_000 }, (_, row) => `C${row},,N,T,`),
		].join('\n');
		const steps = applyMapping(csvRows(csv), CUSTOMERS, 'export.csv', {
			holding: { rowsInMemory: 100, directory: folder },
		});
		let records = 0;
		for await (const outcomes of steps) {
			records += outcomes.length;
			expect(leftInFolder()).toHaveLength(1);
			break;
		}
		expect(records).toBe(OUTCOMES_PER_YIELD);
		expect(leftInFolder()).toEqual([]);
	});
});
