import type { INodeProperties } from 'n8n-workflow';

import { READ_ONCE_PER_RUN } from '../shared/once-per-run';
import { picker } from '../shared/pickers';

const contactOnly = { show: { resource: ['contact'] } };
const orderOnly = { show: { resource: ['order'] } };
const productOnly = { show: { resource: ['product'] } };
const withNewContacts = { show: { resource: ['contact', 'order'] } };

export const dotdigitalUpsertProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Contact', value: 'contact', description: 'Customers become Dotdigital contacts' },
			{
				name: 'Data Field',
				value: 'dataField',
				description: 'The contact data fields of the Dotdigital account',
			},
			{
				name: 'Order',
				value: 'order',
				description: 'Transactions become orders on the customer’s contact',
			},
			{ name: 'Product', value: 'product', description: 'Products go into the product catalogue' },
		],
		default: 'contact',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact', 'order', 'product'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update records',
			},
		],
		default: 'upsert',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['dataField'] } },
		options: [
			{
				name: 'Create Missing',
				value: 'createMissing',
				description: 'Create the listed data fields that do not exist yet',
				action: 'Create missing data fields',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List every contact data field of the account',
				action: 'Get many data fields',
			},
		],
		default: 'createMissing',
	},

	// ---- Contact ----
	{
		displayName:
			'Each input item is one customer record from Mapping Apply. Contacts that were sent come out of Done (created ' +
			'or updated); the rest come out of Failed with the reason and who can fix it. The settings below apply to every ' +
			'item of a run: they are read once per run, from the first item, and an expression that gives another item a ' +
			'different value stops the run.',
		name: 'contactNotice',
		type: 'notice',
		default: '',
		displayOptions: contactOnly,
	},
	{
		displayName: 'Match Contacts On',
		name: 'identifier',
		type: 'options',
		options: [
			{
				name: 'Email',
				value: 'email',
				description: 'The customer’s email, trimmed and lower-cased',
			},
			{
				name: 'Mobile Number',
				value: 'mobileNumber',
				description: 'The customer’s mobile, in international form',
			},
		],
		default: 'email',
		displayOptions: contactOnly,
	},
	{
		displayName: 'Speed',
		name: 'mode',
		type: 'options',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description: 'One by one for a few customers, in bulk for more',
			},
			{
				name: 'Bulk',
				value: 'bulk',
				description: 'Imports of up to 2,000 contacts; best for daily and hourly files',
			},
			{
				name: 'Real-Time',
				value: 'realtime',
				description: 'One call per contact, done in seconds; for sign-ups',
			},
		],
		default: 'auto',
		displayOptions: contactOnly,
	},
	{
		displayName: 'Real-Time Up To',
		name: 'realtimeLimit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 500 },
		default: 25,
		description:
			'With Auto, send contacts one by one when at most this many arrive, and in bulk otherwise',
		displayOptions: { show: { resource: ['contact'], mode: ['auto'] } },
	},
	{
		displayName: 'Add to Lists',
		name: 'lists',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getLists' },
		default: [],
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint:
			'With the till’s opt-in, only customers who opted in go on them (a list can start a programme), and never a ' +
			'suppressed contact. Empty adds to none. IDs typed before (12345, 67890) still work.',
		displayOptions: contactOnly,
	},
	{
		displayName: 'Send Name and Postcode',
		name: 'standardFields',
		type: 'boolean',
		default: true,
		description:
			'Whether to fill FIRSTNAME, LASTNAME, FULLNAME and POSTCODE from first_name, last_name, full_name and postcode',
		displayOptions: contactOnly,
	},
	{
		displayName: 'More Data Fields',
		name: 'dataFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Data Field',
		default: {},
		description: 'Other customer fields to send, each to a Dotdigital data field',
		displayOptions: contactOnly,
		options: [
			{
				name: 'field',
				displayName: 'Data Field',
				values: [
					{
						displayName: 'Customer Field',
						name: 'field',
						type: 'string',
						default: '',
						placeholder: 'e.g. customer_id, store_code or custom.tier',
						description: 'A field of the customer record, as named in the mapping workbook',
					},
					picker({
						displayName: 'Dotdigital Data Field',
						name: 'dataField',
						description: 'A contact data field of the account (up to 20 letters, digits, _ or -)',
						searchListMethod: 'searchDataFields',
						typed: { displayName: 'By Name', placeholder: 'e.g. POS_CUSTOMER_ID' },
					}),
				],
			},
		],
	},
	{
		displayName: 'When a Till Value Is Blank',
		name: 'mergeOption',
		type: 'options',
		options: [
			{
				name: 'Keep What Dotdigital Has (Recommended)',
				value: 'overwriteIfNotEmpty',
				description: 'Only values that are filled in are sent',
			},
			{
				name: 'Clear It in Dotdigital',
				value: 'overwrite',
				description: 'The till is the master copy: blanks clear data fields',
			},
			{
				name: 'Only Fill Empty Fields',
				value: 'overwriteIfEmpty',
				description: 'Never change a value Dotdigital already has',
			},
		],
		default: 'overwriteIfNotEmpty',
		displayOptions: contactOnly,
	},
	{
		displayName: 'Marketing Status of New Contacts',
		name: 'newContactConsent',
		type: 'options',
		options: [
			{
				name: 'From the Till’s Opt-In (Recommended)',
				value: 'posOptIn',
				description:
					'New contacts are subscribed only when marketing_opt_in is yes; the rest are created unsubscribed',
			},
			{
				name: 'Dotdigital’s Default',
				value: 'dotdigital',
				description: 'New contacts are subscribed, whatever the till says',
			},
		],
		default: 'posOptIn',
		hint: 'Existing contacts keep their status: Dotdigital owns consent, so a sync never subscribes or unsubscribes anyone',
		displayOptions: withNewContacts,
	},

	// ---- Order ----
	{
		displayName:
			'Each input item is one order record from Mapping Apply, linked to its contact by email. Orders that were ' +
			'stored come out of Done; the rest come out of Failed with the reason. The settings below apply to every item ' +
			'of a run: they are read once per run, from the first item, and an expression that gives another item a ' +
			'different value stops the run.',
		name: 'orderNotice',
		type: 'notice',
		default: '',
		displayOptions: orderOnly,
	},
	{
		...picker({
			displayName: 'Collection',
			name: 'orderCollection',
			default: 'Orders',
			required: true,
			description:
				'The Insight data collection orders are stored in. Programs and segments read orders from here.',
			searchListMethod: 'searchCollections',
			typed: { displayName: 'By Name', placeholder: 'e.g. Orders' },
		}),
		displayOptions: orderOnly,
	},
	{
		displayName: 'Create Missing Contacts First',
		name: 'createMissingContacts',
		type: 'boolean',
		default: true,
		description:
			'Whether to create a contact for each order email Dotdigital does not know, so every order lands on a profile. ' +
			'When off, such orders go to Failed as a failed customer lookup.',
		displayOptions: orderOnly,
	},

	// ---- Product ----
	{
		displayName:
			'Each input item is one product record from Mapping Apply, stored in the catalogue by its SKU. The settings ' +
			'below apply to every item of a run: they are read once per run, from the first item, and an expression that ' +
			'gives another item a different value stops the run.',
		name: 'productNotice',
		type: 'notice',
		default: '',
		displayOptions: productOnly,
	},
	{
		...picker({
			displayName: 'Catalogue Collection',
			name: 'productCollection',
			default: 'Catalog_Default',
			required: true,
			description: 'The account’s product catalogue collection',
			searchListMethod: 'searchCollections',
			typed: { displayName: 'By Name', placeholder: 'e.g. Catalog_Default' },
		}),
		displayOptions: productOnly,
	},

	// ---- Data Field ----
	{
		displayName: 'Data Fields',
		name: 'fieldsToCreate',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Data Field',
		default: {},
		displayOptions: { show: { resource: ['dataField'], operation: ['createMissing'] } },
		options: [
			{
				name: 'field',
				displayName: 'Data Field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. LAST_PURCHASE',
						description: 'Up to 20 letters, digits, _ or -',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Text', value: 'String' },
							{ name: 'Number', value: 'Numeric' },
							{ name: 'Date', value: 'Date' },
							{ name: 'Yes/No', value: 'Boolean' },
						],
						default: 'String',
					},
				],
			},
		],
	},

	{
		displayName: 'Only Send Records That Changed',
		name: 'onlyChanged',
		type: 'boolean',
		default: false,
		description:
			'Whether to skip records Dotdigital already has exactly as they are. A record counts as sent only once ' +
			'Dotdigital confirms it, so records that failed are always sent again.',
		hint: 'Best for full daily exports: a file in which 1% changed costs 1% of the calls. Skipped records come out of Done as "unchanged".',
		displayOptions: { show: { resource: ['contact', 'order', 'product'] } },
	},

	// ---- Options ----
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: `${READ_ONCE_PER_RUN}: these apply to every item of the run`,
		displayOptions: { show: { resource: ['contact', 'order', 'product'] } },
		options: [
			{
				displayName: 'Consent IP Address',
				name: 'consentIpAddress',
				type: 'string',
				default: '',
				placeholder: 'e.g. 203.0.113.25',
				description:
					'The shop’s public IP address. Dotdigital needs one in every consent record, and a till has no browser to take it from.',
				displayOptions: { show: { '/resource': ['contact'] } },
			},
			{
				displayName: 'Consent Page URL',
				name: 'consentUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://shop.example.com/privacy',
				description:
					'Where the wording the customer agreed to can be read, stored with the consent record',
				displayOptions: { show: { '/resource': ['contact'] } },
			},
			{
				displayName: 'Consent Text',
				name: 'consentText',
				type: 'string',
				default: '',
				placeholder: 'e.g. Yes, email me offers and news',
				description:
					'What the customer agreed to at the till. When set, new contacts who opted in get a consent record with this ' +
					'text, the consent page URL and the IP address.',
				displayOptions: { show: { '/resource': ['contact'] } },
			},
			{
				displayName: 'Create Missing Data Fields',
				name: 'createMissingDataFields',
				type: 'boolean',
				default: true,
				description:
					'Whether to create the data fields this node sends when Dotdigital does not have them yet. When off, a missing ' +
					'field stops the run with its name.',
				displayOptions: { show: { '/resource': ['contact'] } },
			},
			{
				displayName: 'Force Full Resync',
				name: 'forceFullResync',
				type: 'boolean',
				default: false,
				description:
					'Whether to send every record this run, even those Dotdigital already has, and remember them afresh. Use it ' +
					'once after records were changed in Dotdigital by hand.',
				displayOptions: { show: { '/onlyChanged': [true] } },
			},
			{
				displayName: 'Longest Wait for an Import (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 120 },
				default: 15,
				description:
					'Dotdigital processes imports in the background; its progress is checked every 5 to 30 seconds. Records of an ' +
					'import still running after this long go to Failed, and are safe to send again.',
			},
			{
				displayName: 'Records per Import',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 4000 },
				default: 0,
				description:
					'How many records each bulk import holds: at most 2,000 contacts or 4,000 orders or products. 0 uses the most.',
			},
		],
	},
];
