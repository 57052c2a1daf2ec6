import {
	KHAOS_FIELD_LIMITS,
	OrderValidationError,
	buildImportOrdersXml,
	classifySkipReason,
	khaosPaymentType,
	parseOrderImportResult,
	validateOrder,
	type OrderProblem,
	type WebOrder,
} from '../../../lib/khaos/orders';
import { khaosFlag, parseKhaosBoolean } from '../../../lib/khaos/values';
import {
	childElement,
	childElements,
	childText,
	parseXml,
	type XmlElement,
} from '../../../lib/khaos/xml';
import { fixture, webOrder } from './helpers';

function salesOrders(orders: WebOrder[], options = {}): XmlElement[] {
	return childElements(
		parseXml(
			buildImportOrdersXml(orders, {
				salesSource: 'INTERNET',
				websiteName: 'Shop',
				site: 'Main Site',
				...options,
			}),
		),
		'SALES_ORDER',
	);
}

function at(root: XmlElement | undefined, path: string): XmlElement | undefined {
	return path
		.split('/')
		.reduce<XmlElement | undefined>((element, name) => childElement(element, name), root);
}

function text(root: XmlElement | undefined, path: string): string {
	return at(root, path)?.text ?? '';
}

function names(element: XmlElement | undefined): string[] {
	return element?.children.map((child) => child.name) ?? [];
}

function errors(problems: OrderProblem[]): string[] {
	return problems.filter((problem) => problem.severity === 'error').map((problem) => problem.field);
}

function warnings(problems: OrderProblem[]): OrderProblem[] {
	return problems.filter((problem) => problem.severity === 'warning');
}

