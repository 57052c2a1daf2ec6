/**
 * The consent file's layout from the mapping workbook's "Consent File" sheet: any change list through
 * any valid layout gives a file whose rows read back as the mapped values, and a layout that does not
 * fit is refused as the mapping's fault, naming the sheet, row and column.
 */
import * as XLSX from 'xlsx';

import type { ConsentChange } from '../../../lib/dotdigital/consent-back';
import { CONSENT_FIELDS } from '../../../lib/dotdigital/consent-file';
import {
	CONSENT_FIELD_LABELS,
	consentFileFromLayout,
	readConsentLayout,
} from '../../../lib/dotdigital/consent-layout';
import { readRows, type Delimiter, type TextEncoding } from '../../../lib/files';
import { buildMappingTemplate } from '../../../lib/mapping';
import { MappingError } from '../../../lib/mapping/mapping';

const HEADER = [
	'Column heading',
	'Comes from',
	'Fixed value',
	'Value map',
	'Not in the map',
	'Date format',
];

function workbook(rows: string[][], extra: Record<string, string[][]> = {}): Buffer {
	const book = XLSX.utils.book_new();
	XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([HEADER, ...rows]), 'Consent File');
	for (const [name, grid] of Object.entries(extra))
		XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(grid), name);
	return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

async function parse(
	bytes: Buffer,
	options: { encoding?: TextEncoding; delimiter?: Delimiter } = {},
): Promise<string[][]> {
	const rows: string[][] = [];
	for await (const row of readRows(bytes, { fileName: 'consent.csv', ...options }))
		if (row.kind !== 'skipped') rows.push(row.values.map(String));
	return rows;
}

/** A small seeded generator, so a failure names the seed that made it. */
function random(seed: number) {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		return state / 2 ** 31;
	};
}

const AWKWARD = [
	'a@b.com',
	'=SUM(A1)',
	'+44 7700 900123',
	'-1',
	'@home',
	'x,"y"',
	'line\nbreak',
	'\tTab',
	'a;b|c\td',
	"O'Brien",
	'Zoë Müller',
	'',
];

const DELIMITERS: Delimiter[] = [',', ';', '\t', '|'];
const ENCODINGS: TextEncoding[] = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'];

