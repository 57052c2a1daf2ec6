import {
	mappingFromFieldList,
	rowsFromObjects,
	type FieldListEntry,
	type MappingSettings,
	type ValueMapEntry,
} from '../../../lib/mapping';
import { mapCsv, runMapping } from './run-mapping';

/**
 * A customer mapping with an ID column, so that every row has an identifier, plus the entries under
 * test; and an email column the test files may leave out, as a customer mapping needs one.
 */
function customers(
	entries: FieldListEntry[],
	settings: Partial<MappingSettings> = {},
	valueMaps: ValueMapEntry[] = [],
) {
	const contact: FieldListEntry[] = entries.some(
		(entry) => entry.target === 'email' || entry.target === 'mobile',
	)
		? []
		: [{ target: 'email', source: 'Email', mayBeAbsent: true }];
	const entriesMayBeAbsent = entries.map((entry) => ({ mayBeAbsent: true, ...entry }));
	return mappingFromFieldList(
		'customer',
		[{ target: 'customer_id', source: 'ID' }, ...entriesMayBeAbsent, ...contact],
		valueMaps,
		settings,
	);
}

describe('text fields', () => {
	test('text is trimmed, and the case transforms give UPPER, lower and Title Case', async () => {
		const mapping = customers([
			{ target: 'first_name', source: 'First', transform: 'title' },
			{ target: 'last_name', source: 'Last', transform: 'title' },
			{ target: 'postcode', source: 'Postcode', transform: 'upper' },
			{ target: 'town', source: 'Town' },
			{ target: 'custom.code', source: 'Code', transform: 'lower' },
		]);
		const { records, rejected } = await mapCsv(
			"ID,First,Last,Postcode,Town,Code\nC1,  jo  ,o'BRIEN-SMITH,ng31 7fz,  Grantham ,ABC-Def\n",
			mapping,
		);

		expect(rejected).toEqual([]);
		expect(records).toEqual([
			{
				customer_id: 'C1',
				first_name: 'Jo',
				last_name: "O'Brien-Smith",
				town: 'Grantham',
				postcode: 'NG31 7FZ',
				custom: { code: 'abc-def' },
				_source: { file: 'export.csv', lines: [2] },
			},
		]);
	});

	test('a postcode or ZIP with a leading zero is kept as written', async () => {
		const { records } = await mapCsv(
			'ID,ZIP\nC1,02134\n',
			customers([{ target: 'postcode', source: 'ZIP' }]),
		);
		expect(records[0].postcode).toBe('02134');
	});
});

describe('email and phone fields', () => {
	test('an email is trimmed and lowercased', async () => {
		const { records } = await mapCsv(
			'ID,Email\nC1, Jo.Bloggs@Example.COM \n',
			customers([{ target: 'email', source: 'Email' }]),
		);
		expect(records[0].email).toBe('jo.bloggs@example.com');
	});

	test('a malformed email rejects the row, naming the line, column, value and the till data as the fix', async () => {
		const { records, rejected } = await mapCsv(
			'ID,Email\nC1,jo@\n',
			customers([{ target: 'email', source: 'Email' }]),
			'customers.csv',
		);
		expect(records).toEqual([]);
		expect(rejected).toEqual([
			{
				file: 'customers.csv',
				line: 2,
				field: 'email',
				column: 'Email',
				rule: 'email.invalid',
				value: 'jo@',
				message: '"jo@" is not a valid email address',
				owner: 'till data',
			},
		]);
	});

	test('phone numbers come out in E.164 form, read in the default country unless they carry a country code', async () => {
		const mapping = customers([
			{ target: 'mobile', source: 'Mobile' },
			{ target: 'phone', source: 'Phone' },
		]);
		const { records } = await mapCsv(
			'ID,Mobile,Phone\nC1,07700 900123,+1 (212) 555-7818\nC2,(07700) 900-124,01632 960001\n',
			mapping,
		);
		expect(records.map(({ mobile, phone }) => ({ mobile, phone }))).toEqual([
			{ mobile: '+447700900123', phone: '+12125557818' },
			{ mobile: '+447700900124', phone: '+441632960001' },
		]);

		const american = await mapCsv(
			'ID,Phone\nC1,2125557818\n',
			customers([{ target: 'phone', source: 'Phone' }], { defaultCountry: 'US' }),
		);
		expect(american.records[0].phone).toBe('+12125557818');
	});

	test('a number too short to be a phone number is rejected with phone.invalid', async () => {
		const { rejected } = await mapCsv(
			'ID,Phone\nC1,123\n',
			customers([{ target: 'phone', source: 'Phone' }]),
		);
		expect(
			rejected.map(({ rule, field, value, owner }) => ({ rule, field, value, owner })),
		).toEqual([{ rule: 'phone.invalid', field: 'phone', value: '123', owner: 'till data' }]);
	});
});

