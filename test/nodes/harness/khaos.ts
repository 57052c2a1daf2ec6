import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** The Khaos Control credential pointed at a fake Khaos: no login, every site, codes matched by stock code. */
export function fakeKhaosCredential(
	wsdlUrl: string,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return {
		url: wsdlUrl,
		authentication: 'none',
		user: '',
		password: '',
		allowSelfSigned: false,
		siteId: -1,
		stockMappingType: 1,
		salesSource: '',
		websiteName: 'Main Website',
		...overrides,
	};
}
