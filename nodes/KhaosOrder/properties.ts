import type { INodeProperties } from 'n8n-workflow';

import { READ_ONCE_PER_RUN } from '../shared/once-per-run';
import { mailingPreferenceProperties } from './mailing-preference';
import { picker } from '../shared/pickers';

const importOnly = { show: { operation: ['importOrders'] } };
const statusOnly = { show: { operation: ['getStatus'] } };
const customersOnly = { show: { operation: ['exportCustomers'] } };

export const khaosOrderProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Export Customers',
				value: 'exportCustomers',
				description: 'Customers added or changed in Khaos since a date, as customer records',
				action: 'Export customers',
			},
			{
				name: 'Get Deleted Customers',
				value: 'getDeletedCustomers',
				description:
					'Customers deleted or merged in Khaos between two dates, so they can be removed or re-exported',
				action: 'Get deleted customers',
			},
			{
				name: 'Get Order Status',
				value: 'getStatus',
				description: 'Where web orders are in Khaos: stage, invoices, consignment and tracking',
				action: 'Get order status',
			},
			{
				name: 'Import Orders',
				value: 'importOrders',
				description:
					'Send web orders into Khaos. Sending an order again is safe: Khaos imports it only once.',
				action: 'Import orders',
			},
			{
				name: 'Update Mailing Preference',
				value: 'updateMailingPreference',
				description:
					'Record who unsubscribed or was suppressed in Dotdigital as not to be mailed in Khaos. Never opts anyone in.',
				action: 'Update mailing preference',
			},
		],
		default: 'importOrders',
	},

	// ---- Import Orders ----
	{
		displayName:
			'Each input item is one web order: order_id (at most 15 characters), purchase_date, order_total, ' +
			'prices_include_tax, lines [{sku, qty, unit_price, discount}], customer {first_name, last_name, email, phone}, ' +
			'invoice_address {address_1, town, postcode, country_code}, and optionally delivery_address, delivery {method, ' +
			'charge_gross}, payments [{method, amount, reference}] and notes. Imported and already-imported orders come out ' +
			'of Done; orders Khaos would not take come out of Failed with the reason. Prices Include VAT is read for each ' +
			'item; the Options apply to the whole run (read once per run, from the first item).',
		name: 'importNotice',
		type: 'notice',
		default: '',
		displayOptions: importOnly,
	},
	{
		displayName: 'Prices Include VAT',
		name: 'pricesIncludeTax',
		type: 'options',
		options: [
			{
				name: 'As Each Order Says',
				value: 'order',
				description: "From each order's prices_include_tax; orders without it go to Failed",
			},
			{
				name: 'Yes',
				value: 'yes',
				description: 'Unit prices include VAT, unless an order says otherwise',
			},
			{
				name: 'No',
				value: 'no',
				description: 'Unit prices exclude VAT, unless an order says otherwise',
			},
		],
		default: 'order',
		displayOptions: importOnly,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: `${READ_ONCE_PER_RUN}: these apply to every item of the run`,
		displayOptions: importOnly,
		options: [
			{
				displayName: 'Brand',
				name: 'brand',
				type: 'string',
				default: '',
				description: 'Brand for brand-specific paperwork; it must already exist in Khaos',
			},
			{
				displayName: 'Customer Class',
				name: 'companyClass',
				type: 'string',
				default: '',
				description: 'Class given to customers Khaos creates; it must already exist in Khaos',
			},
			{
				displayName: 'Line Codes Are',
				name: 'mappingType',
				type: 'options',
				options: [
					{
						name: 'As in the Credential',
						value: 0,
						description:
							'The Default Stock Mapping Type of the Khaos credential (Stock Codes when it says Description)',
					},
					{ name: 'Barcodes', value: 5 },
					{ name: 'Other Refs', value: 2 },
					{ name: 'Stock Codes', value: 1 },
				],
				default: 0,
				description: 'What the sku of each order line is in Khaos',
			},
			{
				displayName: 'Orders per Call',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 20,
				description: 'How many orders go to Khaos in one call',
			},
			picker({
				displayName: 'Sales Source',
				name: 'salesSource',
				description:
					"The Sales Source the orders are recorded under. Leave empty to use the credential's Sales Source.",
				searchListMethod: 'searchSalesSources',
				typed: { displayName: 'By Name', placeholder: 'e.g. Web, spelt exactly as in Khaos' },
			}),
			picker({
				displayName: 'Stock Site',
				name: 'site',
				description: "The stock site that fulfils the orders. Leave empty for Khaos's default.",
				searchListMethod: 'searchSiteNames',
				typed: { displayName: 'By Name', placeholder: 'e.g. Main Site' },
			}),
			{
				displayName: 'Time Zone of Order Dates',
				name: 'timeZone',
				type: 'string',
				default: 'Europe/London',
				description:
					'Order dates that carry a time zone are converted to this zone, the one Khaos runs in',
			},
			{
				displayName: 'Website Name',
				name: 'websiteName',
				type: 'string',
				default: '',
				description: "Leave empty to use the credential's Website Name",
			},
		],
	},

	// ---- Get Order Status ----
	{
		displayName: 'Order References',
		name: 'orderRefs',
		type: 'string',
		default: '={{ $json.order_id }}',
		required: true,
		placeholder: 'e.g. WEB-1001, WEB-1002',
		description:
			"The orders to look up, separated by commas or new lines. By default each input item's order_id.",
		displayOptions: statusOnly,
	},
	{
		displayName: 'Look Up By',
		name: 'lookUpBy',
		type: 'options',
		options: [
			{
				name: 'Web Order Reference',
				value: 4,
				description: 'The order_id the order was imported with',
			},
			{ name: 'Khaos Sales Order Code', value: 3 },
		],
		default: 4,
		description: `${READ_ONCE_PER_RUN}: one look-up for all the references`,
		displayOptions: statusOnly,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: `${READ_ONCE_PER_RUN}: these apply to every item of the run`,
		displayOptions: statusOnly,
		options: [
			{
				displayName: 'Include Cancelled Orders',
				name: 'includeCancelled',
				type: 'boolean',
				default: true,
				description:
					'Whether cancelled orders are reported (with cancelled set to true) rather than treated as not found',
			},
			{
				displayName: 'Include Items',
				name: 'showItems',
				type: 'boolean',
				default: false,
				description: 'Whether to list what each invoice and box holds',
			},
		],
	},

	// ---- Export Customers ----
	{
		displayName: 'Changed Since',
		name: 'changedSince',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2024-05-01',
		description:
			'Only customers added or changed since this date (UK time). Leave empty for every customer, for a one-off import.',
		displayOptions: customersOnly,
	},
	{
		displayName: 'Customer Classes',
		name: 'companyClasses',
		type: 'string',
		default: '',
		placeholder: 'e.g. Internet, Trade',
		description: 'Only customers of these classes, separated by commas. Leave empty for all.',
		displayOptions: customersOnly,
	},
	{
		displayName: 'Leave Out Customer Codes',
		name: 'excludeCodes',
		type: 'string',
		default: 'EPOS, *TEST*',
		description:
			"System accounts to leave out (the till's EPOS account, test accounts), separated by commas; * matches " +
			'anything. Hidden customers are always left out.',
		displayOptions: customersOnly,
	},
	{
		displayName: 'Deleted From',
		name: 'deletedFrom',
		type: 'string',
		default: '={{ $now.minus({ days: 1 }).toFormat("yyyy-MM-dd") }}',
		required: true,
		description: 'First day to look at (UK time). Khaos records deletions by day.',
		displayOptions: { show: { operation: ['getDeletedCustomers'] } },
	},
	{
		displayName: 'Deleted To',
		name: 'deletedTo',
		type: 'string',
		default: '={{ $now.toFormat("yyyy-MM-dd") }}',
		required: true,
		description: 'Last day to look at (UK time)',
		displayOptions: { show: { operation: ['getDeletedCustomers'] } },
	},

	...mailingPreferenceProperties,
];
