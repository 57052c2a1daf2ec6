import { Readable } from 'node:stream';

import {
	FileReadError,
	SAMPLE_BYTES,
	inspectFile,
	inspectSample,
	readRows,
} from '../../../lib/files';
import { readAll, scratchFolder } from './read-helpers';

const folder = scratchFolder();
afterAll(() => folder.remove());

function utf16be(text: string): Buffer {
	return Buffer.from(text, 'utf16le').swap16();
}

describe('encodings', () => {
	it('reads Windows-1252 text, where £ is the single byte 0xA3', async () => {
		const bytes = Buffer.from(
			'Item,Price\r\n"Gift card","£4,250.00"\r\nCafé crème,£3.10\r\n',
			'latin1',
		);
		expect(bytes.includes(0xa3)).toBe(true);
		const path = folder.write('till-1252.csv', bytes);

		expect(await inspectFile(path)).toMatchObject({
			encoding: 'windows-1252',
			bom: false,
			delimiter: ',',
		});
		const { rows } = await readAll(path, { fileName: 'till-1252.csv' });
		expect(rows.map((row) => row.values)).toEqual([
			['Gift card', '£4,250.00'],
			['Café crème', '£3.10'],
		]);
	});

	it('strips a UTF-8 byte order mark and CRLF line endings from what it returns', async () => {
		const path = folder.write(
			'bom-crlf.csv',
			Buffer.from(
				'\ufeffCustomer ID,Email\r\nC1,ann@example.com\r\nC2,bob@example.com\r\n',
				'utf8',
			),
		);

		const inspection = await inspectFile(path);
		expect(inspection).toMatchObject({
			encoding: 'utf-8',
			bom: true,
			header: ['Customer ID', 'Email'],
		});
		const { header, rows } = await readAll(path, { fileName: 'bom-crlf.csv' });
		expect(header[0]).toBe('Customer ID');
		expect(rows.map((row) => [row.line, ...row.values])).toEqual([
			[2, 'C1', 'ann@example.com'],
			[3, 'C2', 'bob@example.com'],
		]);
	});

	it.each([
		['utf-16le', (text: string) => Buffer.from(`\ufeff${text}`, 'utf16le')],
		['utf-16be', (text: string) => utf16be(`\ufeff${text}`)],
	] as const)('reads %s with a byte order mark', async (encoding, encode) => {
		const path = folder.write(
			`${encoding}.csv`,
			encode('Kunde\tBetrag\r\nMüller\t12,50 €\r\nŁódź\t3,00 €\r\n'),
		);

		expect(await inspectFile(path)).toMatchObject({
			encoding,
			bom: true,
			delimiter: '\t',
			header: ['Kunde', 'Betrag'],
		});
		const { rows } = await readAll(path, { fileName: `${encoding}.csv` });
		expect(rows.map((row) => row.values)).toEqual([
			['Müller', '12,50 €'],
			['Łódź', '3,00 €'],
		]);
	});

	it('reads UTF-16 without a byte order mark', async () => {
		const path = folder.write('utf-16le-nobom.csv', Buffer.from('Item,Qty\nLatte,2\n', 'utf16le'));

		expect(await inspectFile(path)).toMatchObject({ encoding: 'utf-16le', bom: false });
		expect((await readAll(path, { fileName: 'utf-16le-nobom.csv' })).rows[0].values).toEqual([
			'Latte',
			'2',
		]);
	});

	it('keeps UTF-8 when a character straddles the end of the detection sample', async () => {
		const filler = 'x'.repeat(SAMPLE_BYTES - 'Item,Note\n'.length - 1);
		// "é" is two bytes: the first is the sample's last byte, the second is past it.
		const text = `Item,Note\n${filler}é,1\nCafé,2\n`;
		const path = folder.write('straddle.csv', Buffer.from(text, 'utf8'));

		expect(await inspectFile(path)).toMatchObject({ encoding: 'utf-8' });
		const { rows } = await readAll(path, { fileName: 'straddle.csv' });
		expect(rows.map((row) => row.values[0].toString().slice(-1))).toEqual(['é', 'é']);
	});

	it('lets the caller override a detected encoding', async () => {
		const path = folder.write('ascii-looking.csv', Buffer.from('Name\nZoë\n', 'utf8'));
		const { rows } = await readAll(path, {
			fileName: 'ascii-looking.csv',
			encoding: 'windows-1252',
		});
		expect(rows[0].values).toEqual(['ZoÃ«']);
	});
});

