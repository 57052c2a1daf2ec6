/**
 * Ready-made mappings for export layouts documented in public, so a consultant with one of these
 * tills needs no workbook at all.
 */
import { DEFAULT_SETTINGS, type FieldMapping, type Mapping, type MappingSettings } from './mapping';
import { defaultType } from './mapping';
import { fieldDefinition, type Feed } from './schema';

export interface Preset {
	id: string;
	name: string;
	description: string;
	feed: Feed;
	/**
	 * Builds the mapping; the settings given override the preset's own (time zone, currency…). A
	 * date format given overrides the formats of the preset's date fields too.
	 */
	mapping(overrides?: Partial<MappingSettings>): Mapping;
}

type FieldSpec = [target: string, source: string, extra?: Partial<FieldMapping>];

function fields(feed: Feed, specs: FieldSpec[]): FieldMapping[] {
	return specs.map(([target, source, extra]) => ({
		target,
		source,
		type: defaultType(feed, target),
		required: false,
		transform: 'none',
		clearWhenBlank: false,
		// A preset names every column its layout may have; versions of the layout leave some out.
		mayBeAbsent: !(extra?.required || fieldDefinition(feed, target)?.required),
		...extra,
	}));
}

function preset(
	definition: Omit<Preset, 'mapping'> & {
		fields: FieldSpec[];
		settings: Partial<MappingSettings>;
		valueMaps?: Mapping['valueMaps'];
	},
): Preset {
	const { fields: specs, settings, valueMaps = {}, ...about } = definition;
	return {
		...about,
		mapping: (overrides = {}) => ({
			feed: about.feed,
			fields: fields(about.feed, specs).map((field) =>
				overrides.dateFormat && (field.type === 'date' || field.type === 'datetime')
					? { ...field, format: undefined }
					: field,
			),
			settings: { ...DEFAULT_SETTINGS, ...settings, ...overrides },
			valueMaps,
			origin: `the "${about.name}" preset`,
		}),
	};
}

/**
 * Square's "Item Detail" export: one row per item sold, grouped by Transaction ID. Money is
 * written `$8.00`, quantities `1.0`; there is no email, only a Customer ID. Date and Time are
 * separate columns in the seller's local time: set the time zone to the shop's.
 */
export const squareItemDetail = preset({
	id: 'square-item-detail',
	name: 'Square Item Detail',
	description:
		'Square Dashboard → Reports → Items → Export → Item Detail CSV (one row per item sold)',
	feed: 'transaction',
	settings: { rowGrain: 'line', orderKey: 'order_id' },
	valueMaps: {
		'Square event type': new Map([
			['Refund', 'true'],
			['Payment', 'false'],
		]),
	},
	fields: [
		['order_id', 'Transaction ID'],
		[
			'purchase_date',
			'Date + Time',
			{ format: 'yyyy-MM-dd HH:mm:ss || yyyy-MM-dd HH:mm', required: true },
		],
		['customer_id', 'Customer ID'],
		['store_code', 'Location'],
		['payment_method', 'Card Brand'],
		[
			'is_refund',
			'Event Type',
			{ transform: 'map', valueMap: 'Square event type', unmatched: 'blank' },
		],
		['lines.sku', 'SKU | Item'],
		['lines.name', 'Item | Price Point Name'],
		['lines.category', 'Category'],
		['lines.qty', 'Qty'],
		['lines.gross_amount', 'Gross Sales'],
		['lines.discount', 'Discounts'],
		['lines.tax', 'Tax'],
		['lines.line_total', 'Net Sales'],
		['custom.customer_name', 'Customer Name'],
		['custom.device_name', 'Device Name'],
		['custom.channel', 'Channel'],
	],
});

/**
 * The invoice-line layout of the public "Online Retail" dataset (UCI), also what many UK tills
 * export: one row per invoice line, invoices starting with C are cancellations, prices in pounds.
 * InvoiceDate is written `12/1/2010 8:26` (month first) or `12/1/10 8:26`; an Excel copy holds
 * real dates.
 */
export const onlineRetail = preset({
	id: 'online-retail',
	name: 'Online Retail (invoice lines)',
	description:
		'InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country',
	feed: 'transaction',
	settings: {
		rowGrain: 'line',
		orderKey: 'order_id',
		refundPrefix: 'C',
		currency: 'GBP',
		timeZone: 'Europe/London',
	},
	fields: [
		['order_id', 'InvoiceNo | Invoice'],
		[
			'purchase_date',
			'InvoiceDate',
			{ format: 'M/d/yyyy H:mm || M/d/yy H:mm || yyyy-MM-dd HH:mm:ss || yyyy-MM-dd HH:mm' },
		],
		['customer_id', 'CustomerID | Customer ID'],
		['lines.sku', 'StockCode'],
		['lines.name', 'Description'],
		['lines.qty', 'Quantity', { type: 'integer' }],
		['lines.unit_price', 'UnitPrice | Price'],
		['custom.country', 'Country'],
	],
});

export const PRESETS: readonly Preset[] = [squareItemDetail, onlineRetail];

export function presetById(id: string): Preset {
	const found = PRESETS.find((candidate) => candidate.id === id);
	if (!found)
		throw new Error(
			`There is no preset "${id}"; the presets are ${PRESETS.map((candidate) => candidate.id).join(', ')}`,
		);
	return found;
}