describe('numbers and money', () => {
	const mapping = (settings: Partial<MappingSettings> = {}) =>
		customers(
			[
				{ target: 'custom.visits', source: 'Visits', type: 'integer' },
				{ target: 'custom.weight', source: 'Weight', type: 'number' },
				{ target: 'custom.spend', source: 'Spend', type: 'money' },
			],
			settings,
		);

	test('integers and numbers are read with thousands separators', async () => {
		const { records, rejected } = await mapCsv(
			'ID,Visits,Weight,Spend\nC1,"1,234",2.5,\nC2,7,-0.125,\n',
			mapping(),
		);
		expect(rejected).toEqual([]);
		expect(records.map((record) => record.custom)).toEqual([
			{ visits: 1234, weight: 2.5 },
			{ visits: 7, weight: -0.125 },
		]);
	});

	test('money is read as written by tills: $1,149.00 with a trailing space, (33.62) and ($33.62) negative, £4,250.00, -$1.00', async () => {
		const { records, rejected } = await mapCsv(
			'ID,Spend\nC1,"$1,149.00 "\nC2,(33.62)\nC3,($33.62)\nC4,"£4,250.00"\nC5,-$1.00\nC6,19.99\n',
			mapping(),
		);
		expect(rejected).toEqual([]);
		expect(records.map((record) => (record.custom as { spend: number }).spend)).toEqual([
			1149, -33.62, -33.62, 4250, -1, 19.99,
		]);
	});

	test('a decimal comma is read only when the mapping says so; otherwise the row is rejected with a hint', async () => {
		const csv = 'ID,Spend,Weight\nC1,"12,50","1.234,5"\n';
		const comma = await mapCsv(csv, mapping({ decimalSeparator: ',' }));
		expect(comma.rejected).toEqual([]);
		expect(comma.records[0].custom).toEqual({ spend: 12.5, weight: 1234.5 });

		const point = await mapCsv('ID,Spend\nC1,"12,50"\n', mapping());
		expect(point.records).toEqual([]);
		expect(point.rejected).toHaveLength(1);
		expect(point.rejected[0]).toMatchObject({
			field: 'custom.spend',
			column: 'Spend',
			rule: 'money.invalid',
			value: '12,50',
		});
		expect(point.rejected[0].message).toContain("set the decimal separator to ','");
	});

	test('a fraction in an integer field and words in a number field are rejected with their own rules', async () => {
		const { records, rejected } = await mapCsv(
			'ID,Visits,Weight,Spend\nC1,2.5,,\nC2,,heavy,\nC3,,,ten pounds\n',
			mapping(),
		);
		expect(records).toEqual([]);
		expect(rejected.map(({ line, rule, value }) => ({ line, rule, value }))).toEqual([
			{ line: 2, rule: 'integer.not_whole', value: '2.5' },
			{ line: 3, rule: 'number.invalid', value: 'heavy' },
			{ line: 4, rule: 'money.invalid', value: 'ten pounds' },
		]);
	});
});

