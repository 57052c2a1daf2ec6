import type { INodeProperties } from 'n8n-workflow';

const FEEDS = [
	{ name: 'Customers', value: 'customers' },
	{ name: 'Products', value: 'products' },
	{ name: 'Transactions', value: 'transactions' },
];

export const syncLedgerProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Get Summary',
				value: 'summary',
				action: 'Get a summary of the period for the daily check or weekly review',
				description:
					'One item: whether every file balanced and every feed came, the ' +
					'counts per feed, the records to fix by owner, and a chart of ' +
					'the last days, as subject, text and HTML for an email',
			},
			{
				name: 'Get Files',
				value: 'files',
				action: 'Get each file and what became of its records',
				description:
					'One item per file and run: rows read, records, rejected, unchanged, sent, accepted and failed, the value of the orders, and whether it balanced',
			},
			{
				name: 'Get Records to Fix',
				value: 'exceptions',
				action: 'Get the records to fix by owner and reason',
				description:
					'One item per owner (till data, mapping, API) and reason, the most common first, with an example',
			},
		],
		default: 'summary',
	},
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		options: [
			{ name: 'Between Two Dates', value: 'custom' },
			{ name: 'Last 30 Days', value: 'last30Days', description: 'The 30 days before today' },
			{ name: 'Last 7 Days', value: 'last7Days', description: 'The 7 days before today' },
			{ name: 'Today', value: 'today' },
			{ name: 'Yesterday', value: 'yesterday' },
		],
		default: 'yesterday',
		description: 'Whole days in the workflow’s time zone (Workflow Settings → Timezone)',
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'The first day to include',
		displayOptions: { show: { period: ['custom'] } },
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		description: 'The last day to include; leave empty for just the From day',
		displayOptions: { show: { period: ['custom'] } },
	},
	{
		displayName: 'Feeds Expected',
		name: 'expectedFeeds',
		type: 'multiOptions',
		options: FEEDS,
		default: ['customers', 'products', 'transactions'],
		description: 'A feed in this list with no file in the period is reported as missing',
		displayOptions: { show: { operation: ['summary'] } },
	},
	{
		displayName: 'Days in the Chart',
		name: 'chartDays',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 90 },
		default: 14,
		description: 'How many days, up to the end of the period, the chart of records per day shows',
		displayOptions: { show: { operation: ['summary'] } },
	},
	{
		displayName: 'Only Files That Need a Look',
		name: 'onlyNotBalanced',
		type: 'boolean',
		default: false,
		description: 'Whether to leave out the files whose counts all add up',
		displayOptions: { show: { operation: ['files'] } },
	},
];
