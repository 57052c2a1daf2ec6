import { readFileSync } from 'node:fs';

import * as XLSX from 'xlsx';

import { readRows } from '../../../lib/files';
import {
	DEFAULT_SETTINGS,
	FEED_DEFINITIONS,
	FEEDS,
	MappingError,
	SETTING_DEFINITIONS,
	TEMPLATE_FILE_NAME,
	buildMappingTemplate,
	readMappingWorkbook,
	type Feed,
	type Mapping,
} from '../../../lib/mapping';
import { columnsSeen } from '../../../lib/mapping/headers-seen';
import { SALES_SAMPLE, SQUARE_SAMPLE, mapCsv, runMapping } from './run-mapping';

type Column =
	| 'Field'
	| 'Source column(s)'
	| 'Type'
	| 'Format'
	| 'Required'
	| 'Default'
	| 'Transform'
	| 'Value map'
	| 'Not in the map'
	| 'Blank clears the field';
type Filled = Partial<Record<Exclude<Column, 'Field'>, string>>;

const FEED_SHEETS: Record<Feed, string> = {
	customer: 'Customers',
	product: 'Products',
	transaction: 'Transactions',
};

function openTemplate(): XLSX.WorkBook {
	return XLSX.read(buildMappingTemplate(), { type: 'buffer' });
}

function grid(workbook: XLSX.WorkBook, sheet: string): unknown[][] {
	return XLSX.utils.sheet_to_json<unknown[]>(workbook.Sheets[sheet], {
		header: 1,
		defval: '',
		blankrows: false,
	});
}

/** Types into a feed sheet's cells the way a consultant would: on the field's own row, under the column's label. */
function fill(workbook: XLSX.WorkBook, sheet: string, fields: Record<string, Filled>) {
	const rows = grid(workbook, sheet);
	const labels = rows[0] as string[];
	for (const [field, cells] of Object.entries(fields)) {
		let row = rows.findIndex((cellsOfRow) => cellsOfRow[0] === field);
		if (row < 0) {
			row = rows.length;
			rows.push([field]);
			XLSX.utils.sheet_add_aoa(workbook.Sheets[sheet], [[field]], { origin: { r: row, c: 0 } });
		}
		for (const [label, value] of Object.entries(cells)) {
			const column = labels.indexOf(label);
			if (column < 0) throw new Error(`the ${sheet} sheet has no "${label}" column`);
			XLSX.utils.sheet_add_aoa(workbook.Sheets[sheet], [[value]], {
				origin: { r: row, c: column },
			});
		}
	}
}

/** Sets values in the Settings sheet, by the setting's label. */
function setSettings(workbook: XLSX.WorkBook, values: Record<string, string | number>) {
	const rows = grid(workbook, 'Settings');
	for (const [label, value] of Object.entries(values)) {
		let row = rows.findIndex((cells) => cells[0] === label);
		if (row < 0) row = rows.push([label]) - 1;
		XLSX.utils.sheet_add_aoa(workbook.Sheets.Settings, [[label, value]], {
			origin: { r: row, c: 0 },
		});
	}
}

function setValueMaps(workbook: XLSX.WorkBook, rows: string[][]) {
	workbook.Sheets['Value Maps'] = XLSX.utils.aoa_to_sheet([['Map', 'From', 'To'], ...rows]);
}

function save(workbook: XLSX.WorkBook): Buffer {
	return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

async function problemsOf(reading: Promise<Mapping>): Promise<string[]> {
	const error = await reading.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	if (!(error instanceof MappingError))
		throw new Error(`expected a MappingError, got ${String(error)}`);
	return error.problems;
}

/** The sample's rows as plain objects keyed by header, parsed here without the library, to check against. */
function sampleRows(path: string): Array<Record<string, string>> {
	const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split(/\r?\n/);
	const names = header.split(',');
	return lines.map((line) => {
		const values: string[] = [];
		for (const match of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g))
			values.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]);
		return Object.fromEntries(names.map((name, index) => [name, values[index]]));
	});
}

