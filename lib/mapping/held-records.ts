/**
 * What the engine holds until a file ends (customers and products to merge, orders still open), by
 * key, in the order their keys first came. A small file is held in memory only. Past a limit of rows
 * held, the records go to a temporary SQLite file (Node's own `node:sqlite`) and memory starts
 * afresh, so a file of a million customers is mapped in bounded memory. A record asked for again is
 * read back into memory, keeping its place in the order. The temporary file is removed when the
 * records have been read out, when the run stops early, or at the latest when the process exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Rows held in memory before the records go to disk: few enough that the records die young. Held
 * through two of V8's young-generation collections, they would move to the old generation and pile
 * up there as garbage until a full collection, which in n8n (a heap of its own of about 300 MB) comes
 * late: with 50,000 rows held, a 1,000,000-row file took n8n's RSS from 450 MB to 1.64 GB.
 */
export const ROWS_HELD_IN_MEMORY = 2000;

export interface HoldingOptions {
	/** Rows held in memory before the records go to disk. */
	rowsInMemory?: number;
	/** Where the temporary file goes: the system temp folder unless set. */
	directory?: string;
}

interface Held<V> {
	/** The place of the key's first row among the keys. */
	place: number;
	value: V;
}

export class HeldRecords<V> {
	private memory = new Map<string, Held<V>>();
	private rowsInMemory = 0;
	private keys = 0;
	private disk?: SpillFile;
	/** The keys on disk, so that a key never seen costs no disk read. */
	private onDisk?: KeyFilter;
	private readonly limit: number;

	constructor(private readonly options: HoldingOptions = {}) {
		this.limit = Math.max(1, options.rowsInMemory ?? ROWS_HELD_IN_MEMORY);
	}

	/** True once records went to disk. */
	get spilled(): boolean {
		return this.disk !== undefined;
	}

	/**
	 * The record held under `key`, for one row to change it in place: a change is kept until the next
	 * call to `get` or `add`, which may write the record to disk.
	 */
	get(key: string): V | undefined {
		this.makeRoom();
		const held =
			this.memory.get(key) ?? (this.onDisk?.mayHold(key) ? this.disk!.take<V>(key) : undefined);
		if (!held) return undefined;
		this.memory.set(key, held);
		this.rowsInMemory++;
		return held.value;
	}

	/** Holds the record of a key not held yet, after every key already held. */
	add(key: string, value: V): void {
		this.makeRoom();
		this.memory.set(key, { place: this.keys++, value });
		this.rowsInMemory++;
	}

	/** Every record, in the order their keys first came; the temporary file is removed at the end. */
	*drain(): Generator<V, void, undefined> {
		try {
			if (!this.disk) {
				for (const held of this.memory.values()) yield held.value;
			} else {
				// Records in memory come out in their places among those on disk, without a trip to disk;
				// a record read back from disk is in memory, and its copy on disk is out of date.
				const inMemory = [...this.memory.values()].sort((one, other) => one.place - other.place);
				let next = 0;
				for (const { place, value } of this.disk.all()) {
					while (next < inMemory.length && inMemory[next].place < place)
						yield inMemory[next++].value;
					if (next < inMemory.length && inMemory[next].place === place)
						yield inMemory[next++].value;
					else yield decode(value) as V;
				}
				while (next < inMemory.length) yield inMemory[next++].value;
			}
		} finally {
			this.close();
		}
	}

	/** Lets go of every record and removes the temporary file; safe to call more than once. */
	close(): void {
		this.memory.clear();
		this.rowsInMemory = 0;
		this.disk?.close();
	}

	private makeRoom(): void {
		if (this.rowsInMemory >= this.limit) this.spill();
	}

	private spill(): void {
		this.disk ??= new SpillFile(this.options.directory ?? tmpdir());
		this.onDisk ??= new KeyFilter();
		for (const key of this.memory.keys()) this.onDisk.note(key);
		this.disk.write(this.memory);
		this.memory = new Map();
		this.rowsInMemory = 0;
	}
}

/**
 * Records as JSON (v8.serialize costs far more memory and time), keeping what JSON alone would
 * change: a field set to undefined stays, and stays undefined; NaN and infinities stay numbers.
 */
const KEPT: Record<string, unknown> = {
	'\u0000undefined': undefined,
	'\u0000NaN': Number.NaN,
	'\u0000Infinity': Infinity,
	'\u0000-Infinity': -Infinity,
};

function encode(value: unknown): string {
	// A replacer makes JSON.stringify several times slower: only records that need it get it.
	if (plainJson(value)) return JSON.stringify(value);
	return JSON.stringify(value, (_key, item: unknown) =>
		item === undefined || (typeof item === 'number' && !Number.isFinite(item))
			? `\u0000${item}`
			: item,
	);
}