describe('delimiters', () => {
	it('reads semicolons with decimal commas, leaving the numbers as written', async () => {
		const path = folder.write('preise.csv', 'Preis;Menge\n12,50;3\n');

		expect(await inspectFile(path)).toMatchObject({ delimiter: ';', header: ['Preis', 'Menge'] });
		expect((await readAll(path, { fileName: 'preise.csv' })).rows.map((row) => row.values)).toEqual(
			[['12,50', '3']],
		);
	});

	it('reads tab-separated text named .csv', async () => {
		const path = folder.write('tabs.csv', 'SKU\tDescription\tPrice\nA1\tMug, large\t4.50\n');

		expect(await inspectFile(path)).toMatchObject({ format: 'csv', delimiter: '\t' });
		expect((await readAll(path, { fileName: 'tabs.csv' })).rows[0].values).toEqual([
			'A1',
			'Mug, large',
			'4.50',
		]);
	});

	it('reads pipe-separated text', async () => {
		const path = folder.write(
			'pipes.txt',
			'SKU|Description|Price\nA1|Mug, large|4.50\nB2|"Plate | blue"|3.00\n',
		);

		expect(await inspectFile(path)).toMatchObject({ delimiter: '|' });
		expect((await readAll(path, { fileName: 'pipes.txt' })).rows.map((row) => row.values)).toEqual([
			['A1', 'Mug, large', '4.50'],
			['B2', 'Plate | blue', '3.00'],
		]);
	});

	it('lets the caller override a detected delimiter', async () => {
		const { rows } = await readAll(Buffer.from('a;b,c\n1;2,3\n'), {
			fileName: 'mixed.csv',
			delimiter: ';',
		});
		expect(rows[0].values).toEqual(['1', '2,3']);
	});
});

describe('line numbers', () => {
	it('gives each row the line it starts on when quoted values span lines', async () => {
		const lines = [
			'Item,Note,Qty',
			'Latte,"no foam',
			'extra hot",1',
			'Mocha,plain,2',
			'Tea,"a',
			'',
			'b',
			'c",3',
			'Cake,,4',
		];
		for (const [name, ending] of [
			['quoted-lf.csv', '\n'],
			['quoted-crlf.csv', '\r\n'],
		]) {
			const { rows } = await readAll(Buffer.from(lines.join(ending) + ending), { fileName: name });
			expect(rows.map((row) => [row.line, row.values[0]])).toEqual([
				[2, 'Latte'],
				[4, 'Mocha'],
				[5, 'Tea'],
				[9, 'Cake'],
			]);
			expect(rows[2].values[1]).toBe(['a', '', 'b', 'c'].join(ending));
		}
	});

	it('leaves out blank lines and rows of empty values, counting them in line numbers', async () => {
		const text = '\nItem,Qty\n\nLatte,1\n,\n  ,  \nMocha,2\n\n\n';
		const { header, rows } = await readAll(Buffer.from(text), { fileName: 'gaps.csv' });

		expect(header).toEqual(['Item', 'Qty']);
		expect(rows.map((row) => [row.line, ...row.values])).toEqual([
			[4, 'Latte', '1'],
			[7, 'Mocha', '2'],
		]);
	});

	it('copes with line endings that change part way through the file', async () => {
		const { rows } = await readAll(Buffer.from('Item,Qty\r\nLatte,1\r\nMocha,2\nTea,3\rCake,4'), {
			fileName: 'appended.csv',
		});
		expect(rows.map((row) => [row.line, ...row.values])).toEqual([
			[2, 'Latte', '1'],
			[3, 'Mocha', '2'],
			[4, 'Tea', '3'],
			[5, 'Cake', '4'],
		]);
	});
});

