/**
 * ExportStockCompressed and GetStockListCompressed, for large catalogues where the guide warns that
 * plain transfers may time out: the same documents, sent as a ZIP (CompressionMethod 0) in a
 * TCompressedResult. BZip2
 * (method 1) needs a decoder Node does not have, so ZIP is always asked for.
 */
import { inflateRawSync } from 'node:zlib';

import { chunked, csvSafeCodes } from './codes';
import { KhaosProtocolError } from './errors';
import type { KhaosSoapClient, SoapValue } from './soap';
import { soapText } from './soap-response';
import { parseExportStock, type KhaosStockItem } from './stock';

/** Largest unzipped document accepted, to keep memory bounded. */
const MAX_UNZIPPED = 256 * 1024 * 1024;

export async function* exportStockCompressedChunks(
	client: Pick<KhaosSoapClient, 'call'>,
	codes: readonly string[],
	options: { mappingType?: 1 | 2 | 4; chunkSize?: number } = {},
): AsyncGenerator<KhaosStockItem[]> {
	for (const chunk of chunked(csvSafeCodes(codes), options.chunkSize ?? 15)) {
		const result = await client.call('ExportStockCompressed', [
			['StockCode', chunk.join(','), 'string'],
			['MappingType', options.mappingType ?? 1, 'int'],
			['CompressionMethod', 0, 'int'],
		]);
		yield parseExportStock(decompressResult('ExportStockCompressed', result));
	}
}

/** The document inside a TCompressedResult. */
export function decompressResult(method: string, result: SoapValue | undefined): string {
	const kind = soapText(result ?? undefined, 'Method').toUpperCase();
	const data = soapText(result ?? undefined, 'Data');
	if (kind !== 'ZIP')
		throw new KhaosProtocolError(method, `expected a ZIP result but got "${kind || 'nothing'}"`);
	const unzipped = firstFileOfZip(method, Buffer.from(data, 'base64'));
	const originalSize = soapText(result ?? undefined, 'OriginalSize');
	if (originalSize !== '' && Number(originalSize) !== unzipped.length) {
		const problem = `the unzipped document is ${unzipped.length} bytes but Khaos reported OriginalSize ${originalSize}: the transfer is incomplete or damaged`;
		throw new KhaosProtocolError(method, problem);
	}
	return unzipped.toString('utf8');
}

/** The first file of a ZIP archive, found through its central directory. */
export function firstFileOfZip(method: string, zip: Buffer): Buffer {
	const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
	if (end < 0 || end + 22 > zip.length)
		throw new KhaosProtocolError(method, 'the compressed data is not a ZIP archive');
	const central = zip.readUInt32LE(end + 16);
	if (zip.readUInt32LE(central) !== 0x02014b50)
		throw new KhaosProtocolError(method, 'the ZIP archive has no central directory');
	const compression = zip.readUInt16LE(central + 10);
	const size = zip.readUInt32LE(central + 20);
	const unzippedSize = zip.readUInt32LE(central + 24);
	const local = zip.readUInt32LE(central + 42);
	if (zip.readUInt32LE(local) !== 0x04034b50)
		throw new KhaosProtocolError(method, 'the ZIP archive is damaged');
	if (unzippedSize > MAX_UNZIPPED)
		throw new KhaosProtocolError(
			method,
			`the unzipped document would be ${unzippedSize} bytes, more than allowed`,
		);
	const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
	const data = zip.subarray(start, start + size);
	if (compression === 0) return data;
	if (compression === 8) return inflateRawSync(data, { maxOutputLength: MAX_UNZIPPED });
	throw new KhaosProtocolError(
		method,
		`the ZIP archive uses compression method ${compression}, which cannot be read`,
	);
}
