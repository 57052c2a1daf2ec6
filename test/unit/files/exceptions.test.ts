/**
 * The exceptions workbook as a consultant opens it: every row with a message in plain words, no value
 * read as a formula, and the streamed .xlsx readable by a spreadsheet library at any size.
 */
import * as XLSX from 'xlsx';

import {
	EXCEPTION_COLUMNS,
	exceptionRow,
	exceptionsFile,
	plainWords,
	type ExceptionRow,
} from '../../../lib/files/exceptions';

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
const failure = (code: string, description: string, retryable = false) => ({
	resource: 'contact',
	key: 'jo@example.com',
	code,
	description,
	retryable,
	owner: 'till data',
	record: { email: 'jo@example.com', _source: { file: 'c.csv', lines: [9] } },
});

describe('Exceptions rows', () => {
	it('a rejected row and a Dotdigital failure share the columns, each with a message in plain words', () => {
		expect(exceptionRow(rejection)).toEqual({
			owner: 'till data',
			message: rejection.message,
			reason: rejection.message,
			stage: 'Mapping',
			file: 'c.csv',
			line: 7,
			field: 'email',
			value: rejection.value,
			identifier: '',
			retry_helps: 'No',
		});
		const row = exceptionRow(failure('missingIdentifier', 'missingIdentifier'));
		expect(row).toMatchObject({
			stage: 'Dotdigital',
			file: 'c.csv',
			line: 9,
			field: 'missingIdentifier',
			identifier: 'jo@example.com',
			retry_helps: 'No',
		});
		expect(row.message).toMatch(/no email address/);
	});

	it('no message is a bare code, whatever the code', () => {
		for (const code of [
			'missingIdentifier',
			'invalidDataFieldValue',
			'GloballySuppressed',
			'runFailed',
			'SomethingNew',
			'JsonPropertyInvalid',
		]) {
			const message = plainWords(
				code,
				code === 'SomethingNew' ? 'SomethingNew: the record broke a rule' : '',
			);
			expect(message).not.toBe(code);
			expect(message).toMatch(/ /);
			expect(message).not.toMatch(/^[A-Za-z.]+$/);
		}
		expect(plainWords('SomethingNew', 'SomethingNew: the record broke a rule')).toBe(
			'Not accepted: the record broke a rule',
		);
	});
});

describe('The exceptions file', () => {
	const rows = [
		exceptionRow(rejection),
		exceptionRow(
			failure('invalidDataFieldValue', "Invalid value for data field 'POINTS': not a number", true),
		),
		{ ...exceptionRow(rejection), value: '+1 & <b>\u0001' },
	];

	it('an .xlsx a spreadsheet library reads back row for row, formulas kept as text', async () => {
		const book = XLSX.read(await bytesOf(rows, 'xlsx'));
		const sheet = book.Sheets.Exceptions;
		const read = XLSX.utils.sheet_to_json<Record<string, unknown>>(sheet);
		expect(read).toHaveLength(3);
		expect(read[0]).toMatchObject({
			owner: 'till data',
			stage: 'Mapping',
			line: 7,
			value: '=HYPERLINK("http://x")',
		});
		expect(read[1]).toMatchObject({
			stage: 'Dotdigital',
			retry_helps: 'Yes',
			reason: "Invalid value for data field 'POINTS': not a number",
		});
		expect(read[2].value).toBe('+1 & <b>');
		expect(
			Object.values(sheet).some((cell) => typeof cell === 'object' && cell !== null && 'f' in cell),
		).toBe(false);
		expect(Object.keys(read[0])).toEqual(
			[...EXCEPTION_COLUMNS].filter((column) => column !== 'identifier'),
		);
	});

	it('a .csv whose values a spreadsheet cannot read as formulas', async () => {
		const csv = (await bytesOf(rows, 'csv')).toString('utf8');
		const lines = csv.replace(/^\ufeff/, '').split('\r\n');
		expect(lines[0]).toBe(EXCEPTION_COLUMNS.join(','));
		expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"")"`);
		expect(lines[3]).toContain("'+1 & <b>");
	});
});
