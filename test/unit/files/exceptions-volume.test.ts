/** A 50,000-row exceptions workbook streamed and read back by a spreadsheet library. */
import * as XLSX from 'xlsx';

import { exceptionRow, exceptionsFile, type ExceptionRow } from '../../../lib/files/exceptions';

async function bytesOf(rows: ExceptionRow[], format: 'xlsx' | 'csv'): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of exceptionsFile(rows, format)) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

const rejection = {
	file: '/data/pos/customers/c.csv',
	line: 7,
	field: 'email',
	column: 'Email',
	rule: 'email.invalid',
	value: '=HYPERLINK("http://x")',
	message: '"=HYPERLINK" is not a valid email address',
	owner: 'till data',
};

describe('The exceptions file at volume', () => {
	it('50,000 rows stream into a readable workbook', async () => {
		const many = Array.from({ length: 50_000 }, (_, index) => ({
			...exceptionRow(rejection),
			line: index + 2,
		}));
		const read = XLSX.utils.sheet_to_json<{ line: number }>(
			XLSX.read(await bytesOf(many, 'xlsx')).Sheets.Exceptions,
		);
		expect(read).toHaveLength(50_000);
		expect(read[49_999].line).toBe(50_001);
	});
});
