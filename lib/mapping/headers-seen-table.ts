/**
 * The column names real POS and shop systems write for each canonical field: the one table of
 * this knowledge (customers and products here, sales in headers-seen-sales.ts). The template workbook's "Columns seen in real exports" column and Suggest
 * Mapping's header matching both read it, so what a consultant is told and what the suggestion
 * knows cannot drift apart.
 *
 * Each entry is a header as an export writes it and the exports it was seen in. Sources: the real
 * exports in test/fixtures (Square Item Detail, the "sales_data_sample" order lines, the demo
 * shop's till), the presets, and the published export layouts of Square (Item Detail,
 * Transactions, Customers, Item Library), Shopify (orders, customers, products), Lightspeed Retail
 * (R-Series) and Lightspeed X-Series (Vend), Clover, Epos Now and Toast, the UCI "Online Retail"
 * invoice lines and Tableau's "Sample - Superstore".
 */
/** A header and where it was seen. */
export type HeaderSeen = readonly [header: string, seenIn: string];

export type FieldHeaders = Readonly<Record<string, readonly HeaderSeen[]>>;

export const CUSTOMER_HEADERS_SEEN: FieldHeaders = {
	customer_id: [
		['Customer No', 'demo till'],
		['Customer ID', 'Shopify customers, Clover customers, Superstore'],
		['CustomerID', 'Online Retail'],
		['Customer Number', 'Epos Now'],
		['Customer Code', 'Lightspeed X-Series'],
		['customer_code', 'Vend'],
		['Square Customer ID', 'Square customers'],
		['Reference ID', 'Square customers'],
		['Account', 'tills'],
		['Account Number', 'tills'],
		['Customer Ref', 'tills'],
	],
	email: [
		['Email', 'demo till, Shopify customers, Lightspeed Retail'],
		['Email Address', 'Square customers, Clover customers, Epos Now'],
		['E-mail', 'tills'],
		['E-mail Address', 'tills'],
		['email', 'Vend'],
		['Customer Email', 'Toast'],
	],
	mobile: [
		['Mobile', 'demo till, Lightspeed Retail, Vend'],
		['Mobile Phone', 'tills'],
		['Mobile Number', 'Epos Now'],
		['Cell', 'US tills'],
		['Cell Phone', 'US tills'],
		['mobile', 'Vend'],
	],
	phone: [
		['Phone', 'Shopify customers, Vend'],
		['Phone Number', 'Square customers, Clover customers'],
		['PHONE', 'sales_data_sample'],
		['Telephone', 'tills'],
		['Contact Number', 'Epos Now'],
		['Phone Home', 'Lightspeed Retail'],
		['Default Address Phone', 'Shopify customers'],
	],
	first_name: [
		['First Name', 'demo till, Square, Shopify, Clover'],
		['Forename', 'Epos Now'],
		['first_name', 'Vend'],
		['CONTACTFIRSTNAME', 'sales_data_sample'],
		['Given Name', 'tills'],
	],
	last_name: [
		['Last Name', 'Square, Shopify, Clover'],
		['Surname', 'demo till, Epos Now'],
		['last_name', 'Vend'],
		['CONTACTLASTNAME', 'sales_data_sample'],
		['Family Name', 'tills'],
	],
	full_name: [
		['Customer Name', 'Square Item Detail, Superstore'],
		['CUSTOMERNAME', 'sales_data_sample'],
		['Name', 'tills'],
		['Full Name', 'tills'],
	],
	title: [
		['Title', 'demo till, Epos Now, Lightspeed Retail'],
		['Salutation', 'tills'],
	],
	gender: [
		['Gender', 'tills'],
		['sex', 'Vend'],
	],
	birth_date: [
		['Birthday', 'Square customers, Lightspeed Retail'],
		['Date of Birth', 'Epos Now'],
		['date_of_birth', 'Vend'],
		['DOB', 'tills'],
	],
	address_1: [
		['Address 1', 'tills'],
		['Address Line 1', 'Clover customers, Epos Now'],
		['Address1', 'Shopify customers, Lightspeed Retail'],
		['Street Address 1', 'Square customers'],
		['ADDRESSLINE1', 'sales_data_sample'],
		['Default Address Address1', 'Shopify customers'],
		['physical_address1', 'Vend'],
	],
	address_2: [
		['Address 2', 'tills'],
		['Address Line 2', 'Clover customers, Epos Now'],
		['Address2', 'Shopify customers, Lightspeed Retail'],
		['Street Address 2', 'Square customers'],
		['ADDRESSLINE2', 'sales_data_sample'],
		['Default Address Address2', 'Shopify customers'],
		['physical_address2', 'Vend'],
	],
	town: [
		['Town', 'Epos Now'],
		['City', 'Square, Shopify, Clover, Superstore'],
		['CITY', 'sales_data_sample'],
		['Default Address City', 'Shopify customers'],
		['physical_city', 'Vend'],
	],
	county: [
		['County', 'Epos Now'],
		['State', 'Square customers, Lightspeed Retail, Superstore'],
		['Province', 'Shopify customers'],
		['State / Province', 'Clover customers'],
		['Region', 'tills'],
		['physical_state', 'Vend'],
	],
	postcode: [
		['Postcode', 'demo till'],
		['Post Code', 'Epos Now'],
		['Postal Code', 'Square customers, Superstore'],
		['POSTALCODE', 'sales_data_sample'],
		['Zip', 'Shopify customers, Lightspeed Retail'],
		['ZIP Code', 'US tills'],
		['Postal / Zip Code', 'Clover customers'],
		['Default Address Zip', 'Shopify customers'],
		['physical_postcode', 'Vend'],
	],
	country: [
		['Country', 'Shopify, Clover, Online Retail, Superstore'],
		['Country Code', 'Shopify customers'],
		['Default Address Country Code', 'Shopify customers'],
		['physical_country_id', 'Vend'],
	],
	store_code: [
		['Home Store', 'demo till'],
		['Store', 'tills'],
		['Location', 'Square'],
		['Outlet', 'Vend'],
		['Branch', 'tills'],
	],
	marketing_opt_in: [
		['Email Opt In', 'demo till'],
		['Accepts Email Marketing', 'Shopify customers'],
		['Accepts Marketing', 'Shopify (older exports)'],
		['Marketing Allowed', 'Clover customers'],
		['Marketing Opt In', 'tills'],
		['Opt In', 'tills'],
	],
	loyalty_number: [
		['Loyalty Number', 'tills'],
		['Card Number', 'Epos Now'],
		['Loyalty Card', 'tills'],
	],
	created_at: [
		['Date Joined', 'demo till'],
		['Customer Since', 'Clover customers'],
		['Signup Date', 'Epos Now'],
		['First Visit', 'Square customers'],
		['Created', 'tills'],
		['Created At', 'tills'],
	],
	updated_at: [
		['Updated', 'tills'],
		['Updated At', 'tills'],
		['Last Modified', 'tills'],
	],
};

