/**
 * The canonical records every feed maps into, field by field. This is the single definition: the
 * mapping engine validates targets against it, the node lists its fields, and the build generates
 * the mapping template workbook from it, so the three cannot drift apart.
 */
import type { FieldType } from './values';

export type Feed = 'customer' | 'product' | 'transaction';

export const FEEDS: readonly Feed[] = ['customer', 'product', 'transaction'];

export interface FieldDefinition {
	/** The canonical field, as it appears in records. Transaction line fields are written `lines.<field>`. */
	name: string;
	type: FieldType;
	/** What the field holds, in a shop manager's words. */
	description: string;
	/** A typical value, shown in the template workbook. */
	example: string;
	/** The record cannot exist without it. */
	required?: boolean;
}

export interface FeedDefinition {
	feed: Feed;
	/** The sheet of the mapping workbook that maps this feed. */
	sheet: string;
	label: string;
	fields: FieldDefinition[];
	/** A rule about the record as a whole, checked after its fields are mapped. */
	recordRule?: { anyOf: string[]; message: string };
}

const customer: FeedDefinition = {
	feed: 'customer',
	sheet: 'Customers',
	label: 'Customers',
	recordRule: {
		anyOf: ['customer_id', 'email', 'mobile'],
		message: 'has no customer ID, email or mobile number, so it cannot be matched to anyone',
	},
	fields: [
		{
			name: 'customer_id',
			type: 'text',
			description: 'The customer number in the POS.',
			example: 'C10023',
		},
		{
			name: 'email',
			type: 'email',
			description: 'Email address; checked and lowercased.',
			example: 'jo.bloggs@example.com',
		},
		{
			name: 'mobile',
			type: 'phone',
			description: 'Mobile number, sent in international form (+44…).',
			example: '07700 900123',
		},
		{
			name: 'phone',
			type: 'phone',
			description: 'Other phone number, in international form.',
			example: '01632 960001',
		},
		{ name: 'first_name', type: 'text', description: 'First name.', example: 'Jo' },
		{ name: 'last_name', type: 'text', description: 'Last name.', example: 'Bloggs' },
		{
			name: 'full_name',
			type: 'text',
			description: 'The whole name, when the till keeps it in one column.',
			example: 'Jo Bloggs',
		},
		{ name: 'title', type: 'text', description: 'Mr, Mrs, Ms, Dr…', example: 'Ms' },
		{ name: 'gender', type: 'text', description: 'Gender, as the till records it.', example: 'F' },
		{ name: 'birth_date', type: 'date', description: 'Date of birth.', example: '1988-04-17' },
		{
			name: 'address_1',
			type: 'text',
			description: 'First address line.',
			example: '1 High Street',
		},
		{ name: 'address_2', type: 'text', description: 'Second address line.', example: 'Flat 2' },
		{ name: 'town', type: 'text', description: 'Town or city.', example: 'Grantham' },
		{
			name: 'county',
			type: 'text',
			description: 'County, state or region.',
			example: 'Lincolnshire',
		},
		{
			name: 'postcode',
			type: 'text',
			description: 'Postcode or ZIP code; kept as written (leading zeros stay).',
			example: 'NG31 7FZ',
		},
		{ name: 'country', type: 'text', description: 'Country name or code.', example: 'GB' },
		{
			name: 'store_code',
			type: 'text',
			description: 'The store the customer signed up in.',
			example: 'LDN01',
		},
		{
			name: 'marketing_opt_in',
			type: 'boolean',
			description:
				'Whether the customer agreed to marketing at the till. Used only for new contacts.',
			example: 'Y',
		},
		{
			name: 'loyalty_number',
			type: 'text',
			description: 'Loyalty card number.',
			example: 'L-99812',
		},
		{
			name: 'created_at',
			type: 'datetime',
			description: 'When the customer record was created.',
			example: '2026-06-27 13:01',
		},
		{
			name: 'updated_at',
			type: 'datetime',
			description: 'When the customer record last changed.',
			example: '2026-06-28 09:15',
		},
	],
};

