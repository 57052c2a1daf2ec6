/** The text on its way to csv-parse: over-long lines taken out, lines indexed, bytes kept for replays. */
import { Transform, type TransformCallback } from 'node:stream';

/** A line longer than this is rejected as a row on its own, and reading goes on after it. */
export const MAX_LINE_BYTES = 1_000_000;
/** How much of a rejected record's text is kept to show. */
export const RAW_EXCERPT_CHARACTERS = 1000;

export interface DroppedLine {
	/** Where the line was, in the text as passed on (the offset of the line break that ended it). */
	offset: number;
	bytes: number;
	/** Its first RAW_EXCERPT_CHARACTERS characters or so. */
	raw: string;
}

/**
 * Takes lines longer than MAX_LINE_BYTES out of the text, keeping their line breaks so that every
 * line keeps its number, and notes each in `dropped`. A line is held back until it ends or grows
 * too long, so memory stays within MAX_LINE_BYTES; text with short lines passes in whole chunks.
 */
export class LongLineFilter extends Transform {
	readonly dropped: DroppedLine[] = [];
	private held: Buffer[] = [];
	private heldBytes = 0;
	private dropping: { bytes: number; raw: string } | undefined;
	private passedBytes = 0;

	override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
		const out: Buffer[] = [];
		if (!this.dropping && this.heldBytes + chunk.length <= MAX_LINE_BYTES) {
			const lastBreak = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR));
			if (lastBreak === -1) this.hold(chunk);
			else {
				this.release(out);
				out.push(chunk.subarray(0, lastBreak + 1));
				if (lastBreak + 1 < chunk.length) this.hold(chunk.subarray(lastBreak + 1));
			}
		} else {
			let position = 0;
			while (position < chunk.length) {
				const lf = chunk.indexOf(LF, position);
				const cr = chunk.indexOf(CR, position);
				const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
				if (end === -1) {
					this.addToLine(chunk.subarray(position));
					break;
				}
				this.addToLine(chunk.subarray(position, end));
				this.endLine(out);
				out.push(chunk.subarray(end, end + 1));
				position = end + 1;
			}
		}
		this.send(out, done);
	}

	override _flush(done: TransformCallback): void {
		const out: Buffer[] = [];
		this.endLine(out);
		this.send(out, done);
	}

	private send(out: Buffer[], done: TransformCallback): void {
		const bytes = out.length === 1 ? out[0] : Buffer.concat(out);
		this.passedBytes += bytes.length;
		done(null, bytes.length ? bytes : undefined);
	}

	private hold(part: Buffer): void {
		this.held.push(part);
		this.heldBytes += part.length;
	}

	private release(out: Buffer[]): void {
		for (const part of this.held) out.push(part);
		this.held = [];
		this.heldBytes = 0;
	}

	private addToLine(part: Buffer): void {
		if (this.dropping) {
			this.dropping.bytes += part.length;
			return;
		}
		this.hold(part);
		if (this.heldBytes > MAX_LINE_BYTES) {
			const start = Buffer.concat(this.held)
				.subarray(0, RAW_EXCERPT_CHARACTERS * 4)
				.toString('utf8');
			this.dropping = { bytes: this.heldBytes, raw: start.slice(0, RAW_EXCERPT_CHARACTERS) };
			this.held = [];
			this.heldBytes = 0;
		}
	}

	private endLine(out: Buffer[]): void {
		if (this.dropping) {
			const offset = this.passedBytes + out.reduce((total, part) => total + part.length, 0);
			this.dropped.push({ offset, bytes: this.dropping.bytes, raw: this.dropping.raw });
			this.dropping = undefined;
		} else this.release(out);
	}
}

/**
 * Passes the text through unchanged (as UTF-8 bytes, which is what csv-parse's offsets count),
 * indexing its lines and keeping the bytes the reader may need to parse again: everything from the
 * offset last released on.
 */
export class KeptText extends Transform {
	readonly lines = new LineIndex();
	private kept: Buffer[] = [];
	/** The offset of the first kept byte. */
	private keptStart = 0;
	private released = 0;