describe('dates and times', () => {
	test('dates and date-times are read with the format the mapping gives, in the shop time zone', async () => {
		const mapping = customers(
			[
				{ target: 'birth_date', source: 'Born', format: 'dd/MM/yyyy' },
				{ target: 'created_at', source: 'Joined', format: 'M/d/yy H:mm' },
				{ target: 'updated_at', source: 'Changed', format: 'dd.MM.yyyy, HH:mm' },
			],
			{ timeZone: 'Europe/London' },
		);
		const { records, rejected } = await mapCsv(
			'ID,Born,Joined,Changed\nC1,17/04/1988,12/1/10 8:26,"27.06.2026, 13:01"\n',
			mapping,
		);
		expect(rejected).toEqual([]);
		expect(records[0]).toMatchObject({
			birth_date: '1988-04-17',
			created_at: '2010-12-01T08:26:00+00:00',
			updated_at: '2026-06-27T13:01:00+01:00',
		});
	});

	test('the settings date format applies to date fields without their own, with || between alternatives', async () => {
		const mapping = customers([{ target: 'created_at', source: 'Joined' }], {
			dateFormat: 'dd/MM/yyyy HH:mm || dd/MM/yyyy',
			timeZone: 'America/New_York',
		});
		const { records } = await mapCsv('ID,Joined\nC1,01/02/2026 09:30\nC2,27/06/2026\n', mapping);
		expect(records.map((record) => record.created_at)).toEqual([
			'2026-02-01T09:30:00-05:00',
			'2026-06-27T00:00:00-04:00',
		]);
	});

	test('a 12-hour time with AM/PM is read with the a token', async () => {
		const mapping = customers(
			[{ target: 'created_at', source: 'Joined', format: 'M/d/yy h:mm a' }],
			{ timeZone: 'UTC' },
		);
		const { records } = await mapCsv('ID,Joined\nC1,10/8/26 5:18 PM\n', mapping);
		expect(records[0].created_at).toBe('2026-10-08T17:18:00+00:00');
	});

	test('Excel serial numbers in JSON or workbook cells are dates without any format', async () => {
		const mapping = customers([
			{ target: 'birth_date', source: 'Born' },
			{ target: 'created_at', source: 'Joined' },
		]);
		const { records, rejected } = await runMapping(
			rowsFromObjects([{ ID: 'C1', Born: 32250, Joined: 45000.5 }]),
			mapping,
			'items',
		);
		expect(rejected).toEqual([]);
		expect(records[0]).toMatchObject({
			birth_date: '1988-04-17',
			created_at: '2023-03-15T12:00:00+00:00',
		});
	});

	test('a date that could be read two ways is rejected, never guessed, and the mapping is named as the fix', async () => {
		const { records, rejected } = await mapCsv(
			'ID,Born\nC1,03/04/1988\n',
			customers([{ target: 'birth_date', source: 'Born' }]),
		);
		expect(records).toEqual([]);
		expect(rejected).toEqual([
			expect.objectContaining({
				line: 2,
				field: 'birth_date',
				rule: 'date.ambiguous',
				value: '03/04/1988',
				message: '"03/04/1988" could be 3 April or 4 March: set the date format in the mapping',
				owner: 'mapping',
			}),
		]);
	});

	test('a date that does not exist is rejected with the reason', async () => {
		const mapping = customers([{ target: 'birth_date', source: 'Born', format: 'dd/MM/yyyy' }]);
		const { rejected } = await mapCsv(
			'ID,Born\nC1,31/02/1988\nC2,29/02/2023\nC3,1988-04-17\nC4,17/04/1988\nC5,18/04/1988\n',
			mapping,
		);
		expect(
			rejected.map(({ line, rule, message, owner }) => ({ line, rule, message, owner })),
		).toEqual([
			{
				line: 2,
				rule: 'date.impossible',
				message: '"31/02/1988" is not a real date (no 31st in February)',
				owner: 'till data',
			},
			{
				line: 3,
				rule: 'date.impossible',
				message: '"29/02/2023" is not a real date (no 29th in February 2023)',
				owner: 'till data',
			},
			{
				line: 4,
				rule: 'date.format_mismatch',
				message: '"1988-04-17" does not match the date format set in the mapping (dd/MM/yyyy)',
				owner: 'till data',
			},
		]);
	});
});