describe('the mapping template', () => {
	const workbook = openTemplate();

	test('has the Instructions, Customers, Products, Transactions, Settings, Value Maps and Consent File sheets, in that order', () => {
		expect(workbook.SheetNames).toEqual([
			'Instructions',
			'Customers',
			'Products',
			'Transactions',
			'Settings',
			'Value Maps',
			'Consent File',
		]);
		expect(TEMPLATE_FILE_NAME).toBe('mapping-template.xlsx');
	});

	test.each(FEEDS)(
		'the %s sheet lists every field of the schema with its type, required flag, description and example',
		(feed) => {
			const rows = grid(workbook, FEED_SHEETS[feed]);
			expect(rows[0]).toEqual([
				'Field',
				'Source column(s)',
				'Type',
				'Format',
				'Required',
				'Default',
				'Transform',
				'Value map',
				'Not in the map',
				'Blank clears the field',
				'Column may be absent',
				'What it is',
				'Example',
				'Columns seen in real exports',
			]);
			const fields = FEED_DEFINITIONS[feed].fields;
			expect(rows.slice(1).map((row) => row[0])).toEqual(fields.map((field) => field.name));
			expect(rows.slice(1).map((row) => [row[2], row[4], row[11], row[12], row[13]])).toEqual(
				fields.map((field) => [
					field.type,
					field.required ? 'Yes' : '',
					field.description,
					field.example,
					columnsSeen(feed, field.name).join(' | '),
				]),
			);
			expect(rows.slice(1).every((row) => row[1] === '')).toBe(true);
		},
	);

	test('"Columns seen in real exports" comes from the one table of real headers (Square, Shopify, Epos Now…)', () => {
		const email = grid(workbook, 'Customers').find((row) => row[0] === 'email')!;
		expect(String(email[13]).split(' | ')).toEqual(
			expect.arrayContaining(['Email', 'Email Address', 'Customer Email']),
		);
		const qty = grid(workbook, 'Transactions').find((row) => row[0] === 'lines.qty')!;
		expect(String(qty[13]).split(' | ')).toEqual(
			expect.arrayContaining(['Qty', 'Quantity', 'Lineitem quantity', 'QUANTITYORDERED']),
		);
	});

	test('the Transactions sheet marks order_id and purchase_date as required and offers the line fields', () => {
		const rows = grid(workbook, 'Transactions');
		expect(rows.filter((row) => row[4] === 'Yes').map((row) => row[0])).toEqual([
			'order_id',
			'purchase_date',
		]);
		expect(rows.map((row) => row[0]).filter((name) => String(name).startsWith('lines.'))).toEqual([
			'lines.sku',
			'lines.name',
			'lines.category',
			'lines.qty',
			'lines.unit_price',
			'lines.gross_amount',
			'lines.discount',
			'lines.tax',
			'lines.line_total',
		]);
	});

	test('the Settings sheet lists every setting with its default and allowed values', () => {
		const rows = grid(workbook, 'Settings');
		expect(rows[0]).toEqual(['Setting', 'Value', 'What it means', 'Allowed values']);
		expect(rows.slice(1).map((row) => row[0])).toEqual(
			SETTING_DEFINITIONS.map((setting) => setting.label),
		);
		expect(rows.slice(1).map((row) => row[0])).toEqual([
			'Delimiter',
			'Encoding',
			'Date format',
			'Decimal separator',
			'Row grain',
			'Order key',
			'Header row',
			'Refund prefix',
			'Default country',
			'Time zone',
			'Prices include tax',
			'Currency',
			'Keep unmapped columns',
			'Sheet name',
		]);
		const byLabel = new Map(rows.slice(1).map((row) => [row[0], row]));
		expect(byLabel.get('Row grain')!.slice(1)).toEqual([
			'One row per item sold',
			expect.any(String),
			'One row per item sold, One row per basket',
		]);
		expect(byLabel.get('Time zone')![1]).toBe('UTC');
		expect(byLabel.get('Date format')![1]).toBe('');
		expect(byLabel.get('Date format')![2]).toContain('Example: dd/MM/yyyy HH:mm.');
		expect(byLabel.get('Prices include tax')![3]).toBe('Yes, No');
		expect(byLabel.get('Decimal separator')![3]).toBe('Point (12.50), Comma (12,50)');
	});

	test('the Value Maps sheet shows the layout with an example map', () => {
		expect(grid(workbook, 'Value Maps')).toEqual([
			['Map', 'From', 'To'],
			['Stores', 'LDN01', 'London Oxford Street'],
			['Stores', 'MAN02', 'Manchester Arndale'],
		]);
	});

	test('the Instructions sheet explains the columns, types, transforms and settings', () => {
		const text = grid(workbook, 'Instructions')
			.map((row) => row[0])
			.join('\n');
		expect(text).toContain('Names joined by + are put together');
		expect(text).toContain('Several names separated by | are alternatives');
		expect(text).toContain(
			'Type: text, email, phone, integer, number, money, percent, date, datetime, boolean.',
		);
		expect(text).toContain(
			'Transform: None, UPPER CASE, lower case, Title Case, First name, from a full name, Last name, from a full name, Title (Mr, Ms…), from a full name, Value map, Pad with leading zeros (to the length in Format), A list in one cell: one order line per item, Calculate from other columns (the formula in Format).',
		);
		expect(text).toContain('(33.62) for a negative');
	});

	test('read back untouched, it maps nothing and its settings are the defaults shown in the Settings sheet', async () => {
		const mapping = await readMappingWorkbook(
			buildMappingTemplate(),
			TEMPLATE_FILE_NAME,
			'customer',
		);
		expect(mapping.fields).toEqual([]);
		expect(mapping.origin).toBe('the mapping workbook "mapping-template.xlsx"');
		expect(mapping.settings).toEqual(DEFAULT_SETTINGS);
		expect(mapping.settings.refundPrefix).toBeUndefined();
		expect([...mapping.valueMaps.Stores]).toEqual([
			['LDN01', 'London Oxford Street'],
			['MAN02', 'Manchester Arndale'],
		]);
	});
});

