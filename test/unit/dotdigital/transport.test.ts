import nock, { connectionError, useNock } from '../../helpers/nock';
import {
	DotdigitalApiError,
	DotdigitalError,
	DotdigitalNetworkError,
	DotdigitalTransport,
	serverWaitMs,
	type DotdigitalLogin,
	type TransportOptions,
} from '../../../lib/dotdigital';

useNock();

const USER = 'apiuser-abc@apiconnector.com';
const PASSWORD = 'S3cret-pa55';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const R1 = 'https://r1-api.dotdigital.com';
const R2 = 'https://r2-api.dotdigital.com';

function transport(
	login: Partial<DotdigitalLogin> = {},
	options: TransportOptions = {},
): { transport: DotdigitalTransport; waits: number[] } {
	const waits: number[] = [];
	const sleep = async (ms: number): Promise<void> => {
		waits.push(ms);
	};
	return {
		transport: new DotdigitalTransport(
			{ user: USER, password: PASSWORD, region: 'r1', ...login },
			{ retry: { baseMs: 1, maxMs: 2 }, sleep, now: () => 1_700_000_000_000, ...options },
		),
		waits,
	};
}

afterEach(() => {
	expect(nock.pendingMocks()).toEqual([]);
	nock.cleanAll();
});

describe('DotdigitalTransport: requests', () => {
	it('sends HTTP Basic and JSON to the chosen region and reads the JSON answer', async () => {
		const { transport: client } = transport({ region: 'r2' });
		nock(R2, { reqheaders: { authorization: BASIC, 'content-type': 'application/json' } })
			.patch('/contacts/v3/email/jo%40example.com', { identifiers: { email: 'jo@example.com' } })
			.query({ 'merge-option': 'overwrite-if-not-empty' })
			.reply(201, { contactId: 7 });
		const response = await client.request('PATCH', '/contacts/v3/email/jo%40example.com', {
			call: 'upsert contact',
			query: { 'merge-option': 'overwrite-if-not-empty' },
			body: { identifiers: { email: 'jo@example.com' } },
		});
		expect(response).toEqual({ status: 201, body: { contactId: 7 }, repeated: false });
		expect(client.stats).toMatchObject({
			requests: 1,
			retries: 0,
			byCall: { 'upsert contact': 1 },
		});
	});

	it('sends a string body as it is, for bodies already built as JSON', async () => {
		const { transport: client } = transport();
		nock(R1)
			.put('/contacts/v3/import', (body) => body.contacts.length === 2)
			.reply(202, { importId: 'abc' });
		const response = await client.request('PUT', '/contacts/v3/import', {
			call: 'contact import',
			body: '{"contacts":[{"a":1},{"b":2}]}',
		});
		expect(response.body).toEqual({ importId: 'abc' });
	});

	it('uses a base URL override as it is when a region is chosen', async () => {
		const { transport: client } = transport({
			region: 'r3',
			baseUrl: 'http://sandbox.test:8091/r3/',
		});
		nock('http://sandbox.test:8091').get('/r3/v2/data-fields').reply(200, []);
		await expect(
			client.request('GET', '/v2/data-fields', { call: 'list data fields' }),
		).resolves.toEqual({ status: 200, body: [], repeated: false });
	});
});