describe('malformed records', () => {
	it('skips a record with a stray quote, says where and why, and reads on', async () => {
		const text = 'Item,Size,Price\nLatte,12oz,3.50\nPizza,12" large,9.99\nMocha,16oz,4.10\n';
		const { rows, skipped } = await readAll(Buffer.from(text), { fileName: 'menu.csv' });

		expect(skipped).toEqual([
			{
				kind: 'skipped',
				line: 3,
				lastLine: 3,
				reason: 'column 2 ("Size") has a quote (") in a value that is not enclosed in quotes',
				raw: 'Pizza,12"',
				values: ['Pizza', '12'],
			},
		]);
		expect(rows.map((row) => [row.line, row.values[0]])).toEqual([
			[2, 'Latte'],
			[4, 'Mocha'],
		]);
	});

	it('reports an unescaped quote inside a quoted value, in a CRLF file', async () => {
		const text =
			'Item,Size,Price\r\nLatte,"12oz\r\ncup",3.50\r\nPizza,"12" large",9.99\r\nMocha,16oz,4.10\r\n';
		const { rows, skipped } = await readAll(Buffer.from(text), { fileName: 'menu.csv' });

		expect(skipped).toMatchObject([
			{
				line: 4,
				lastLine: 4,
				reason: expect.stringContaining('column 2 ("Size") has text after the closing quote'),
			},
		]);
		expect(rows.map((row) => [row.line, row.values[0]])).toEqual([
			[2, 'Latte'],
			[5, 'Mocha'],
		]);
	});

	it('counts the lines a quote left open takes in as part of the skipped record', async () => {
		const text = 'Item,Note,Qty\nLatte,"oops"x,1\nMocha,plain,2\nTea,"ok",3\nCake,plain,4\n';
		const { rows, skipped } = await readAll(Buffer.from(text), { fileName: 'open-quote.csv' });

		expect(skipped).toMatchObject([{ line: 2, lastLine: 4 }]);
		expect(rows.map((row) => [row.line, row.values[0]])).toEqual([[5, 'Cake']]);
	});

	it('reports a quote never closed as skipping the rest of the file', async () => {
		const text = 'Item,Note,Qty\nLatte,plain,1\nMocha,"never closed,2\nTea,plain,3\n\n';
		const { rows, skipped } = await readAll(Buffer.from(text), { fileName: 'unclosed.csv' });

		expect(rows.map((row) => row.values[0])).toEqual(['Latte']);
		expect(skipped).toMatchObject([
			{ line: 3, lastLine: 4, reason: expect.stringContaining('never closed') },
		]);
	});

	it('gives up on a quote never closed rather than hold the rest of a large file in memory', async () => {
		const rest = Array.from({ length: 60_000 }, (_, i) => `Item ${i},plain,${i}`).join('\n');
		const text = `Item,Note,Qty\nLatte,plain,1\nMocha,"never closed,2\n${rest}\n`;

		const failure = readAll(Buffer.from(text), { fileName: 'runaway.csv' });
		await expect(failure).rejects.toBeInstanceOf(FileReadError);
		await expect(failure).rejects.toMatchObject({
			line: 3,
			message: expect.stringContaining(
				'the record starting on line 3 is over a million characters long',
			),
		});
	});

	it('rejects one unquoted line over a million bytes with its true reason, and reads the rows around it', async () => {
		const long = `Banner,${'x'.repeat(1_200_000)},1`;
		const text = `Item,Note,Qty\nLatte,plain,1\n${long}\nMocha,plain,2\r\nTea,plain,3\n`;
		const { rows, skipped } = await readAll(Buffer.from(text), { fileName: 'long-line.csv' });

		expect(rows.map((row) => [row.line, row.values[0]])).toEqual([
			[2, 'Latte'],
			[4, 'Mocha'],
			[5, 'Tea'],
		]);
		expect(skipped).toHaveLength(1);
		expect(skipped[0]).toMatchObject({
			line: 3,
			lastLine: 3,
			reason:
				'the line is 1,200,009 bytes long, more than the 1,000,000 a row may have, so it is not read',
		});
		expect(skipped[0].raw).toHaveLength(1000);
		expect(skipped[0].values?.[0]).toBe('Banner');
	});

	it('streams past several over-long lines in small chunks, each reported on its own line', async () => {
		const lines = ['Item,Note,Qty'];
		for (let index = 0; index < 40; index++)
			lines.push(
				index % 10 === 5
					? `Long ${index},${'y'.repeat(1_000_100)},1`
					: `Item ${index},plain,${index}`,
			);
		const text = Buffer.from(`${lines.join('\n')}\n`);
		const chunks = Array.from({ length: Math.ceil(text.length / 7919) }, (_, index) =>
			text.subarray(index * 7919, (index + 1) * 7919),
		);
		const { rows, skipped } = await readAll(Readable.from(chunks), {
			fileName: 'chunked-long.csv',
		});

		expect(skipped.map((row) => row.line)).toEqual([7, 17, 27, 37]);
		expect(rows).toHaveLength(36);
		expect(rows.every((row) => row.values[0] === `Item ${row.line - 2}`)).toBe(true);
	});

	it('a header line over a million bytes is a file that cannot be read, said as such', async () => {
		const failure = readAll(Buffer.from(`${'H'.repeat(1_100_000)}\nA,1\n`), {
			fileName: 'long-header.csv',
		});
		await expect(failure).rejects.toMatchObject({
			message: expect.stringContaining(
				'the header row on line 1 cannot be read: the line is 1,100,000 bytes long',
			),
		});
	});

	it('numbers consecutive bad records one by one', async () => {
		const text = 'Item,Size\nA,12" x\nB,14" y\nC,"9" z"\nD,ok\n';
		const { rows, skipped } = await readAll(Buffer.from(text), { fileName: 'inches.csv' });

		expect(skipped.map((s) => [s.line, s.lastLine])).toEqual([
			[2, 2],
			[3, 3],
			[4, 4],
		]);
		expect(rows.map((row) => [row.line, ...row.values])).toEqual([[5, 'D', 'ok']]);
	});

	it('still yields rows with too few or too many fields, as they are', async () => {
		const text = 'Item,Qty,Price\nLatte,1,3.50\nMocha,2\nTea,1,2.00,extra\n';
		const { header, rows, skipped } = await readAll(Buffer.from(text), { fileName: 'ragged.csv' });

		expect(skipped).toEqual([]);
		expect(rows.map((row) => row.values)).toEqual([
			['Latte', '1', '3.50'],
			['Mocha', '2'],
			['Tea', '1', '2.00', 'extra'],
		]);
		expect(
			rows.filter((row) => row.values.length !== header.length).map((row) => row.line),
		).toEqual([3, 4]);
	});

	it('reads a large file whose rows end in an extra delimiter, and whose field counts change, as they are', async () => {
		const lines = ['Item,Qty,Price'];
		for (let index = 0; index < 30_000; index++)
			lines.push(index < 20_000 ? `Item ${index},1,2.50,` : `Item ${index},1,2.50`);
		const { rows, skipped } = await readAll(Buffer.from(lines.join('\n')), {
			fileName: 'extra-comma.csv',
		});

		expect(skipped).toEqual([]);
		expect(rows).toHaveLength(30_000);
		expect(
			rows.every(
				(row, index) =>
					row.line === index + 2 &&
					row.values.length === (index < 20_000 ? 4 : 3) &&
					row.values[0] === `Item ${index}`,
			),
		).toBe(true);
	});

	it('fails the whole file when the header cannot be parsed', async () => {
		const read = readAll(Buffer.from('Item,"Size"x,Price\nLatte,12oz,3.50\n'), {
			fileName: 'bad-header.csv',
		});
		await expect(read).rejects.toBeInstanceOf(FileReadError);
		await expect(read).rejects.toMatchObject({
			fileName: 'bad-header.csv',
			line: 1,
			message: expect.stringContaining('the header row on line 1 cannot be read'),
		});
	});
});