describe('a filled-in workbook for the sales_data_sample export', () => {
	const rows = sampleRows(SALES_SAMPLE);

	function customerWorkbook(): Buffer {
		const workbook = openTemplate();
		fill(workbook, 'Customers', {
			customer_id: { 'Source column(s)': 'CUSTOMERNAME' },
			first_name: { 'Source column(s)': 'CONTACTFIRSTNAME' },
			last_name: { 'Source column(s)': 'CONTACTLASTNAME', Transform: 'UPPER CASE' },
			mobile: { 'Source column(s)': 'PHONE' },
			address_1: { 'Source column(s)': 'ADDRESSLINE1 + ADDRESSLINE2', Format: ', ' },
			town: { 'Source column(s)': 'CITY' },
			county: { 'Source column(s)': 'STATE' },
			postcode: { 'Source column(s)': 'POSTALCODE' },
			country: {
				'Source column(s)': 'COUNTRY',
				'Value map': 'Countries',
				'Not in the map': 'Keep as written',
			},
			'custom.territory': { 'Source column(s)': 'TERRITORY', Default: 'Unknown' },
		});
		setSettings(workbook, {
			'Default country': 'US',
			'Time zone': 'America/New_York',
			Currency: 'USD',
		});
		setValueMaps(workbook, [
			['Countries', 'USA', 'US'],
			['Countries', 'UK', 'GB'],
			['Countries', 'France', 'FR'],
		]);
		return save(workbook);
	}

	test('the Customers sheet reads into a mapping with the typed sources, formats, transforms, value maps and settings', async () => {
		const mapping = await readMappingWorkbook(customerWorkbook(), 'shop.xlsx', 'customer');
		expect(mapping.feed).toBe('customer');
		expect(mapping.origin).toBe('the mapping workbook "shop.xlsx"');
		expect(
			mapping.fields.map(
				({ target, source, type, format, transform, valueMap, unmatched, defaultValue }) => ({
					target,
					source,
					type,
					format,
					transform,
					valueMap,
					unmatched,
					defaultValue,
				}),
			),
		).toEqual([
			{
				target: 'customer_id',
				source: 'CUSTOMERNAME',
				type: 'text',
				format: undefined,
				transform: 'none',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: undefined,
			},
			{
				target: 'mobile',
				source: 'PHONE',
				type: 'phone',
				format: undefined,
				transform: 'none',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: undefined,
			},
			{
				target: 'first_name',
				source: 'CONTACTFIRSTNAME',
				type: 'text',
				format: undefined,
				transform: 'none',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: undefined,
			},
			{
				target: 'last_name',
				source: 'CONTACTLASTNAME',
				type: 'text',
				format: undefined,
				transform: 'upper',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: undefined,
			},
			{
				target: 'address_1',
				source: 'ADDRESSLINE1 + ADDRESSLINE2',
				type: 'text',
				format: ', ',
				transform: 'none',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: undefined,
			},
			{
				target: 'town',
				source: 'CITY',
				type: 'text',
				format: undefined,
				transform: 'none',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: undefined,
			},
			{
				target: 'county',
				source: 'STATE',
				type: 'text',
				format: undefined,
				transform: 'none',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: undefined,
			},
			{
				target: 'postcode',
				source: 'POSTALCODE',
				type: 'text',
				format: undefined,
				transform: 'none',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: undefined,
			},
			{
				target: 'country',
				source: 'COUNTRY',
				type: 'text',
				format: undefined,
				transform: 'map',
				valueMap: 'Countries',
				unmatched: 'keep',
				defaultValue: undefined,
			},
			{
				target: 'custom.territory',
				source: 'TERRITORY',
				type: 'text',
				format: undefined,
				transform: 'none',
				valueMap: undefined,
				unmatched: undefined,
				defaultValue: 'Unknown',
			},
		]);
		expect(mapping.settings).toMatchObject({
			defaultCountry: 'US',
			timeZone: 'America/New_York',
			currency: 'USD',
		});
		expect(Object.keys(mapping.valueMaps)).toEqual(['Countries']);
	});

	test('applied to the real sample, every row is a customer or a rejected phone number (foreign numbers read as US ones), and the counts balance', async () => {
		const mapping = await readMappingWorkbook(customerWorkbook(), 'shop.xlsx', 'customer');
		const { records, rejected, summary } = await runMapping(
			readRows(SALES_SAMPLE, { fileName: 'sales_data_sample.csv' }),
			mapping,
			'sales_data_sample.csv',
		);

		// The sample has a row per order line: its 1,267 readable rows are 62 customers, one record each.
		expect(summary).toMatchObject({
			rows_read: 1999,
			records: 62,
			merged_rows: 1205,
			rejected: 732,
			rows_in_records: 1267,
			rejected_by_rule: { 'phone.invalid': 732 },
			balanced: true,
		});
		const readable = rows.filter(
			(_, index) => !rejected.some((rejection) => rejection.line === index + 2),
		);
		expect(records.map((record) => record.customer_id).sort()).toEqual(
			[...new Set(readable.map((row) => row.CUSTOMERNAME))].sort(),
		);
		expect(rejected[0]).toEqual({
			file: 'sales_data_sample.csv',
			line: 3,
			field: 'mobile',
			column: 'PHONE',
			rule: 'phone.invalid',
			value: '26.47.1555',
			message:
				'"26.47.1555" is not a possible phone number (read as a US number unless it starts with + and a country code)',
			owner: 'till data',
		});
		expect(rejected.filter((rejection) => rows[rejection.line - 2].COUNTRY === 'USA')).toEqual([]);
		expect(
			new Set(
				rejected.map((rejection) => `${rejection.rule} ${rejection.field} ${rejection.owner}`),
			),
		).toEqual(new Set(['phone.invalid mobile till data']));
		for (const rejection of rejected) expect(rejection.value).toBe(rows[rejection.line - 2].PHONE);

		expect(records[0]).toEqual({
			customer_id: 'Land of Toys Inc.',
			mobile: '+12125557818',
			first_name: 'Kwai',
			last_name: 'YU',
			address_1: '897 Long Airport Avenue',
			town: 'NYC',
			county: 'NY',
			// Later rows' filled-in values win: the customer's rows disagree on the postcode.
			postcode: readable.filter((row) => row.CUSTOMERNAME === 'Land of Toys Inc.').at(-1)!
				.POSTALCODE,
			country: 'US',
			custom: { territory: 'NA' },
			_source: {
				file: 'sales_data_sample.csv',
				lines: readable.flatMap((row) =>
					row.CUSTOMERNAME === 'Land of Toys Inc.' ? [rows.indexOf(row) + 2] : [],
				),
			},
		});
		const withSecondLine = rows.findIndex((row) => row.ADDRESSLINE2 !== '');
		const record = records.find((candidate) =>
			candidate._source.lines.includes(withSecondLine + 2),
		)!;
		expect(record.address_1).toBe(
			`${rows[withSecondLine].ADDRESSLINE1}, ${rows[withSecondLine].ADDRESSLINE2}`,
		);

		const byCountry = (country: string) =>
			records.filter((candidate) => candidate.country === country).length;
		const rowsIn = (country: string) =>
			new Set(readable.filter((row) => row.COUNTRY === country).map((row) => row.CUSTOMERNAME))
				.size;
		expect(byCountry('US')).toBe(35);
		expect(byCountry('US')).toBe(rowsIn('USA'));
		expect(byCountry('GB')).toBe(rowsIn('UK'));
		expect(byCountry('FR')).toBe(rowsIn('France'));
		expect(byCountry('Spain')).toBe(rowsIn('Spain'));
		expect(byCountry('USA')).toBe(0);
		const american = records.filter((candidate) => candidate.country === 'US');
		expect(american.map((candidate) => candidate.mobile)).toEqual(
			american.map(
				(candidate) => `+1${rows[candidate._source.lines[0] - 2].PHONE.replace(/\D/g, '')}`,
			),
		);
		expect(
			records.every(
				(candidate) => typeof candidate.mobile === 'string' && candidate.mobile.startsWith('+'),
			),
		).toBe(true);
		expect(
			records.every(
				(candidate) => candidate.last_name === String(candidate.last_name).toUpperCase(),
			),
		).toBe(true);
	});

	function transactionWorkbook(): Buffer {
		const workbook = openTemplate();
		fill(workbook, 'Transactions', {
			order_id: { 'Source column(s)': 'ORDERNUMBER' },
			purchase_date: { 'Source column(s)': 'ORDERDATE', Format: 'M/d/yyyy H:mm' },
			customer_id: { 'Source column(s)': 'CUSTOMERNAME' },
			status: { 'Source column(s)': 'STATUS' },
			is_refund: {
				'Source column(s)': 'STATUS',
				'Value map': 'Cancelled',
				'Not in the map': 'Leave blank',
			},
			'lines.sku': { 'Source column(s)': 'PRODUCTCODE' },
			'lines.category': { 'Source column(s)': 'PRODUCTLINE' },
			'lines.qty': { 'Source column(s)': 'QUANTITYORDERED', Type: 'integer' },
			'lines.unit_price': { 'Source column(s)': 'PRICEEACH' },
			'custom.deal_size': { 'Source column(s)': 'DEALSIZE', Transform: 'lower case' },
		});
		setSettings(workbook, { 'Time zone': 'America/New_York', Currency: 'USD', 'Date format': '' });
		setValueMaps(workbook, [['Cancelled', 'Cancelled', 'Yes']]);
		return save(workbook);
	}

	test('the Transactions sheet maps the sample to one order per order number, with dates, totals and cancellations', async () => {
		const mapping = await readMappingWorkbook(transactionWorkbook(), 'shop.xlsx', 'transaction');
		const { records, rejected, summary } = await runMapping(
			readRows(SALES_SAMPLE, { fileName: 'sales_data_sample.csv' }),
			mapping,
			'sales_data_sample.csv',
		);

		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({
			rows_read: 1999,
			records: 1999,
			rows_in_records: 1999,
			rejected: 0,
			balanced: true,
		});
		expect(records[0]).toEqual({
			order_id: '10107',
			customer_id: 'Land of Toys Inc.',
			purchase_date: '2003-02-24T00:00:00-05:00',
			currency: 'USD',
			status: 'Shipped',
			order_subtotal: 2871,
			order_total: 2871,
			is_refund: false,
			lines: [
				{ sku: 'S10_1678', category: 'Motorcycles', qty: 30, unit_price: 95.7, line_total: 2871 },
			],
			custom: { deal_size: 'small' },
			_source: { file: 'sales_data_sample.csv', lines: [2] },
		});

		const cancelled = rows
			.filter((row) => row.STATUS === 'Cancelled')
			.map((row) => row.ORDERNUMBER);
		expect(cancelled).toHaveLength(38);
		expect(
			records.filter((record) => record.is_refund === true).map((record) => record.order_id),
		).toEqual(cancelled);
		expect(
			records
				.filter((record) => record.status === 'Cancelled')
				.every((record) => record.is_refund === true),
		).toBe(true);

		const expectedTotal = rows.reduce(
			(total, row) => total + Math.round(Number(row.QUANTITYORDERED) * Number(row.PRICEEACH) * 100),
			0,
		);
		expect(
			records.reduce(
				(total, record) => total + Math.round((record.order_total as number) * 100),
				0,
			),
		).toBe(expectedTotal);

		const summer = records.find(
			(record) =>
				record.order_id === rows.find((row) => row.ORDERDATE.startsWith('7/'))!.ORDERNUMBER,
		)!;
		expect(summer.purchase_date).toMatch(/^2\d{3}-07-\d{2}T00:00:00-04:00$/);
	});

	test('a unit price calculated from the sample’s sales and quantity, written in the workbook, is read and worked out', async () => {
		const workbook = XLSX.read(transactionWorkbook(), { type: 'buffer' });
		fill(workbook, 'Transactions', {
			'lines.unit_price': {
				'Source column(s)': '',
				Type: 'money',
				Transform: 'Calculate from other columns (the formula in Format)',
				Format: '[SALES] / [QUANTITYORDERED]',
			},
		});
		const mapping = await readMappingWorkbook(save(workbook), 'shop.xlsx', 'transaction');
		expect(mapping.fields.find((field) => field.target === 'lines.unit_price')).toMatchObject({
			transform: 'calculate',
			format: '[SALES] / [QUANTITYORDERED]',
		});
		const { records, summary } = await runMapping(
			readRows(SALES_SAMPLE, { fileName: 'sales_data_sample.csv' }),
			mapping,
			'sales_data_sample.csv',
		);

		expect(summary.balanced).toBe(true);
		const rows = sampleRows(SALES_SAMPLE);
		const first = (records[0].lines as Array<{ unit_price: number }>)[0];
		const sample = rows.find((row) => row.ORDERNUMBER === records[0].order_id)!;
		expect(first.unit_price).toBeCloseTo(Number(sample.SALES) / Number(sample.QUANTITYORDERED), 4);
		const capped = rows.find(
			(row) =>
				Number(row.PRICEEACH) === 100 && Number(row.SALES) / Number(row.QUANTITYORDERED) > 100,
		)!;
		const cappedLine = records.find((record) => record.order_id === capped.ORDERNUMBER)!
			.lines as Array<{ sku: string; unit_price: number }>;
		expect(cappedLine.find((line) => line.sku === capped.PRODUCTCODE)!.unit_price).toBeGreaterThan(
			100,
		);
	});

	test('the filled-in workbook survives being saved as .xls too', async () => {
		const workbook = XLSX.read(transactionWorkbook(), { type: 'buffer' });
		const xls = XLSX.write(workbook, { type: 'buffer', bookType: 'biff8' }) as Buffer;
		const mapping = await readMappingWorkbook(xls, 'shop.xls', 'transaction');
		expect(mapping.fields.map((field) => field.target)).toEqual([
			'order_id',
			'customer_id',
			'purchase_date',
			'status',
			'is_refund',
			'lines.sku',
			'lines.category',
			'lines.qty',
			'lines.unit_price',
			'custom.deal_size',
		]);
		expect(mapping.fields.find((field) => field.target === 'purchase_date')).toMatchObject({
			format: 'M/d/yyyy H:mm',
			required: true,
			type: 'datetime',
		});
	});
});

