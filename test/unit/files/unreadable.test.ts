import { mkdirSync } from 'node:fs';

import { FileReadError, inspectFile, readRows } from '../../../lib/files';
import { readAll, scratchFolder } from './read-helpers';

const folder = scratchFolder();
afterAll(() => folder.remove());

const unreadable: Array<[string, Buffer, string]> = [
	[
		'prices.pdf',
		Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n'),
		'it is not a CSV, TSV or Excel file (it looks like a PDF)',
	],
	['sales.csv', Buffer.alloc(0), 'the file is empty'],
	[
		'sales.xlsx',
		Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31 + 7) % 256)),
		'it is not a CSV, TSV or Excel file (it looks like binary data)',
	],
];

describe('files that are not spreadsheets', () => {
	it.each(unreadable)(
		'%s: inspecting and reading both fail, naming the file and why',
		async (name, bytes, reason) => {
			const path = folder.write(name, bytes);
			const expected = `Cannot read "${name}": ${reason}.`;

			await expect(inspectFile(path)).rejects.toThrow(expected);
			await expect(readAll(path, { fileName: name })).rejects.toThrow(expected);
			await expect(readAll(bytes, { fileName: name })).rejects.toMatchObject({
				name: 'FileReadError',
				fileName: name,
				reason,
			});
		},
	);

	it('fails on the first iteration, before yielding anything', async () => {
		const iterator = readRows(folder.write('scan.pdf', Buffer.from('%PDF-1.7\n')), {
			fileName: 'scan.pdf',
		})[Symbol.asyncIterator]();
		await expect(iterator.next()).rejects.toBeInstanceOf(FileReadError);
	});

	it('says when the file does not exist or is a folder', async () => {
		await expect(inspectFile(folder.path('gone.csv'))).rejects.toThrow(
			'Cannot read "gone.csv": the file does not exist.',
		);
		await expect(readAll(folder.path('gone.csv'), { fileName: 'gone.csv' })).rejects.toThrow(
			'Cannot read "gone.csv": the file does not exist.',
		);
		const inspection = {
			format: 'csv',
			encoding: 'utf-8',
			bom: false,
			delimiter: ',',
			header: [],
			sheetName: null,
		} as const;
		await expect(
			readAll(folder.path('gone.csv'), {
				fileName: 'gone.csv',
				inspection: { ...inspection, header: [] },
			}),
		).rejects.toThrow('Cannot read "gone.csv": the file does not exist.');
		mkdirSync(folder.path('exports.csv'));
		await expect(inspectFile(folder.path('exports.csv'))).rejects.toThrow(
			'Cannot read "exports.csv": it is a folder, not a file.',
		);
	});

	it('uses the name it is given in messages, not the path it reads', async () => {
		const path = folder.write('upload-7f3a.tmp', Buffer.from('%PDF-1.7\n'));
		await expect(inspectFile(path, 'March prices.pdf')).rejects.toThrow(
			'Cannot read "March prices.pdf": ',
		);
		await expect(readAll(path, { fileName: 'March prices.pdf' })).rejects.toThrow(
			'Cannot read "March prices.pdf": ',
		);
	});
});
