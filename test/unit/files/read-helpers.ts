import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	readRows,
	type ReadOptions,
	type RowEvent,
	type RowSource,
	type SkippedRow,
} from '../../../lib/files';

export interface ReadResult {
	header: string[];
	rows: RowEvent[];
	skipped: SkippedRow[];
}

/** Reads a whole source, checking on the way that the header comes first and only once. */
export async function readAll(source: RowSource, options: ReadOptions): Promise<ReadResult> {
	let header: string[] | undefined;
	const rows: RowEvent[] = [];
	const skipped: SkippedRow[] = [];
	for await (const result of readRows(source, options)) {
		if (result.kind === 'header') {
			if (header) throw new Error('a second header was yielded');
			header = result.values;
			continue;
		}
		if (!header) throw new Error(`a ${result.kind} entry came before the header`);
		if (result.kind === 'row') rows.push(result);
		else skipped.push(result);
	}
	if (!header) throw new Error('no header was yielded');
	return { header, rows, skipped };
}

/** A scratch folder for one test file; remove() deletes it. */
export function scratchFolder(): {
	path: (name: string) => string;
	write: (name: string, content: Buffer | string) => string;
	remove: () => void;
} {
	const folder = mkdtempSync(join(tmpdir(), 'pos-sync-files-'));
	return {
		path: (name) => join(folder, name),
		write: (name, content) => {
			const path = join(folder, name);
			writeFileSync(path, content);
			return path;
		},
		remove: () => rmSync(folder, { recursive: true, force: true }),
	};
}
