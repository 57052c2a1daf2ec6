/** The canonical web order this package accepts for Khaos's ImportOrders, and the options of an import. */

export interface WebOrder {
	order_id: string; // the web order reference; becomes ASSOCIATED_REF, Khaos's duplicate check (max 15)
	customer_id?: string; // the web store's customer ID; becomes the customer's OTHER_REF, Khaos's preferred match (max 30)
	email?: string; // used when customer.email is empty
	store_code?: string; // the store or channel the order came from (not sent to Khaos)
	purchase_date: string; // ISO date or date-time; with a zone it is converted to the Khaos time zone
	currency?: string; // ISO 4217 code; blank = Khaos's system currency
	status?: string; // web status (not sent to Khaos)
	order_subtotal?: number; // lines before discounts (checks only)
	discount_total?: number; // all discounts; the part not in line discounts is spread over the lines
	tax_total?: number; // VAT charged (checks only)
	delivery_total?: number; // delivery charge incl. VAT, used when `delivery` is absent
	order_total: number; // what the customer was charged; becomes ORDER_AMOUNT, Khaos's cross-check
	payment_method?: string; // used as the one payment when `payments` is absent
	is_refund?: boolean; // refunds cannot be imported as orders and are rejected
	prices_include_tax: boolean; // true: unit prices include VAT (PRICE_GRS); false: they exclude it (PRICE_NET)
	lines: WebOrderLine[]; // at least one
	customer: WebOrderCustomer;
	invoice_address: WebOrderAddress;
	delivery_address?: WebOrderAddress; // left out of the XML when it equals the invoice address
	payments?: WebOrderPayment[];
	delivery?: { method?: string; charge_gross: number }; // method becomes COURIER_DESC: it must match a courier in Khaos
	notes?: string; // customer's note; becomes ORDER_NOTE (shown on the delivery note, max 2000)
	custom?: Record<string, unknown>; // kept for the caller, not sent
}

export interface WebOrderLine {
	sku: string; // Khaos Stock Code (or what mappingType says); for bundles the Pack's own code
	name?: string; // line description on Khaos paperwork (max 250); blank = Khaos's own description
	qty: number; // more than 0
	unit_price: number; // per unit before discounts, incl. or excl. VAT as prices_include_tax says
	discount?: number; // total discount on this line (not per unit), same VAT basis
	line_total?: number; // line after its discount; only checked against the above
	tax_code?: number; // Khaos TAX_RATE code (1 standard, 2 zero, 4 reduced); needs net prices unless 1
}

export interface WebOrderCustomer {
	first_name?: string;
	last_name: string; // Khaos needs a surname to match or create the customer
	title?: string;
	company?: string;
	email?: string;
	phone?: string;
	mobile?: string;
}

export interface WebOrderAddress {
	name?: string; // contact name at this address when not the customer's own
	company?: string;
	address_1: string;
	address_2?: string;
	address_3?: string;
	town: string;
	county?: string;
	postcode: string;
	country_code: string; // ISO 3166 alpha-2 (alpha-3 accepted); sent as Khaos's 3-letter code
}

export interface WebOrderPayment {
	method: string; // card, paypal, cash, cheque, voucher/gift card, account…: decides PAYMENT_TYPE
	amount: number;
	reference?: string; // the payment provider's transaction ID; becomes TRANSACTION_ID
	auth_code?: string; // the provider's authorisation code; becomes AUTH_CODE
	card_type?: string; // Visa, Amex…
}

export interface ImportOrdersOptions {
	/** SALES_SOURCE: must already exist in Khaos (case-sensitive). */
	salesSource?: string;
	/** WEBSITE_NAME: Khaos then takes line descriptions from that website's web categories. */
	websiteName?: string;
	/** SITE: the stock control site that fulfils the orders, by name ("Main Site"). */
	site?: string;
	/** MAPPING_TYPE for every line: 1 stock code (default), 2 other ref, 5 barcode, -1 automatic. */
	mappingType?: number;
	/** COMPANY_CLASS for customers Khaos creates: must already exist in Khaos. */
	companyClass?: string;
	/** BRAND for brand-specific paperwork: must already exist in Khaos. */
	brand?: string;
	/** Zone that zoned purchase dates are converted to. Default Europe/London. */
	timeZone?: string;
}
