/**
 * Rows that arrive as JSON items (from Extract From File, a database, an HTTP call) in the shape
 * readRows gives a file: a header (every key, in order of first appearance), then one row per item,
 * numbered from 1.
 */
import type { CellValue, RowResult } from '../files';

export function* rowsFromObjects(
	objects: ReadonlyArray<Record<string, unknown>>,
): Generator<RowResult> {
	const positions = new Map<string, number>();
	for (const object of objects)
		for (const key of Object.keys(object))
			if (!positions.has(key)) positions.set(key, positions.size);
	yield { kind: 'header', values: [...positions.keys()] };
	const width = positions.size;
	for (let index = 0; index < objects.length; index++) {
		const values: CellValue[] = new Array<CellValue>(width).fill('');
		for (const [key, value] of Object.entries(objects[index]))
			values[positions.get(key)!] = toCell(value);
		yield { kind: 'row', line: index + 1, values };
	}
}

function toCell(value: unknown): CellValue {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
		return value;
	if (value instanceof Date) return value.toISOString();
	return JSON.stringify(value);
}