describe('a workbook mapping for the Square export', () => {
	test('a Square mapping written in the template flags no sale as a refund, even for transaction IDs starting with C', async () => {
		const workbook = openTemplate();
		fill(workbook, 'Transactions', {
			order_id: { 'Source column(s)': 'Transaction ID' },
			purchase_date: { 'Source column(s)': 'Date + Time', Format: 'yyyy-MM-dd HH:mm:ss' },
			'lines.name': { 'Source column(s)': 'Item' },
			'lines.qty': { 'Source column(s)': 'Qty' },
			'lines.gross_amount': { 'Source column(s)': 'Gross Sales' },
			'lines.tax': { 'Source column(s)': 'Tax' },
		});
		setSettings(workbook, { 'Time zone': 'America/New_York' });
		const mapping = await readMappingWorkbook(save(workbook), 'square.xlsx', 'transaction');
		const { records, summary } = await runMapping(
			readRows(SQUARE_SAMPLE, { fileName: 'square.csv' }),
			mapping,
			'square.csv',
		);
		expect(summary).toMatchObject({ rows_read: 417, records: 296, rejected: 0, balanced: true });
		const startingWithC = records.filter((record) => /^c/i.test(String(record.order_id)));
		expect(startingWithC).toHaveLength(19);
		expect(records.filter((record) => record.is_refund).map((record) => record.order_id)).toEqual(
			[],
		);
		expect(records[0]).toMatchObject({
			order_id: 'MCSBDFvo0AGL8yevyAGwmht8sxcZY',
			purchase_date: '2026-06-27T13:01:09-04:00',
			order_total: 10.76,
			currency: 'USD',
		});
	});
});