describe('local times around the clock changes', () => {
	test('a time the clocks skipped is impossible, and a time they passed twice is ambiguous: both are rejected with the reason', async () => {
		const mapping = customers(
			[{ target: 'created_at', source: 'Joined', format: 'yyyy-MM-dd HH:mm' }],
			{ timeZone: 'Europe/London' },
		);
		const { records, rejected, summary } = await mapCsv(
			'ID,Joined\nC1,2026-03-29 01:30\nC2,2026-10-25 01:30\nC3,2026-10-25 02:30\n',
			mapping,
		);
		expect(records.map((record) => record.created_at)).toEqual(['2026-10-25T02:30:00+00:00']);
		expect(rejected.map(({ line, rule, value }) => ({ line, rule, value }))).toEqual([
			{ line: 2, rule: 'date.impossible', value: '2026-03-29 01:30' },
			{ line: 3, rule: 'date.repeated_time', value: '2026-10-25 01:30' },
		]);
		expect(rejected[0].message).toContain('Europe/London');
		expect(rejected[1].message).toContain('Europe/London');
		expect(rejected.map((row) => row.owner)).toEqual(['till data', 'till data']);
		expect(summary.balanced).toBe(true);
	});
});

describe('yes/no fields', () => {
	test('Y/N, yes/no, true/false and 1/0 are read as booleans; anything else is rejected', async () => {
		const mapping = customers([{ target: 'marketing_opt_in', source: 'Opt In' }]);
		const { records, rejected } = await mapCsv(
			'ID,Opt In\nC1,Y\nC2,no\nC3,TRUE\nC4,0\nC5,maybe\n',
			mapping,
		);
		expect(records.map((record) => record.marketing_opt_in)).toEqual([true, false, true, false]);
		expect(rejected.map(({ line, rule, value }) => ({ line, rule, value }))).toEqual([
			{ line: 6, rule: 'boolean.invalid', value: 'maybe' },
		]);
	});
});

describe('combining and choosing columns', () => {
	test('A + B joins columns with a space, skipping a blank one', async () => {
		const mapping = customers([{ target: 'address_1', source: 'Address 1 + Address 2' }]);
		const { records } = await mapCsv(
			'ID,Address 1,Address 2\nC1,1 High Street,Flat 2\nC2,3 Low Road,\n',
			mapping,
		);
		expect(records.map((record) => record.address_1)).toEqual([
			'1 High Street Flat 2',
			'3 Low Road',
		]);
	});

	test('the Format of a joined text field is the joining text', async () => {
		const mapping = customers([
			{ target: 'address_1', source: 'Address 1 + Address 2 + Town', format: ', ' },
		]);
		const { records } = await mapCsv(
			'ID,Address 1,Address 2,Town\nC1,1 High Street,Flat 2,Grantham\n',
			mapping,
		);
		expect(records[0].address_1).toBe('1 High Street, Flat 2, Grantham');
	});

	test('Date + Time joins two columns into one date-time', async () => {
		const mapping = customers(
			[{ target: 'created_at', source: 'Date + Time', format: 'yyyy-MM-dd HH:mm:ss' }],
			{ timeZone: 'Europe/London' },
		);
		const { records } = await mapCsv('ID,Date,Time\nC1,2026-01-15,09:05:00\n', mapping);
		expect(records[0].created_at).toBe('2026-01-15T09:05:00+00:00');
	});

	test('A | B takes the first alternative that has a value, and a column missing from the export is skipped', async () => {
		const mapping = customers([{ target: 'email', source: 'Work Email | Email | Email Address' }]);
		const { records, summary } = await mapCsv(
			'ID,Email,Email Address\nC1,,second@example.com\nC2,first@example.com,second@example.com\n',
			mapping,
		);
		expect(records.map((record) => record.email)).toEqual([
			'second@example.com',
			'first@example.com',
		]);
		expect(summary.missing_optional_fields).toEqual([]);
	});

	test('a column name holding + or | is written in quotes', async () => {
		const mapping = customers([{ target: 'custom.fit', source: '"Size+Fit"' }]);
		const { records } = await mapCsv('ID,Size+Fit\nC1,M Slim\n', mapping);
		expect(records[0].custom).toEqual({ fit: 'M Slim' });
	});
});

