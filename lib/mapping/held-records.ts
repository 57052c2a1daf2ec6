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
import { deserialize, serialize } from 'node:v8';

/** Rows held in memory before the records go to disk: a few tens of MB of records. */
export const ROWS_HELD_IN_MEMORY = 50_000;

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
	private readonly limit: number;

	constructor(private readonly options: HoldingOptions = {}) {
		this.limit = Math.max(1, options.rowsInMemory ?? ROWS_HELD_IN_MEMORY);
	}

	/** True once records went to disk. */
	get spilled(): boolean {
		return this.disk !== undefined;
	}

	/** The folder of the temporary file, while there is one. */
	get spillFolder(): string | undefined {
		return this.disk?.folder;
	}

	/**
	 * The record held under `key`, for one row to change it in place: a change is kept until the next
	 * call to `get` or `add`, which may write the record to disk.
	 */
	get(key: string): V | undefined {
		this.makeRoom();
		const held = this.memory.get(key) ?? this.disk?.take(key);
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
				this.spill();
				for (const value of this.disk.all()) yield value as V;
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
		this.disk.write(this.memory);
		this.memory = new Map();
		this.rowsInMemory = 0;
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
			removeAtExit = () => openFolders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
			process.once('exit', removeAtExit);
		}
		try {
			// Loaded here, not at the top, so that nothing that merely imports this module needs Node 22.5+.
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
			this.db = new DatabaseSync(join(this.folder, 'held.sqlite'));
			// Nothing here outlives the run, so nothing needs a journal or a sync to disk.
			this.db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;');
			this.db.exec('CREATE TABLE held (place INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value BLOB NOT NULL)');
			this.find = this.db.prepare('SELECT place, value FROM held WHERE key = ?');
			this.put = this.db.prepare('INSERT INTO held (place, key, value) VALUES (?, ?, ?) ON CONFLICT (place) DO UPDATE SET value = excluded.value');
		} catch (error) {
			this.close();
			throw error;
		}
	}

	/** The record held under `key`; it stays on disk too, and is written over when it is written again. */
	take<V>(key: string): Held<V> | undefined {
		const row = this.find.get(key) as { place: number; value: Uint8Array } | undefined;
		return row && { place: row.place, value: deserialize(row.value) as V };
	}

	write<V>(records: Map<string, Held<V>>): void {
		this.db.exec('BEGIN');
		try {
			for (const [key, { place, value }] of records) this.put.run(place, key, serialize(value));
			this.db.exec('COMMIT');
		} catch (error) {
			this.db.exec('ROLLBACK');
			throw error;
		}
	}

	*all(): Generator<unknown, void, undefined> {
		for (const row of this.db.prepare('SELECT value FROM held ORDER BY place').iterate()) yield deserialize((row as { value: Uint8Array }).value);
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