describe('a .csv mapping file', () => {
	const csv = [
		'Field,Source column(s),Type,Format,Required,Default,Transform,Value map,Not in the map,Blank clears the field',
		'order_id,InvoiceNo,,,,,,,,',
		'purchase_date,InvoiceDate,,M/d/yyyy H:mm,,,,,,',
		'customer_id,CustomerID,,,,,,,,',
		'email,Email,,,,,,,,Yes',
		'lines.sku,StockCode,,,,,,,,',
		'lines.name,Description,,,,,Title Case,,,',
		'lines.qty,Quantity,integer,,,,,,,',
		'lines.unit_price,UnitPrice,,,,,,,,',
		'store_code,,,,,WEB,,,,',
		'status,,,,,,,,,',
		'',
	].join('\n');

	test('holds the field table alone; its settings come from the caller', async () => {
		const mapping = await readMappingWorkbook(Buffer.from(csv), 'mapping.csv', 'transaction', {
			timeZone: 'Europe/London',
			refundPrefix: 'C',
			currency: 'GBP',
		});
		expect(
			mapping.fields.map(
				({ target, source, type, format, required, defaultValue, transform, clearWhenBlank }) => ({
					target,
					source,
					type,
					format,
					required,
					defaultValue,
					transform,
					clearWhenBlank,
				}),
			),
		).toEqual([
			{
				target: 'order_id',
				source: 'InvoiceNo',
				type: 'text',
				format: undefined,
				required: false,
				defaultValue: undefined,
				transform: 'none',
				clearWhenBlank: false,
			},
			{
				target: 'purchase_date',
				source: 'InvoiceDate',
				type: 'datetime',
				format: 'M/d/yyyy H:mm',
				required: false,
				defaultValue: undefined,
				transform: 'none',
				clearWhenBlank: false,
			},
			{
				target: 'customer_id',
				source: 'CustomerID',
				type: 'text',
				format: undefined,
				required: false,
				defaultValue: undefined,
				transform: 'none',
				clearWhenBlank: false,
			},
			{
				target: 'email',
				source: 'Email',
				type: 'email',
				format: undefined,
				required: false,
				defaultValue: undefined,
				transform: 'none',
				clearWhenBlank: true,
			},
			{
				target: 'lines.sku',
				source: 'StockCode',
				type: 'text',
				format: undefined,
				required: false,
				defaultValue: undefined,
				transform: 'none',
				clearWhenBlank: false,
			},
			{
				target: 'lines.name',
				source: 'Description',
				type: 'text',
				format: undefined,
				required: false,
				defaultValue: undefined,
				transform: 'title',
				clearWhenBlank: false,
			},
			{
				target: 'lines.qty',
				source: 'Quantity',
				type: 'integer',
				format: undefined,
				required: false,
				defaultValue: undefined,
				transform: 'none',
				clearWhenBlank: false,
			},
			{
				target: 'lines.unit_price',
				source: 'UnitPrice',
				type: 'money',
				format: undefined,
				required: false,
				defaultValue: undefined,
				transform: 'none',
				clearWhenBlank: false,
			},
			{
				target: 'store_code',
				source: '',
				type: 'text',
				format: undefined,
				required: false,
				defaultValue: 'WEB',
				transform: 'none',
				clearWhenBlank: false,
			},
		]);
		expect(mapping.settings).toEqual({
			...DEFAULT_SETTINGS,
			timeZone: 'Europe/London',
			refundPrefix: 'C',
			currency: 'GBP',
		});

		const { records, summary } = await mapCsv(
			'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,Email\n536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom,\nC536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom,\n',
			mapping,
			'invoices.csv',
		);
		expect(summary.balanced).toBe(true);
		expect(records).toEqual([
			{
				order_id: '536365',
				customer_id: '17850',
				email: null,
				store_code: 'WEB',
				purchase_date: '2010-12-01T08:26:00+00:00',
				currency: 'GBP',
				order_subtotal: 15.3,
				order_total: 15.3,
				is_refund: false,
				lines: [
					{
						sku: '85123A',
						name: 'White Hanging Heart T-Light Holder',
						qty: 6,
						unit_price: 2.55,
						line_total: 15.3,
					},
				],
				_source: { file: 'invoices.csv', lines: [2] },
			},
			{
				order_id: 'C536379',
				customer_id: '14527',
				email: null,
				store_code: 'WEB',
				purchase_date: '2010-12-01T09:41:00+00:00',
				currency: 'GBP',
				order_subtotal: -27.5,
				order_total: -27.5,
				is_refund: true,
				lines: [{ sku: 'D', name: 'Discount', qty: -1, unit_price: 27.5, line_total: -27.5 }],
				_source: { file: 'invoices.csv', lines: [3] },
			},
		]);
	});

	test('a value map named in a .csv mapping is a problem: a .csv file has no Value Maps sheet', async () => {
		const problems = await problemsOf(
			readMappingWorkbook(
				Buffer.from('Field,Source column(s),Value map\nstore_code,Store,Stores\n'),
				'mapping.csv',
				'customer',
			),
		);
		expect(problems).toEqual([
			'mapping.csv sheet, row 2 (store_code): the value map "Stores" is not on the Value Maps sheet',
		]);
	});

	test('a .csv file without a Field column is refused with a pointer to the template', async () => {
		const problems = await problemsOf(
			readMappingWorkbook(
				Buffer.from('Target,Column\norder_id,InvoiceNo\n'),
				'mapping.csv',
				'transaction',
			),
		);
		expect(problems).toEqual([
			'the "mapping.csv" sheet needs a header row with "Field" and "Source column(s)" columns, as in the template',
		]);
	});
});