export const PRODUCT_HEADERS_SEEN: FieldHeaders = {
	sku: [
		['SKU', 'demo till, Square, Clover'],
		['Stock Code', 'UK tills'],
		['StockCode', 'Online Retail'],
		['Item Code', 'tills'],
		['Variant SKU', 'Shopify products'],
		['sku', 'Vend'],
		['Custom SKU', 'Lightspeed Retail'],
		['Product Code', 'Clover'],
		['PRODUCTCODE', 'sales_data_sample'],
		['Product ID', 'Superstore'],
		['PLU', 'tills'],
	],
	parent_sku: [
		['Handle', 'Shopify products'],
		['handle', 'Vend'],
		['Parent SKU', 'tills'],
	],
	name: [
		['Description', 'demo till, Online Retail'],
		['Item Name', 'Square Item Library'],
		['Name', 'Clover, Epos Now'],
		['Item', 'Square Item Detail, Lightspeed Retail'],
		['Title', 'Shopify products'],
		['Product Name', 'Superstore'],
		['name', 'Vend'],
	],
	summary: [
		['Summary', 'tills'],
		['Short Description', 'tills'],
	],
	description: [
		['Body (HTML)', 'Shopify products'],
		['Long Description', 'tills'],
	],
	price: [
		['RRP', 'demo till'],
		['Price', 'Square Item Library, Clover, Lightspeed Retail'],
		['Sell Price', 'tills'],
		['Unit Price', 'tills'],
		['Variant Price', 'Shopify products'],
		['retail_price', 'Vend'],
		['MSRP', 'sales_data_sample'],
	],
	sale_price: [
		['Sale Price', 'demo till'],
		['Variant Compare At Price', 'Shopify products'],
		['Offer Price', 'tills'],
	],
	currency: [['Currency', 'tills']],
	category: [
		['Category', 'Square, Clover, Superstore'],
		['Department', 'demo till'],
		['Categories', 'Square Item Library'],
		['Reporting Category', 'Square Item Library'],
		['Product Category', 'Shopify products'],
		['Type', 'Shopify products'],
		['PRODUCTLINE', 'sales_data_sample'],
	],
	brand: [
		['Brand', 'demo till, Lightspeed Retail, Epos Now'],
		['Vendor', 'Shopify products'],
		['brand_name', 'Vend'],
	],
	size: [['Size', 'demo till, Epos Now']],
	colour: [
		['Colour', 'demo till'],
		['Color', 'US tills'],
	],
	style: [['Style', 'tills']],
	barcode: [
		['Barcode', 'demo till, Epos Now'],
		['GTIN', 'Square'],
		['EAN', 'Lightspeed Retail'],
		['UPC', 'Lightspeed Retail'],
		['Variant Barcode', 'Shopify products'],
	],
	stock_level: [
		['Stock', 'demo till'],
		['Current Quantity', 'Square Item Library'],
		['Quantity', 'Clover'],
		['Qty.', 'Lightspeed Retail'],
		['Variant Inventory Qty', 'Shopify products'],
		['Stock Level', 'tills'],
		['On Hand', 'tills'],
	],
	image_url: [
		['Image Src', 'Shopify products'],
		['Image URL', 'tills'],
		['image_url', 'Vend'],
	],
	tags: [
		['Tags', 'Shopify products'],
		['tags', 'Vend'],
	],
	active: [
		['Active', 'demo till'],
		['active', 'Vend'],
		['Published', 'Shopify products'],
		['Enabled', 'tills'],
	],
	updated_at: [
		['Updated', 'tills'],
		['Updated At', 'tills'],
		['Last Modified', 'tills'],
	],
};
