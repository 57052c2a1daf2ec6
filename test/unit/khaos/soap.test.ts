import nock, { connectionError, useNock } from '../../helpers/nock';

import { KhaosFaultError, KhaosHttpError, KhaosNetworkError } from '../../../lib/khaos/errors';
import {
	KhaosSoapClient,
	backoffDelay,
	formatSoapDateTime,
	type KhaosSoapClientOptions,
} from '../../../lib/khaos/soap';
import { escapeXmlText } from '../../../lib/khaos/xml';

const HOST = 'https://khaos.example.test:8443';
const SOAP_PATH = '/KhaosKSD.exe/soap/IKosWeb';
const WSDL_PATH = '/KhaosKSD.exe/wsdl/IKosWeb';
const PASSWORD = 's3cret-Pa55word';

function envelope(body: string): string {
	return (
		'<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ' +
		'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
		'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
		`${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`
	);
}

function stringResponse(method: string, value: string): string {
	return envelope(
		`<NS1:${method}Response xmlns:NS1="urn:IKosWebIntf-IKosWeb"><return xsi:type="xsd:string">${escapeXmlText(value)}</return></NS1:${method}Response>`,
	);
}

function fault(message: string): string {
	return envelope(
		'<SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode>' +
			`<faultstring>${escapeXmlText(message)}</faultstring><faultactor/>` +
			'<detail><NS1:EWebServiceError xmlns:NS1="urn:WebServiceP" xsi:type="NS1:EWebServiceError">' +
			'<ExceptionClassName xsi:type="xsd:string">EKhaosError</ExceptionClassName>' +
			'<ExceptionInheritance xsi:type="xsd:string">EKhaosError,Exception</ExceptionInheritance>' +
			'</NS1:EWebServiceError></detail></SOAP-ENV:Fault>',
	);
}

const MULTIREF_IMPORT_RESULT = envelope(
	'<NS1:ImportOrdersResponse xmlns:NS1="urn:IKosWebIntf-IKosWeb"><return href="#1"/></NS1:ImportOrdersResponse>' +
		'<NS2:TOrderImportResult id="1" xsi:type="NS2:TOrderImportResult" xmlns:NS2="urn:IKosWebIntf">' +
		'<ImportedCount xsi:type="xsd:int">1</ImportedCount><OrderImport href="#2"/><OrderSkipped href="#3"/></NS2:TOrderImportResult>' +
		'<SOAP-ENC:Array id="2" SOAP-ENC:arrayType="NS2:TOrderImport[1]"><item href="#4"/></SOAP-ENC:Array>' +
		'<SOAP-ENC:Array id="3" SOAP-ENC:arrayType="NS2:TOrderSkipped[1]"><item href="#5"/></SOAP-ENC:Array>' +
		'<NS2:TOrderImport id="4" xsi:type="NS2:TOrderImport"><SalesOrderCode xsi:type="xsd:string">SO00042</SalesOrderCode>' +
		'<AssociatedRef xsi:type="xsd:string">WEB1001</AssociatedRef><Msg xsi:type="xsd:string"></Msg>' +
		'<URN xsi:type="xsd:string">CUST01</URN><OtherRef xsi:type="xsd:string">C-77</OtherRef></NS2:TOrderImport>' +
		'<NS2:TOrderSkipped id="5" xsi:type="NS2:TOrderSkipped"><OrderRef xsi:type="xsd:string">WEB1000</OrderRef>' +
		'<SkipReason xsi:type="xsd:string">Order already imported</SkipReason></NS2:TOrderSkipped>',
);

function client(options: Partial<KhaosSoapClientOptions> = {}): {
	soap: KhaosSoapClient;
	delays: number[];
} {
	const delays: number[] = [];
	const soap = new KhaosSoapClient({
		url: `${HOST}/KhaosKSD.exe`,
		retry: { attempts: 3, baseMs: 100, maxMs: 1000 },
		sleep: async (ms) => {
			delays.push(ms);
		},
		random: () => 0.5,
		...options,
	});
	return { soap, delays };
}

useNock();
afterEach(() => {
	const pending = nock.pendingMocks();
	nock.cleanAll();
	expect(pending).toEqual([]);
});

