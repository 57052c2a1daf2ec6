/**
 * Mapping Apply inside n8n's own engine: parameters as the editor saves them, binary files as n8n
 * holds them, items paired back to their inputs, errors and "continue on fail".
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import * as XLSX from 'xlsx';

import { MappingApply } from '../../nodes/MappingApply/MappingApply.node';
import { buildMappingTemplate } from '../../lib/mapping';
import { SyncStateStore, defaultStatePath, type MappingCounts } from '../../lib/state';
import { superstoreLike } from '../unit/mapping/generated';
import { FILES_FOLDER, binaryBuffer, errorOf, outputOf, runWorkflow } from './harness/engine';
import { writeMappingWorkbook } from './harness/workbook';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pos');

function fileItem(path: string, fileName: string): INodeExecutionData {
	return {
		json: { feed: 'transaction', name: fileName },
		binary: {
			data: { data: readFileSync(path).toString('base64'), mimeType: 'text/csv', fileName },
		},
	};
}

async function run(
	items: INodeExecutionData[],
	parameters: INodeParameters,
	options: { continueOnFail?: boolean } = {},
) {
	return await runWorkflow({
		nodes: [
			{ name: 'Input', type: 'testInput', parameters: { items: JSON.stringify(items) } },
			{
				name: 'Mapping Apply',
				type: 'n8n-nodes-pos-sync.mappingApply',
				parameters,
				...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: { Input: { main: [[{ node: 'Mapping Apply', type: 'main', index: 0 }]] } },
		nodeTypes: { mappingApply: new MappingApply() },
	});
}

describe('Mapping Apply in the n8n engine', () => {
	it('maps a Square Item Detail file with the preset into one order per transaction', async () => {
		const result = await run(
			[fileItem(join(FIXTURES, 'square-item-detail.csv'), 'items-2026-06-21.csv')],
			{
				feed: 'transaction',
				mappingSource: 'preset',
				preset: 'square-item-detail',
				settings: { timeZone: 'America/New_York' },
			},
		);
		const records = outputOf(result, 'Mapping Apply', 0);
		const rejected = outputOf(result, 'Mapping Apply', 1);
		const [summary] = outputOf(result, 'Mapping Apply', 2);
		expect(records).toHaveLength(296);
		expect(rejected).toHaveLength(0);
		expect(summary.json).toMatchObject({
			file: 'items-2026-06-21.csv',
			rows_read: 417,
			records: 296,
			rejected: 0,
			balanced: true,
			mapping: 'the "Square Item Detail" preset',
		});
		const first = records[0];
		expect(first.json).toMatchObject({
			order_id: 'MCSBDFvo0AGL8yevyAGwmht8sxcZY',
			customer_id: 'YS5AN0ZVNMSQCGP979B94FG4A8',
			purchase_date: '2026-06-27T13:01:09-04:00',
			order_total: 10.76,
			currency: 'USD',
			_source: { file: 'items-2026-06-21.csv', lines: [2, 3] },
		});
		expect(first.pairedItem).toEqual([{ item: 0 }]);
	});

	it('maps JSON row items with fields listed in the node, pairing each record and rejection to its item', async () => {
		const rows = [
			{
				'Customer No': '1001',
				Email: ' Jo.Bloggs@Example.COM ',
				Name: 'Ms Jo Bloggs',
				Store: 'ldn',
			},
			{ 'Customer No': '1002', Email: 'not-an-email', Name: 'Sam Smith', Store: 'man' },
			{ 'Customer No': '1003', Email: '', Name: 'Alex Jones', Store: 'xxx' },
		];
		const result = await run(
			rows.map((json) => ({ json })),
			{
				feed: 'customer',
				input: 'items',
				sourceName: 'crm export',
				mappingSource: 'fields',
				fields: {
					field: [
						{ target: 'customer_id', source: 'Customer No' },
						{ target: 'email', source: 'Email' },
						{ target: 'first_name', source: 'Name', transform: 'first_name' },
						{ target: 'last_name', source: 'Name', transform: 'last_name' },
						{ target: 'title', source: 'Name', transform: 'name_title' },
						{
							target: 'store_code',
							source: 'Store',
							transform: 'map',
							valueMap: 'Stores',
							unmatched: 'reject',
						},
					],
				},
				valueMaps: { map: [{ name: 'Stores', pairs: 'LDN = London\nMAN = Manchester' }] },
			},
		);
		const records = outputOf(result, 'Mapping Apply', 0);
		const rejected = outputOf(result, 'Mapping Apply', 1);
		expect(records.map((record) => record.json)).toEqual([
			{
				customer_id: '1001',
				email: 'jo.bloggs@example.com',
				first_name: 'Jo',
				last_name: 'Bloggs',
				title: 'Ms',
				store_code: 'London',
				_source: { file: 'crm export', lines: [1] },
			},
		]);
		expect(records[0].pairedItem).toEqual([{ item: 0 }]);
		expect(
			rejected.map((item) => [
				item.json.line,
				item.json.field,
				item.json.rule,
				item.json.owner,
				item.pairedItem,
			]),
		).toEqual([
			[2, 'email', 'email.invalid', 'till data', [{ item: 1 }]],
			[3, 'store_code', 'map.unmatched', 'mapping', [{ item: 2 }]],
		]);
		expect(outputOf(result, 'Mapping Apply', 2)[0].json).toMatchObject({
			rows_read: 3,
			records: 1,
			rejected: 2,
			balanced: true,
		});
	});

	it('maps a customer file of 200,000 rows into 200,000 records, in batches of 5,000 paired to the file', async () => {
		const lines = ['Customer No,Email,First Name'];
		for (let index = 0; index < 200_000; index++)
			lines.push(`${100_000 + index},customer${index}@example.com,Name${index}`);
		const file: INodeExecutionData = {
			json: { feed: 'customer', name: 'customers.csv' },
			binary: {
				data: {
					data: Buffer.from(lines.join('\n')).toString('base64'),
					mimeType: 'text/csv',
					fileName: 'customers.csv',
				},
			},
		};
		const result = await run([file], {
			feed: 'customer',
			mappingSource: 'fields',
			fields: {
				field: [
					{ target: 'customer_id', source: 'Customer No' },
					{ target: 'email', source: 'Email' },
					{ target: 'first_name', source: 'First Name' },
				],
			},
		});
		const batches = outputOf(result, 'Mapping Apply', 0);
		expect(batches).toHaveLength(40);
		expect(
			batches.map((batch) => (batch.json.record_batch as { records: number }).records),
		).toEqual(Array(40).fill(5000));
		expect(batches[39].json.record_batch).toEqual({
			file: 'customers.csv',
			batch: 40,
			records: 5000,
			first_line: 195_002,
			last_line: 200_001,
		});
		const last = (await binaryBuffer(batches[39].binary!.records))
			.toString('utf8')
			.trimEnd()
			.split('\n');
		expect(last).toHaveLength(5000);
		expect(JSON.parse(last[4999])).toEqual({
			customer_id: '299999',
			email: 'customer199999@example.com',
			first_name: 'Name199999',
			_source: { file: 'customers.csv', lines: [200_001] },
		});
		expect(batches.every((batch) => JSON.stringify(batch.pairedItem) === '{"item":0}')).toBe(true);
		expect(outputOf(result, 'Mapping Apply', 2)[0].json).toMatchObject({
			rows_read: 200_000,
			records: 200_000,
			rejected: 0,
			balanced: true,
		});
	}, 60_000);

	it('reads a filled-in mapping workbook from a path', async () => {
		const workbook = XLSX.read(buildMappingTemplate(), { type: 'buffer' });
		const sheet = workbook.Sheets.Transactions;
		const rows = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1, defval: '' });
		const fill = (field: string, source: string, format = '') => {
			const index = rows.findIndex((row) => row[0] === field);
			rows[index][1] = source;
			rows[index][3] = format;
		};
		fill('order_id', 'ORDERNUMBER');
		fill('purchase_date', 'ORDERDATE', 'M/d/yyyy H:mm');
		fill('status', 'STATUS');
		fill('lines.sku', 'PRODUCTCODE');
		fill('lines.qty', 'QUANTITYORDERED');
		fill('lines.unit_price', 'PRICEEACH');
		workbook.Sheets.Transactions = XLSX.utils.aoa_to_sheet(rows);
		const path = join(FILES_FOLDER, 'shop-mapping.xlsx');
		writeFileSync(path, XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer);

		const result = await run([fileItem(join(FIXTURES, 'sales-data-sample.csv'), 'sales.csv')], {
			feed: 'transaction',
			mappingSource: 'workbook',
			workbookLocation: 'path',
			workbookPath: path,
			settings: { currency: 'USD' },
		});
		const [summary] = outputOf(result, 'Mapping Apply', 2);
		expect(summary.json).toMatchObject({
			rows_read: 1999,
			rejected: 0,
			balanced: true,
			mapping: 'the mapping workbook "shop-mapping.xlsx"',
		});
		const order = outputOf(result, 'Mapping Apply', 0).find(
			(record) => record.json.order_id === '10107',
		);
		expect(order?.json).toMatchObject({
			purchase_date: '2003-02-24T00:00:00+00:00',
			status: 'Shipped',
			currency: 'USD',
			order_total: 2871,
			lines: [{ sku: 'S10_1678', qty: 30, unit_price: 95.7, line_total: 2871 }],
		});
	});

	it('will not read a mapping workbook outside the folders n8n may read', async () => {
		const outside = join(FILES_FOLDER, '..', 'outside.xlsx');
		writeFileSync(outside, buildMappingTemplate());
		const result = await run([fileItem(join(FIXTURES, 'square-item-detail.csv'), 'square.csv')], {
			feed: 'transaction',
			mappingSource: 'workbook',
			workbookLocation: 'path',
			workbookPath: outside,
		});
		expect(errorOf(result, 'Mapping Apply').message).toContain(
			`n8n may not read the mapping workbook "${outside}"`,
		);
	});

	it('says plainly when the mapping workbook is not there', async () => {
		const result = await run([fileItem(join(FIXTURES, 'square-item-detail.csv'), 'square.csv')], {
			feed: 'transaction',
			mappingSource: 'workbook',
			workbookLocation: 'path',
			workbookPath: join(FILES_FOLDER, 'missing.xlsx'),
		});
		expect(errorOf(result, 'Mapping Apply').message).toBe(
			`There is no mapping workbook at "${join(FILES_FOLDER, 'missing.xlsx')}"`,
		);
	});

	it('stops with one error naming a missing column and the closest columns found', async () => {
		const csv =
			'Invoice Number,Stock Code,Invoice Dt,Quantity,Unit Price\n1,A,12/1/2010 8:26,1,2.50\n';
		const item = {
			json: {},
			binary: {
				data: {
					data: Buffer.from(csv).toString('base64'),
					mimeType: 'text/csv',
					fileName: 'retail.csv',
				},
			},
		};
		const result = await run([item], {
			feed: 'transaction',
			mappingSource: 'preset',
			preset: 'online-retail',
		});
		const error = errorOf(result, 'Mapping Apply');
		expect(error.message).toContain(
			'"InvoiceDate" is missing for purchase_date; found "Invoice Dt"',
		);
		expect(error.message).toContain(
			'"InvoiceNo" or "Invoice" is missing for order_id; found "Invoice Dt", "Invoice Number"',
		);
		expect(outputOf(result, 'Input')).toHaveLength(1);
	});

	it('with continue on fail, reports a file it cannot map on Rejected and Summary and maps the next file', async () => {
		const bad = {
			json: {},
			binary: {
				data: {
					data: Buffer.from('Foo,Bar\n1,2\n').toString('base64'),
					mimeType: 'text/csv',
					fileName: 'wrong.csv',
				},
			},
		};
		const result = await run(
			[bad, fileItem(join(FIXTURES, 'square-item-detail.csv'), 'square.csv')],
			{ feed: 'transaction', mappingSource: 'preset', preset: 'square-item-detail' },
			{ continueOnFail: true },
		);
		const rejected = outputOf(result, 'Mapping Apply', 1);
		expect(rejected).toHaveLength(1);
		expect(rejected[0].json).toMatchObject({
			file: 'wrong.csv',
			rule: 'mapping.invalid',
			owner: 'mapping',
			field: '(whole file)',
		});
		expect(rejected[0].pairedItem).toEqual({ item: 0 });
		expect(outputOf(result, 'Mapping Apply', 0)).toHaveLength(296);
		expect(
			outputOf(result, 'Mapping Apply', 2).map((summary) => [
				summary.json.file,
				summary.json.balanced,
			]),
		).toEqual([
			['wrong.csv', false],
			['square.csv', true],
		]);
	});

	describe('when the sync state cannot be written', () => {
		const square = () => fileItem(join(FIXTURES, 'square-item-detail.csv'), 'square-state.csv');
		const parameters = {
			feed: 'transaction',
			mappingSource: 'preset',
			preset: 'square-item-detail',
		};
		let before: string | undefined;
		beforeEach(() => {
			before = process.env.POS_SYNC_STATE_DIR;
			// A folder that cannot be made: its parent is a file.
			const blocker = join(mkdtempSync(join(tmpdir(), 'pos-sync-blocked-')), 'not-a-folder');
			writeFileSync(blocker, 'a file where the state folder should be');
			process.env.POS_SYNC_STATE_DIR = join(blocker, 'state');
		});
		afterEach(() => {
			if (before === undefined) delete process.env.POS_SYNC_STATE_DIR;
			else process.env.POS_SYNC_STATE_DIR = before;
		});

		it('the node stops with an error that says the mapping worked, the ledger could not record it, and the owner is "system"', async () => {
			const error = errorOf(await run([square()], parameters), 'Mapping Apply');
			expect(error.message).toBe('The mapping worked, but the sync ledger could not record it');
			expect(error.description).toMatch(
				/^Owner: system\. Could not open the sync state file .*Record in Sync Ledger/s,
			);
		});

		it('with continue on fail, the records go on and the Summary says the ledger has not got them', async () => {
			const result = await run([square()], parameters, { continueOnFail: true });
			expect(outputOf(result, 'Mapping Apply', 0)).toHaveLength(296);
			const summaries = outputOf(result, 'Mapping Apply', 2).map((item) => item.json);
			expect(summaries[0]).toMatchObject({ file: 'square-state.csv', balanced: true });
			expect(summaries[1]).toMatchObject({
				owner: 'system',
				ledger: 'not recorded',
				error: 'The mapping worked, but the sync ledger could not record it',
			});
		});

		it('with Record in Sync Ledger switched off, the node maps without the state', async () => {
			const result = await run([square()], { ...parameters, options: { recordInLedger: false } });
			expect(outputOf(result, 'Mapping Apply', 0)).toHaveLength(296);
			expect(outputOf(result, 'Mapping Apply', 2).map((item) => item.json.file)).toEqual([
				'square-state.csv',
			]);
		});

		it('a file it cannot map still fails on its mapping fault, and the error adds that the ledger could not record it', async () => {
			const bad = {
				json: {},
				binary: {
					data: {
						data: Buffer.from('Foo,Bar\n1,2\n').toString('base64'),
						mimeType: 'text/csv',
						fileName: 'wrong.csv',
					},
				},
			};
			const error = errorOf(await run([bad], parameters), 'Mapping Apply');
			expect(error.message).toContain('is missing');
			expect(error.description).toContain('The sync ledger could not record it');
		});
	});

	describe('an Online Retail extract written day first (1/12/2010 is 1 December)', () => {
		const lines = [
			'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
		];
		for (let day = 13; day <= 31; day++) {
			lines.push(
				`${581000 + day},85123A,WHITE HANGING HEART,6,${day}/12/2010 8:26,2.55,17850,United Kingdom`,
			);
			lines.push(
				`${581000 + day},71053,WHITE METAL LANTERN,6,${day}/12/2010 8:26,3.39,17850,United Kingdom`,
			);
		}
		const item = () => ({
			json: {},
			binary: {
				data: {
					data: Buffer.from(lines.join('\n')).toString('base64'),
					mimeType: 'text/csv',
					fileName: 'online-retail-uk.csv',
				},
			},
		});

		it('with the preset as it is, the node stops on one mapping fault that names the format that reads the dates, and the ledger records why', async () => {
			const result = await run([item()], {
				feed: 'transaction',
				mappingSource: 'preset',
				preset: 'online-retail',
			});
			const error = errorOf(result, 'Mapping Apply');
			expect(error.message).toContain(
				'rejected all 38 rows of purchase_date from the column "InvoiceDate"',
			);
			expect(error.message).toContain('the date format d/M/yyyy H:mm reads every sample');

			const store = SyncStateStore.open(defaultStatePath());
			try {
				const steps = (
					await store.ledgerSteps(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000))
				).filter((step) => step.file === 'online-retail-uk.csv');
				expect(steps).toHaveLength(1);
				expect(steps[0].counts).toMatchObject({
					step: 'mapping',
					records: 0,
					rejected_by_reason: { 'mapping.invalid': { owner: 'mapping', count: 1 } },
				});
				expect((steps[0].counts as { error?: string }).error).toContain(
					'd/M/yyyy H:mm reads every sample',
				);
			} finally {
				await store.close();
			}
		});

		it('with continue on fail, the file is one mapping rejection owned by "mapping" and no record goes out', async () => {
			const result = await run(
				[item()],
				{ feed: 'transaction', mappingSource: 'preset', preset: 'online-retail' },
				{ continueOnFail: true },
			);
			expect(outputOf(result, 'Mapping Apply', 0)).toHaveLength(0);
			const rejected = outputOf(result, 'Mapping Apply', 1);
			expect(
				rejected.map((entry) => [entry.json.rule, entry.json.owner, entry.json.field]),
			).toEqual([['mapping.invalid', 'mapping', '(whole file)']]);
		});

		it("the Date Format setting overrides the preset's formats, and every invoice reads", async () => {
			const result = await run([item()], {
				feed: 'transaction',
				mappingSource: 'preset',
				preset: 'online-retail',
				settings: { dateFormat: 'd/M/yyyy H:mm' },
			});
			const records = outputOf(result, 'Mapping Apply', 0);
			expect(records).toHaveLength(19);
			expect(records[0].json).toMatchObject({
				order_id: '581013',
				purchase_date: '2010-12-13T08:26:00+00:00',
			});
			expect(outputOf(result, 'Mapping Apply', 1)).toHaveLength(0);
		});
	});

	it('maps one Superstore-like export into customers, products and orders at once, each its own source in the Summary and the ledger', async () => {
		const path = writeMappingWorkbook(join(FILES_FOLDER, 'superstore-mapping.xlsx'), {
			Customers: {
				customer_id: ['Customer ID'],
				full_name: ['Customer Name'],
				postcode: ['Postal Code'],
				email: ['Email'],
			},
			Products: { sku: ['Product ID'], name: ['Product Name'], category: ['Category'] },
			Transactions: {
				order_id: ['Order ID'],
				purchase_date: ['Order Date', 'M/d/yyyy'],
				customer_id: ['Customer ID'],
				'lines.sku': ['Product ID'],
				'lines.qty': ['Quantity'],
				'lines.line_total': ['Sales'],
			},
		});
		const file = superstoreLike(200, 77);
		const csv = file.csv
			.replace('Customer Name,', 'Customer Name,Email,')
			.replace(/(Claire Gute),/g, '$1,,');
		const item = {
			json: {},
			binary: {
				data: {
					data: Buffer.from(csv).toString('base64'),
					mimeType: 'text/csv',
					fileName: 'superstore.csv',
				},
			},
		};

		const result = await run([item], {
			feed: 'all',
			mappingSource: 'workbook',
			workbookLocation: 'path',
			workbookPath: path,
			settings: { currency: 'USD' },
		});
		const records = outputOf(result, 'Mapping Apply', 0).map(
			(record) =>
				record.json as { _source: { feed: string; file: string }; [key: string]: unknown },
		);
		expect(outputOf(result, 'Mapping Apply', 1)).toHaveLength(0);
		const ofFeed = (feed: string) => records.filter((record) => record._source.feed === feed);
		expect(ofFeed('customer')).toHaveLength(file.customers.size);
		expect(ofFeed('product')).toHaveLength(file.products.size);
		expect(ofFeed('transaction')).toHaveLength(200);
		const summaries = outputOf(result, 'Mapping Apply', 2).map((summary) => summary.json);
		expect(
			summaries.map(({ file: source, feed, rows_read, records: count, balanced }) => [
				source,
				feed,
				rows_read,
				count,
				balanced,
			]),
		).toEqual([
			['superstore.csv (customers)', 'customer', file.rows, file.customers.size, true],
			['superstore.csv (products)', 'product', file.rows, file.products.size, true],
			['superstore.csv (transactions)', 'transaction', file.rows, 200, true],
		]);

		const store = SyncStateStore.open(defaultStatePath());
		try {
			const steps = (
				await store.ledgerSteps(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000))
			).filter((step) => step.file.startsWith('superstore.csv'));
			expect(steps.map((step) => [step.file, (step.counts as MappingCounts).records])).toEqual([
				['superstore.csv (customers)', file.customers.size],
				['superstore.csv (products)', file.products.size],
				['superstore.csv (transactions)', 200],
			]);
		} finally {
			await store.close();
		}
	});

	it("takes the transforms real exports need from the node's field list: a list split into lines and zeros padded", async () => {
		const rows = [
			{
				Basket: 'B1',
				When: '2026-06-27 13:01',
				Items: "['Ketchup', 'Milk']",
				Zip: '2134',
				Total: '7.50',
			},
			{ Basket: 'B2', When: '2026-06-27 13:05', Items: "['Bread']", Zip: '90210', Total: '1.20' },
		];
		const result = await run(
			rows.map((json) => ({ json })),
			{
				feed: 'transaction',
				input: 'items',
				mappingSource: 'fields',
				settings: { rowGrain: 'basket', currency: 'USD' },
				fields: {
					field: [
						{ target: 'order_id', source: 'Basket' },
						{ target: 'purchase_date', source: 'When' },
						{ target: 'lines.name', source: 'Items', transform: 'split_list' },
						{
							target: 'custom',
							customName: 'zip',
							source: 'Zip',
							transform: 'pad_zeros',
							format: '5',
						},
						{ target: 'order_total', source: 'Total' },
					],
				},
			},
		);
		expect(
			outputOf(result, 'Mapping Apply', 0).map((record) => [
				record.json.order_id,
				record.json.lines,
				record.json.custom,
			]),
		).toEqual([
			[
				'B1',
				[
					{ name: 'Ketchup', qty: 1 },
					{ name: 'Milk', qty: 1 },
				],
				{ zip: '02134' },
			],
			['B2', [{ name: 'Bread', qty: 1 }], { zip: '90210' }],
		]);
	});

	it("works a unit price out from the line total and quantity with a Calculate transform in the node's field list", async () => {
		const rows = [
			{ Order: 'S-1', When: '2026-06-27 13:01', SKU: 'CHAIR', Qty: '3', Sales: '907.152' },
			{ Order: 'S-1', When: '2026-06-27 13:01', SKU: 'PEN', Qty: '0', Sales: '18.504' },
			{ Order: 'S-2', When: '2026-06-27 13:05', SKU: 'PEN', Qty: '7', Sales: '18.504' },
		];
		const result = await run(
			rows.map((json) => ({ json })),
			{
				feed: 'transaction',
				input: 'items',
				mappingSource: 'fields',
				settings: { currency: 'USD' },
				fields: {
					field: [
						{ target: 'order_id', source: 'Order' },
						{ target: 'purchase_date', source: 'When' },
						{ target: 'lines.sku', source: 'SKU' },
						{ target: 'lines.qty', source: 'Qty' },
						{ target: 'lines.line_total', source: 'Sales' },
						{
							target: 'lines.unit_price',
							source: '',
							transform: 'calculate',
							format: '[Sales] / [Qty]',
						},
					],
				},
			},
		);
		expect(
			outputOf(result, 'Mapping Apply', 0).map((record) => [
				record.json.order_id,
				record.json.lines,
				record.json.order_total,
			]),
		).toEqual([['S-2', [{ sku: 'PEN', qty: 7, unit_price: 2.6434, line_total: 18.5 }], 18.5]]);
		expect(
			outputOf(result, 'Mapping Apply', 1).map((rejected) => [
				rejected.json.line,
				rejected.json.order_id,
				rejected.json.rule,
			]),
		).toEqual([
			[2, 'S-1', 'calculate.divide_by_zero'],
			[1, 'S-1', 'order.incomplete'],
		]);
	});

	it('refuses a preset made for another feed', async () => {
		const result = await run([fileItem(join(FIXTURES, 'square-item-detail.csv'), 'square.csv')], {
			feed: 'customer',
			mappingSource: 'preset',
			preset: 'square-item-detail',
		});
		expect(errorOf(result, 'Mapping Apply').message).toContain(
			'the "Square Item Detail" preset maps transaction rows',
		);
	});

	it('outputs the mapping template workbook', async () => {
		const result = await run([{ json: {} }], { operation: 'template' });
		const [item] = outputOf(result, 'Mapping Apply', 0);
		expect(item.binary?.data.fileName).toBe('mapping-template.xlsx');
		const workbook = XLSX.read(await binaryBuffer(item.binary!.data), { type: 'buffer' });
		expect(workbook.SheetNames).toEqual([
			'Instructions',
			'Customers',
			'Products',
			'Transactions',
			'Settings',
			'Value Maps',
			'Consent File',
		]);
	});
});
