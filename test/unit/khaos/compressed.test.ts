/**
 * GetStockListCompressed through the client against the fake Khaos: the guide's TCompressedResult
 * (a ZIP holding the TStockList), read back to the same entries GetStockList gives.
 */
import { KhaosClient, type KhaosTransport } from '../../../lib/khaos/client';
import { KhaosProtocolError } from '../../../lib/khaos/errors';
import { KhaosSoapClient, type SoapValue } from '../../../lib/khaos/soap';
import { parseStockListXml } from '../../../lib/khaos/stock-status';
import { startFakeKhaos, type FakeKhaos } from '../../fakes/khaos';

let fake: FakeKhaos;

beforeAll(async () => {
	fake = await startFakeKhaos();
});

afterAll(async () => {
	await fake.stop();
});

beforeEach(() => fake.reset());

/** The fake's answers, with each TCompressedResult changed by `edit` on the way. */
function editedTransport(
	edit: (result: Record<string, SoapValue>) => Record<string, SoapValue>,
): KhaosTransport {
	const soap = new KhaosSoapClient({ url: fake.wsdlUrl, retry: { attempts: 1 } });
	return {
		call: async (method, params) => {
			const result = await soap.call(method, params);
			return method.endsWith('Compressed') ? edit(result as Record<string, SoapValue>) : result;
		},
	};
}

describe('GetStockListCompressed', () => {
	test.each([
		['every item edited since the zero date', { dateType: 0 as const, itemType: 0 as const }],
		['SCS parents', { dateType: 0 as const, itemType: 1 as const }],
		['SCS children, each with its parent', { dateType: 0 as const, itemType: 2 as const }],
		['stock movements', { dateType: 2 as const, itemType: 0 as const }],
	])('lists the same %s as GetStockList', async (_what, query) => {
		const client = new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } });
		const plain = await client.getStockList({ ...query, since: '1899-12-30T00:00:00' });
		const zipped = await client.getStockList({
			...query,
			since: '1899-12-30T00:00:00',
			compressed: true,
		});
		expect(zipped).toEqual(plain);
		expect(zipped.length).toBeGreaterThan(0);
		if (query.itemType === 2)
			expect(zipped.every((entry) => entry.parent_code !== null)).toBe(true);
		const asked = fake.calls().filter((call) => call.method === 'GetStockListCompressed');
		expect(asked).toEqual([
			expect.objectContaining({
				params: expect.objectContaining({
					CompressionMethod: '0',
					StockItemType: String(query.itemType),
					DateType: String(query.dateType),
				}),
			}),
		]);
	});

	test("the fake answers with the guide's TCompressedResult: a ZIP whose sizes match its Data", async () => {
		let seen: Record<string, SoapValue> = {};
		const client = new KhaosClient(editedTransport((result) => (seen = result)));
		const entries = await client.getStockList({ since: '1899-12-30T00:00:00', compressed: true });
		expect(seen).toMatchObject({
			Method: 'ZIP',
			FileName: expect.stringMatching(/\.xml$/),
			PasswordProtected: false,
		});
		const data = Buffer.from(String(seen.Data), 'base64');
		expect(data.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
		expect(Number(seen.CompressedSize)).toBe(data.length);
		expect(Number(seen.OriginalSize)).toBeGreaterThan(0);
		expect(entries.map((entry) => entry.stock_code)).toContain('HL0453');
	});

	test('an OriginalSize that does not match the unzipped data is reported as a damaged transfer, naming both sizes', async () => {
		const client = new KhaosClient(
			editedTransport((result) => ({
				...result,
				OriginalSize: String(Number(result.OriginalSize) + 7),
			})),
		);
		const failure = client.getStockList({ since: '1899-12-30T00:00:00', compressed: true });
		await expect(failure).rejects.toBeInstanceOf(KhaosProtocolError);
		await expect(failure).rejects.toThrow(
			/GetStockListCompressed.*unzipped document is (\d+) bytes but Khaos reported OriginalSize \d+: the transfer is incomplete or damaged/,
		);
	});

	test('a BZip2 answer is refused by name, not misread', async () => {
		const client = new KhaosClient(editedTransport((result) => ({ ...result, Method: 'BZIP2' })));
		await expect(
			client.getStockList({ since: '1899-12-30T00:00:00', compressed: true }),
		).rejects.toThrow(/expected a ZIP result but got "BZIP2"/);
	});
});

describe('ExportWebCategoriesCompressed', () => {
	test('gives the same category tree as ExportWebCategories, from a ZIP whose OriginalSize matches', async () => {
		let seen: Record<string, SoapValue> = {};
		const client = new KhaosClient(editedTransport((result) => (seen = result)));
		const zipped = await client.exportWebCategories('Main Website', { compressed: true });
		expect(zipped).toEqual(await client.exportWebCategories('Main Website'));
		expect(seen).toMatchObject({
			Method: 'ZIP',
			FileName: 'KSDXMLWebCategories.xml',
			PasswordProtected: false,
		});
		expect(
			fake.calls().find((call) => call.method === 'ExportWebCategoriesCompressed')?.params,
		).toEqual({ Website: 'Main Website', CompressionMethod: '0' });
	});

	test('a short unzipped document is reported as damaged, not read as a smaller tree', async () => {
		const client = new KhaosClient(
			editedTransport((result) => ({
				...result,
				OriginalSize: String(Number(result.OriginalSize) * 2),
			})),
		);
		await expect(client.exportWebCategories('Main Website', { compressed: true })).rejects.toThrow(
			/ExportWebCategoriesCompressed.*but Khaos reported OriginalSize/,
		);
	});
});

describe('reading the unzipped stock list', () => {
	test('items are read by their StockCode whatever the elements around them are called, as the guide names none', () => {
		const xml =
			'<StockList><Count>2</Count><Items><Item><StockCode>AMU15/SMPU-SMPU-10</StockCode><ParentCode>AMU15/SMPU</ParentCode><LastUpdated>2020-11-12T13:03:04</LastUpdated></Item>' +
			'<Item><StockCode>HL0453</StockCode><ParentCode></ParentCode></Item></Items></StockList>';
		expect(parseStockListXml('GetStockListCompressed', xml)).toEqual([
			{
				stock_code: 'AMU15/SMPU-SMPU-10',
				other_ref: null,
				stock_desc: '',
				parent_code: 'AMU15/SMPU',
				parent_other_ref: null,
				last_updated: '2020-11-12T13:03:04',
			},
			{
				stock_code: 'HL0453',
				other_ref: null,
				stock_desc: '',
				parent_code: null,
				parent_other_ref: null,
				last_updated: null,
			},
		]);
	});

	test('a Count that disagrees with the items listed is reported, not passed over', () => {
		const xml =
			'<TStockList><Count>3</Count><List><TStockInfo><StockCode>HL0453</StockCode></TStockInfo></List></TStockList>';
		expect(() => parseStockListXml('GetStockListCompressed', xml)).toThrow(
			/Count 3 but holds 1 stock items/,
		);
	});
});
