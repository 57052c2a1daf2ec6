import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

import { KhaosNetworkError } from '../../../lib/khaos/errors';
import { KhaosSoapClient } from '../../../lib/khaos/soap';
import { useNock } from '../../helpers/nock';

/** A throwaway self-signed certificate (CN=khaos-test.local, EC P-256), like the one Khaos installs by default. */
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOfkcN7PmsGpmrh7y
FUdUIfAKlpCGKLZA6/khv6RWU+ehRANCAAQxIWhwTWFPFYrmXgFABl3sTuV9q4UZ
l+SXqMS312AiLt1i88hld3gojHu6QackynVHrK/b+lhU8k0pB1Te4Ptk
-----END PRIVATE KEY-----`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBjTCCATOgAwIBAgIUSkthZ0MlG5p1MnGASjp7/kWdnCcwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQa2hhb3MtdGVzdC5sb2NhbDAgFw0yNjExMjIxNjQ3MTVaGA8y
MTI2MTAyOTE2NDcxNVowGzEZMBcGA1UEAwwQa2hhb3MtdGVzdC5sb2NhbDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABDEhaHBNYU8ViuZeAUAGXexO5X2rhRmX5Jeo
xLfXYCIu3WLzyGV3eCiMe7pBpyTKdUesr9v6WFTyTSkHVN7g+2SjUzBRMB0GA1Ud
DgQWBBQgTEKTtifibsoWVnPe/NVsmHcuDjAfBgNVHSMEGDAWgBQgTEKTtifibsoW
VnPe/NVsmHcuDjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDO
c5h9PEhp8RsobWuZ8hUuowPyg8MqDrHiqBVwkeWoIwIge7jVkHMLlRZjUyPh8rSu
HbDMAS0B8fB49UeYt/k0aLw=
-----END CERTIFICATE-----`;

const RESPONSE =
	'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>' +
	'<NS1:GetVersionResponse xmlns:NS1="urn:IKosWebIntf-IKosWeb"><return>8.200</return></NS1:GetVersionResponse>' +
	'</SOAP-ENV:Body></SOAP-ENV:Envelope>';

let server: https.Server;
let url: string;

useNock('127.0.0.1');

beforeAll(async () => {
	server = https.createServer({ key: KEY, cert: CERT }, (request, response) => {
		request.resume();
		request.on('end', () => response.writeHead(200, { 'Content-Type': 'text/xml' }).end(RESPONSE));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/KhaosKSD.exe`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('HTTPS with the self-signed certificate Khaos installs', () => {
	it('connects when "allow self-signed certificate" is on', async () => {
		const soap = new KhaosSoapClient({ url, allowSelfSigned: true });
		await expect(soap.call('GetVersion')).resolves.toBe('8.200');
	});

	it('refuses the certificate otherwise, says what to do, and does not retry', async () => {
		const soap = new KhaosSoapClient({ url, retry: { attempts: 3, baseMs: 1, maxMs: 1 } });
		const error = await soap.call('GetVersion').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(KhaosNetworkError);
		expect(error).toMatchObject({ retryable: false, attempts: 1 });
		expect((error as Error).message).toContain('allow self-signed certificate');
	});
});
