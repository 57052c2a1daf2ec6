import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * A Dotdigital API user (Settings → Access → API users in Dotdigital). The test asks account-info,
 * which answers on r1 for every account, or on the chosen region (a wrong region answers 403).
 */
export class DotdigitalApi implements ICredentialType {
	name = 'dotdigitalApi';

	displayName = 'Dotdigital API';

	icon: Icon = { light: 'file:dotdigital.svg', dark: 'file:dotdigital.dark.svg' };

	// A community credential needs a full URL (cred-class-field-documentation-url-not-http-url); the camelCase rule is for n8n's own repository.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://unpkg.com/n8n-nodes-pos-sync/docs/dotdigital.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. apiuser-1a2b3c4d5e6f@apiconnector.com',
			description: 'The API user’s email address, from Settings → Access → API users in Dotdigital',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{
					name: 'Auto-Detect',
					value: 'auto',
					description: 'Ask Dotdigital where the account lives (one extra call per run)',
				},
				{ name: 'Europe (R1)', value: 'r1' },
				{ name: 'North America (R2)', value: 'r2' },
				{ name: 'Asia Pacific (R3)', value: 'r3' },
			],
			default: 'auto',
			description:
				'Where the Dotdigital account is hosted. Shown in Dotdigital under Settings → Access → API users.',
		},
		{
			displayName: 'Base URL Override',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://localhost:8091/r1',
			description:
				'Leave empty for Dotdigital itself. Set it only to use a sandbox or test server instead.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.user}}', password: '={{$credentials.password}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ ($credentials.baseUrl || ("https://" + ' +
				'($credentials.region === "auto" ? "r1" : $credentials.region) + "-api.dotdigital.com")' +
				').replace(/\\/+$/, "") }}',
			url: '/v2/account-info',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Dotdigital did not accept this API user and password. ' +
						'Check both in Dotdigital under Settings → Access → API users: ' +
						'the API user is an email address ending @apiconnector.com, ' +
						'and its password is the one set for the API user, not a login to Dotdigital.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Dotdigital knows this API user but refused it here: the account is ' +
						'hosted in another region. Set Region to Auto-Detect, or to the region ' +
						'shown in Dotdigital under Settings → Access → API users.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Nothing that answers like Dotdigital is at this address. Leave Base URL Override empty to use Dotdigital itself.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 429,
					message:
						'Dotdigital’s rate limit for this account is used up for the moment. The login may be right: test again in a minute.',
				},
			},
		],
	};
}