describe('DotdigitalTransport: region auto-detection', () => {
	it('asks account-info on r1 once and sends every call to the ApiEndpoint it names, without its trailing slash', async () => {
		const { transport: client } = transport({ region: 'auto' });
		nock(R1)
			.get('/v2/account-info')
			.once()
			.reply(200, {
				id: 1,
				properties: [
					{ name: 'Name', type: 'String', value: 'Shop' },
					{ name: 'ApiEndpoint', type: 'String', value: 'https://r2-api.dotdigital.com/' },
				],
			});
		nock(R2).get('/v2/data-fields').twice().reply(200, []);
		await client.request('GET', '/v2/data-fields', { call: 'list data fields' });
		await client.request('GET', '/v2/data-fields', { call: 'list data fields' });
		await expect(client.apiBase()).resolves.toBe(R2);
	});

	it('refuses to send the login to an endpoint outside dotdigital.com', async () => {
		const { transport: client } = transport({ region: 'auto' });
		nock(R1)
			.get('/v2/account-info')
			.reply(200, { properties: [{ name: 'ApiEndpoint', value: 'https://evil.example.com/' }] });
		await expect(client.apiBase()).rejects.toThrow(/outside dotdigital\.com.*refusing/);
	});

	it('asks a sandbox override for account-info when the region is auto, and trusts its answer', async () => {
		const { transport: client } = transport({
			region: 'auto',
			baseUrl: 'http://127.0.0.1:8091/r1',
		});
		nock('http://127.0.0.1:8091')
			.get('/r1/v2/account-info')
			.reply(200, { properties: [{ name: 'ApiEndpoint', value: 'http://127.0.0.1:8091/r2/' }] });
		await expect(client.apiBase()).resolves.toBe('http://127.0.0.1:8091/r2');
	});

	it('explains an account-info answer without ApiEndpoint, and asks again next time', async () => {
		const { transport: client } = transport({ region: 'auto' });
		nock(R1).get('/v2/account-info').reply(200, { properties: [] });
		await expect(client.apiBase()).rejects.toThrow(/no ApiEndpoint/);
		nock(R1)
			.get('/v2/account-info')
			.reply(200, {
				properties: [{ name: 'ApiEndpoint', value: 'https://r1-api.dotdigital.com/' }],
			});
		await expect(client.apiBase()).resolves.toBe(R1);
	});
});