describe('sources and inspection', () => {
	it('reads a stream, detecting from its first chunks and replaying them', async () => {
		const text = `Item;Qty\n${Array.from({ length: 5000 }, (_, i) => `Item ${i};${i}`).join('\n')}\n`;
		const chunks =
			Buffer.from(text)
				.toString('latin1')
				.match(/[\s\S]{1,777}/g) ?? [];
		const stream = Readable.from(chunks.map((chunk) => Buffer.from(chunk, 'latin1')));

		const { header, rows } = await readAll(stream, { fileName: 'stream.csv' });
		expect(header).toEqual(['Item', 'Qty']);
		expect(rows).toHaveLength(5000);
		expect(rows[4999]).toEqual({ kind: 'row', line: 5001, values: ['Item 4999', '4999'] });
	});

	it('closes a stream it was reading when the caller stops early', async () => {
		const stream = Readable.from(
			(function* () {
				yield Buffer.from('Item,Qty\n');
				for (let i = 0; i < 100_000; i++) yield Buffer.from(`Item ${i},${i}\n`);
			})(),
		);
		for await (const result of readRows(stream, { fileName: 'endless.csv' })) {
			if (result.kind === 'row') break;
		}
		await new Promise((resolve) => setImmediate(resolve));
		expect(stream.destroyed).toBe(true);
	});

	it('reads with an earlier inspection instead of detecting again', async () => {
		const bytes = Buffer.from('Preis;Menge\n12,50;3\n', 'latin1');
		const inspection = inspectSample(bytes, 'preise.csv', true);
		expect(inspection).toEqual({
			format: 'csv',
			encoding: 'utf-8',
			bom: false,
			delimiter: ';',
			header: ['Preis', 'Menge'],
			sheetName: null,
		});

		const { rows } = await readAll(bytes, {
			fileName: 'preise.csv',
			inspection: { ...inspection, delimiter: ',' },
		});
		expect(rows[0].values).toEqual(['12', '50;3']);
	});

	it('returns an empty header for a file of blank lines', async () => {
		expect(inspectSample(Buffer.from('\r\n\r\n'), 'blank.csv', true).header).toEqual([]);
		expect(await readAll(Buffer.from('\r\n\r\n'), { fileName: 'blank.csv' })).toEqual({
			header: [],
			rows: [],
			skipped: [],
		});
	});

	it('reads a file that is only a header', async () => {
		expect(await readAll(Buffer.from('Item,Qty'), { fileName: 'header-only.csv' })).toEqual({
			header: ['Item', 'Qty'],
			rows: [],
			skipped: [],
		});
	});
});
