import type { Readable } from 'node:stream';

/**
 * A readable stream's objects in batches: everything it holds each time it has something, so that
 * the reader pays one wait per batch rather than one per object.
 */
export async function* readableBatches<T>(stream: Readable): AsyncGenerator<T[]> {
	try {
		for (;;) {
			const batch: T[] = [];
			for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null)
				batch.push(item);
			if (batch.length) {
				yield batch;
				continue;
			}
			if (stream.errored) throw stream.errored;
			if (stream.readableEnded) return;
			if (stream.destroyed) throw new Error('the file stopped before its end');
			await nextReadableEvent(stream);
		}
	} finally {
		// Stopped early by the reader, or failed: let the source close.
		if (!stream.readableEnded) stream.destroy();
	}
}

function nextReadableEvent(stream: Readable): Promise<void> {
	return new Promise((resolve) => {
		const settle = () => {
			for (const event of ['readable', 'end', 'error', 'close']) stream.off(event, settle);
			resolve();
		};
		for (const event of ['readable', 'end', 'error', 'close']) stream.on(event, settle);
	});
}
