/** A source's bytes, read once: a path, a buffer, or a stream whose start is peeked at for detection. */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';

import { SAMPLE_BYTES } from './detect';
import type { RowSource } from './rows';

const STREAM_CHUNK_BYTES = 64 * 1024;

export interface Sample {
	bytes: Buffer;
	isWholeFile: boolean;
}

/** A source's bytes. Read once: readSample() at most once, then either stream() or readAll(). */
export interface ByteSource {
	/** The first SAMPLE_BYTES, and whether that is all there is. */
	readSample(): Promise<Sample>;
	/** Everything from the first byte. */
	stream(): Readable;
	readAll(): Promise<Buffer>;
}

export function byteSource(source: RowSource): ByteSource {
	if (typeof source === 'string') return new FileSource(source);
	if (Buffer.isBuffer(source)) return new BufferSource(source);
	return new PeekableStream(source);
}

export class FileSource implements ByteSource {
	constructor(private readonly path: string) {}

	async readSample(): Promise<Sample> {
		const file = await open(this.path, 'r');
		try {
			// One byte more than a sample tells whether the sample is the whole file.
			const buffer = Buffer.alloc(SAMPLE_BYTES + 1);
			let filled = 0;
			while (filled < buffer.length) {
				const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, filled);
				if (bytesRead === 0) break;
				filled += bytesRead;
			}
			return {
				bytes: buffer.subarray(0, Math.min(filled, SAMPLE_BYTES)),
				isWholeFile: filled <= SAMPLE_BYTES,
			};
		} finally {
			await file.close();
		}
	}

	stream(): Readable {
		return createReadStream(this.path, { highWaterMark: STREAM_CHUNK_BYTES });
	}

	readAll(): Promise<Buffer> {
		return readFile(this.path);
	}
}

export class BufferSource implements ByteSource {
	constructor(private readonly buffer: Buffer) {}

	async readSample(): Promise<Sample> {
		return {
			bytes: this.buffer.subarray(0, SAMPLE_BYTES),
			isWholeFile: this.buffer.length <= SAMPLE_BYTES,
		};
	}

	stream(): Readable {
		// In chunks, so that a large buffer is not decoded into one large string.
		return Readable.from(chunksOf(this.buffer), { objectMode: false });
	}

	async readAll(): Promise<Buffer> {
		return this.buffer;
	}
}

export function* chunksOf(buffer: Buffer): Generator<Buffer> {
	for (let at = 0; at < buffer.length; at += STREAM_CHUNK_BYTES)
		yield buffer.subarray(at, at + STREAM_CHUNK_BYTES);
}

/** A stream whose first chunks are read for detection, then played again ahead of the rest. */
export class PeekableStream implements ByteSource {
	private readonly chunks: AsyncIterator<unknown>;
	private peeked: Buffer[] = [];
	private peekedBytes = 0;
	private ended = false;

	constructor(source: NodeJS.ReadableStream) {
		this.chunks = source[Symbol.asyncIterator]();
	}

	async readSample(): Promise<Sample> {
		while (!this.ended && this.peekedBytes <= SAMPLE_BYTES) {
			const chunk = await this.nextChunk();
			if (chunk === undefined) break;
			this.peeked.push(chunk);
			this.peekedBytes += chunk.length;
		}
		const bytes = Buffer.concat(this.peeked, this.peekedBytes).subarray(0, SAMPLE_BYTES);
		return { bytes, isWholeFile: this.peekedBytes <= SAMPLE_BYTES };
	}

	stream(): Readable {
		return Readable.from(this.replay(), { objectMode: false });
	}

	async readAll(): Promise<Buffer> {
		const chunks: Buffer[] = [];
		for await (const chunk of this.replay()) chunks.push(chunk);
		return Buffer.concat(chunks);
	}

	private async *replay(): AsyncGenerator<Buffer> {
		const peeked = this.peeked;
		this.peeked = [];
		yield* peeked;
		try {
			for (let chunk = await this.nextChunk(); chunk !== undefined; chunk = await this.nextChunk())
				yield chunk;
		} finally {
			// Stopped early by the reader: let the source stream close.
			if (!this.ended) await this.chunks.return?.();
		}
	}

	private async nextChunk(): Promise<Buffer | undefined> {
		const { done, value } = await this.chunks.next();
		if (done) {
			this.ended = true;
			return undefined;
		}
		if (typeof value === 'string') return Buffer.from(value);
		if (ArrayBuffer.isView(value))
			return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
		throw new TypeError(`readRows needs a stream of bytes, got a chunk of type ${typeof value}`);
	}
}