const product: FeedDefinition = {
	feed: 'product',
	sheet: 'Products',
	label: 'Products',
	fields: [
		{
			name: 'sku',
			type: 'text',
			required: true,
			description: 'Stock code; the key the product is matched on.',
			example: 'TSHIRT-RED-M',
		},
		{
			name: 'parent_sku',
			type: 'text',
			description: 'The stock code of the product this is a size or colour of.',
			example: 'TSHIRT',
		},
		{ name: 'name', type: 'text', description: 'Product name.', example: 'Organic T-shirt' },
		{
			name: 'summary',
			type: 'text',
			description: 'Short description.',
			example: 'Soft organic cotton',
		},
		{
			name: 'description',
			type: 'text',
			description: 'Full description.',
			example: 'A soft, organic cotton T-shirt…',
		},
		{ name: 'price', type: 'money', description: 'Selling price.', example: '£19.99' },
		{
			name: 'sale_price',
			type: 'money',
			description: 'Reduced price, when on sale.',
			example: '£14.99',
		},
		{
			name: 'currency',
			type: 'text',
			description: 'Currency code; found from the price symbol when not mapped.',
			example: 'GBP',
		},
		{ name: 'category', type: 'text', description: 'Category.', example: 'Tops' },
		{ name: 'brand', type: 'text', description: 'Brand.', example: 'Acme' },
		{ name: 'size', type: 'text', description: 'Size.', example: 'M' },
		{ name: 'colour', type: 'text', description: 'Colour.', example: 'Red' },
		{ name: 'style', type: 'text', description: 'Style.', example: 'Crew neck' },
		{
			name: 'barcode',
			type: 'text',
			description: 'Barcode (EAN/UPC/GTIN), kept as written.',
			example: '5012345678900',
		},
		{ name: 'stock_level', type: 'number', description: 'Quantity in stock.', example: '12' },
		{
			name: 'image_url',
			type: 'text',
			description: 'Link to the product image.',
			example: 'https://shop.example.com/img/tshirt.jpg',
		},
		{
			name: 'tags',
			type: 'text',
			description: 'Tags, separated by commas in the cell.',
			example: 'organic, summer',
		},
		{
			name: 'active',
			type: 'boolean',
			description: 'Whether the product is on sale.',
			example: 'Y',
		},
		{
			name: 'updated_at',
			type: 'datetime',
			description: 'When the product last changed.',
			example: '2026-06-28 09:15',
		},
	],
};

const transaction: FeedDefinition = {
	feed: 'transaction',
	sheet: 'Transactions',
	label: 'Transactions',
	fields: [
		{
			name: 'order_id',
			type: 'text',
			required: true,
			description:
				'Transaction, receipt or invoice number. Rows with the same number become one order.',
			example: 'R-000123',
		},
		{
			name: 'customer_id',
			type: 'text',
			description: 'The customer number, to link the order to the customer.',
			example: 'C10023',
		},
		{
			name: 'email',
			type: 'email',
			description: 'The customer’s email, when the till records it.',
			example: 'jo.bloggs@example.com',
		},
		{
			name: 'store_code',
			type: 'text',
			description: 'The store the sale was made in.',
			example: 'LDN01',
		},
		{
			name: 'purchase_date',
			type: 'datetime',
			required: true,
			description: 'When the sale was made.',
			example: '2026-06-27 13:01:09',
		},
		{
			name: 'currency',
			type: 'text',
			description: 'Currency code; found from the money symbols when not mapped.',
			example: 'GBP',
		},
		{
			name: 'status',
			type: 'text',
			description: 'Order status as the till writes it.',
			example: 'Completed',
		},
		{
			name: 'order_subtotal',
			type: 'money',
			description:
				'Value of the goods after line discounts. Worked out from the lines when not mapped.',
			example: '£36.00',
		},
		{
			name: 'discount_total',
			type: 'money',
			description: 'Total discount. Worked out from the lines when not mapped.',
			example: '£4.00',
		},
		{
			name: 'tax_total',
			type: 'money',
			description: 'Total tax. Worked out from the lines when not mapped.',
			example: '£6.00',
		},
		{ name: 'delivery_total', type: 'money', description: 'Delivery charge.', example: '£0.00' },
		{
			name: 'order_total',
			type: 'money',
			description: 'What the customer paid. Worked out when not mapped.',
			example: '£36.00',
		},
		{
			name: 'payment_method',
			type: 'text',
			description: 'How the customer paid.',
			example: 'Visa',
		},
		{
			name: 'is_refund',
			type: 'boolean',
			description:
				'A refund or cancellation. Also set by a negative quantity or the refund prefix setting.',
			example: 'N',
		},
		{ name: 'lines.sku', type: 'text', description: 'Line: stock code.', example: 'TSHIRT-RED-M' },
		{
			name: 'lines.name',
			type: 'text',
			description: 'Line: product name.',
			example: 'Organic T-shirt',
		},
		{
			name: 'lines.category',
			type: 'text',
			description: 'Line: product category.',
			example: 'Tops',
		},
		{
			name: 'lines.qty',
			type: 'number',
			description: 'Line: quantity; negative for a return.',
			example: '2',
		},
		{
			name: 'lines.unit_price',
			type: 'money',
			description: 'Line: price of one item. Worked out from the gross amount when not mapped.',
			example: '£20.00',
		},
		{
			name: 'lines.gross_amount',
			type: 'money',
			description:
				'Line: value before discount (quantity × price), when the export has no unit price.',
			example: '£40.00',
		},
		{
			name: 'lines.discount',
			type: 'money',
			description: 'Line: discount, as a positive amount.',
			example: '£4.00',
		},
		{ name: 'lines.tax', type: 'money', description: 'Line: tax.', example: '£6.00' },
		{
			name: 'lines.line_total',
			type: 'money',
			description: 'Line: value after discount. Worked out when not mapped.',
			example: '£36.00',
		},
	],
};

export const FEED_DEFINITIONS: Readonly<Record<Feed, FeedDefinition>> = {
	customer,
	product,
	transaction,
};

/** Custom fields are written `custom.<name>`; names are lower snake case. */
export const CUSTOM_PREFIX = 'custom.';

export function fieldDefinition(feed: Feed, name: string): FieldDefinition | undefined {
	return FEED_DEFINITIONS[feed].fields.find((field) => field.name === name);
}

export function isLineField(name: string): boolean {
	return name.startsWith('lines.');
}
