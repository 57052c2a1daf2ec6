import { KhaosClient, type KhaosTransport } from '../../../lib/khaos/client';
import { KhaosFaultError } from '../../../lib/khaos/errors';
import { checkSettings } from '../../../lib/khaos/settings-check';
import type { SoapParam, SoapValue } from '../../../lib/khaos/soap';

/** A Khaos whose web service answers some lookups and is too old for others. */
function khaos(answers: Record<string, SoapValue | Error>): KhaosClient {
	const transport: KhaosTransport = {
		async call(method: string, _params?: readonly SoapParam[]): Promise<SoapValue | undefined> {
			const answer = answers[method];
			if (answer instanceof Error) throw answer;
			if (answer === undefined) {
				throw new KhaosFaultError({
					method,
					faultCode: 'SOAP-ENV:Client',
					faultString: `No method named '${method}' is supported by interface 'IKosWeb'`,
					faultActor: '',
					detail: {},
					httpStatus: 500,
				});
			}
			return answer;
		},
	};
	return new KhaosClient(transport);
}

describe('checkSettings', () => {
	it('names a sales source or site that does not exist, with what Khaos has', async () => {
		const client = khaos({
			GetSaleSource: ['Web', 'Shop'],
			GetSiteList: { List: [{ SiteID: 1, SiteName: 'Main Site' }], CurrentSiteID: 1 },
		});
		expect(await checkSettings(client, { salesSource: 'Phone', siteId: 2 })).toEqual([
			'Sales Source "Phone" does not exist in Khaos (its sales sources: Web, Shop)',
			'Site ID 2 does not exist in Khaos (its sites: 1 Main Site; -1 means all)',
		]);
		expect(await checkSettings(client, { salesSource: 'Web', siteId: 1 })).toEqual([]);
		expect(await checkSettings(client, { salesSource: '', siteId: -1 })).toEqual([]);
	});

	it('skips a check an older web service cannot answer, but not an outage', async () => {
		expect(await checkSettings(khaos({}), { salesSource: 'Web', siteId: 3 })).toEqual([]);
		const down = new KhaosFaultError({
			method: 'GetSaleSource',
			faultCode: 'SOAP-ENV:Server',
			faultString: 'Database connection lost',
			faultActor: '',
			detail: {},
			httpStatus: 500,
		});
		await expect(
			checkSettings(khaos({ GetSaleSource: down }), { salesSource: 'Web' }),
		).rejects.toThrow('Database connection lost');
	});
});