describe('KhaosSoapClient requests', () => {
	it('posts the RPC envelope of the wire contract with the quoted SOAPAction', async () => {
		let body = '';
		nock(HOST)
			.post(SOAP_PATH, (sent: string) => {
				body = sent;
				return true;
			})
			.matchHeader('SOAPAction', '"urn:IKosWebIntf-IKosWeb#GetStockList"')
			.matchHeader('Content-Type', 'text/xml; charset=utf-8')
			.reply(200, stringResponse('GetStockList', ''));

		await client().soap.call('GetStockList', [
			['DateType', 0, 'int'],
			['DateValue', '2024-05-01T10:00:00', 'dateTime'],
			['StockItemType', undefined, 'int'],
			['Flag', true, 'boolean'],
			['Name', "O'Brien <&>", 'string'],
		]);

		expect(body).toBe(
			'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
				'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>' +
				'<NS1:GetStockList xmlns:NS1="urn:IKosWebIntf-IKosWeb"><DateType xsi:type="xsd:int">0</DateType>' +
				'<DateValue xsi:type="xsd:dateTime">2024-05-01T10:00:00</DateValue><Flag xsi:type="xsd:boolean">true</Flag>' +
				'<Name xsi:type="xsd:string">O&apos;Brien &lt;&amp;&gt;</Name></NS1:GetStockList></soap:Body></soap:Envelope>',
		);
	});

	it('sends an XML document parameter as escaped text, never CDATA', async () => {
		let body = '';
		nock(HOST)
			.post(SOAP_PATH, (sent: string) => {
				body = sent;
				return true;
			})
			.reply(200, MULTIREF_IMPORT_RESULT);
		await client().soap.call('ImportOrders', [
			['Orders', '<SALES_ORDERS><X>O&apos;Brien</X></SALES_ORDERS>', 'string'],
		]);
		expect(body).toContain(
			'<Orders xsi:type="xsd:string">&lt;SALES_ORDERS&gt;&lt;X&gt;O&amp;apos;Brien&lt;/X&gt;&lt;/SALES_ORDERS&gt;</Orders>',
		);
		expect(body).not.toContain('CDATA');
	});

	it('returns a WideString result as the unescaped document', async () => {
		const stock =
			"<STOCK_ITEMS><STOCK_ITEM><STOCK_CODE>00123</STOCK_CODE><STOCK_DESC>O'Brien &amp; Sons</STOCK_DESC></STOCK_ITEM></STOCK_ITEMS>";
		nock(HOST).post(SOAP_PATH).reply(200, stringResponse('ExportStock', stock));
		await expect(
			client().soap.call('ExportStock', [['StockCode', '00123', 'string']]),
		).resolves.toBe(stock);
	});

	it('posts to …/soap/IKosWeb when given the base .exe URL, and as-is when given the endpoint', async () => {
		nock(HOST).post(SOAP_PATH).twice().reply(200, stringResponse('GetVersion', '8.200'));
		await expect(client({ url: `${HOST}/KhaosKSD.exe/` }).soap.call('GetVersion')).resolves.toBe(
			'8.200',
		);
		await expect(client({ url: `${HOST}${SOAP_PATH}` }).soap.call('GetVersion')).resolves.toBe(
			'8.200',
		);
	});

	it('follows a WSDL whose soap:address uses plain http', async () => {
		nock(HOST)
			.get(WSDL_PATH)
			.reply(
				200,
				'<definitions><service><port><address location="http://khaos.example.test:8080/KhaosKSD.exe/soap/IKosWeb"/></port></service></definitions>',
			);
		nock('http://khaos.example.test:8080')
			.post(SOAP_PATH)
			.reply(200, stringResponse('GetVersion', '8.200'));
		await expect(client({ url: `${HOST}${WSDL_PATH}` }).soap.call('GetVersion')).resolves.toBe(
			'8.200',
		);
	});

	it('reads the endpoint from the WSDL once and reuses it', async () => {
		const wsdl =
			'<?xml version="1.0"?><definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" name="IKosWebservice">' +
			'<service name="IKosWebservice"><port name="IKosWebPort" binding="IKosWebbinding">' +
			'<soap:address location="https://khaos.example.test:8443/KhaosIDS.exe/soap/IKosWeb"/></port></service></definitions>';
		nock(HOST).get(WSDL_PATH).once().reply(200, wsdl);
		nock(HOST)
			.post('/KhaosIDS.exe/soap/IKosWeb')
			.twice()
			.reply(200, stringResponse('GetVersion', '8.200'));
		const { soap } = client({ url: `${HOST}${WSDL_PATH}` });
		await expect(soap.endpointUrl()).resolves.toBe(`${HOST}/KhaosIDS.exe/soap/IKosWeb`);
		await soap.call('GetVersion');
		await soap.call('GetVersion');
	});

	it('sends Basic auth on the WSDL and on calls when configured', async () => {
		const header = `Basic ${Buffer.from(`web:${PASSWORD}`).toString('base64')}`;
		const wsdl = `<definitions><service><port><address location="${HOST}${SOAP_PATH}"/></port></service></definitions>`;
		nock(HOST).get(WSDL_PATH).matchHeader('Authorization', header).reply(200, wsdl);
		nock(HOST)
			.post(SOAP_PATH)
			.matchHeader('Authorization', header)
			.reply(200, stringResponse('GetVersion', '8.200'));
		await client({
			url: `${HOST}${WSDL_PATH}`,
			auth: { type: 'basic', user: 'web', password: PASSWORD },
		}).soap.call('GetVersion');
	});

	it('sends no Authorization header without auth', async () => {
		nock(HOST, { badheaders: ['authorization'] })
			.post(SOAP_PATH)
			.reply(200, stringResponse('GetVersion', '8.200'));
		await client({ auth: { type: 'none' } }).soap.call('GetVersion');
	});
});

