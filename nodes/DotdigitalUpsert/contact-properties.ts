import type { INodeProperties } from 'n8n-workflow';

import { picker } from '../shared/pickers';

const contactOnly = { show: { resource: ['contact'] } };
const withNewContacts = { show: { resource: ['contact', 'order'] } };

/** The contact settings of Dotdigital Upsert (the last, for new contacts, shows for orders too). */
export const contactProperties: INodeProperties[] = [
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
];