describe('buildImportOrdersXml', () => {
	const [order] = salesOrders([webOrder()]);

	it('fills the customer, with -1/0 booleans and the 3-letter country code', () => {
		expect(text(order, 'CUSTOMER_DETAIL/IS_NEW_CUSTOMER')).toBe('0');
		expect(text(order, 'CUSTOMER_DETAIL/OTHER_REF')).toBe('C-77');
		const invoice = at(order, 'CUSTOMER_DETAIL/ADDRESSES/INVADDR');
		expect(
			Object.fromEntries(invoice?.children.map((child) => [child.name, child.text]) ?? []),
		).toEqual({
			IADDRESS1: 'Century House',
			IADDRESS2: '84 Commercial Road',
			ITOWN: 'Grantham',
			ICOUNTY: 'Lincolnshire',
			IPOSTCODE: 'NG31 6DB',
			ICOUNTRY_CODE: 'GBR',
			ITITLE: 'Mr',
			IFORENAME: 'Mike',
			ISURNAME: "O'Brien <&>",
			ITEL: '01476 562447',
			IEMAIL: 'mike@example.test',
		});
		expect(at(order, 'CUSTOMER_DETAIL/ADDRESSES/DELADDR')).toBeUndefined();
	});

	it('fills the header: ASSOCIATED_REF, UK-time date, amounts, delivery, source, website and site', () => {
		const header = at(order, 'ORDER_HEADER');
		expect(childText(header, 'ASSOCIATED_REF')).toBe('WEB1001');
		expect(childText(header, 'ORDER_DATE')).toBe('2024-06-02 00:30:00');
		expect(childText(header, 'ORDER_AMOUNT')).toBe('66.79');
		expect(childText(header, 'ORDER_CURRENCY_CODE')).toBe('GBP');
		expect(childText(header, 'DELIVERY_GRS')).toBe('2.99');
		expect(childText(header, 'COURIER_DESC')).toBe('Royal Mail 48');
		expect(childText(header, 'SALES_SOURCE')).toBe('INTERNET');
		expect(childText(header, 'WEBSITE_NAME')).toBe('Shop');
		expect(childText(header, 'SITE')).toBe('Main Site');
	});

	it('fills payments: a card payment already taken carries its auth code', () => {
		const payment = at(order, 'PAYMENTS/PAYMENT_DETAIL');
		expect(
			Object.fromEntries(payment?.children.map((child) => [child.name, child.text]) ?? []),
		).toEqual({
			PAYMENT_AMOUNT: '66.79',
			PAYMENT_TYPE: '2',
			CARD_TYPE: 'Visa',
			PREAUTH: '0',
			AUTH_CODE: 'AUTH42',
			TRANSACTION_ID: 'pi_3P1',
		});
	});

	it('sends gross prices as PRICE_GRS and net prices as PRICE_NET, by stock code', () => {
		const items = childElements(at(order, 'ORDER_ITEMS'), 'ORDER_ITEM');
		expect(
			items.map((item) => [
				childText(item, 'STOCK_CODE'),
				childText(item, 'MAPPING_TYPE'),
				childText(item, 'ORDER_QTY'),
				childText(item, 'PRICE_GRS'),
			]),
		).toEqual([
			['AMU15/SMPU-SMPU-10', '1', '2', '30.25'],
			['00123', '1', '1', '3.30'],
		]);
		expect(childText(items[0], 'STOCK_DESC')).toBe('Strappy Sandal, size 10');
		const [net] = salesOrders([webOrder({ prices_include_tax: false })]);
		const netItem = at(net, 'ORDER_ITEMS/ORDER_ITEM');
		expect(names(netItem)).toContain('PRICE_NET');
		expect(names(netItem)).not.toContain('PRICE_GRS');
	});

	it("writes every element in the order of Khaos's KSDXMLImportFormat sample", () => {
		const sample = childElement(
			parseXml(fixture('xml-examples/KSDXMLImportFormat.xml')),
			'SALES_ORDER',
		);
		const [withDelivery] = salesOrders([
			webOrder({
				delivery_address: {
					name: 'Ann Other',
					address_1: '1 High St',
					town: 'Leeds',
					postcode: 'LS1 1AA',
					country_code: 'GB',
				},
				notes: 'Leave in porch',
			}),
		]);
		const paths = [
			'',
			'CUSTOMER_DETAIL',
			'CUSTOMER_DETAIL/ADDRESSES',
			'CUSTOMER_DETAIL/ADDRESSES/INVADDR',
			'CUSTOMER_DETAIL/ADDRESSES/DELADDR',
			'PAYMENTS/PAYMENT_DETAIL',
			'ORDER_HEADER',
			'ORDER_ITEMS/ORDER_ITEM',
		];
		for (const path of paths) {
			const expected = names(path ? at(sample, path) : sample);
			const written = names(path ? at(withDelivery, path) : withDelivery);
			const positions = written.map((name) => expected.indexOf(name));
			expect({ path, unknown: written.filter((name) => !expected.includes(name)) }).toEqual({
				path,
				unknown: [],
			});
			expect({ path, positions }).toEqual({
				path,
				positions: [...positions].sort((a, b) => a - b),
			});
		}
		expect(text(withDelivery, 'CUSTOMER_DETAIL/ADDRESSES/DELADDR/DFORENAME')).toBe('Ann');
		expect(text(withDelivery, 'CUSTOMER_DETAIL/ADDRESSES/DELADDR/DSURNAME')).toBe('Other');
		expect(text(withDelivery, 'ORDER_HEADER/ORDER_NOTE')).toBe('Leave in porch');
	});

	it('refuses to build a document holding an invalid order, naming the order and the field', () => {
		const bad = webOrder({
			order_id: 'WEB2',
			invoice_address: { ...webOrder().invoice_address, postcode: 'NG31 6DB XYZ' },
		});
		expect(() => buildImportOrdersXml([webOrder(), bad])).toThrow(OrderValidationError);
		expect(() => buildImportOrdersXml([bad])).toThrow(
			'WEB2: invoice_address.postcode is 12 characters; Khaos allows 10',
		);
	});
});

describe('booleans', () => {
	it('are -1 for true and 0 for false, both ways', () => {
		expect([khaosFlag(true), khaosFlag(false)]).toEqual(['-1', '0']);
		expect(['-1', '0', '', 'x'].map(parseKhaosBoolean)).toEqual([true, false, null, null]);
	});
});