describe('KhaosSoapClient results', () => {
	it('resolves Delphi multiRef structs and arrays into plain objects', async () => {
		nock(HOST).post(SOAP_PATH).reply(200, MULTIREF_IMPORT_RESULT);
		await expect(
			client().soap.call('ImportOrders', [['Orders', '<SALES_ORDERS/>', 'string']]),
		).resolves.toEqual({
			ImportedCount: 1,
			OrderImport: [
				{
					SalesOrderCode: 'SO00042',
					AssociatedRef: 'WEB1001',
					Msg: '',
					URN: 'CUST01',
					OtherRef: 'C-77',
				},
			],
			OrderSkipped: [{ OrderRef: 'WEB1000', SkipReason: 'Order already imported' }],
		});
	});

	it('reads the same struct written inline, and an empty array', async () => {
		const inline = envelope(
			'<NS1:GetStockListResponse xmlns:NS1="urn:IKosWebIntf-IKosWeb"><return xsi:type="NS2:TStockList">' +
				'<Count xsi:type="xsd:int">1</Count><List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TStockInfo[1]">' +
				'<item xsi:type="NS2:TStockInfo"><StockCode xsi:type="xsd:string">00123</StockCode><LastUpdated xsi:type="xsd:dateTime">2024-05-01T10:00:00</LastUpdated></item>' +
				'</List></return></NS1:GetStockListResponse>',
		);
		const empty = envelope(
			'<NS1:GetStockListResponse xmlns:NS1="urn:IKosWebIntf-IKosWeb"><return href="#1"/></NS1:GetStockListResponse>' +
				'<NS2:TStockList id="1" xsi:type="NS2:TStockList"><Count xsi:type="xsd:int">0</Count><List href="#2"/></NS2:TStockList>' +
				'<SOAP-ENC:Array id="2" SOAP-ENC:arrayType="NS2:TStockInfo[0]"/>',
		);
		nock(HOST).post(SOAP_PATH).reply(200, inline).post(SOAP_PATH).reply(200, empty);
		const { soap } = client();
		await expect(soap.call('GetStockList')).resolves.toEqual({
			Count: 1,
			List: [{ StockCode: '00123', LastUpdated: '2024-05-01T10:00:00' }],
		});
		await expect(soap.call('GetStockList')).resolves.toEqual({ Count: 0, List: [] });
	});
});