	override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
		this.lines.note(chunk);
		this.dropReleased();
		this.kept.push(chunk);
		done(null, chunk);
	}

	override _flush(done: TransformCallback): void {
		this.lines.end();
		done();
	}

	/** The bytes before `offset` will not be asked for again. */
	release(offset: number): void {
		this.released = offset;
	}

	bytesSince(start: number): Buffer {
		return this.bytesBetween(start, Number.POSITIVE_INFINITY);
	}

	/** The kept bytes from `start` up to `end`; `start` must not be before the last release. */
	bytesBetween(start: number, end: number): Buffer {
		const parts: Buffer[] = [];
		let chunkStart = this.keptStart;
		for (const chunk of this.kept) {
			const chunkEnd = chunkStart + chunk.length;
			if (chunkEnd > start && chunkStart < end)
				parts.push(
					chunk.subarray(Math.max(start - chunkStart, 0), Math.min(end, chunkEnd) - chunkStart),
				);
			chunkStart = chunkEnd;
		}
		return parts.length === 1 ? parts[0] : Buffer.concat(parts);
	}

	private dropReleased(): void {
		while (this.kept.length && this.keptStart + this.kept[0].length <= this.released)
			this.keptStart += this.kept.shift()!.length;
	}
}

/**
 * The offset at which each line of a text starts, noted chunk by chunk. Lines are looked up in
 * increasing order only, so the offsets already passed are dropped and memory stays bounded.
 */
export class LineIndex {
	private bytesSeen = 0;
	/** A CR ended the last chunk: whether the break is CRLF depends on the next chunk. */
	private carriageReturnPending = false;
	private lineStarts: number[] = [];
	private nextLineStart = 0;
	private linesDropped = 0;
	private lastTextOffset = 0;

	/** The 1-based line holding the byte at `offset`. Offsets must not decrease from one call to the next. */
	lineAt(offset: number): number {
		while (
			this.nextLineStart < this.lineStarts.length &&
			this.lineStarts[this.nextLineStart] <= offset
		)
			this.nextLineStart++;
		if (this.nextLineStart > 4096) {
			// The start of the current line stays, for lineStartOf.
			this.lineStarts = this.lineStarts.slice(this.nextLineStart - 1);
			this.linesDropped += this.nextLineStart - 1;
			this.nextLineStart = 1;
		}
		return this.linesDropped + this.nextLineStart + 1;
	}

	/** The line holding the byte at `offset`, and the offset it starts at; the same order rule as lineAt. */
	lineStartOf(offset: number): { line: number; start: number } {
		const line = this.lineAt(offset);
		return { line, start: this.nextLineStart === 0 ? 0 : this.lineStarts[this.nextLineStart - 1] };
	}

	/** The last line that is not blank; call once all text has been noted, as a last lookup. */
	lastLineWithText(): number {
		return this.lineAt(this.lastTextOffset);
	}

	/** Notes the next chunk of the text. */
	note(chunk: Buffer): void {
		const base = this.bytesSeen;
		let lastText = chunk.length - 1;
		while (lastText >= 0 && (chunk[lastText] === LF || chunk[lastText] === CR)) lastText--;
		if (lastText >= 0) this.lastTextOffset = base + lastText;
		let position = 0;
		if (this.carriageReturnPending) {
			this.carriageReturnPending = false;
			if (chunk[0] === LF) position = 1;
			this.lineStarts.push(base + position);
		}
		let nextLf = chunk.indexOf(LF, position);
		let nextCr = chunk.indexOf(CR, position);
		while (nextLf !== -1 || nextCr !== -1) {
			if (nextCr !== -1 && (nextLf === -1 || nextCr < nextLf)) {
				if (nextCr === chunk.length - 1) {
					this.carriageReturnPending = true;
					break;
				}
				position = chunk[nextCr + 1] === LF ? nextCr + 2 : nextCr + 1;
				nextCr = chunk.indexOf(CR, position);
				if (nextLf !== -1 && nextLf < position) nextLf = chunk.indexOf(LF, position);
			} else {
				position = nextLf + 1;
				nextLf = chunk.indexOf(LF, position);
			}
			this.lineStarts.push(base + position);
		}
		this.bytesSeen += chunk.length;
	}

	/** The text has ended: a CR at its very end was a line break. */
	end(): void {
		if (this.carriageReturnPending) this.lineStarts.push(this.bytesSeen);
		this.carriageReturnPending = false;
	}
}

export const LF = 0x0a;
export const CR = 0x0d;