describe('problems in a workbook', () => {
	test('an unknown type, an unknown setting, a bad setting value and a missing value map are reported together', async () => {
		const workbook = openTemplate();
		fill(workbook, 'Customers', {
			customer_id: { 'Source column(s)': 'ID' },
			email: { 'Source column(s)': 'Email', Type: 'e-mail' },
			store_code: { 'Source column(s)': 'Store', 'Value map': 'Shops' },
			gender: { 'Source column(s)': 'Gender', Transform: 'Reverse', 'Not in the map': 'Ignore' },
		});
		setSettings(workbook, {
			'Loyalty scheme': 'Gold',
			'Header row': 'two',
			'Prices include tax': 'Sometimes',
		});
		setValueMaps(workbook, [
			['Stores', 'LDN01', 'London'],
			['', 'MAN02', 'Manchester'],
		]);
		const problems = await problemsOf(readMappingWorkbook(save(workbook), 'shop.xlsx', 'customer'));
		expect(problems).toEqual([
			'Value Maps sheet, row 3: each row needs a map name and a From value',
			'Settings sheet: unknown setting "Loyalty scheme"; the settings are Delimiter, Encoding, Date format, Decimal separator, Row grain, Order key, Header row, Refund prefix, Default country, Time zone, Prices include tax, Currency, Keep unmapped columns, Sheet name',
			'Settings sheet: Header row must be a whole number from 1, not "two"',
			'Settings sheet: Prices include tax must be Yes or No, not "Sometimes"',
			'Customers sheet, row 3 (email): unknown type "e-mail"; use text, email, phone, integer, number, money, percent, date, datetime, boolean',
			'Customers sheet, row 10 (gender): unknown transform "Reverse"',
			'Customers sheet, row 10 (gender): "Not in the map" must be Keep as written, Leave blank, Reject the row',
			'Customers sheet, row 18 (store_code): the value map "Shops" is not on the Value Maps sheet',
		]);
	});

	test('a workbook without the feed sheet names the sheets it has', async () => {
		const workbook = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['Field']]), 'Customers');
		XLSX.utils.book_append_sheet(
			workbook,
			XLSX.utils.aoa_to_sheet([['Setting', 'Value']]),
			'Settings',
		);
		const problems = await problemsOf(
			readMappingWorkbook(save(workbook), 'old.xlsx', 'transaction'),
		);
		expect(problems).toEqual([
			'"old.xlsx" has no "Transactions" sheet; its sheets are "Customers", "Settings"',
		]);
	});

	test('sheet names, column labels and choices are matched whatever their case', async () => {
		const workbook = XLSX.utils.book_new();
		XLSX.utils.book_append_sheet(
			workbook,
			XLSX.utils.aoa_to_sheet([
				['FIELD', 'source column(s)', 'TYPE', 'transform'],
				['customer_id', 'ID', '', ''],
				['first_name', 'Name', 'TEXT', 'title case'],
			]),
			'customers',
		);
		XLSX.utils.book_append_sheet(
			workbook,
			XLSX.utils.aoa_to_sheet([
				['Setting', 'Value'],
				['keep UNMAPPED columns', 'yes'],
				['Delimiter', 'Semicolon'],
			]),
			'SETTINGS',
		);
		const mapping = await readMappingWorkbook(save(workbook), 'lower.xlsx', 'customer');
		expect(
			mapping.fields.map(({ target, type, transform }) => ({ target, type, transform })),
		).toEqual([
			{ target: 'customer_id', type: 'text', transform: 'none' },
			{ target: 'first_name', type: 'text', transform: 'title' },
		]);
		expect(mapping.settings).toMatchObject({ keepUnmappedColumns: true, delimiter: ';' });
	});

	test('formula cells in a mapping workbook are read as their saved values, never computed', async () => {
		const workbook = openTemplate();
		fill(workbook, 'Customers', { customer_id: { 'Source column(s)': 'ID' } });
		const rows = grid(workbook, 'Customers');
		const row = rows.findIndex((cells) => cells[0] === 'town') + 1;
		workbook.Sheets.Customers[`B${row}`] = { t: 's', v: 'City', f: '"Hacked"&"Column"' };
		workbook.Sheets.Customers[`F${row}`] = { t: 'n', v: 5, f: '2+2' };
		const mapping = await readMappingWorkbook(save(workbook), 'shop.xlsx', 'customer');
		expect(mapping.fields.find((field) => field.target === 'town')).toMatchObject({
			source: 'City',
			defaultValue: '5',
		});
	});
});
