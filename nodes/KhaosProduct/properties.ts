import { picker } from '../shared/pickers';
import type { INodeProperties } from 'n8n-workflow';

const productOperations = ['getChanged', 'getByCode'];

/** "As in the credential" plus Khaos's stock mapping types. */
export const lookUpByProperty: INodeProperties = {
	displayName: 'Look Up By',
	name: 'lookUpBy',
	type: 'options',
	options: [
		{
			name: 'As in the Credential',
			value: 0,
			description: 'The Default Stock Mapping Type of the Khaos credential',
		},
		{ name: 'Description', value: 4 },
		{ name: 'Other Ref', value: 2 },
		{ name: 'Stock Code', value: 1 },
	],
	default: 0,
	description: 'What the codes you give are in Khaos',
};

/** For large catalogues: Khaos's guide warns that plain transfers may time out. */
export const compressedOption: INodeProperties = {
	displayName: 'Compressed Transfers',
	name: 'compressed',
	type: 'boolean',
	default: false,
	description:
		'Whether to fetch lists, product data and categories zipped (GetStockListCompressed, ' +
		'ExportStockCompressed, ExportWebCategoriesCompressed), for large catalogues where plain ' +
		'transfers time out',
};

export const khaosProductProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Get Changed Products',
				value: 'getChanged',
				description:
					'Products edited, or whose stock moved, since a date or since the previous run',
				action: 'Get changed products',
			},
			{
				name: 'Get Price List',
				value: 'getPriceList',
				description: 'Sale, web, customer-class or customer prices, one item per price',
				action: 'Get a price list',
			},
			{
				name: 'Get Price List Names',
				value: 'getPriceLists',
				description: 'The price lists set up in Khaos',
				action: 'Get price list names',
			},
			{
				name: 'Get Products by Stock Code',
				value: 'getByCode',
				description: 'Products for the stock codes you list',
				action: 'Get products by stock code',
			},
			{
				name: 'Get Stock Levels',
				value: 'getStockLevels',
				description: 'Stock level, status and prices per item',
				action: 'Get stock levels',
			},
			{
				name: 'Get Stock Potential',
				value: 'getStockPotential',
				description:
					'For kits and builds: available, on order, back-ordered and potential stock per item',
				action: 'Get stock potential',
			},
			{
				name: 'Get Web Categories',
				value: 'getWebCategories',
				description: "A website's category tree, one item per category",
				action: 'Get web categories',
			},
		],
		default: 'getChanged',
	},
	{
		displayName:
			'Products seen for the first time come out with needs_web_review set to true, so ' +
			'someone can check them on the web store. Only active workflows remember what they ' +
			'have seen: in test runs from the editor every product counts as new.',
		name: 'firstSeenNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: productOperations } },
	},

	// ---- Get Changed Products ----
	{
		displayName: 'Changed Since',
		name: 'changedSince',
		type: 'string',
		default: '={{ $now.minus({ days: 1 }).toISO() }}',
		required: true,
		placeholder: 'e.g. 2024-05-01 or 2024-05-01T09:30:00',
		description:
			'A date, a date and time (Khaos time, which is UK time), or the cursor of a previous run. Products changed at or after it are returned.',
		hint:
			'Every product this returns carries a cursor: give it here next time to carry on exactly ' +
			'where this run stopped. No product means nothing changed; keep the cursor you had.',
		displayOptions: { show: { operation: ['getChanged'] } },
	},
	{
		displayName: 'Include Stock Level Changes',
		name: 'includeMovements',
		type: 'boolean',
		default: true,
		description:
			'Whether products whose stock moved (sales, deliveries, adjustments) count as changed, as well as products someone edited',
		displayOptions: { show: { operation: ['getChanged'] } },
	},
	{
		displayName: 'Max Products',
		name: 'maxProducts',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'The most products one run returns, oldest change first; the cursor lets the next run carry on. 0 returns them all.',
		displayOptions: { show: { operation: ['getChanged'] } },
	},

	// ---- Get Products by Stock Code ----
	{
		displayName: 'Stock Codes',
		name: 'stockCodes',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. HL0453, HL0454',
		description:
			'Separate codes with commas or new lines. Use the code of a size/colour parent, not of one of its variants.',
		hint: 'Codes Khaos does not know give no product',
		displayOptions: { show: { operation: ['getByCode'] } },
	},
	{ ...lookUpByProperty, displayOptions: { show: { operation: ['getByCode'] } } },

	// ---- both product operations ----
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: productOperations } },
		options: [
			{
				displayName: 'Flag New Products for Review',
				name: 'flagNew',
				type: 'boolean',
				default: true,
				description:
					'Whether to set needs_web_review on products this node has not seen before, and remember the ones it has seen',
			},
			{
				displayName: 'Include Stock Levels',
				name: 'includeStock',
				type: 'boolean',
				default: true,
				description:
					'Whether to add stock level and status. Without them a run-to-zero item cannot be hidden when it sells out.',
			},
			{
				displayName: 'Include Web Categories',
				name: 'includeCategories',
				type: 'boolean',
				default: false,
				description:
					"Whether to add each product's category paths (e.g. Footwear > Sandals) from the website's categories in Khaos",
			},
			compressedOption,
			{
				displayName: 'Website',
				name: 'website',
				type: 'string',
				default: '',
				placeholder: 'e.g. Main Website',
				description:
					"The website whose categories to use, as named in Khaos. Leave empty to use the credential's Website Name.",
			},
		],
	},

	// ---- Get Stock Potential ----
	{
		displayName: 'Stock Codes',
		name: 'stockCodes',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. HLPACK01',
		description: 'Separate codes with commas or new lines',
		displayOptions: { show: { operation: ['getStockPotential'] } },
	},

	// ---- Get Price List ----
	{
		displayName: 'Price List Kind',
		name: 'priceListKind',
		type: 'options',
		options: [
			{
				name: 'Stock Item Price List (by Name)',
				value: 0,
				description:
					'ExportPriceList: a stock item price list; leave the name empty for the one whose name begins with "web"',
			},
			{
				name: 'Stock Item / Customer',
				value: 1,
				description: 'Prices for particular customers, by customer code',
			},
			{
				name: 'Stock Item / Customer Class',
				value: 3,
				description: 'Prices per customer class price list, by price list name',
			},
			{
				name: 'Stock Type / Customer',
				value: 2,
				description: 'Prices per stock type for particular customers, by customer code',
			},
			{
				name: 'Stock Type / Customer Class',
				value: 4,
				description: 'Prices per stock type and price list, by price list name',
			},
		],
		default: 0,
		displayOptions: { show: { operation: ['getPriceList'] } },
	},
	{
		displayName: 'Price Lists',
		name: 'priceListNames',
		type: 'string',
		default: '',
		placeholder: 'e.g. Web Prices',
		description: 'Price list names, or customer codes for the customer kinds, separated by commas',
		displayOptions: { show: { operation: ['getPriceList'] } },
	},

	// ---- Get Stock Levels ----
	{
		displayName: 'Stock Codes',
		name: 'stockCodes',
		type: 'string',
		default: '',
		placeholder: 'e.g. HL0453, HL0454',
		description: 'Separate codes with commas or new lines. Leave empty for every item in Khaos.',
		displayOptions: { show: { operation: ['getStockLevels'] } },
	},
	{ ...lookUpByProperty, displayOptions: { show: { operation: ['getStockLevels'] } } },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['getStockLevels'] } },
		options: [
			{
				displayName: 'Add Up Sites',
				name: 'addUpSites',
				type: 'boolean',
				default: false,
				description:
					'Whether to give one row per item with the levels of all sites added up, instead of one row per item and site',
			},
			picker({
				displayName: 'Site',
				name: 'siteId',
				description:
					"The Khaos stock site to report (-1: all sites, added up). Leave this option out to use the credential's Site ID.",
				searchListMethod: 'searchSiteIds',
				typed: {
					displayName: 'By ID',
					placeholder: 'e.g. 1, or -1 for all sites',
					validate: {
						regex: '^-?[0-9]+$',
						errorMessage: 'A site ID is a whole number (-1 for all sites)',
					},
				},
			}),
		],
	},

	// ---- Get Web Categories ----
	{
		displayName: 'Website',
		name: 'website',
		type: 'string',
		default: '',
		placeholder: 'e.g. Main Website',
		description: "The website as named in Khaos. Leave empty to use the credential's Website Name.",
		displayOptions: { show: { operation: ['getWebCategories'] } },
	},
	{
		...compressedOption,
		description:
			'Whether to fetch the categories zipped (ExportWebCategoriesCompressed), for large category trees where plain transfers time out',
		displayOptions: { show: { operation: ['getWebCategories'] } },
	},
];
