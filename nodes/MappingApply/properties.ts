import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { splitByFeedProperty } from './feed-outputs';
import { suggestProperties } from './suggest-operation';
import {
	FIELD_TYPES,
	PRESETS,
	SETTING_DEFINITIONS,
	TRANSFORM_LABELS,
	TRANSFORMS,
	UNMATCHED_LABELS,
	type SettingDefinition,
} from '../../lib/mapping';

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const titleCase = (text: string) => text.split(' ').map(capitalise).join(' ');

const applyOnly = { operation: ['apply'] };

function settingProperty(setting: SettingDefinition): INodeProperties {
	const base = {
		displayName: titleCase(setting.label),
		name: setting.key,
		description: setting.description,
	};
	switch (setting.kind) {
		case 'number':
			return {
				...base,
				type: 'number',
				default: Number(setting.example) || 1,
				typeOptions: { minValue: 1 },
			};
		case 'yes/no':
			return { ...base, type: 'boolean', default: /^yes$/i.test(setting.example) };
		case 'choice':
			const options = setting.choices!.map(({ value, label }) => ({ name: label, value }));
			return {
				...base,
				type: 'options',
				options,
				default: setting.example || setting.choices![0].value,
			};
		default:
			return {
				...base,
				type: 'string',
				default: '',
				placeholder: setting.example ? `e.g. ${setting.example}` : undefined,
			};
	}
}

const fieldEntry: INodeProperties[] = [
	{
		displayName: 'Field Name or ID',
		name: 'target',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTargetFields', loadOptionsDependsOn: ['feed'] },
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'The field of the record to fill. Pick "Custom Field…" to keep an extra column.',
	},
	{
		displayName: 'Custom Field Name',
		name: 'customName',
		type: 'string',
		default: '',
		placeholder: 'e.g. loyalty_tier',
		description: 'Lower case letters, digits and _. It appears under "custom" in the record.',
		displayOptions: { show: { target: ['custom'] } },
	},
	{
		displayName: 'Source Column(s)',
		name: 'source',
		type: 'string',
		default: '',
		placeholder: 'e.g. Email | E-mail Address',
		description:
			'The column name as it appears in the export. Separate alternatives with | (the first with a value wins); join ' +
			'columns with + (First Name + Last Name).',
	},
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		options: [
			{ name: 'Usual Type for This Field', value: '' },
			...FIELD_TYPES.map((type) => ({ name: capitalise(type), value: type })),
		],
		default: '',
	},
	{
		displayName: 'Format',
		name: 'format',
		type: 'string',
		default: '',
		placeholder: 'e.g. dd/MM/yyyy HH:mm',
		description:
			'For dates: how the till writes them (dd/MM/yyyy, M/d/yy H:mm; alternatives separated by ||). For columns ' +
			'joined with +: the text between them. For Calculate: the formula, columns in [brackets], e.g. [Line Total] / ' +
			'[Quantity].',
	},
	{
		displayName: 'Required',
		name: 'required',
		type: 'boolean',
		default: false,
		description: 'Whether a row without a value for this field is rejected',
	},
	{
		displayName: 'Default',
		name: 'defaultValue',
		type: 'string',
		default: '',
		description: 'Used when the cell is blank',
	},
	{
		displayName: 'Transform',
		name: 'transform',
		type: 'options',
		options: TRANSFORMS.map((transform) => ({
			name: TRANSFORM_LABELS[transform],
			value: transform,
		})),
		default: 'none',
	},
	{
		displayName: 'Value Map',
		name: 'valueMap',
		type: 'string',
		default: '',
		placeholder: 'e.g. Stores',
		description: 'The name of a value map below',
		displayOptions: { show: { transform: ['map'] } },
	},
	{
		displayName: 'Values Not in the Map',
		name: 'unmatched',
		type: 'options',
		options: Object.entries(UNMATCHED_LABELS).map(([value, name]) => ({ name, value })),
		default: 'keep',
		displayOptions: { show: { transform: ['map'] } },
	},
	{
		displayName: 'Blank Clears the Field',
		name: 'clearWhenBlank',
		type: 'boolean',
		default: false,
		description:
			'Whether a blank cell removes the value downstream. Off: a blank cell leaves what Dotdigital or Khaos holds alone.',
	},
	{
		displayName: 'Column May Be Absent',
		name: 'mayBeAbsent',
		type: 'boolean',
		default: false,
		description:
			'Whether the export may lack this column, leaving the field empty. Off: a missing column stops the file before anything is sent.',
	},
];