describe('validateOrder field limits', () => {
	const address = webOrder().invoice_address;

	it('accepts the sample order without problems', () => {
		expect(validateOrder(webOrder())).toEqual([]);
	});

	it('rejects a postcode over 10 characters rather than cut it', () => {
		expect(
			errors(validateOrder(webOrder({ invoice_address: { ...address, postcode: 'NG31 6DB 12' } }))),
		).toEqual(['invoice_address.postcode']);
	});

	it("rejects an order reference over the guide's 15 characters (the sample file says 50)", () => {
		expect(KHAOS_FIELD_LIMITS.associatedRef).toBe(15);
		expect(errors(validateOrder(webOrder({ order_id: 'WEB-2024-0000001' })))).toEqual(['order_id']);
		expect(validateOrder(webOrder({ order_id: 'WEB-2024-000001' }))).toEqual([]);
	});

	it('moves the overflow of a long address line into the next empty line, at a word boundary', () => {
		const long = 'Unit 5, The Old Grain Store Industrial Estate';
		const problems = validateOrder(
			webOrder({ invoice_address: { ...address, address_1: long, address_2: '' } }),
		);
		expect(errors(problems)).toEqual([]);
		expect(warnings(problems)).toEqual([
			{
				field: 'invoice_address.address_1',
				severity: 'warning',
				message: expect.stringContaining('"Industrial Estate" moved to address_2'),
			},
		]);
		const [order] = salesOrders([
			webOrder({ invoice_address: { ...address, address_1: long, address_2: '' } }),
		]);
		expect(text(order, 'CUSTOMER_DETAIL/ADDRESSES/INVADDR/IADDRESS1')).toBe(
			'Unit 5, The Old Grain Store',
		);
		expect(text(order, 'CUSTOMER_DETAIL/ADDRESSES/INVADDR/IADDRESS2')).toBe('Industrial Estate');
	});

	it('cuts an address line at a word boundary, with a warning, when the next line is taken', () => {
		const [order] = salesOrders([
			webOrder({
				invoice_address: {
					...address,
					address_1: 'Flat 12, Wellington Court Apartments East Wing',
					address_2: '84 Commercial Road',
					address_3: 'Spittlegate',
				},
			}),
		]);
		expect(text(order, 'CUSTOMER_DETAIL/ADDRESSES/INVADDR/IADDRESS1')).toBe(
			'Flat 12, Wellington Court',
		);
		const problems = validateOrder(
			webOrder({
				invoice_address: {
					...address,
					address_1: 'Flat 12, Wellington Court Apartments East Wing',
					address_2: 'x',
					address_3: 'y',
				},
			}),
		);
		expect(warnings(problems)[0].message).toContain('lost: "Apartments East Wing"');
	});

	it('compacts a long phone number, drops it if still too long, and drops an over-long email', () => {
		const [order] = salesOrders([
			webOrder({
				customer: {
					...webOrder().customer,
					phone: '+44 (0) 1476 562 447 ',
					email: `${'x'.repeat(45)}@example.test`,
				},
			}),
		]);
		expect(text(order, 'CUSTOMER_DETAIL/ADDRESSES/INVADDR/ITEL')).toBe('+4401476562447');
		expect(at(order, 'CUSTOMER_DETAIL/ADDRESSES/INVADDR/IEMAIL')?.text).toBe('mike@example.test');
		const problems = validateOrder(
			webOrder({
				email: undefined,
				customer: {
					...webOrder().customer,
					phone: '+44 1476 562447 ext 1234 5678',
					email: `${'x'.repeat(45)}@example.test`,
				},
			}),
		);
		expect(warnings(problems).map((problem) => problem.field)).toEqual([
			'customer.phone',
			'customer.email',
		]);
	});

	it('rejects what Khaos cannot take: no lines, a refund, a bad quantity, an unknown country, no surname', () => {
		expect(errors(validateOrder(webOrder({ lines: [] })))).toContain('lines');
		expect(errors(validateOrder(webOrder({ is_refund: true })))).toEqual(['is_refund']);
		expect(
			errors(validateOrder(webOrder({ lines: [{ sku: 'A', qty: 0, unit_price: 1 }] }))),
		).toContain('lines[0].qty');
		expect(
			errors(validateOrder(webOrder({ invoice_address: { ...address, country_code: 'XX' } }))),
		).toEqual(['invoice_address.country_code']);
		expect(errors(validateOrder(webOrder({ customer: { last_name: '' } })))).toEqual([
			'customer.last_name',
		]);
		expect(errors(validateOrder(webOrder({ purchase_date: 'yesterday' })))).toEqual([
			'purchase_date',
		]);
		expect(
			errors(
				validateOrder(
					webOrder({
						lines: [{ sku: 'A', qty: 1, unit_price: 5, tax_code: 2 }],
						order_total: 7.99,
					}),
				),
			),
		).toEqual(['lines[0].tax_code']);
	});
});

