/**
 * The fake Khaos, driven with raw HTTP and envelopes written by hand from /work/tmp/khaos-wire.md
 * (deliberately not through lib/khaos), and read back with a plain XML parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { XMLParser } from 'fast-xml-parser';

import { startFakeKhaos } from '../../fakes/khaos';
import type { FakeKhaos } from '../../fakes/khaos';

const NS = 'urn:IKosWebIntf-IKosWeb';
const SEED = join(__dirname, '../../fakes/khaos/seed');
const REAL = join(SEED, 'real-responses');

type Param = [name: string, type: 'string' | 'int' | 'boolean' | 'dateTime', value: string];

const esc = (value: string): string =>
	value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function envelope(method: string, params: Param[] = []): string {
	const body = params
		.map(([name, type, value]) => `<${name} xsi:type="xsd:${type}">${esc(value)}</${name}>`)
		.join('');
	return (
		'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
		'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
		`<soap:Body><NS1:${method} xmlns:NS1="${NS}">${body}</NS1:${method}></soap:Body></soap:Envelope>`
	);
}

interface Reply {
	status: number;
	text: string;
	headers: Headers;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<Reply> {
	const response = await fetch(url, {
		method: 'POST',
		body,
		headers: { 'Content-Type': 'text/xml; charset=utf-8', ...headers },
	});
	return { status: response.status, text: await response.text(), headers: response.headers };
}

async function soap(
	fake: FakeKhaos,
	method: string,
	params: Param[] = [],
	headers: Record<string, string> = {},
): Promise<Reply> {
	return post(fake.endpointUrl, envelope(method, params), {
		SOAPAction: `"${NS}#${method}"`,
		...headers,
	});
}

const parser = new XMLParser({
	ignoreAttributes: false,
	removeNSPrefix: true,
	parseTagValue: false,
	trimValues: false,
	htmlEntities: true,
	isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

type Node = Record<string, unknown>;
const parse = (xml: string): Node => parser.parse(xml) as Node;
const first = (node: Node, name: string): Node => (node[name] as Node[])[0];
const all = (node: Node, name: string): Node[] => (node[name] as Node[] | undefined) ?? [];
const text = (node: Node | undefined): string =>
	node === undefined ? '' : typeof node === 'string' ? node : String(node['#text'] ?? '');
const field = (node: Node, name: string): string => text(all(node, name)[0]);

function body(reply: Reply): Node {
	return first(first(parse(reply.text), 'Envelope'), 'Body');
}

/** The string inside <return> of a WideString result. */
function returned(reply: Reply, method: string): string {
	expect(reply.status).toBe(200);
	return text(first(first(body(reply), `${method}Response`), 'return'));
}

/** Resolves Delphi's multiRef encoding into plain objects and arrays. */
function structResult(reply: Reply, method: string): unknown {
	expect(reply.status).toBe(200);
	const soapBody = body(reply);
	const byId = new Map<string, Node>();
	for (const [name, nodes] of Object.entries(soapBody)) {
		if (name === `${method}Response`) continue;
		for (const node of nodes as Node[]) byId.set(String(node['@_id']), node);
	}
	const resolve = (node: Node): unknown => {
		const href = node['@_href'];
		if (typeof href === 'string') return resolve(byId.get(href.slice(1))!);
		if (node['@_arrayType'] !== undefined) return all(node, 'item').map(resolve);
		const fields = Object.keys(node).filter((key) => !key.startsWith('@_') && key !== '#text');
		if (fields.length === 0) return text(node);
		return Object.fromEntries(fields.map((key) => [key, resolve(first(node, key))]));
	};
	return resolve(first(first(soapBody, `${method}Response`), 'return'));
}

function fault(reply: Reply): { code: string; message: string } {
	expect(reply.status).toBe(500);
	const node = first(body(reply), 'Fault');
	return { code: field(node, 'faultcode'), message: field(node, 'faultstring') };
}

interface OrderInput {
	ref?: string;
	lines: Array<{ code: string; qty: number; price?: string; mapping?: string }>;
	surname?: string;
	companyName?: string;
	address1?: string;
	postcode?: string;
}

function ordersXml(...orders: OrderInput[]): string {
	const order = (input: OrderInput): string =>
		'<SALES_ORDER><CUSTOMER_DETAIL><IS_NEW_CUSTOMER>0</IS_NEW_CUSTOMER>' +
		`<COMPANY_NAME>${esc(input.companyName ?? '')}</COMPANY_NAME>` +
		'<ADDRESSES><INVADDR>' +
		`<IADDRESS1>${esc(input.address1 ?? '1 High Street')}</IADDRESS1><ITOWN>Grantham</ITOWN><IPOSTCODE>${esc(input.postcode ?? 'NG31 1AA')}</IPOSTCODE>` +
		`<IFORENAME>Ann</IFORENAME><ISURNAME>${esc(input.surname ?? 'Smith')}</ISURNAME><IEMAIL>ann@example.com</IEMAIL>` +
		'</INVADDR></ADDRESSES></CUSTOMER_DETAIL>' +
		'<PAYMENTS><PAYMENT_DETAIL><PAYMENT_AMOUNT>10.00</PAYMENT_AMOUNT><PAYMENT_TYPE>2</PAYMENT_TYPE><PREAUTH>0</PREAUTH></PAYMENT_DETAIL></PAYMENTS>' +
		`<ORDER_HEADER><ORDER_DATE>2024-03-01 10:00:00</ORDER_DATE><ORDER_CURRENCY_CODE>GBP</ORDER_CURRENCY_CODE>` +
		(input.ref === undefined ? '' : `<ASSOCIATED_REF>${esc(input.ref)}</ASSOCIATED_REF>`) +
		'<DELIVERY_GRS>3.95</DELIVERY_GRS><COURIER_DESC>Royal Mail</COURIER_DESC></ORDER_HEADER><ORDER_ITEMS>' +
		input.lines
			.map(
				(line) =>
					`<ORDER_ITEM><STOCK_CODE>${esc(line.code)}</STOCK_CODE><MAPPING_TYPE>${line.mapping ?? '1'}</MAPPING_TYPE>` +
					`<ORDER_QTY>${line.qty}</ORDER_QTY><PRICE_GRS>${line.price ?? '10.00'}</PRICE_GRS></ORDER_ITEM>`,
			)
			.join('') +
		'</ORDER_ITEMS></SALES_ORDER>';
	return `<?xml version="1.0" encoding="UTF-8"?><SALES_ORDERS>${orders.map(order).join('')}</SALES_ORDERS>`;
}