describe('KhaosSoapClient errors and retries', () => {
	it("turns a SOAP Fault into KhaosFaultError with Khaos's message, without retrying", async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.once()
			.reply(500, fault('Item HL0453 cannot be added: it is discontinued'));
		const { soap, delays } = client();
		const error = await soap.call('ExportStock').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(KhaosFaultError);
		expect(error).toMatchObject({
			method: 'ExportStock',
			faultCode: 'SOAP-ENV:Server',
			faultString: 'Item HL0453 cannot be added: it is discontinued',
			detail: { exceptionClass: 'EKhaosError', inheritance: 'EKhaosError,Exception' },
			httpStatus: 500,
			retryable: false,
			message: 'Khaos refused ExportStock: Item HL0453 cannot be added: it is discontinued',
		});
		expect(delays).toEqual([]);
	});

	it('retries a fault that reports a database or connection outage, then succeeds; a business fault stays final', async () => {
		const outage = envelope(
			'<SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Database connection lost</faultstring><faultactor/>' +
				'<detail><NS1:EWebServiceError xmlns:NS1="urn:WebServiceP" xsi:type="NS1:EWebServiceError">' +
				'<ExceptionClassName xsi:type="xsd:string">EDatabaseError</ExceptionClassName>' +
				'<ExceptionInheritance xsi:type="xsd:string">EDatabaseError,Exception</ExceptionInheritance>' +
				'</NS1:EWebServiceError></detail></SOAP-ENV:Fault>',
		);
		nock(HOST)
			.post(SOAP_PATH)
			.reply(500, outage)
			.post(SOAP_PATH)
			.reply(200, stringResponse('GetVersion', '8.200'));
		const { soap, delays } = client();
		await expect(soap.call('GetVersion')).resolves.toBe('8.200');
		expect(delays).toHaveLength(1);

		nock(HOST).post(SOAP_PATH).times(3).reply(500, outage);
		const lasting = await soap.call('GetVersion').catch((caught: unknown) => caught);
		expect(lasting).toMatchObject({
			name: 'KhaosFaultError',
			faultString: 'Database connection lost',
			retryable: true,
			attempts: 3,
		});

		nock(HOST)
			.post(SOAP_PATH)
			.once()
			.reply(
				500,
				fault(
					'Timeout expired. The timeout period elapsed prior to obtaining a connection from the pool',
				),
			);
		nock(HOST).post(SOAP_PATH).reply(200, stringResponse('GetVersion', '8.200'));
		await expect(soap.call('GetVersion')).resolves.toBe('8.200');

		nock(HOST).post(SOAP_PATH).once().reply(500, fault('Stock code NOPE not found'));
		expect(await soap.call('GetVersion').catch((caught: unknown) => caught)).toMatchObject({
			retryable: false,
			attempts: 1,
		});
	});

	it('never retries an ImportOrders outage itself, but reports it retryable for the caller', async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.once()
			.reply(
				500,
				fault(
					'[DBNETLIB][ConnectionWrite (send()).]General network error. Check your network documentation.',
				),
			);
		const { soap, delays } = client();
		const error = await soap
			.call('ImportOrders', [['Orders', '<SALES_ORDERS/>', 'string']])
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({ name: 'KhaosFaultError', retryable: true, attempts: 1 });
		expect(delays).toEqual([]);
	});

	it('retries a 503 from IIS with jittered backoff, then succeeds', async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.twice()
			.reply(503, '<html><body>Service Unavailable</body></html>', { 'Content-Type': 'text/html' })
			.post(SOAP_PATH)
			.reply(200, stringResponse('GetVersion', '8.200'));
		const { soap, delays } = client();
		await expect(soap.call('GetVersion')).resolves.toBe('8.200');
		expect(delays).toEqual([50, 100]);
	});

	it('gives up after the configured number of attempts', async () => {
		nock(HOST).post(SOAP_PATH).times(3).reply(503, 'down');
		const { soap, delays } = client();
		const error = await soap.call('GetVersion').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(KhaosHttpError);
		expect(error).toMatchObject({ status: 503, retryable: true, attempts: 3 });
		expect(delays).toHaveLength(2);
	});

	it('never retries 401, and never puts the password in the error', async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.once()
			.reply(401, `bad password ${PASSWORD}`, { 'WWW-Authenticate': 'Basic realm="Khaos"' });
		const { soap, delays } = client({ auth: { type: 'basic', user: 'web', password: PASSWORD } });
		const error = (await soap
			.call('GetVersion')
			.catch((caught: unknown) => caught)) as KhaosHttpError;
		expect(error).toBeInstanceOf(KhaosHttpError);
		expect(error.status).toBe(401);
		expect(error.retryable).toBe(false);
		expect(error.message).toContain('check the user name and password');
		expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(PASSWORD);
		expect(delays).toEqual([]);
	});

	it('masks only whole occurrences of a short password', async () => {
		nock(HOST).post(SOAP_PATH).reply(500, fault('Website p not found for ExportWebCategories'));
		const { soap } = client({ auth: { type: 'basic', user: 'web', password: 'p' } });
		await expect(soap.call('ExportWebCategories')).rejects.toThrow(
			'Khaos refused ExportWebCategories: Website *** not found for ExportWebCategories',
		);
	});

	it('redacts the password even when Khaos echoes it in a fault', async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.reply(500, fault(`Login failed for web/${PASSWORD}`));
		const { soap } = client({ auth: { type: 'basic', user: 'web', password: PASSWORD } });
		const error = (await soap.call('GetVersion').catch((caught: unknown) => caught)) as Error;
		expect(error.message).toBe('Khaos refused GetVersion: Login failed for web/***');
	});

	it('never retries ImportOrders, even on a 503', async () => {
		nock(HOST).post(SOAP_PATH).once().reply(503, 'down');
		const { soap, delays } = client();
		await expect(
			soap.call('ImportOrders', [['Orders', '<SALES_ORDERS/>', 'string']]),
		).rejects.toMatchObject({ status: 503, attempts: 1 });
		expect(delays).toEqual([]);
	});

	it('retries connection failures as KhaosNetworkError', async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.replyWithError(connectionError('ECONNRESET', 'socket hang up'))
			.post(SOAP_PATH)
			.reply(200, stringResponse('GetVersion', '8.200'));
		const { soap, delays } = client();
		await expect(soap.call('GetVersion')).resolves.toBe('8.200');
		expect(delays).toHaveLength(1);
	});

	it('reports a connection failure with its code once retries are spent', async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.times(3)
			.replyWithError(connectionError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:8443'));
		const error = await client()
			.soap.call('GetVersion')
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(KhaosNetworkError);
		expect(error).toMatchObject({ code: 'ECONNREFUSED', retryable: true, attempts: 3 });
		expect((error as Error).message).toContain('could not reach https://khaos.example.test:8443');
	});

	it('times out a request that gets no answer', async () => {
		nock(HOST).post(SOAP_PATH).delay(300).reply(200, stringResponse('GetVersion', '8.200'));
		const error = await client({ timeoutMs: 50, retry: { attempts: 1 } })
			.soap.call('GetVersion')
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(KhaosNetworkError);
		expect(error).toMatchObject({ code: 'ETIMEDOUT', retryable: true });
	});

	it('refuses a response larger than the limit', async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.reply(200, stringResponse('ExportStock', 'x'.repeat(5000)));
		await expect(client({ maxResponseBytes: 1000 }).soap.call('ExportStock')).rejects.toThrow(
			'larger than 1000 bytes',
		);
	});

	it('reports an HTML page answered with 200 as a protocol problem', async () => {
		nock(HOST).post(SOAP_PATH).reply(200, '<html><body>Login</body></html>');
		await expect(client().soap.call('GetVersion')).rejects.toThrow('returned something unexpected');
	});

	it('says an envelope with a DOCTYPE was refused for safety, not that there was none', async () => {
		nock(HOST)
			.post(SOAP_PATH)
			.reply(200, `<!DOCTYPE x [<!ENTITY a "b">]>${stringResponse('GetVersion', '8.200')}`);
		await expect(client().soap.call('GetVersion')).rejects.toThrow(
			'Khaos GetVersion returned something unexpected: Khaos sent XML with a DOCTYPE; refused for safety',
		);
	});
});

describe('backoff and dates', () => {
	it('caps the exponential step and applies full jitter', () => {
		const policy = { attempts: 5, baseMs: 500, maxMs: 3000 };
		expect([1, 2, 3, 4].map((tries) => backoffDelay(tries, policy, 0.999999))).toEqual([
			499, 999, 1999, 2999,
		]);
		expect(backoffDelay(4, policy, 0)).toBe(0);
	});

	it('writes dateTime parameters as YYYY-MM-DDTHH:MM:SS', () => {
		expect(formatSoapDateTime('d', '2024-05-01')).toBe('2024-05-01T00:00:00');
		expect(formatSoapDateTime('d', '2024-05-01 10:30')).toBe('2024-05-01T10:30:00');
		expect(formatSoapDateTime('d', '2024-05-01T10:30:00+01:00')).toBe('2024-05-01T09:30:00');
		expect(formatSoapDateTime('d', new Date(Date.UTC(2024, 4, 1, 8, 5, 9)))).toBe(
			'2024-05-01T08:05:09',
		);
		expect(() => formatSoapDateTime('d', '01/05/2024')).toThrow('must be a date');
	});
});