describe('DotdigitalTransport: retries', () => {
	it('waits as long as a 429 asks (x-ratelimit-reset in seconds), then retries', async () => {
		const { transport: client, waits } = transport();
		nock(R1)
			.get('/v2/data-fields')
			.reply(
				429,
				{ errorCode: 'tooManyRequests', description: 'Rate limit' },
				{ 'x-ratelimit-reset': '3', 'x-ratelimit-limit': '35', 'x-ratelimit-scope': 'account' },
			)
			.get('/v2/data-fields')
			.reply(200, [{ name: 'FIRSTNAME', type: 'String' }]);
		const response = await client.request('GET', '/v2/data-fields', { call: 'list data fields' });
		expect(response).toEqual({
			status: 200,
			body: [{ name: 'FIRSTNAME', type: 'String' }],
			repeated: false,
		});
		expect(waits).toEqual([3000]);
		expect(client.stats).toMatchObject({ requests: 2, retries: 1 });
	});

	it('reads x-ratelimit-reset as an epoch second when it is one', async () => {
		const { transport: client, waits } = transport();
		nock(R1)
			.get('/v2/data-fields')
			.reply(429, '', { 'x-ratelimit-reset': String(1_700_000_000 + 42) })
			.get('/v2/data-fields')
			.reply(200, []);
		await client.request('GET', '/v2/data-fields', { call: 'list data fields' });
		expect(waits).toEqual([42_000]);
	});

	it('honours Retry-After, and caps any wait at a minute and a bit', async () => {
		const { transport: client, waits } = transport();
		nock(R1)
			.get('/v2/data-fields')
			.reply(429, '', { 'Retry-After': '7' })
			.get('/v2/data-fields')
			.reply(429, '', { 'x-ratelimit-reset': '3600' })
			.get('/v2/data-fields')
			.reply(200, []);
		await client.request('GET', '/v2/data-fields', { call: 'list data fields' });
		expect(waits).toEqual([7000, 65_000]);
	});

	it('retries 5xx and dropped connections, then succeeds', async () => {
		const { transport: client } = transport();
		nock(R1)
			.put('/insightData/v3/import')
			.reply(502, '<html>Bad Gateway</html>')
			.put('/insightData/v3/import')
			.replyWithError(connectionError('ECONNRESET', 'socket hang up'))
			.put('/insightData/v3/import')
			.reply(503, { errorCode: 'serviceUnavailable', description: 'Try later' })
			.put('/insightData/v3/import')
			.reply(202, { importId: 'i-1' });
		// A 502 or a dropped connection may hide a call that took effect: the reply says so.
		await expect(
			client.request('PUT', '/insightData/v3/import', {
				call: 'insight import',
				body: { records: [] },
			}),
		).resolves.toEqual({ status: 202, body: { importId: 'i-1' }, repeated: true });
		expect(client.stats.retries).toBe(3);
	});

	it('gives up after the set number of tries, saying how many', async () => {
		const { transport: client } = transport({}, { retry: { attempts: 3, baseMs: 1, maxMs: 1 } });
		nock(R1)
			.get('/v2/data-fields')
			.times(3)
			.reply(500, { errorCode: 'internal', description: 'Oops' });
		const error = await client
			.request('GET', '/v2/data-fields', { call: 'list data fields' })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DotdigitalApiError);
		expect(error).toMatchObject({ status: 500, retryable: true, attempts: 3, code: 'internal' });
	});

	it.each([
		[
			400,
			{ errorCode: 'contacts:badJson', description: 'The request JSON is badly formed' },
			'contacts:badJson',
			/badly formed/,
		],
		[401, '', 'HTTP401', /check the API user and password/],
		[403, { message: 'Forbidden: Access is denied' }, 'HTTP403', /another region.*Auto-Detect/],
		[
			404,
			{ errorCode: 'contacts:contactNotFound', description: 'Not found' },
			'contacts:contactNotFound',
			/Not found/,
		],
		[
			409,
			{ errorCode: 'contacts:idAlreadyExists', description: 'exists' },
			'contacts:idAlreadyExists',
			/exists/,
		],
		[
			400,
			{ message: 'Field already exists. ERROR_NON_UNIQUE_DATAFIELD' },
			'ERROR_NON_UNIQUE_DATAFIELD',
			/Field already exists/,
		],
	])('never retries HTTP %i, and reports its code', async (status, body, code, message) => {
		const { transport: client } = transport();
		nock(R1).post('/v2/data-fields').once().reply(status, body);
		const error = await client
			.request('POST', '/v2/data-fields', { call: 'create data field', body: {} })
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({ status, code, retryable: false, attempts: 1 });
		expect((error as Error).message).toMatch(message);
		expect(client.stats.requests).toBe(1);
	});

	it('reports a connection refused as a network error, without the password', async () => {
		const { transport: client } = transport({}, { retry: { attempts: 2, baseMs: 1, maxMs: 1 } });
		nock(R1)
			.get('/v2/data-fields')
			.twice()
			.replyWithError(connectionError('ECONNREFUSED', 'connect ECONNREFUSED'));
		const error = (await client
			.request('GET', '/v2/data-fields', { call: 'list data fields' })
			.catch((caught: unknown) => caught)) as DotdigitalError;
		expect(error).toBeInstanceOf(DotdigitalNetworkError);
		expect(error.code).toBe('ECONNREFUSED');
		expect(error.attempts).toBe(2);
		expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(PASSWORD);
		expect(error.message).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
	});

	it('does not retry a redirect, which only a proxy or a wrong base URL would send', async () => {
		const { transport: client } = transport();
		nock(R1)
			.get('/v2/data-fields')
			.once()
			.reply(302, '', { Location: 'https://login.example.com/' });
		const error = (await client
			.request('GET', '/v2/data-fields', { call: 'list data fields' })
			.catch((caught: unknown) => caught)) as DotdigitalError;
		expect(error).toMatchObject({ code: 'REDIRECT', retryable: false, attempts: 1 });
		expect(error.message).toMatch(/redirect.*check the base URL/);
	});

	it('refuses a success that is not JSON', async () => {
		const { transport: client } = transport();
		nock(R1).get('/v2/data-fields').reply(200, '<html>maintenance</html>');
		await expect(
			client.request('GET', '/v2/data-fields', { call: 'list data fields' }),
		).rejects.toThrow(/not JSON/);
	});
});

describe('serverWaitMs', () => {
	const now = 1_700_000_000_000;
	const headers = (entries: Record<string, string>): Headers => new Headers(entries);

	it('takes the longest of the waits given, and nothing when none is given', () => {
		expect(serverWaitMs(headers({ 'x-ratelimit-reset': '5', 'retry-after': '9' }), now)).toBe(9000);
		expect(serverWaitMs(headers({ 'retry-after': new Date(now + 4000).toUTCString() }), now)).toBe(
			4000,
		);
		expect(serverWaitMs(headers({ 'x-ratelimit-reset': String(now / 1000 - 10) }), now)).toBe(0);
		expect(serverWaitMs(headers({}), now)).toBeUndefined();
		expect(serverWaitMs(headers({ 'x-ratelimit-reset': 'soon' }), now)).toBeUndefined();
	});
});
