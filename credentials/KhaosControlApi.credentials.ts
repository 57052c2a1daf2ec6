import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * Khaos Control's SOAP web service (KhaosWS). Khaos itself has no login: installs are protected by
 * IIS, HTTPS and IP rules, and some hosted ones put HTTP Basic in front. The Khaos nodes test this
 * credential with GetVersion (their `khaosControlApiTest` method), since a SOAP call cannot be
 * described as a plain test request.
 */
export class KhaosControlApi implements ICredentialType {
	name = 'khaosControlApi';

	displayName = 'Khaos Control API';

	icon: Icon = { light: 'file:khaosControl.svg', dark: 'file:khaosControl.dark.svg' };

	// A community credential needs a full URL (cred-class-field-documentation-url-not-http-url); the camelCase rule is for n8n's own repository.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://unpkg.com/n8n-nodes-pos-sync/docs/khaos-control.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Web Service URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://khaos.example.com:8443/KhaosKSD.exe/wsdl/IKosWeb',
			description:
				'The address of the Khaos web service: its WSDL (ending /wsdl/IKosWeb) ' +
				'or its SOAP endpoint (ending /soap/IKosWeb). The .exe name differs ' +
				'between installs; ask whoever looks after your Khaos server.',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'None',
					value: 'none',
					description: 'The server is protected by its network rules only (the usual set-up)',
				},
				{
					name: 'Basic',
					value: 'basic',
					description: 'The server asks for a user name and password (HTTP Basic)',
				},
			],
			default: 'none',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			displayOptions: { show: { authentication: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['basic'] } },
		},
		{
			displayName: 'Allow Self-Signed Certificate',
			name: 'allowSelfSigned',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept the HTTPS certificate even when it is self-signed, as Khaos installs one by default. Only turn this on for your own Khaos server.',
		},
		{
			displayName: 'Site ID',
			name: 'siteId',
			type: 'number',
			default: -1,
			description: 'The Khaos stock site whose stock levels are used. -1 adds up all sites.',
		},
		{
			displayName: 'Default Stock Mapping Type',
			name: 'stockMappingType',
			type: 'options',
			options: [
				{ name: 'Stock Code', value: 1 },
				{ name: 'Other Ref', value: 2 },
				{ name: 'Description', value: 4 },
			],
			default: 1,
			description:
				'What product codes from the web store are in Khaos, unless a node says otherwise. Usually the Stock Code.',
		},
		{
			displayName: 'Sales Source',
			name: 'salesSource',
			type: 'string',
			default: '',
			placeholder: 'e.g. Website',
			description:
				'The Sales Source imported orders are recorded under. It must already exist in Khaos, spelt exactly the same.',
		},
		{
			displayName: 'Website Name',
			name: 'websiteName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Main Website',
			description:
				'The website as named in Khaos: used for web categories and given to imported orders',
		},
	];

	/** HTTP Basic on every request the Khaos nodes (or an HTTP Request node) send, when the server asks for it; nothing otherwise. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (credentials.authentication !== 'basic') return requestOptions;
		return {
			...requestOptions,
			auth: {
				username: String(credentials.user ?? ''),
				password: String(credentials.password ?? ''),
			},
		};
	}
}