describe('discounts (the guide: Khaos never applies them, prices sent are final)', () => {
	it('folds a line discount into the unit price', () => {
		const order = webOrder({
			lines: [{ sku: 'A', qty: 2, unit_price: 10, discount: 4 }],
			order_total: 18.99,
			payments: [],
		});
		const [xml] = salesOrders([order]);
		expect(text(xml, 'ORDER_ITEMS/ORDER_ITEM/PRICE_GRS')).toBe('8.00');
		expect(validateOrder(order)).toEqual([]);
	});

	it('spreads an order-level discount over the lines in proportion, to the penny', () => {
		const order = webOrder({
			lines: [
				{ sku: 'A', qty: 1, unit_price: 30 },
				{ sku: 'B', qty: 1, unit_price: 10 },
			],
			discount_total: 4,
			order_total: 38.99,
		});
		const [xml] = salesOrders([order]);
		expect(
			childElements(at(xml, 'ORDER_ITEMS'), 'ORDER_ITEM').map((item) =>
				childText(item, 'PRICE_GRS'),
			),
		).toEqual(['27.00', '9.00']);
		expect(warnings(validateOrder(order))).toEqual([
			expect.objectContaining({
				field: 'discount_total',
				message: "4.00 of order discount was spread over the lines' prices",
			}),
		]);
	});

	it('warns when a discount does not divide into whole pence per unit, and when totals disagree', () => {
		const order = webOrder({
			lines: [{ sku: 'A', qty: 3, unit_price: 10, discount: 1 }],
			order_total: 50,
		});
		expect(warnings(validateOrder(order)).map((problem) => problem.field)).toEqual([
			'lines[0].discount',
			'order_total',
		]);
	});
});

describe('TOrderImportResult', () => {
	it('reads imported and skipped orders and classifies the skips', () => {
		const result = parseOrderImportResult({
			ImportedCount: 1,
			OrderImport: [
				{
					SalesOrderCode: 'SO00042',
					AssociatedRef: 'WEB1001',
					Msg: '',
					URN: 'CUST01',
					OtherRef: 'C-77',
				},
			],
			OrderSkipped: [
				{ OrderRef: 'WEB1000', SkipReason: 'Order WEB1000 has already been imported' },
				{ OrderRef: 'WEB0999', SkipReason: 'Stock item XYZ not found' },
			],
		});
		expect(result).toEqual({
			importedCount: 1,
			imported: [
				{
					salesOrderCode: 'SO00042',
					associatedRef: 'WEB1001',
					msg: '',
					urn: 'CUST01',
					otherRef: 'C-77',
				},
			],
			skipped: [
				{
					orderRef: 'WEB1000',
					skipReason: 'Order WEB1000 has already been imported',
					kind: 'already_imported',
				},
				{ orderRef: 'WEB0999', skipReason: 'Stock item XYZ not found', kind: 'other' },
			],
		});
		expect(parseOrderImportResult({ ImportedCount: 0, OrderImport: '', OrderSkipped: [] })).toEqual(
			{ importedCount: 0, imported: [], skipped: [] },
		);
	});

	it.each([
		'Order already imported',
		'ALREADY IMPORTED',
		'Sales order with associated ref WEB1 already exists',
		'This order has been imported previously',
		'Duplicate order reference WEB1',
		'Associated Ref WEB1 is already in use',
		'Order  already\n   imported (SO123)',
	])('%j means already imported', (reason) => {
		expect(classifySkipReason(reason)).toBe('already_imported');
	});

	it.each([
		'Stock code HL0453 not found',
		'Item is discontinued',
		'Run to zero item would go below zero',
		'Duplicate stock code on line 2',
		'',
	])('%j is another reason', (reason) => {
		expect(classifySkipReason(reason)).toBe('other');
	});
});

describe('payment types', () => {
	it.each([
		['cash', 0],
		['Cheque', 1],
		['card', 2],
		['paypal_express', 2],
		['Gift Card', 4],
		['voucher', 4],
		['on account', 3],
		['bank_transfer', 3],
	] as const)('%s → %d', (method, type) => {
		expect(khaosPaymentType(method)).toBe(type);
	});
});
