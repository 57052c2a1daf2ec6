/**
 * POS File Trigger feeding Mapping Apply in a real n8n 2.41.1 server: real exports dropped into
 * watched folders, mapped by a preset and by a mapping workbook, counts read back from executions.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as iconv from 'iconv-lite';
import * as XLSX from 'xlsx';

import { buildMappingTemplate } from '../../lib/mapping';
import { writeFileAged } from '../helpers/files';
import { nodeOutput, startServer, type E2eServer } from './harness';

const TRIGGER = 'New export';
const MAP = 'Map rows';

let server: E2eServer;

beforeAll(async () => {
	server = await startServer();
});

afterAll(async () => {
	await server?.stop();
});

function mappingWorkflow(
	name: string,
	feed: string,
	folder: string,
	mapParameters: Record<string, unknown>,
) {
	const sink = (sinkName: string, y: number) => ({
		name: sinkName,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [600, y],
		parameters: {},
	});
	return {
		name,
		nodes: [
			{
				name: TRIGGER,
				type: 'n8n-nodes-pos-sync.posFileTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					feed,
					folder,
					pattern: '*.csv',
					schedule: 'arrival',
					checkEverySeconds: 1,
					settleSeconds: 2,
				},
			},
			{
				name: MAP,
				type: 'n8n-nodes-pos-sync.mappingApply',
				typeVersion: 1,
				position: [300, 0],
				parameters: { feed, ...mapParameters },
			},
			sink('Records', -150),
			sink('Rejected', 0),
			sink('Summary', 150),
		],
		connections: {
			[TRIGGER]: { main: [[{ node: MAP, type: 'main', index: 0 }]] },
			[MAP]: {
				main: [
					[{ node: 'Records', type: 'main', index: 0 }],
					[{ node: 'Rejected', type: 'main', index: 0 }],
					[{ node: 'Summary', type: 'main', index: 0 }],
				],
			},
		},
	};
}

async function activate(workflow: ReturnType<typeof mappingWorkflow>): Promise<string> {
	const id = await server.instance.createWorkflow(workflow);
	await server.instance.activate(id);
	return id;
}

function folder(name: string) {
	const path = join(server.files, name);
	mkdirSync(path, { recursive: true });
	return path;
}

describe('POS File Trigger → Mapping Apply in a real n8n', () => {
	it('turns a real Square Item Detail export into one order per transaction', async () => {
		const drop = folder('square');
		const id = await activate(
			mappingWorkflow('Square transactions', 'transaction', drop, {
				mappingSource: 'preset',
				preset: 'square-item-detail',
				settings: { timeZone: 'America/New_York' },
			}),
		);
		copyFileSync(
			join(__dirname, '..', 'fixtures', 'pos', 'square-item-detail.csv'),
			join(drop, 'items-2026-06-21-2026-06-30.csv'),
		);

		const [execution] = await server.instance.waitForExecutions(id, 1);
		expect(execution.status).toBe('success');
		const records = nodeOutput(execution, MAP, 0);
		expect(records).toHaveLength(296);
		expect(nodeOutput(execution, MAP, 1)).toHaveLength(0);
		expect(nodeOutput(execution, MAP, 2)[0].json).toMatchObject({
			file: 'items-2026-06-21-2026-06-30.csv',
			rows_read: 417,
			records: 296,
			rejected: 0,
			rows_in_records: 417,
			balanced: true,
		});
		const order = records.find(
			(record) => record.json.order_id === 'MCSBDFvo0AGL8yevyAGwmht8sxcZY',
		);
		expect(order.json).toMatchObject({
			customer_id: 'YS5AN0ZVNMSQCGP979B94FG4A8',
			purchase_date: '2026-06-27T13:01:09-04:00',
			tax_total: 0.76,
			order_total: 10.76,
			currency: 'USD',
		});
		expect(order.json.lines.map((line: { name: string }) => line.name)).toEqual([
			'Matcha Latte',
			'sticker',
		]);
		expect(nodeOutput(execution, 'Records')).toHaveLength(296);
	});

	it('maps a Windows-1252, semicolon customer export with a filled-in workbook, rejecting bad rows with reasons', async () => {
		const workbook = XLSX.read(buildMappingTemplate(), { type: 'buffer' });
		const rows = XLSX.utils.sheet_to_json<string[]>(workbook.Sheets.Customers, {
			header: 1,
			defval: '',
		});
		const fill = (
			field: string,
			source: string,
			extra: { format?: string; required?: string } = {},
		) => {
			const row = rows.find((candidate) => candidate[0] === field)!;
			row[1] = source;
			row[3] = extra.format ?? '';
			row[4] = extra.required ?? row[4];
		};
		fill('customer_id', 'Customer No', { required: 'Yes' });
		fill('email', 'E-mail');
		fill('first_name', 'First Name');
		fill('last_name', 'Surname');
		fill('mobile', 'Mobile');
		fill('postcode', 'Postcode');
		fill('marketing_opt_in', 'Opt In');
		fill('created_at', 'Joined', { format: 'dd/MM/yyyy HH:mm' });
		workbook.Sheets.Customers = XLSX.utils.aoa_to_sheet(rows);
		const mappingPath = join(folder('mappings'), 'shop-mapping.xlsx');
		writeFileSync(
			mappingPath,
			XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer,
		);

		const drop = folder('customers');
		const id = await activate(
			mappingWorkflow('Shop customers', 'customer', drop, {
				mappingSource: 'workbook',
				workbookLocation: 'path',
				workbookPath: mappingPath,
				settings: { timeZone: 'Europe/London' },
			}),
		);
		const csv = [
			'Customer No;First Name;Surname;E-mail;Mobile;Postcode;Opt In;Joined',
			"1001;Zoë;O'Brien;Zoe.OBrien@Example.co.uk;07700 900123;NG31 7FZ;Y;03/07/2026 09:15",
			'1002;Sam;Smith;sam.smith@@example.com;07700 900124;LN1 1AA;N;04/07/2026 10:00',
			'1003;Alex;Jones;alex@example.com;;PE1 1AA;maybe;05/07/2026 11:30',
			'1004;Kim;Lee;kim@example.com;07700 900125;NG1 1AA;Y;31/02/2026 12:00',
			';No;Number;nobody@example.com;;;Y;06/07/2026 08:00',
			'1006;Pat;Green;pat@example.com;07700 900126;DE1 1AA;N;06/07/2026 08:00',
		].join('\r\n');
		writeFileAged(join(drop, 'customers-2026-07-06.csv'), iconv.encode(csv, 'windows-1252'), 10);

		const [execution] = await server.instance.waitForExecutions(id, 1);
		expect(execution.status).toBe('success');
		const records = nodeOutput(execution, MAP, 0).map((item) => item.json);
		expect(records.map((record) => record.customer_id)).toEqual(['1001', '1006']);
		expect(records[0]).toEqual({
			customer_id: '1001',
			email: 'zoe.obrien@example.co.uk',
			mobile: '+447700900123',
			first_name: 'Zoë',
			last_name: "O'Brien",
			postcode: 'NG31 7FZ',
			marketing_opt_in: true,
			created_at: '2026-07-03T09:15:00+01:00',
			_source: { file: 'customers-2026-07-06.csv', lines: [2] },
		});
		const rejected = nodeOutput(execution, MAP, 1).map((item) => item.json);
		expect(rejected.map((row) => [row.line, row.field, row.rule, row.owner])).toEqual([
			[3, 'email', 'email.invalid', 'till data'],
			[4, 'marketing_opt_in', 'boolean.invalid', 'till data'],
			[5, 'created_at', 'date.impossible', 'till data'],
			[6, 'customer_id', 'required.missing', 'till data'],
		]);
		expect(rejected[0].value).toBe('sam.smith@@example.com');
		expect(nodeOutput(execution, MAP, 2)[0].json).toMatchObject({
			rows_read: 6,
			records: 2,
			rejected: 4,
			balanced: true,
			mapping: 'the mapping workbook "shop-mapping.xlsx"',
		});
		expect(readFileSync(mappingPath).length).toBeGreaterThan(0);
	});
});