describe('full names', () => {
	test('title, first and last name are split out of one Customer Name column', async () => {
		const mapping = customers([
			{ target: 'title', source: 'Customer Name', transform: 'name_title' },
			{ target: 'first_name', source: 'Customer Name', transform: 'first_name' },
			{ target: 'last_name', source: 'Customer Name', transform: 'last_name' },
			{ target: 'full_name', source: 'Customer Name' },
		]);
		const { records } = await mapCsv(
			'ID,Customer Name\nC1,Dr Jo van der Berg\nC2,"Smith, John"\nC3,Cher\n',
			mapping,
		);
		expect(
			records.map(({ title, first_name, last_name, full_name }) => ({
				title,
				first_name,
				last_name,
				full_name,
			})),
		).toEqual([
			{ title: 'Dr', first_name: 'Jo', last_name: 'van der Berg', full_name: 'Dr Jo van der Berg' },
			{ title: undefined, first_name: 'John', last_name: 'Smith', full_name: 'Smith, John' },
			{ title: undefined, first_name: 'Cher', last_name: undefined, full_name: 'Cher' },
		]);
		expect(Object.keys(records[2])).toEqual(['customer_id', 'first_name', 'full_name', '_source']);
	});
});

describe('value maps', () => {
	const stores: ValueMapEntry[] = [
		{ name: 'Stores', pairs: 'LDN01 = London Oxford Street\nMAN02 = Manchester Arndale\nCLOSED =' },
	];
	const csv = 'ID,Store\nC1,LDN01\nC2, man02 \nC3,BRS03\nC4,CLOSED\n';

	test('listed values are translated, case and spaces aside; unlisted ones are kept as written by default', async () => {
		const { records, rejected } = await mapCsv(
			csv,
			customers([{ target: 'store_code', source: 'Store', valueMap: 'Stores' }], {}, stores),
		);
		expect(rejected).toEqual([]);
		expect(records.map((record) => record.store_code)).toEqual([
			'London Oxford Street',
			'Manchester Arndale',
			'BRS03',
			undefined,
		]);
	});

	test('"blank" leaves unlisted values out of the record', async () => {
		const mapping = customers(
			[{ target: 'store_code', source: 'Store', valueMap: 'Stores', unmatched: 'blank' }],
			{},
			stores,
		);
		const { records } = await mapCsv(csv, mapping);
		expect(records.map((record) => record.store_code)).toEqual([
			'London Oxford Street',
			'Manchester Arndale',
			undefined,
			undefined,
		]);
		expect('store_code' in records[2]).toBe(false);
	});

	test('"reject" rejects a row whose value the map does not list, as a mapping problem', async () => {
		const mapping = customers(
			[{ target: 'store_code', source: 'Store', valueMap: 'Stores', unmatched: 'reject' }],
			{},
			stores,
		);
		const { records, rejected, summary } = await mapCsv(csv, mapping);
		expect(records).toHaveLength(3);
		expect(rejected).toEqual([
			{
				file: 'export.csv',
				line: 4,
				field: 'store_code',
				column: 'Store',
				rule: 'map.unmatched',
				value: 'BRS03',
				message: '"BRS03" is not in the value map for this field (it knows: LDN01, MAN02, CLOSED)',
				owner: 'mapping',
			},
		]);
		expect(summary).toMatchObject({
			rows_read: 4,
			records: 3,
			rejected: 1,
			rows_in_records: 3,
			balanced: true,
			rejected_by_rule: { 'map.unmatched': 1 },
		});
	});

	test('a mapped value is then read as the field type', async () => {
		const mapping = customers(
			[{ target: 'marketing_opt_in', source: 'Consent', valueMap: 'Consent' }],
			{},
			[{ name: 'Consent', pairs: 'Opted in = Y\nOpted out = N' }],
		);
		const { records } = await mapCsv('ID,Consent\nC1,Opted in\nC2,opted OUT\n', mapping);
		expect(records.map((record) => record.marketing_opt_in)).toEqual([true, false]);
	});
});