interface ImportResult {
	ImportedCount: string;
	OrderImport: Array<{
		SalesOrderCode: string;
		AssociatedRef: string;
		Msg: string;
		URN: string;
		OtherRef: string;
	}>;
	OrderSkipped: Array<{ OrderRef: string; SkipReason: string }>;
}

async function importOrders(fake: FakeKhaos, xml: string): Promise<ImportResult> {
	return structResult(
		await soap(fake, 'ImportOrders', [['Orders', 'string', xml]]),
		'ImportOrders',
	) as ImportResult;
}

async function statusEx(fake: FakeKhaos, ids: string, extra: Param[] = []): Promise<Node[]> {
	const params: Param[] = [
		['IDs', 'string', ids],
		['MappingType', 'int', '4'],
		['IncludeTracking', 'boolean', 'true'],
		...extra,
	];
	return all(
		first(
			parse(returned(await soap(fake, 'ExportOrderStatusEx', params), 'ExportOrderStatusEx')),
			'STATUS_LIST',
		),
		'ORDER_STATUS',
	);
}

describe('fake Khaos SOAP service', () => {
	let fake: FakeKhaos;

	beforeAll(async () => {
		fake = await startFakeKhaos();
	});
	afterAll(async () => {
		await fake.stop();
	});
	beforeEach(() => fake.reset());

	describe('WSDL and routing', () => {
		test('serves a WSDL whose soap:address is the SOAP endpoint', async () => {
			expect(fake.wsdlUrl).toBe(`${fake.baseUrl}/KhaosKSD.exe/wsdl/IKosWeb`);
			expect(fake.endpointUrl).toBe(`${fake.baseUrl}/KhaosKSD.exe/soap/IKosWeb`);
			const response = await fetch(fake.wsdlUrl);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
			const definitions = first(parse(await response.text()), 'definitions');
			const address = first(first(first(definitions, 'service'), 'port'), 'address');
			expect(address['@_location']).toBe(fake.endpointUrl);
			const operations = all(first(definitions, 'binding'), 'operation');
			const importOrders = operations.find((operation) => operation['@_name'] === 'ImportOrders')!;
			expect(first(importOrders, 'operation')['@_soapAction']).toBe(`${NS}#ImportOrders`);
			expect(operations.map((operation) => operation['@_name'])).toEqual(
				expect.arrayContaining([
					'GetVersion',
					'GetStockList',
					'ExportStock',
					'ExportStockStatus',
					'ExportWebCategories',
					'ExportOrderStatus',
					'ExportOrderStatusEx',
					'GetCompanyList',
					'ExportCompany',
				]),
			);
		});

		test('a moved SOAP endpoint is advertised in the WSDL and the default path is gone', async () => {
			const moved = await startFakeKhaos({
				exeName: 'KhaosIDS.exe',
				soapPath: '/ws/KhaosIDS.exe/soap/IKosWeb',
			});
			try {
				const wsdl = await (await fetch(moved.wsdlUrl)).text();
				expect(wsdl).toContain(
					`<soap:address location="${moved.baseUrl}/ws/KhaosIDS.exe/soap/IKosWeb"/>`,
				);
				expect(returned(await soap(moved, 'GetVersion'), 'GetVersion')).not.toBe('');
				const old = await post(
					`${moved.baseUrl}/KhaosIDS.exe/soap/IKosWeb`,
					envelope('GetVersion'),
					{ SOAPAction: `"${NS}#GetVersion"` },
				);
				expect(old.status).toBe(404);
			} finally {
				await moved.stop();
			}
		});

		test('GetVersion answers the contract envelope with a version string', async () => {
			const reply = await soap(fake, 'GetVersion');
			expect(reply.headers.get('content-type')).toMatch(/^text\/xml/);
			expect(reply.text).toContain(
				`<NS1:GetVersionResponse xmlns:NS1="${NS}"><return xsi:type="xsd:string">`,
			);
			expect(returned(reply, 'GetVersion')).toMatch(/^\d+\.\d+/);
		});

		test('routes on SOAPAction: missing, foreign, unknown and mismatched actions are faults', async () => {
			const missing = fault(await post(fake.endpointUrl, envelope('GetVersion'), {}));
			expect(missing.code).toBe('SOAP-ENV:Client');
			expect(missing.message).toMatch(/SOAPAction/);

			expect(
				fault(
					await post(fake.endpointUrl, envelope('GetVersion'), {
						SOAPAction: '"urn:Other#GetVersion"',
					}),
				).message,
			).toMatch(/soap action 'urn:Other#GetVersion'/);
			expect(fault(await soap(fake, 'GetStock')).message).toBe(
				"No method named 'GetStock' is supported by interface 'IKosWeb'",
			);
			const mismatch = await post(fake.endpointUrl, envelope('GetVersion'), {
				SOAPAction: `"${NS}#ExportOrderStatus"`,
			});
			expect(fault(mismatch).message).toMatch(/ExportOrderStatus.*GetVersion/);
			// Quotes around the SOAPAction value are optional.
			expect(
				returned(
					await post(fake.endpointUrl, envelope('GetVersion'), { SOAPAction: `${NS}#GetVersion` }),
					'GetVersion',
				),
			).not.toBe('');
		});

		test('malformed XML, a DOCTYPE, a SOAP 1.2 envelope or a wrongly typed parameter is a client fault', async () => {
			const action = { SOAPAction: `"${NS}#GetVersion"` };
			expect(fault(await post(fake.endpointUrl, '<soap:Envelope><oops>', action)).code).toBe(
				'SOAP-ENV:Client',
			);
			const doctype =
				'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' +
				envelope('GetVersion').replace('<?xml version="1.0" encoding="utf-8"?>', '');
			expect(fault(await post(fake.endpointUrl, doctype, action)).message).toMatch(/DOCTYPE/);
			const soap12 = envelope('GetVersion').replace(
				'http://schemas.xmlsoap.org/soap/envelope/',
				'http://www.w3.org/2003/05/soap-envelope',
			);
			expect(fault(await post(fake.endpointUrl, soap12, action)).message).toMatch(/SOAP 1\.2/);
			const khaosBoolean = await soap(fake, 'ExportOrderStatusEx', [
				['IDs', 'string', 'X'],
				['MappingType', 'int', '4'],
				['IncludeCancelled', 'boolean', '-1'],
			]);
			expect(fault(khaosBoolean).message).toMatch(/'-1' is not a valid boolean/);
			expect(
				fault(await soap(fake, 'ExportStock', [['StockCodes', 'string', 'HL0453']])).message,
			).toMatch(/no parameter named StockCodes/);
			expect(
				fault(await soap(fake, 'GetStockList', [['DateValue', 'dateTime', '01/02/2020']])).message,
			).toMatch(/Invalid date string/);
		});

		test('logs every call with its parameters and their xsi:types', async () => {
			await soap(fake, 'ExportStock', [
				['StockCode', 'string', 'HL0453'],
				['MappingType', 'int', '1'],
			]);
			const calls = fake.calls();
			expect(calls).toHaveLength(1);
			expect(calls[0]).toMatchObject({
				method: 'ExportStock',
				params: { StockCode: 'HL0453', MappingType: '1' },
				types: { StockCode: 'xsd:string', MappingType: 'xsd:int' },
			});
		});
	});

	describe("the guide's further operations", () => {
		test('GetDeletedEntries reports companies only (DocumentType 5), by day; other document types fault', async () => {
			fake.deleteCustomer('CU1234', 'KCS001');
			const today = new Date().toISOString().slice(0, 10);
			const xml = returned(
				await soap(fake, 'GetDeletedEntries', [
					['DateFrom', 'dateTime', `${today}T00:00:00`],
					['DateTo', 'dateTime', `${today}T00:00:01`],
					['DocumentType', 'int', '5'],
				]),
				'GetDeletedEntries',
			);
			const [day, month, year] = [today.slice(8), today.slice(5, 7), today.slice(0, 4)];
			expect(xml).toBe(
				`<DELETED_ENTRIES><DELETED_ENTRY><HEADER_ID>2</HEADER_ID><DOCUMENT_TYPE>5</DOCUMENT_TYPE><ADDITIONAL_REF>1</ADDITIONAL_REF><DELETION_DATE>${day}/${month}/${year}</DELETION_DATE><PARENT_ID/></DELETED_ENTRY></DELETED_ENTRIES>`,
			);
			const stock = await soap(fake, 'GetDeletedEntries', [
				['DateFrom', 'dateTime', `${today}T00:00:00`],
				['DateTo', 'dateTime', `${today}T23:59:59`],
				['DocumentType', 'int', '1'],
			]);
			expect(fault(stock).message).toMatch(/DocumentType 1 is not supported/);
		});

		test('GetStockPotential reads codes as internal STOCK_IDs unless MappingType says otherwise', async () => {
			const byId = structResult(
				await soap(fake, 'GetStockPotential', [['StockCode', 'string', 'HL0453']]),
				'GetStockPotential',
			) as unknown[];
			expect(byId).toEqual([]);
			const byCode = structResult(
				await soap(fake, 'GetStockPotential', [
					['StockCode', 'string', 'HL0453'],
					['MappingType', 'int', '1'],
				]),
				'GetStockPotential',
			) as Array<Record<string, string>>;
			expect(byCode.map((row) => [row.StockCode, row.Available, row.Potential])).toEqual([
				['HL0453', '20', '20'],
			]);
		});

		test('ExportStockCompressed answers with a ZIP in TCompressedResult; BZip2 is refused here', async () => {
			const result = structResult(
				await soap(fake, 'ExportStockCompressed', [
					['StockCode', 'string', 'HL0453'],
					['CompressionMethod', 'int', '0'],
				]),
				'ExportStockCompressed',
			) as Record<string, string>;
			expect(result).toMatchObject({
				Method: 'ZIP',
				FileName: 'KSDXMLStock.xml',
				PasswordProtected: 'false',
			});
			expect(Buffer.from(result.Data, 'base64').subarray(0, 4)).toEqual(
				Buffer.from([0x50, 0x4b, 0x03, 0x04]),
			);
			expect(
				fault(
					await soap(fake, 'ExportStockCompressed', [
						['StockCode', 'string', 'HL0453'],
						['CompressionMethod', 'int', '1'],
					]),
				).message,
			).toMatch(/BZip2/);
		});
	});

	describe('stock', () => {
		test('ExportStock returns the real response for a known code, byte for byte', async () => {
			const xml = returned(
				await soap(fake, 'ExportStock', [
					['StockCode', 'string', 'ABBEY-03'],
					['MappingType', 'int', '1'],
				]),
				'ExportStock',
			);
			expect(xml).toBe(readFileSync(join(REAL, 'ExportStock__archive__1605186184.xml'), 'utf8'));
			const item = first(first(parse(xml), 'STOCK_ITEMS'), 'STOCK_ITEM');
			expect(field(item, 'STOCK_DESC')).toBe(
				'**3 3/4" PF Goth Lolita Shoe W/ Interchangeable Bows',
			);
			expect(field(item, 'LONG_DESC')).toBe(
				'Long Description for Abbey 03 would be here if we had one',
			);
			expect(first(item, 'SELL_PRICE')['@_IS_NET']).toBe('-1');
			const styles = all(first(item, 'SCS'), 'STYLE');
			const children = styles
				.flatMap((style) => all(style, 'STYLE'))
				.flatMap((style) => all(style, 'SCS_ITEM'));
			expect(children.map((child) => field(child, 'STOCK_CODE')).sort()).toEqual([
				'ABBEY-03-BLK-10',
				'ABBEY-03-BLK-11',
				'ABBEY-03-BLK-12',
				'ABBEY-03-BLK-6',
				'ABBEY-03-BLK-7',
				'ABBEY-03-BLK-8',
				'ABBEY-03-BLK-9',
			]);
		});

		test('unknown codes are simply absent; an SCS child asked for by code comes flat, without its place in the tree', async () => {
			const xml = returned(
				await soap(fake, 'ExportStock', [['StockCode', 'string', 'NOPE-1,AMU16/B,ABBEY-03-BLK-7']]),
				'ExportStock',
			);
			const items = all(first(parse(xml), 'STOCK_ITEMS'), 'STOCK_ITEM');
			expect(items.map((item) => field(item, 'STOCK_CODE'))).toEqual(['AMU16/B', 'ABBEY-03-BLK-7']);
			expect(field(items[1], 'STOCK_DESC')).toMatch(/Blk Vegan Leather/);
			expect(items[1].SCS).toBeUndefined();
			const none = returned(
				await soap(fake, 'ExportStock', [['StockCode', 'string', 'NOPE-1']]),
				'ExportStock',
			);
			expect(all(first(parse(none), 'STOCK_ITEMS'), 'STOCK_ITEM')).toHaveLength(0);
		});

		test('a parent whose tree came without SCS_ITEMs has those children in Khaos: listed with ParentCode, left out of the parent', async () => {
			const children = structResult(
				await soap(fake, 'GetStockList', [['StockItemType', 'int', '2']]),
				'GetStockList',
			) as { List: Array<Record<string, string>> };
			const ofAmu16 = children.List.filter((item) => item.ParentCode === 'AMU16/B').map(
				(item) => item.StockCode,
			);
			// AMU16/B's tree has 12 sizes; its ExportStock carries one SCS_ITEM.
			expect(ofAmu16).toHaveLength(12);
			expect(ofAmu16).toEqual(expect.arrayContaining(['AMU16/B-BLK-10', 'AMU16/B-BLK-9']));
			const parent = returned(
				await soap(fake, 'ExportStock', [['StockCode', 'string', 'AMU16/B']]),
				'ExportStock',
			);
			expect(parent.match(/<SCS_ITEM>/g)).toHaveLength(1);
			const flat = all(
				first(
					parse(
						returned(
							await soap(fake, 'ExportStock', [['StockCode', 'string', 'AMU16/B-BLK-5']]),
							'ExportStock',
						),
					),
					'STOCK_ITEMS',
				),
				'STOCK_ITEM',
			);
			expect(flat.map((item) => field(item, 'STOCK_CODE'))).toEqual(['AMU16/B-BLK-5']);
		});

		test('GetStockList leaves out what changed at exactly DateValue (the guide does not promise it)', async () => {
			const at = structResult(
				await soap(fake, 'GetStockList', [['DateValue', 'dateTime', '2020-11-12T13:03:04']]),
				'GetStockList',
			) as { List: Array<Record<string, string>> };
			expect(at.List.map((item) => item.StockCode)).not.toContain('ABBEY-03');
			const before = structResult(
				await soap(fake, 'GetStockList', [['DateValue', 'dateTime', '2020-11-12T13:03:03']]),
				'GetStockList',
			) as { List: Array<Record<string, string>> };
			expect(before.List.map((item) => item.StockCode)).toContain('ABBEY-03');
		});

		test('ExportStock maps by other ref and description, and packs carry LINK_TYPE 3', async () => {
			const byRef = returned(
				await soap(fake, 'ExportStock', [
					['StockCode', 'string', 'ABCSTOCK'],
					['MappingType', 'int', '2'],
				]),
				'ExportStock',
			);
			expect(field(first(first(parse(byRef), 'STOCK_ITEMS'), 'STOCK_ITEM'), 'STOCK_CODE')).toBe(
				'BM101902',
			);
			const byDesc = returned(
				await soap(fake, 'ExportStock', [
					['StockCode', 'string', 'SMALL DISPLAY CABINET'],
					['MappingType', 'int', '4'],
				]),
				'ExportStock',
			);
			expect(field(first(first(parse(byDesc), 'STOCK_ITEMS'), 'STOCK_ITEM'), 'STOCK_CODE')).toBe(
				'HL0454',
			);
			const pack = first(
				first(
					parse(
						returned(
							await soap(fake, 'ExportStock', [['StockCode', 'string', 'HLPACK01']]),
							'ExportStock',
						),
					),
					'STOCK_ITEMS',
				),
				'STOCK_ITEM',
			);
			const links = all(first(pack, 'LINKED_ITEMS'), 'LINK_ITEM').map((link) => [
				field(link, 'STOCK_CODE'),
				field(link, 'LINK_TYPE'),
				field(link, 'LINK_VALUE'),
			]);
			expect(links).toEqual([
				['HL0453', '3', '1'],
				['HL0454', '3', '2'],
				['BM101901', '2', '9.99'],
			]);
		});

		test('GetStockList lists what changed since a date, children with their ParentCode', async () => {
			const list = structResult(
				await soap(fake, 'GetStockList', [
					['DateType', 'int', '0'],
					['DateValue', 'dateTime', '2020-11-11T00:00:00'],
					['StockItemType', 'int', '0'],
				]),
				'GetStockList',
			) as { Count: string; List: Array<Record<string, string>> };
			expect(list.Count).toBe('8');
			expect(list.List[0]).toEqual({
				StockCode: 'ABBEY-03',
				OtherRef: '',
				StockDesc: '**3 3/4" PF Goth Lolita Shoe W/ Interchangeable Bows',
				ParentCode: '',
				ParentOtherRef: '',
				LastUpdated: '2020-11-12T13:03:04',
			});
			expect(
				list.List.slice(1).every(
					(item) => item.ParentCode === 'ABBEY-03' && item.OtherRef === 'ABB03/B/PU',
				),
			).toBe(true);

			const parents = structResult(
				await soap(fake, 'GetStockList', [
					['DateValue', 'dateTime', '2020-11-11'],
					['StockItemType', 'int', '1'],
				]),
				'GetStockList',
			) as {
				List: Array<Record<string, string>>;
			};
			expect(parents.List.map((item) => item.StockCode)).toEqual(['ABBEY-03']);

			const since = new Date(Date.now() - 1000).toISOString().slice(0, 19);
			const sinceNow = async (dateType: string): Promise<string[]> =>
				(
					structResult(
						await soap(fake, 'GetStockList', [
							['DateType', 'int', dateType],
							['DateValue', 'dateTime', since],
						]),
						'GetStockList',
					) as { List: Array<Record<string, string>> }
				).List.map((item) => item.StockCode);
			expect(await sinceNow('0')).toEqual([]);
			fake.updateStock('HL0453', { sellPriceWeb: 50 });
			fake.updateStock('HL0454', { level: 3 });
			// A level change is a movement (DateType 2), not a revision (DateType 0).
			expect(await sinceNow('0')).toEqual(['HL0453']);
			expect(await sinceNow('2')).toEqual(['HL0454']);
		});

		test('addStock and deleteStock show up in GetStockList and ExportStock', async () => {
			const since = new Date(Date.now() - 1000).toISOString().slice(0, 19);
			fake.addStock({
				code: 'NEW-1',
				desc: 'New & <improved>',
				sellPrice: 9.99,
				level: 4,
				scs: { headings: ['Size'], children: [{ code: 'NEW-1-S', suffixes: ['S'], level: 2 }] },
			});
			fake.deleteStock('HL0454');
			const list = structResult(
				await soap(fake, 'GetStockList', [['DateValue', 'dateTime', since]]),
				'GetStockList',
			) as { List: Array<Record<string, string>> };
			expect(list.List.map((item) => item.StockCode).sort()).toEqual([
				'HL0454',
				'NEW-1',
				'NEW-1-S',
			]);
			const items = all(
				first(
					parse(
						returned(
							await soap(fake, 'ExportStock', [['StockCode', 'string', 'NEW-1,HL0454']]),
							'ExportStock',
						),
					),
					'STOCK_ITEMS',
				),
				'STOCK_ITEM',
			);
			expect(
				items.map((item) => [
					field(item, 'STOCK_CODE'),
					field(item, 'STOCK_DESC'),
					field(item, 'DELETED'),
				]),
			).toEqual([
				['HL0454', 'SMALL DISPLAY CABINET', '-1'],
				['NEW-1', 'New & <improved>', '0'],
			]);
		});

		test('ExportStockStatus gives levels and statuses, SCS children included', async () => {
			const xml = returned(
				await soap(fake, 'ExportStockStatus', [
					['StockCode', 'string', 'BM101901,BM101902,ABBEY-03-BLK-8,HLPACK01'],
					['SiteID', 'int', '-1'],
				]),
				'ExportStockStatus',
			);
			const root = first(parse(xml), 'STOCK_STATUS');
			expect(root['@_SITE']).toBe('Main Site');
			const items = all(root, 'STOCK_ITEM').map((item) => [
				item['@_CODE'],
				field(item, 'LEVEL'),
				field(item, 'STATUS'),
			]);
			expect(items).toEqual([
				['ABBEY-03-BLK-8', '0', '2'],
				['BM101901', '53', '0'],
				['BM101902', '0', '1'],
				['HLPACK01', '0', '5'],
			]);
		});

		test('ExportWebCategories returns the named website tree', async () => {
			const website = first(
				parse(
					returned(
						await soap(fake, 'ExportWebCategories', [['Website', 'string', 'Main Website']]),
						'ExportWebCategories',
					),
				),
				'WEBSITE',
			);
			expect(website['@_NAME']).toBe('Main Website');
			expect(all(website, 'CATEGORY').map((category) => category['@_NAME'])).toEqual([
				'Footwear',
				'Furniture',
				'Books',
				'Clearance',
			]);
			expect(
				fault(await soap(fake, 'ExportWebCategories', [['Website', 'string', 'Nope']])).message,
			).toMatch(/Nope/);
		});
	});

	describe('orders', () => {
		test('ImportOrders stores an order, expands packs and moves stock', async () => {
			const result = await importOrders(
				fake,
				ordersXml({
					ref: 'WEB-1001',
					lines: [
						{ code: 'HL0453', qty: 2 },
						{ code: 'HLPACK01', qty: 1, price: '119.99' },
					],
				}),
			);
			expect(result.ImportedCount).toBe('1');
			expect(result.OrderSkipped).toEqual([]);
			expect(result.OrderImport).toEqual([
				{
					SalesOrderCode: 'SO000001',
					AssociatedRef: 'WEB-1001',
					Msg: expect.stringMatching(/New customer/),
					URN: expect.any(String),
					OtherRef: '',
				},
			]);
			const [order] = fake.orders();
			expect(order).toMatchObject({
				salesOrderCode: 'SO000001',
				associatedRef: 'WEB-1001',
				stage: 10,
				complete: false,
				cancelled: false,
				newCustomer: true,
			});
			expect(
				order.lines.map((line) => [
					line.stockCode,
					line.qty,
					line.packHeader,
					line.packComponentOf,
				]),
			).toEqual([
				['HL0453', 2, false, null],
				['HLPACK01', 1, true, null],
				['HL0453', 1, false, 'HLPACK01'],
				['HL0454', 2, false, 'HLPACK01'],
			]);
			expect(order.customer).toMatchObject({ IADDRESS1: '1 High Street', ISURNAME: 'Smith' });
			const status = all(
				first(
					parse(
						returned(
							await soap(fake, 'ExportStockStatus', [['StockCode', 'string', 'HL0453,HL0454']]),
							'ExportStockStatus',
						),
					),
					'STOCK_STATUS',
				),
				'STOCK_ITEM',
			);
			expect(status.map((item) => field(item, 'LEVEL'))).toEqual(['17', '13']);
		});

		test('re-sending an ASSOCIATED_REF is skipped as already imported', async () => {
			await importOrders(fake, ordersXml({ ref: 'WEB-2002', lines: [{ code: 'HL0453', qty: 1 }] }));
			const again = await importOrders(
				fake,
				ordersXml({ ref: 'WEB-2002', lines: [{ code: 'HL0453', qty: 1 }] }),
			);
			expect(again.ImportedCount).toBe('0');
			expect(again.OrderImport).toEqual([]);
			expect(again.OrderSkipped).toEqual([
				{ OrderRef: 'WEB-2002', SkipReason: 'Order already imported (Associated Ref: WEB-2002)' },
			]);
			expect(fake.orders()).toHaveLength(1);
		});

		test('one unknown stock code skips the whole order, naming the code', async () => {
			const result = await importOrders(
				fake,
				ordersXml(
					{
						ref: 'WEB-3003',
						lines: [
							{ code: 'HL0453', qty: 1 },
							{ code: 'NO-SUCH-ITEM', qty: 1 },
						],
					},
					{ ref: 'WEB-3004', lines: [{ code: 'AMU16/B-BLK-9', qty: 1 }] },
				),
			);
			expect(result.ImportedCount).toBe('1');
			expect(result.OrderSkipped).toHaveLength(1);
			expect(result.OrderSkipped[0].OrderRef).toBe('WEB-3003');
			expect(result.OrderSkipped[0].SkipReason).toContain('Stock item not found: NO-SUCH-ITEM');
			expect(fake.orders().map((order) => order.associatedRef)).toEqual(['WEB-3004']);
		});

		test('field limits, missing references and Khaos-specific rules skip with a reason', async () => {
			const result = await importOrders(
				fake,
				ordersXml(
					{ ref: 'WEB-4001', address1: 'x'.repeat(36), lines: [{ code: 'HL0453', qty: 1 }] },
					{ ref: 'WEB-4002', postcode: 'NG31 6DB 1234', lines: [{ code: 'HL0453', qty: 1 }] },
					{ lines: [{ code: 'HL0453', qty: 1 }] },
					{ ref: 'WEB-4004', lines: [{ code: 'HL0460', qty: 1 }] },
					{ ref: 'WEB-4005', lines: [{ code: 'BM101902', qty: 1 }] },
					{ ref: 'WEB-4006', lines: [{ code: 'ABBEY-03', qty: 1 }] },
					{ ref: 'WEB-4007', lines: [{ code: 'HL0453', qty: 1, price: '£1,200.99' }] },
					{ ref: 'WEB-4008', lines: [{ code: 'ABB03/B/PU', qty: 1, mapping: '2' }] },
				),
			);
			expect(result.ImportedCount).toBe('0');
			const reasons = Object.fromEntries(
				result.OrderSkipped.map((skip) => [skip.OrderRef, skip.SkipReason]),
			);
			expect(reasons['WEB-4001']).toBe('IADDRESS1 is too long: 36 characters (limit 35)');
			expect(reasons['WEB-4002']).toBe('IPOSTCODE is too long: 13 characters (limit 10)');
			expect(reasons['']).toMatch(/ASSOCIATED_REF is compulsory/);
			expect(reasons['WEB-4004']).toMatch(/HL0460 is discontinued/);
			expect(reasons['WEB-4005']).toMatch(/BM101902 is run to zero/);
			expect(reasons['WEB-4006']).toMatch(/ABBEY-03 .*SCS parent/);
			expect(reasons['WEB-4007']).toMatch(/PRICE_GRS '£1,200.99' on line 1 is not a plain number/);
			expect(reasons['WEB-4008']).toMatch(/matches more than one stock item/);
		});

		test("Khaos's own KSDXMLImportFormat.xml imports once its blank compulsory fields are filled; its repeated ASSOCIATED_REF is skipped", async () => {
			const example = readFileSync(join(SEED, 'examples/KSDXMLImportFormat.xml'), 'utf8');
			const blank = await importOrders(fake, example);
			expect(blank.ImportedCount).toBe('0');
			expect(blank.OrderSkipped.map((skip) => skip.SkipReason)).toEqual([
				expect.stringContaining('MAPPING_TYPE missing on line 1'),
				expect.stringContaining('ORDER_QTY missing on line 1'),
			]);

			const filled = example
				.replace(/<MAPPING_TYPE\/>/g, '<MAPPING_TYPE>1</MAPPING_TYPE>')
				.replace(/<ORDER_QTY\/>/g, '<ORDER_QTY>1</ORDER_QTY>');
			const result = await importOrders(fake, filled);
			expect(result.ImportedCount).toBe('1');
			expect(result.OrderImport[0]).toMatchObject({
				AssociatedRef: 'DK07151555O',
				URN: 'KCS001',
				OtherRef: 'WEB-1001',
				Msg: 'Customer matched: KCS001',
			});
			expect(result.OrderSkipped).toEqual([
				{
					OrderRef: 'DK07151555O',
					SkipReason: 'Order already imported (Associated Ref: DK07151555O)',
				},
			]);
			const [order] = fake.orders();
			expect(order.lines.map((line) => [line.stockCode, line.priceNet, line.priceGrs])).toEqual([
				['HL0453', 12.34, null],
				['HL0454', 12.34, null],
			]);
			expect(order.header.CONSIGNMENT_REF).toBe('AAA001');
		});

		test('the call log keeps the envelope as sent, so a client can be held to escaping instead of CDATA', async () => {
			const xml = ordersXml({
				ref: 'WEB-9009',
				companyName: 'A & B',
				lines: [{ code: 'HL0453', qty: 1 }],
			});
			await importOrders(fake, xml);
			const [call] = fake.calls();
			expect(call.soapAction).toBe(`"${NS}#ImportOrders"`);
			expect(call.params.Orders).toBe(xml);
			expect(call.body).toContain('<Orders xsi:type="xsd:string">&lt;?xml version=&quot;1.0&quot;');
			expect(call.body).toContain('A &amp;amp; B');
			expect(call.body).not.toContain('CDATA');
		});

		test('an Orders document with a DOCTYPE or broken XML is a fault, not a skip', async () => {
			const doctype =
				'<?xml version="1.0"?><!DOCTYPE SALES_ORDERS [<!ENTITY x "y">]><SALES_ORDERS/>';
			expect(
				fault(await soap(fake, 'ImportOrders', [['Orders', 'string', doctype]])).message,
			).toMatch(/DOCTYPE/);
			expect(
				fault(
					await soap(fake, 'ImportOrders', [['Orders', 'string', '<SALES_ORDERS><SALES_ORDER>']]),
				).message,
			).toMatch(/Orders XML/);
		});

		test('advanceOrder shows in ExportOrderStatusEx with stage and tracking; cancelled orders only on request', async () => {
			await importOrders(fake, ordersXml({ ref: 'WEB-5005', lines: [{ code: 'HL0453', qty: 1 }] }));
			let [status] = await statusEx(fake, 'WEB-5005');
			expect(status['@_SORDER_CODE']).toBe('SO000001');
			expect(status['@_ASSOCIATED_REF']).toBe('WEB-5005');
			expect(field(status, 'COMPLETE')).toBe('0');
			expect(field(status, 'DATE_CREATED')).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
			let invoice = first(first(status, 'INVOICES'), 'INVOICE');
			expect(invoice['@_INVOICE_STAGE_ID']).toBe('10');
			expect(invoice['@_MOVED']).toBe('-1');

			fake.advanceOrder('WEB-5005', 'next');
			fake.advanceOrder('WEB-5005', 14, { consignmentRef: 'AB123456789GB', courier: 'Royal Mail' });
			[status] = await statusEx(fake, 'WEB-5005', [['ShowItems', 'boolean', 'true']]);
			invoice = first(first(status, 'INVOICES'), 'INVOICE');
			expect(invoice).toMatchObject({
				'@_INVOICE_STAGE_ID': '14',
				'@_INVOICE_STAGE_DESC': 'SHIP',
				'@_CONSIGNMENT_REF': 'AB123456789GB',
				'@_COURIER': 'Royal Mail',
				'@_TRACKING_URL': 'http://www.royalmailtracking.com/trackmyparcel/number=AB123456789GB',
			});
			expect(invoice['@_SHIP_DATE']).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
			expect(
				all(first(invoice, 'INVOICE_ITEMS'), 'INVOICE_ITEM').map((item) => item['@_STOCK_CODE']),
			).toEqual(['HL0453']);

			fake.advanceOrder('WEB-5005', 70);
			[status] = await statusEx(fake, 'WEB-5005');
			expect(field(status, 'COMPLETE')).toBe('-1');
			expect(first(first(status, 'INVOICES'), 'INVOICE')['@_MOVED']).toBe('-1');
			[status] = await statusEx(fake, 'WEB-5005');
			expect(first(first(status, 'INVOICES'), 'INVOICE')['@_MOVED']).toBe('0');

			await importOrders(fake, ordersXml({ ref: 'WEB-5006', lines: [{ code: 'HL0454', qty: 1 }] }));
			fake.cancelOrder('WEB-5006');
			expect(await statusEx(fake, 'WEB-5006')).toEqual([]);
			const [cancelled] = await statusEx(fake, 'WEB-5006', [
				['IncludeCancelled', 'boolean', 'true'],
			]);
			expect(field(first(cancelled, 'CANCELLED'), 'CANCELLED_DATE_TIME')).toMatch(
				/^\d{4}-\d{2}-\d{2}$/,
			);
		});

		test('ExportOrderStatus lists orders still in progress', async () => {
			await importOrders(fake, ordersXml({ ref: 'WEB-6006', lines: [{ code: 'HL0453', qty: 1 }] }));
			fake.advanceOrder('WEB-6006', 12);
			const orders = all(
				first(
					parse(returned(await soap(fake, 'ExportOrderStatus'), 'ExportOrderStatus')),
					'ORDER_STATUSES',
				),
				'ORDER',
			);
			expect(
				orders.map((order) => [order['@_REF'], order['@_ID'], order['@_COMPLETE'], text(order)]),
			).toEqual([['WEB-6006', 'SO000001', '0', '12']]);
		});
	});

	describe('escaping', () => {
		test("a customer named O'Brien <&> round-trips through ImportOrders, ExportCompany and ExportOrderStatusEx", async () => {
			const name = 'O\'Brien <&> "Quoted" Ltd';
			const result = await importOrders(
				fake,
				ordersXml({
					ref: 'WEB-7<&>',
					companyName: name,
					surname: "O'Brien <&>",
					lines: [{ code: 'HL0453', qty: 1 }],
				}),
			);
			expect(result.ImportedCount).toBe('1');
			expect(result.OrderImport[0].AssociatedRef).toBe('WEB-7<&>');
			const [order] = fake.orders();
			expect(order.customer.ISURNAME).toBe("O'Brien <&>");
			expect(order.companyName).toBe(name);

			const company = first(
				first(
					parse(
						returned(
							await soap(fake, 'ExportCompany', [
								['CompanyCode', 'string', result.OrderImport[0].URN],
							]),
							'ExportCompany',
						),
					),
					'COMPANYS',
				),
				'COMPANY',
			);
			expect(field(company, 'COMPANY_NAME')).toBe(name);
			const [status] = await statusEx(fake, 'WEB-7<&>');
			expect(status['@_ASSOCIATED_REF']).toBe('WEB-7<&>');
			expect(field(status, 'COMPANY_NAME')).toBe(name);

			const seeded = returned(
				await soap(fake, 'ExportCompany', [
					['CompanyCode', 'string', "O'Brien <&>"],
					['MappingType', 'int', '4'],
				]),
				'ExportCompany',
			);
			expect(field(first(first(parse(seeded), 'COMPANYS'), 'COMPANY'), 'COMPANY_CODE')).toBe(
				'OBR001',
			);
		});

		test('GetCompanyList returns changed customers in multiRef form', async () => {
			const list = structResult(
				await soap(fake, 'GetCompanyList', [['LastUpdated', 'dateTime', '2020-01-01T00:00:00']]),
				'GetCompanyList',
			) as { Count: string; List: Array<Record<string, string>> };
			expect(list.List.map((company) => company.CompanyCode)).toEqual(['CU1234', 'OBR001']);
			expect(list.List[0]).toEqual({
				CompanyCode: 'CU1234',
				OtherRef: 'CU_WEBREF',
				LastUpdated: '2020-01-15T09:00:00',
			});
		});
	});

	describe('faults', () => {
		test('an injected SOAP fault is HTTP 500 with a Fault body, used up after `times`', async () => {
			fake.injectFault({
				method: 'GetVersion',
				kind: 'soap-fault',
				message: 'Database connection lost',
				times: 2,
			});
			expect(fault(await soap(fake, 'GetVersion'))).toEqual({
				code: 'SOAP-ENV:Server',
				message: 'Database connection lost',
			});
			expect(fault(await soap(fake, 'GetVersion')).message).toBe('Database connection lost');
			expect(returned(await soap(fake, 'GetVersion'), 'GetVersion')).not.toBe('');
			expect(fake.calls().map((call) => call.fault)).toEqual([
				'soap-fault',
				'soap-fault',
				undefined,
			]);
		});

		test('an injected 503 is an IIS HTML page, and a method filter leaves other calls alone', async () => {
			fake.injectFault({ method: 'ImportOrders', kind: 'http-503' });
			expect((await soap(fake, 'GetVersion')).status).toBe(200);
			const reply = await soap(fake, 'ImportOrders', [
				['Orders', 'string', ordersXml({ ref: 'X', lines: [{ code: 'HL0453', qty: 1 }] })],
			]);
			expect(reply.status).toBe(503);
			expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
			expect(reply.text).toContain('Service Unavailable');
			expect(fake.orders()).toEqual([]);
		});

		test('an injected 401 asks for Basic credentials', async () => {
			fake.injectFault({ kind: 'http-401' });
			const reply = await soap(fake, 'GetVersion');
			expect(reply.status).toBe(401);
			expect(reply.headers.get('www-authenticate')).toBe('Basic realm="Khaos"');
		});

		test('a delay holds the answer back; a reset drops the connection', async () => {
			fake.injectFault({ kind: 'delay', delayMs: 300 });
			const started = Date.now();
			expect(returned(await soap(fake, 'GetVersion'), 'GetVersion')).not.toBe('');
			expect(Date.now() - started).toBeGreaterThanOrEqual(290);
			fake.injectFault({ kind: 'reset' });
			await expect(soap(fake, 'GetVersion')).rejects.toThrow();
			expect(returned(await soap(fake, 'GetVersion'), 'GetVersion')).not.toBe('');
		});

		test('with basicAuth configured, the WSDL and SOAP need the right login; the admin API does not', async () => {
			const guarded = await startFakeKhaos({ basicAuth: { user: 'web', password: 'p:ss word' } });
			try {
				const good = `Basic ${Buffer.from('web:p:ss word').toString('base64')}`;
				const bad = `Basic ${Buffer.from('web:nope').toString('base64')}`;
				const none = await soap(guarded, 'GetVersion');
				expect(none.status).toBe(401);
				expect(none.headers.get('www-authenticate')).toBe('Basic realm="Khaos"');
				expect((await soap(guarded, 'GetVersion', [], { Authorization: bad })).status).toBe(401);
				expect((await fetch(guarded.wsdlUrl)).status).toBe(401);
				expect((await fetch(guarded.wsdlUrl, { headers: { Authorization: good } })).status).toBe(
					200,
				);
				expect(
					returned(await soap(guarded, 'GetVersion', [], { Authorization: good }), 'GetVersion'),
				).not.toBe('');
				expect((await fetch(`${guarded.baseUrl}/__admin/calls`)).status).toBe(200);
			} finally {
				await guarded.stop();
			}
		});

		test('stop() ends a call that is being delayed', async () => {
			const slow = await startFakeKhaos();
			slow.injectFault({ kind: 'delay', delayMs: 60_000 });
			const pending = soap(slow, 'GetVersion');
			await new Promise((resolve) => setTimeout(resolve, 50));
			await slow.stop();
			await expect(pending).rejects.toThrow();
		});
	});

	describe('admin over HTTP', () => {
		const admin = async (
			path: string,
			payload?: unknown,
		): Promise<{ status: number; json: unknown }> => {
			const response = await fetch(
				`${fake.baseUrl}/__admin/${path}`,
				payload === undefined
					? {}
					: {
							method: 'POST',
							body: JSON.stringify(payload),
							headers: { 'Content-Type': 'application/json' },
						},
			);
			return { status: response.status, json: await response.json() };
		};

		test('drives orders, faults, stock, calls and reset', async () => {
			await importOrders(fake, ordersXml({ ref: 'WEB-8008', lines: [{ code: 'HL0453', qty: 1 }] }));
			expect((await admin('advance', { associatedRef: 'WEB-8008', stage: 'next' })).status).toBe(
				200,
			);
			expect(
				(
					await admin('advance', {
						associatedRef: 'WEB-8008',
						stage: 14,
						consignmentRef: 'C1',
						trackingUrl: 'https://track.example/C1',
					})
				).status,
			).toBe(200);
			const orders = (await admin('orders')).json as Array<{
				stage: number;
				invoice: { trackingUrl: string };
			}>;
			expect(orders[0]).toMatchObject({
				stage: 14,
				invoice: { trackingUrl: 'https://track.example/C1' },
			});
			expect((await admin('cancel', { associatedRef: 'NOPE' })).status).toBe(400);

			expect(
				(await admin('stock', { action: 'update', code: 'HL0453', patch: { level: 99 } })).status,
			).toBe(200);
			const stock = (await admin('stock')).json as Array<{ code: string; level: number }>;
			expect(stock.find((item) => item.code === 'HL0453')?.level).toBe(99);

			expect((await admin('fault', { method: 'GetVersion', kind: 'http-503' })).status).toBe(200);
			expect((await soap(fake, 'GetVersion')).status).toBe(503);
			expect((await admin('fault', { kind: 'explode' })).status).toBe(400);
			expect(
				((await admin('calls')).json as Array<{ method: string }>).map((call) => call.method),
			).toEqual(['ImportOrders', 'GetVersion']);

			expect((await admin('reset', {})).status).toBe(200);
			expect((await admin('orders')).json).toEqual([]);
			expect((await admin('calls')).json).toEqual([]);
		});
	});
});