describe('consent file layout from the mapping workbook', () => {
	it('any change list through any valid layout, in any delimiter and encoding the Settings sheet names, reads back as the mapped values', async () => {
		for (let seed = 1; seed <= 60; seed++) {
			const next = random(seed);
			const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
			const fields = CONSENT_FIELDS.filter(() => next() < 0.7);
			if (!fields.includes('email')) fields.push('email');
			const rows = fields.map((field, index) => [
				`Col ${index} ${field}`,
				CONSENT_FIELD_LABELS[field],
				'',
				field === 'status' ? 'Statuses' : '',
				'',
				field === 'changed_at' ? 'dd/MM/yyyy HH:mm' : '',
			]);
			rows.push(['Source', '', 'Dotdigital', '', '', '']);
			const delimiter = pick(DELIMITERS);
			const encoding = pick(ENCODINGS);
			const bytes = workbook(rows, {
				'Value Maps': [
					['Map', 'From', 'To'],
					['Statuses', 'unsubscribed', 'N'],
					['Statuses', 'suppressed', 'S'],
				],
				Settings: [
					['Setting', 'Value'],
					['Delimiter', delimiter === '\t' ? 'Tab' : delimiter],
					['Encoding', encoding.toUpperCase()],
				],
			});
			const layout = await readConsentLayout(bytes, 'shop-mapping.xlsx');
			const changes: ConsentChange[] = Array.from({ length: Math.floor(next() * 6) }, (_, i) => ({
				contact_id: 1 + i,
				email: pick(AWKWARD),
				mobile_number: pick(AWKWARD),
				status: pick(['unsubscribed', 'suppressed'] as const),
				changed_at: new Date(Date.UTC(2026, 0, 1 + i, 9, 30)).toISOString(),
			}));
			const parsed = await parse(consentFileFromLayout(changes, layout), { delimiter, encoding });
			expect(parsed[0]).toEqual(rows.map((row) => row[0]));
			changes.forEach((change, i) => {
				const expected = fields.map((field) => {
					if (field === 'status') return change.status === 'unsubscribed' ? 'N' : 'S';
					if (field === 'changed_at') return `${String(1 + i).padStart(2, '0')}/01/2026 09:30`;
					const text = String(change[field]);
					return /^[=+\-@\t]/.test(text) ? `'${text}` : text;
				});
				expect({ seed, row: parsed[1 + i] }).toEqual({ seed, row: [...expected, 'Dotdigital'] });
			});
			expect({ seed, rows: parsed.length }).toEqual({ seed, rows: 1 + changes.length });
		}
	});

	it.each([
		[
			'an unknown field',
			[['Email', 'Postcode', '', '', '', '']],
			'Consent File sheet, row 2, column "Comes from": unknown field "Postcode"',
		],
		[
			'a heading used twice',
			[
				['Email', 'Email', '', '', '', ''],
				['email', 'Status', '', '', '', ''],
			],
			'Consent File sheet, row 3, column "Column heading": "email" is already used on row 2',
		],
		[
			'no identifying column',
			[['Status', 'Status', '', '', '', '']],
			'no column comes from Email, Mobile number or Dotdigital contact id',
		],
		[
			'a value map that is not there',
			[
				['Email', 'Email', '', '', '', ''],
				['Opt in', 'Status', '', 'Words', '', ''],
			],
			'Consent File sheet, row 3, column "Value map": "Words" is not on the Value Maps sheet',
		],
		[
			'a date format on another field',
			[['Email', 'Email', '', '', '', 'dd/MM/yyyy']],
			'Consent File sheet, row 2, column "Date format": only the Changed at column',
		],
	])('refuses %s as the mapping’s fault, naming where', async (_name, rows, message) => {
		const refused = readConsentLayout(workbook(rows), 'shop-mapping.xlsx');
		await expect(refused).rejects.toBeInstanceOf(MappingError);
		await expect(refused).rejects.toThrow(message);
	});

	it('refuses a workbook with no Consent File sheet, naming the sheets it has', async () => {
		const book = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['Field']]), 'Customers');
		const bytes = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
		await expect(readConsentLayout(bytes, 'shop-mapping.xlsx')).rejects.toThrow(
			'"shop-mapping.xlsx" has no "Consent File" sheet; its sheets are "Customers"',
		);
	});

	it("the template workbook's Consent File sheet writes the node's default columns", async () => {
		const layout = await readConsentLayout(buildMappingTemplate(), 'mapping-template.xlsx');
		const change: ConsentChange = {
			contact_id: 7,
			email: 'ann@example.com',
			mobile_number: '',
			status: 'unsubscribed',
			changed_at: '2026-01-02T09:30:00.000Z',
		};
		expect(await parse(consentFileFromLayout([change], layout))).toEqual([
			['Email', 'Mobile', 'Dotdigital ID', 'Status', 'Changed At'],
			['ann@example.com', '', '7', 'unsubscribed', '2026-01-02T09:30:00.000Z'],
		]);
	});
	const zoe: ConsentChange = {
		contact_id: 9,
		email: 'zoë;1@example.com',
		mobile_number: '=1+1',
		status: 'suppressed',
		changed_at: '2026-01-02T09:30:00.000Z',
	};
	const emailAndMobile = [
		['E-mail', 'Email', '', '', '', ''],
		['Tel', 'Mobile number', '', '', '', ''],
	];

	it("writes the Settings sheet's delimiter and encoding, byte for byte as the till reads them", async () => {
		const layout = await readConsentLayout(
			workbook(emailAndMobile, {
				Settings: [
					['Setting', 'Value'],
					['Delimiter', 'Semicolon'],
					['Encoding', 'Windows-1252'],
				],
			}),
			'shop-mapping.xlsx',
		);
		expect(consentFileFromLayout([zoe], layout)).toEqual(
			Buffer.concat([
				Buffer.from('E-mail;Tel\r\n"zo'),
				Buffer.from([0xeb]),
				Buffer.from(';1@example.com";"\'=1+1"\r\n'),
			]),
		);
	});

	it('writes a comma and UTF-8 without a byte order mark when the Settings sheet leaves them blank', async () => {
		const layout = await readConsentLayout(workbook(emailAndMobile), 'shop-mapping.xlsx');
		expect(consentFileFromLayout([zoe], layout).toString('utf8')).toBe(
			'E-mail,Tel\r\nzoë;1@example.com,"\'=1+1"\r\n',
		);
	});

	it('refuses a value the encoding cannot hold rather than writing a question mark, as the mapping’s to fix', async () => {
		const layout = await readConsentLayout(
			workbook(emailAndMobile, {
				Settings: [
					['Setting', 'Value'],
					['Encoding', 'Windows-1252'],
				],
			}),
			'shop-mapping.xlsx',
		);
		const write = () => consentFileFromLayout([{ ...zoe, email: 'ann@例え.jp' }], layout);
		expect(write).toThrow(MappingError);
		expect(write).toThrow('Settings sheet, Encoding: "例" cannot be written in WINDOWS-1252');
	});
});
