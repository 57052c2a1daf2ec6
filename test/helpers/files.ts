import { utimesSync, writeFileSync } from 'node:fs';

/** Writes a file as if the POS had finished writing it `secondsAgo` seconds ago. */
export function writeFileAged(path: string, content: string | Buffer, secondsAgo: number): void {
	writeFileSync(path, content);
	const when = new Date(Date.now() - secondsAgo * 1000);
	utimesSync(path, when, when);
}
