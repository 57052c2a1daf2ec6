/**
 * The mapping settings, described once: the template workbook's Settings sheet, the workbook
 * reader and the node's options are all built from this list.
 */
import { describeDelimiter, type Delimiter, type TextEncoding } from '../files';
import { DEFAULT_SETTINGS, type MappingSettings } from './mapping';

export interface SettingChoice {
	value: string;
	label: string;
}

export interface SettingDefinition {
	key: keyof MappingSettings;
	label: string;
	description: string;
	kind: 'text' | 'number' | 'yes/no' | 'choice';
	choices?: SettingChoice[];
	/** Shown in the template; blank means "detect" or "not used". */
	example: string;
}

const DELIMITERS: Delimiter[] = [',', ';', '\t', '|'];
const ENCODINGS: TextEncoding[] = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'];

export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
	{
		key: 'delimiter',
		label: 'Delimiter',
		kind: 'choice',
		example: '',
		description: 'What separates the columns of a text export. Leave blank to detect it.',
		choices: DELIMITERS.map((value) => ({ value, label: describeDelimiter(value) })),
	},
	{
		key: 'encoding',
		label: 'Encoding',
		kind: 'choice',
		example: '',
		description:
			'The character set of a text export. Leave blank to detect it (UTF-8 or Windows-1252, as Excel saves in the UK).',
		choices: ENCODINGS.map((value) => ({ value, label: value.toUpperCase() })),
	},
	{
		key: 'dateFormat',
		label: 'Date format',
		kind: 'text',
		example: 'dd/MM/yyyy HH:mm',
		description:
			'How the till writes dates, for date fields without their own format: dd/MM/yyyy, ' +
			'M/d/yy H:mm, ISO… Separate alternatives with ||. Dates that could be read two ways ' +
			'are rejected, never guessed.',
	},
	{
		key: 'decimalSeparator',
		label: 'Decimal separator',
		kind: 'choice',
		example: '.',
		description: 'The decimal point of numbers and money: a point (12.50) or a comma (12,50).',
		choices: [
			{ value: '.', label: 'Point (12.50)' },
			{ value: ',', label: 'Comma (12,50)' },
		],
	},
	{
		key: 'rowGrain',
		label: 'Row grain',
		kind: 'choice',
		example: 'line',
		description:
			'Transactions: one row per item sold (rows are grouped into orders by the order key), or one row per basket.',
		choices: [
			{ value: 'line', label: 'One row per item sold' },
			{ value: 'basket', label: 'One row per basket' },
		],
	},
	{
		key: 'orderKey',
		label: 'Order key',
		kind: 'text',
		example: 'order_id',
		description: 'Transactions: the field whose value ties the rows of one order together.',
	},
	{
		key: 'headerRow',
		label: 'Header row',
		kind: 'number',
		example: '1',
		description: 'Which row holds the column names, counting non-blank rows (1 = the first).',
	},
	{
		key: 'refundPrefix',
		label: 'Refund prefix',
		kind: 'text',
		example: '',
		description:
			'Transactions: order numbers starting with this are refunds or cancellations (C in the ' +
			'Online Retail layout). Leave blank when refunds have no prefix: negative quantities ' +
			'are refunds anyway.',
	},
	{
		key: 'defaultCountry',
		label: 'Default country',
		kind: 'text',
		example: 'GB',
		description:
			'The country of phone numbers written without +44 and the like (a two-letter code).',
	},
	{
		key: 'timeZone',
		label: 'Time zone',
		kind: 'text',
		example: 'Europe/London',
		description: 'The time zone the till writes times in.',
	},
	{
		key: 'pricesIncludeTax',
		label: 'Prices include tax',
		kind: 'yes/no',
		example: 'No',
		description:
			'Transactions: line prices already include tax (VAT), so the order total does not add it again.',
	},
	{
		key: 'currency',
		label: 'Currency',
		kind: 'text',
		example: 'GBP',
		description: 'The currency of money written without a symbol (a three-letter code).',
	},
	{
		key: 'keepUnmappedColumns',
		label: 'Keep unmapped columns',
		kind: 'yes/no',
		example: 'No',
		description: 'Keep the columns no field uses, under custom, named in lower snake case.',
	},
	{
		key: 'sheetName',
		label: 'Sheet name',
		kind: 'text',
		example: '',
		description: 'For Excel exports: the sheet to read. Leave blank for the first.',
	},
];

/** Turns a setting as written by a person (in a workbook cell or a node field) into its value. */
export function parseSetting(
	definition: SettingDefinition,
	written: unknown,
): { value?: unknown; problem?: string } {
	const text = written === '\t' ? '\t' : String(written ?? '').trim();
	if (text === '') return {};
	switch (definition.kind) {
		case 'number': {
			const number = Number(text);
			return Number.isInteger(number) && number >= 1
				? { value: number }
				: { problem: `${definition.label} must be a whole number from 1, not "${text}"` };
		}
		case 'yes/no': {
			const answer = /^(y|yes|true|1|-1)$/i.test(text)
				? true
				: /^(n|no|false|0)$/i.test(text)
					? false
					: undefined;
			return answer === undefined
				? { problem: `${definition.label} must be Yes or No, not "${text}"` }
				: { value: answer };
		}
		case 'choice': {
			const wanted = text === '\\t' || text.toLowerCase() === 'tab' ? '\t' : text;
			const choice = definition.choices!.find(
				(candidate) =>
					candidate.value === wanted ||
					candidate.value.toLowerCase() === wanted.toLowerCase() ||
					candidate.label.toLowerCase() === text.toLowerCase(),
			);
			return choice
				? { value: choice.value }
				: {
						problem: `${definition.label} must be one of ${definition.choices!.map((candidate) => `"${candidate.label}"`).join(', ')}, not "${text}"`,
					};
		}
		default:
			return { value: text };
	}
}

/** Settings from written values keyed by setting key; unknown and blank values keep the defaults. */
export function settingsFrom(
	written: Partial<Record<keyof MappingSettings, unknown>>,
	base: MappingSettings = DEFAULT_SETTINGS,
) {
	const settings: MappingSettings = { ...base };
	const problems: string[] = [];
	for (const definition of SETTING_DEFINITIONS) {
		if (!Object.hasOwn(written, definition.key)) continue;
		const { value, problem } = parseSetting(definition, written[definition.key]);
		if (problem) problems.push(problem);
		else if (value !== undefined)
			(settings as unknown as Record<string, unknown>)[definition.key] = value;
	}
	return { settings, problems };
}