describe('defaults and blank cells', () => {
	test('a default fills a blank cell, and a cell with a value keeps it', async () => {
		const mapping = customers([
			{ target: 'country', source: 'Country', defaultValue: 'GB' },
			{ target: 'store_code', source: '', defaultValue: 'LDN01' },
		]);
		const { records } = await mapCsv('ID,Country\nC1,\nC2,FR\n', mapping);
		expect(records.map(({ country, store_code }) => ({ country, store_code }))).toEqual([
			{ country: 'GB', store_code: 'LDN01' },
			{ country: 'FR', store_code: 'LDN01' },
		]);
	});

	test('a blank cell leaves the field out of the record, so it never overwrites what is held downstream', async () => {
		const mapping = customers([
			{ target: 'email', source: 'Email' },
			{ target: 'town', source: 'Town' },
			{ target: 'marketing_opt_in', source: 'Opt In' },
		]);
		const { records } = await mapCsv('ID,Email,Town,Opt In\nC1,,   ,\n', mapping);
		expect(records).toEqual([{ customer_id: 'C1', _source: { file: 'export.csv', lines: [2] } }]);
	});

	test('with "blank clears the field" a blank cell gives null, and a value is still kept', async () => {
		const mapping = customers([
			{ target: 'town', source: 'Town', clearWhenBlank: true },
			{ target: 'county', source: 'County' },
		]);
		const { records } = await mapCsv('ID,Town,County\nC1,,\nC2,Grantham,\n', mapping);
		expect(records.map(({ customer_id, town, county }) => ({ customer_id, town, county }))).toEqual(
			[
				{ customer_id: 'C1', town: null, county: undefined },
				{ customer_id: 'C2', town: 'Grantham', county: undefined },
			],
		);
		expect('town' in records[0]).toBe(true);
		expect('county' in records[0]).toBe(false);
	});

	test('a required field with a blank cell rejects the row with required.missing', async () => {
		const mapping = customers([{ target: 'email', source: 'Email', required: true }]);
		const { records, rejected } = await mapCsv('ID,Email\nC1,\nC2,jo@example.com\n', mapping);
		expect(records.map((record) => record.customer_id)).toEqual(['C2']);
		expect(rejected).toEqual([
			{
				file: 'export.csv',
				line: 2,
				field: 'email',
				column: 'Email',
				rule: 'required.missing',
				value: '',
				message: 'email is empty',
				owner: 'till data',
			},
		]);
	});

	test('a customer row with no ID, email or mobile is rejected: it cannot be matched to anyone', async () => {
		const mapping = customers([
			{ target: 'email', source: 'Email' },
			{ target: 'first_name', source: 'First' },
		]);
		const { records, rejected } = await mapCsv(
			'ID,Email,First\n,,Jo\n,jo@example.com,Jo\n',
			mapping,
		);
		expect(records.map((record) => record.email)).toEqual(['jo@example.com']);
		expect(rejected).toEqual([
			{
				file: 'export.csv',
				line: 2,
				field: 'customer_id / email / mobile',
				column: '',
				rule: 'record.no_identifier',
				value: '',
				message:
					'The row has no customer ID, email or mobile number, so it cannot be matched to anyone',
				owner: 'till data',
			},
		]);
	});

	test('every problem in a row is listed on its rejection', async () => {
		const mapping = customers([
			{ target: 'email', source: 'Email' },
			{ target: 'birth_date', source: 'Born', format: 'dd/MM/yyyy' },
		]);
		const { rejected } = await mapCsv('ID,Email,Born\nC1,not-an-email,31/13/2000\n', mapping);
		expect(rejected).toHaveLength(1);
		expect(rejected[0].rule).toBe('email.invalid');
		expect(rejected[0].problems?.map(({ field, rule }) => ({ field, rule }))).toEqual([
			{ field: 'email', rule: 'email.invalid' },
			{ field: 'birth_date', rule: 'date.impossible' },
		]);
	});
});