function plainJson(value: unknown): boolean {
	if (value === null || typeof value !== 'object') return plainValue(value);
	for (const key in value) {
		const item = (value as Record<string, unknown>)[key];
		if (item !== null && typeof item === 'object' ? !plainJson(item) : !plainValue(item))
			return false;
	}
	return true;
}

const plainValue = (value: unknown) =>
	value !== undefined && (typeof value !== 'number' || Number.isFinite(value));

function decode(text: string): unknown {
	const value: unknown = JSON.parse(text);
	if (text.includes('\\u0000')) restore(value);
	return value;
}

function restore(value: unknown): void {
	if (value === null || typeof value !== 'object') return;
	const container = value as Record<string, unknown>;
	for (const key of Object.keys(container)) {
		const item = container[key];
		if (typeof item === 'string' && Object.hasOwn(KEPT, item)) container[key] = KEPT[item];
		else restore(item);
	}
}

/**
 * Whether a key may be on disk (a Bloom filter of 2 MB): never "no" for a key that is, and "yes" for
 * a key that is not about 1 time in 200 with a million keys on disk.
 */
class KeyFilter {
	private static readonly BITS = 1 << 24;
	private readonly bits = new Uint32Array(KeyFilter.BITS / 32);

	note(key: string): void {
		this.each(key, (bit) => (this.bits[bit >>> 5] |= 1 << (bit & 31)));
	}

	mayHold(key: string): boolean {
		let all = true;
		this.each(key, (bit) => (all &&= (this.bits[bit >>> 5] & (1 << (bit & 31))) !== 0));
		return all;
	}

	/** Four bits per key, by double hashing of two 32-bit FNV-1a hashes. */
	private each(key: string, visit: (bit: number) => void): void {
		let first = 0x811c9dc5;
		let second = 0x01000193 ^ key.length;
		for (let index = 0; index < key.length; index++) {
			const code = key.charCodeAt(index);
			first = Math.imul(first ^ code, 0x01000193);
			second = Math.imul(second ^ code, 0x5bd1e995);
			second ^= second >>> 15;
		}
		second |= 1;
		for (let hash = 0; hash < 4; hash++)
			visit((first + Math.imul(hash, second)) & (KeyFilter.BITS - 1));
	}
}

/** Folders of temporary files still open, removed when the process exits if nothing else did. */
const openFolders = new Set<string>();
let removeAtExit: (() => void) | undefined;

class SpillFile {
	readonly folder: string;
	private readonly db: DatabaseSync;
	private readonly find: StatementSync;
	private readonly put: StatementSync;
	private closed = false;

	constructor(parent: string) {
		this.folder = mkdtempSync(join(parent, 'pos-sync-mapping-'));
		openFolders.add(this.folder);
		if (!removeAtExit) {
			removeAtExit = () =>
				openFolders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
			process.once('exit', removeAtExit);
		}
		try {
			// Loaded here, not at the top, so that nothing that merely imports this module needs Node 22.5+.
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
			this.db = new DatabaseSync(join(this.folder, 'held.sqlite'));
			// Nothing here outlives the run, so nothing needs a journal or a sync to disk; 32 MB of pages cached.
			this.db.exec(
				'PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE; PRAGMA cache_size = -32768;',
			);
			this.db.exec(
				'CREATE TABLE held (place INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL)',
			);
			this.find = this.db.prepare('SELECT place, value FROM held WHERE key = ?');
			this.put = this.db.prepare(
				'INSERT INTO held (place, key, value) VALUES (?, ?, ?) ON CONFLICT (place) DO UPDATE SET value = excluded.value',
			);
		} catch (error) {
			this.close();
			throw error;
		}
	}

	/** The record held under `key`; it stays on disk too, and is written over when it is written again. */
	take<V>(key: string): Held<V> | undefined {
		const row = this.find.get(key) as { place: number; value: string } | undefined;
		return row && { place: row.place, value: decode(row.value) as V };
	}

	write<V>(records: Map<string, Held<V>>): void {
		this.db.exec('BEGIN');
		try {
			for (const [key, { place, value }] of records) this.put.run(place, key, encode(value));
			this.db.exec('COMMIT');
		} catch (error) {
			this.db.exec('ROLLBACK');
			throw error;
		}
	}

	/** Every record on disk as written, in place order. */
	*all(): Generator<{ place: number; value: string }, void, undefined> {
		for (const row of this.db.prepare('SELECT place, value FROM held ORDER BY place').iterate())
			yield row as { place: number; value: string };
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		try {
			if (this.db?.isOpen) this.db.close();
		} finally {
			rmSync(this.folder, { recursive: true, force: true });
			openFolders.delete(this.folder);
		}
	}
}
