import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HeldRecords } from '../../../lib/mapping/held-records';
import { random } from './generated';

let folder: string;
beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'held-records-test-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const leftInFolder = () => readdirSync(folder);

describe('records held until the file ends', () => {
	it('keeps a small file in memory: nothing is written to disk', () => {
		const held = new HeldRecords<{ n: number }>({ directory: folder });
		for (let n = 0; n < 100; n++) held.add(`k${n}`, { n });
		held.get('k3')!.n = -3;
		expect(held.spilled).toBe(false);
		expect(leftInFolder()).toEqual([]);
		expect([...held.drain()].map(({ n }) => n)).toEqual([
			0,
			1,
			2,
			-3,
			...Array.from({ length: 96 }, (_, index) => index + 4),
		]);
	});

	it('past the limit, gives back every record with its changes, in the order the keys first came, and removes its file', () => {
		const held = new HeldRecords<{ key: string; rows: number[] }>({
			rowsInMemory: 3,
			directory: folder,
		});
		const expected = new Map<string, number[]>();
		const next = random(7);
		for (let row = 0; row < 400; row++) {
			const key = `k${Math.floor(next() * 60)}`;
			const record = held.get(key);
			if (record) record.rows.push(row);
			else held.add(key, { key, rows: [row] });
			expected.set(key, [...(expected.get(key) ?? []), row]);
		}
		expect(held.spilled).toBe(true);
		expect(leftInFolder()).toHaveLength(1);
		expect([...held.drain()]).toEqual([...expected].map(([key, rows]) => ({ key, rows })));
		expect(leftInFolder()).toEqual([]);
	});

	it('keeps values plain JSON would change: a field set to undefined, NaN, infinities, in nested lists too', () => {
		const held = new HeldRecords<Record<string, unknown>>({ rowsInMemory: 1, directory: folder });
		const record = {
			a: undefined,
			b: Number.NaN,
			c: [{ d: [1, 'x', -Infinity, undefined] }],
			e: null,
			f: '\u0000 a till wrote this',
			g: Infinity,
		};
		held.add('one', record);
		held.add('two', {});
		expect(held.spilled).toBe(true);
		const [copy] = [...held.drain()];
		expect(Object.keys(copy)).toEqual(['a', 'b', 'c', 'e', 'f', 'g']);
		expect(Object.keys((copy.c as Array<{ d: unknown[] }>)[0].d)).toEqual(['0', '1', '2', '3']);
		expect(copy).toStrictEqual(record);
	});

	it('removes its file when the reading out stops early, and when it is closed before the end', () => {
		const held = new HeldRecords<number>({ rowsInMemory: 2, directory: folder });
		for (let n = 0; n < 10; n++) held.add(`k${n}`, n);
		for (const value of held.drain()) if (value === 4) break;
		expect(leftInFolder()).toEqual([]);

		const closed = new HeldRecords<number>({ rowsInMemory: 2, directory: folder });
		for (let n = 0; n < 10; n++) closed.add(`k${n}`, n);
		expect(leftInFolder()).toHaveLength(1);
		closed.close();
		closed.close();
		expect(leftInFolder()).toEqual([]);
	});
});