export const mappingApplyProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Apply Mapping',
				value: 'apply',
				action: 'Apply a mapping to POS rows',
				description: 'Turn export rows into customer, product or order records',
			},
			{
				name: 'Get Mapping Template',
				value: 'template',
				action: 'Get the mapping template workbook',
				description: 'Output the blank mapping workbook to fill in',
			},
			{
				name: 'Suggest Mapping',
				value: 'suggest',
				action: 'Suggest a mapping for a sample export',
				description:
					'Read a sample export and output the mapping workbook filled in from its headers and values, with a preview of the records',
			},
		],
		default: 'apply',
	},
	{
		displayName: 'Feed',
		name: 'feed',
		type: 'options',
		options: [
			{ name: 'Customers', value: 'customer' },
			{ name: 'Products', value: 'product' },
			{ name: 'Transactions', value: 'transaction' },
			{
				name: 'Customers, Products and Orders From One Export',
				value: 'all',
				description:
					'A per-sale export that carries the customer and the product on every row: each sheet of the mapping workbook ' +
					'that maps something gives its records, from one read of the file',
			},
		],
		default: 'customer',
		description: 'What the rows are, and so which records come out',
		displayOptions: { show: applyOnly },
	},
	splitByFeedProperty,
	{
		displayName: 'Rows Come From',
		name: 'input',
		type: 'options',
		options: [
			{
				name: 'Export Files',
				value: 'file',
				description: 'Files from the POS File Trigger, or any node that outputs a file',
			},
			{
				name: 'Items',
				value: 'items',
				description: 'One item per row, from Extract From File, a database or an HTTP request',
			},
		],
		default: 'file',
		displayOptions: { show: applyOnly },
	},
	{
		displayName: 'File Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'The binary field that holds the export file',
		displayOptions: { show: { ...applyOnly, input: ['file'] } },
	},
	{
		displayName: 'Source Name',
		name: 'sourceName',
		type: 'string',
		default: 'input items',
		description: 'How the rows are named in rejected rows and the summary',
		displayOptions: { show: { ...applyOnly, input: ['items'] } },
	},
	{
		displayName: 'Mapping',
		name: 'mappingSource',
		type: 'options',
		options: [
			{
				name: 'Mapping Workbook',
				value: 'workbook',
				description: 'A filled-in copy of the mapping template (.xlsx, .xls or .csv)',
			},
			{
				name: 'Fields Listed Here',
				value: 'fields',
				description: 'One entry per field, in this node',
			},
			{
				name: 'Preset',
				value: 'preset',
				description: 'A ready-made mapping for a known export layout',
			},
		],
		default: 'workbook',
		displayOptions: { show: applyOnly },
	},
	{
		displayName: 'Workbook Location',
		name: 'workbookLocation',
		type: 'options',
		options: [
			{ name: 'File Path', value: 'path' },
			{ name: 'File in the Input Item', value: 'binary' },
		],
		default: 'path',
		displayOptions: { show: { ...applyOnly, mappingSource: ['workbook'] } },
	},
	{
		displayName: 'Workbook Path',
		name: 'workbookPath',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. /home/node/.n8n-files/mappings/shop-mapping.xlsx',
		hint: 'Use the Get Mapping Template operation to get a blank workbook to fill in',
		displayOptions: {
			show: { ...applyOnly, mappingSource: ['workbook'], workbookLocation: ['path'] },
		},
	},
	{
		displayName: 'Workbook Field',
		name: 'workbookBinaryProperty',
		type: 'string',
		default: 'mapping',
		description: 'The binary field of the input item that holds the mapping workbook',
		displayOptions: {
			show: { ...applyOnly, mappingSource: ['workbook'], workbookLocation: ['binary'] },
		},
	},
	{
		displayName: 'Preset',
		name: 'preset',
		type: 'options',
		options: PRESETS.map((preset): INodePropertyOptions => ({
			name: preset.name,
			value: preset.id,
			description: preset.description,
		})),
		// The first preset (a unit test keeps the two the same).
		default: 'square-item-detail',
		displayOptions: { show: { ...applyOnly, mappingSource: ['preset'] } },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { ...applyOnly, mappingSource: ['fields'] } },
		options: [{ displayName: 'Field', name: 'field', values: fieldEntry }],
	},
	{
		displayName: 'Value Maps',
		name: 'valueMaps',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Value Map',
		default: {},
		displayOptions: { show: { ...applyOnly, mappingSource: ['fields'] } },
		options: [
			{
				displayName: 'Value Map',
				name: 'map',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. Stores',
					},
					{
						displayName: 'Values',
						name: 'pairs',
						type: 'string',
						typeOptions: { rows: 5 },
						default: '',
						placeholder: 'LDN01 = London Oxford Street\nMAN02 = Manchester Arndale',
						description: 'One "From = To" pair per line',
					},
				],
			},
		],
	},
	{
		displayName: 'Settings',
		name: 'settings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description: 'Override the settings of the workbook or preset',
		displayOptions: { show: applyOnly },
		options: SETTING_DEFINITIONS.map(settingProperty).sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: applyOnly },
		options: [
			{
				displayName: 'Record in Sync Ledger',
				name: 'recordInLedger',
				type: 'boolean',
				default: true,
				description:
					"Whether to write each file's counts into the sync ledger that the Sync Ledger node and the daily check read. " +
					'Switch off only where no sync state can be kept (the ledger then misses this step).',
			},
		],
	},
	...suggestProperties,
];
