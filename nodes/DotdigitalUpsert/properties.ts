import type { INodeProperties } from 'n8n-workflow';

import { READ_ONCE_PER_RUN } from '../shared/once-per-run';
import { picker } from '../shared/pickers';

import { contactProperties } from './contact-properties';

const orderOnly = { show: { resource: ['order'] } };
const productOnly = { show: { resource: ['product'] } };

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

	...contactProperties,

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
