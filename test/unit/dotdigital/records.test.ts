import {
	batchRecords,
	consentSettingsProblem,
	dataFieldTypeFor,
	dataFieldValue,
	DEFAULT_FIELD_MAP,
	mergeContacts,
	normaliseMobile,
	orderRecord,
	prepareContact,
	productRecord,
	type ContactSettings,
	type DataField,
	type PreparedContact,
} from '../../../lib/dotdigital';

const FIELDS = new Map<string, DataField>(
	[
		{ name: 'FIRSTNAME', type: 'String' },
		{ name: 'LASTNAME', type: 'String' },
		{ name: 'FULLNAME', type: 'String' },
		{ name: 'POSTCODE', type: 'String' },
		{ name: 'POS_CUSTOMER_ID', type: 'String' },
		{ name: 'LOYALTY_POINTS', type: 'Numeric' },
		{ name: 'BIRTHDAY', type: 'Date' },
	].map((field) => [field.name, field as DataField]),
);

const SETTINGS: ContactSettings = {
	identifier: 'email',
	fieldMap: [
		...DEFAULT_FIELD_MAP,
		{ field: 'customer_id', dataField: 'POS_CUSTOMER_ID' },
		{ field: 'custom.points', dataField: 'LOYALTY_POINTS' },
		{ field: 'birth_date', dataField: 'BIRTHDAY' },
	],
	lists: [3],
	mergeOption: 'overwriteIfNotEmpty',
	newContactConsent: 'posOptIn',
};
const NOW = (): Date => new Date('2026-11-22T10:00:00Z');

describe('prepareContact', () => {
	it('matches on the trimmed, lower-cased email and sends only filled-in values, in the field types', () => {
		const prepared = prepareContact(
			{
				email: '  Jo.Bloggs@Example.COM ',
				first_name: 'Jo',
				last_name: 'Bloggs',
				postcode: '',
				customer_id: 10023,
				custom: { points: '120' },
				birth_date: '1988-04-17',
				marketing_opt_in: true,
			},
			SETTINGS,
			FIELDS,
			NOW,
		);
		expect(prepared).toEqual({
			key: 'jo.bloggs@example.com',
			request: {
				matchIdentifier: 'email',
				identifiers: { email: 'jo.bloggs@example.com' },
				dataFields: {
					FIRSTNAME: 'Jo',
					LASTNAME: 'Bloggs',
					FULLNAME: 'Jo Bloggs',
					POS_CUSTOMER_ID: '10023',
					LOYALTY_POINTS: 120,
					BIRTHDAY: '1988-04-17',
				},
			},
			whenNew: undefined,
			lists: [3],
		});
	});

	it('never puts a marketing status or consent in the request itself', () => {
		for (const optIn of [true, false, null]) {
			const prepared = prepareContact(
				{ email: 'a@b.co', marketing_opt_in: optIn },
				{
					...SETTINGS,
					consentRecord: {
						text: 'Yes please',
						url: 'https://shop.example/privacy',
						ipAddress: '203.0.113.25',
					},
				},
				FIELDS,
				NOW,
			);
			expect(JSON.stringify((prepared as { request: unknown }).request)).not.toMatch(
				/channelProperties|consent|status/,
			);
		}
	});

	it('keeps the till opt-in for new contacts only: unsubscribed without a yes, a consent record with one', () => {
		const no = prepareContact({ email: 'a@b.co', marketing_opt_in: false }, SETTINGS, FIELDS, NOW);
		const blank = prepareContact({ email: 'a@b.co' }, SETTINGS, FIELDS, NOW);
		const yes = prepareContact(
			{
				email: 'a@b.co',
				marketing_opt_in: true,
				store_code: 'LDN01',
				created_at: '2026-06-27T13:01:00+01:00',
			},
			{
				...SETTINGS,
				consentRecord: {
					text: ' Email me offers ',
					url: 'https://shop.example/privacy',
					ipAddress: '203.0.113.25',
				},
			},
			FIELDS,
			NOW,
		);
		expect((no as { whenNew: unknown }).whenNew).toEqual({
			channelProperties: { email: { status: 'unsubscribed' } },
		});
		expect((blank as { whenNew: unknown }).whenNew).toEqual({
			channelProperties: { email: { status: 'unsubscribed' } },
		});
		expect((yes as { whenNew: unknown }).whenNew).toEqual({
			consentRecords: [
				{
					text: 'Email me offers',
					dateTimeConsented: '2026-06-27T12:01:00Z',
					url: 'https://shop.example/privacy',
					ipAddress: '203.0.113.25',
					userAgent: 'In store LDN01, recorded by the POS',
				},
			],
		});
		const dotdigitalDefault = prepareContact(
			{ email: 'a@b.co', marketing_opt_in: false },
			{ ...SETTINGS, newContactConsent: 'dotdigital' },
			FIELDS,
			NOW,
		);
		expect((dotdigitalDefault as { whenNew: unknown }).whenNew).toBeUndefined();
	});

	it('gives lists only to a customer who opted in, unless consent is left to Dotdigital: a list can start a programme', () => {
		const no = prepareContact(
			{ email: 'a@b.co', marketing_opt_in: false },
			SETTINGS,
			FIELDS,
			NOW,
		) as PreparedContact;
		const yes = prepareContact(
			{ email: 'a@b.co', marketing_opt_in: true },
			SETTINGS,
			FIELDS,
			NOW,
		) as PreparedContact;
		const left = prepareContact(
			{ email: 'a@b.co', marketing_opt_in: false },
			{ ...SETTINGS, newContactConsent: 'dotdigital' },
			FIELDS,
			NOW,
		) as PreparedContact;
		expect([no.lists, no.request.lists, yes.lists, left.lists]).toEqual([
			undefined,
			undefined,
			[3],
			[3],
		]);
	});

	it('merges two records for one contact as if sent in turn, by the merge option', () => {
		const first = prepareContact(
			{ email: 'a@b.co', first_name: 'Jo', postcode: 'NG1 1AA' },
			SETTINGS,
			FIELDS,
			NOW,
		) as PreparedContact;
		const second = prepareContact(
			{ email: 'a@b.co', first_name: 'Joanne', marketing_opt_in: true },
			SETTINGS,
			FIELDS,
			NOW,
		) as PreparedContact;
		expect(mergeContacts(first, second, 'overwriteIfNotEmpty').request.dataFields).toMatchObject({
			FIRSTNAME: 'Joanne',
			POSTCODE: 'NG1 1AA',
		});
		expect(mergeContacts(first, second, 'overwriteIfEmpty').request.dataFields).toMatchObject({
			FIRSTNAME: 'Jo',
			POSTCODE: 'NG1 1AA',
		});
		expect(mergeContacts(first, second, 'overwriteIfNotEmpty').whenNew).toEqual(second.whenNew);
	});

	it('sends blanks as null only when the till is set to clear Dotdigital data', () => {
		const prepared = prepareContact(
			{ email: 'a@b.co', first_name: '' },
			{ ...SETTINGS, mergeOption: 'overwrite' },
			FIELDS,
			NOW,
		) as { request: { dataFields: Record<string, unknown> } };
		expect(prepared.request.dataFields).toMatchObject({ FIRSTNAME: null, POSTCODE: null });
	});

	it('fails a customer with nothing to match on, or with values a data field cannot hold, naming them', () => {
		expect(prepareContact({ first_name: 'Jo' }, SETTINGS, FIELDS, NOW)).toMatchObject({
			code: 'missingIdentifier',
			owner: 'till data',
			retryable: false,
		});
		const bad = prepareContact(
			{
				email: 'a@b.co',
				custom: { points: 'lots' },
				birth_date: '17/04/1988',
				first_name: 'x'.repeat(256),
			},
			SETTINGS,
			FIELDS,
			NOW,
		);
		expect(bad).toMatchObject({ code: 'invalidDataFieldValue', owner: 'till data' });
		expect((bad as { description: string }).description).toMatch(
			/custom\.points → LOYALTY_POINTS: "lots" is not a number/,
		);
		expect((bad as { description: string }).description).toMatch(
			/birth_date → BIRTHDAY: "17\/04\/1988" is not a date/,
		);
		expect((bad as { description: string }).description).toMatch(
			/first_name → FIRSTNAME: is 256 characters long/,
		);
	});

	it('matches on the mobile as E.164 digits, and refuses what is not a phone number', () => {
		const settings = { ...SETTINGS, identifier: 'mobileNumber' as const };
		expect(prepareContact({ mobile: '+44 7700 900123' }, settings, FIELDS, NOW)).toMatchObject({
			key: '447700900123',
			request: { identifiers: { mobileNumber: '447700900123' } },
		});
		expect(prepareContact({ mobile: 'call me' }, settings, FIELDS, NOW)).toMatchObject({
			code: 'invalidPhoneNumber',
		});
		expect(normaliseMobile('0044 (7700) 900-123')).toBe('447700900123');
	});

	it('does not read custom fields through the prototype', () => {
		const prepared = prepareContact(
			{ email: 'a@b.co', custom: {} },
			{ ...SETTINGS, fieldMap: [{ field: 'custom.constructor', dataField: 'POS_CUSTOMER_ID' }] },
			FIELDS,
			NOW,
		);
		expect((prepared as { request: { dataFields?: unknown } }).request.dataFields).toBeUndefined();
	});
});

describe('consentSettingsProblem', () => {
	it('names every part Dotdigital would refuse a consent record without', () => {
		expect(
			consentSettingsProblem({
				text: 'Yes',
				url: 'https://shop.example/privacy',
				ipAddress: '2001:db8::1',
			}),
		).toBeUndefined();
		expect(consentSettingsProblem({ text: ' ', url: 'shop.example', ipAddress: 'till 3' })).toBe(
			'Dotdigital only keeps a consent record that has all of its parts; missing or not valid: Consent Text, Consent Page URL (a full http or https address), Consent IP Address (an IPv4 or IPv6 address)',
		);
	});
});

describe('dataFieldTypeFor', () => {
	it('gives canonical fields their type, and custom fields the type all their values fit', () => {
		const records = [
			{
				customer_id: 1001,
				custom: {
					points: 120,
					vip: true,
					joined: '2026-06-27T09:15:00+01:00',
					tier: 'Gold',
					mixed: 5,
				},
			},
			{
				customer_id: 1002,
				custom: { points: 80.5, vip: false, joined: '2026-07-01', tier: '', mixed: 'five' },
			},
		];
		expect(
			[
				'birth_date',
				'customer_id',
				'custom.points',
				'custom.vip',
				'custom.joined',
				'custom.tier',
				'custom.mixed',
				'custom.absent',
			].map((field) => dataFieldTypeFor(field, records)),
		).toEqual(['Date', 'String', 'Numeric', 'Boolean', 'Date', 'String', 'String', 'String']);
	});
});

describe('dataFieldValue', () => {
	it.each([
		['Numeric', '12.5', { value: 12.5 }],
		['Numeric', 3, { value: 3 }],
		['Boolean', 'Y', { value: true }],
		['Boolean', false, { value: false }],
		['Boolean', 'maybe', { problem: '"maybe" is not yes or no' }],
		['Date', '2026-06-27 13:01:09', { value: '2026-06-27T13:01:09' }],
		['Date', '2026-02-30', { problem: '"2026-02-30" is not a date (expected yyyy-mm-dd)' }],
		['String', '  ', { empty: true }],
		['String', null, { empty: true }],
	] as const)('%s %p', (type, raw, expected) => {
		expect(dataFieldValue(type, raw)).toEqual(expected);
	});
});

describe('orderRecord', () => {
	const order = {
		order_id: 'R-000123',
		customer_id: 'C10023',
		email: ' Jo@Example.com',
		store_code: 'LDN01',
		purchase_date: '2026-06-27T13:01:09+01:00',
		currency: 'GBP',
		status: null,
		order_subtotal: 36,
		discount_total: 4,
		tax_total: 6,
		delivery_total: null,
		order_total: 36,
		payment_method: 'Visa',
		is_refund: false,
		lines: [
			{ sku: 'TSHIRT-RED-M', name: 'T-shirt', qty: 2, unit_price: 20, discount: 4, line_total: 36 },
		],
		custom: { till: 3, note: '' },
		_source: { file: 'tx.csv', lines: [2, 3] },
	};

	it('keeps the documented key names and fixed types, linked to the contact by email', () => {
		expect(orderRecord(order)).toEqual({
			key: 'R-000123',
			contactIdentity: { identifier: 'email', value: 'jo@example.com' },
			json: {
				id: 'R-000123',
				email: 'jo@example.com',
				customer_id: 'C10023',
				purchase_date: '2026-06-27 12:01:09+00:00',
				currency: 'GBP',
				order_status: 'completed',
				order_subtotal: 36,
				discount_amount: 4,
				tax_amount: 6,
				order_total: 36,
				payment: 'Visa',
				store_name: 'LDN01',
				is_refund: false,
				products: [
					{ sku: 'TSHIRT-RED-M', name: 'T-shirt', qty: 2, price: 20, discount: 4, line_total: 36 },
				],
				custom: { till: '3' },
			},
		});
	});

	it('has no array inside an array, whatever the custom fields hold', () => {
		const record = orderRecord({
			...order,
			custom: { sizes: [['S', 'M']], meta: { a: [1, [2]] } },
		}) as { json: Record<string, unknown> };
		const nested = (value: unknown, inArray: boolean): boolean =>
			Array.isArray(value)
				? inArray || value.some((item) => nested(item, true))
				: value !== null && typeof value === 'object'
					? Object.values(value).some((item) => nested(item, false))
					: false;
		expect(nested(record.json, false)).toBe(false);
		expect(record.json.custom).toEqual({ sizes: '[["S","M"]]', meta: '{"a":[1,[2]]}' });
	});

	it('fails an order it cannot link to a contact as a failed customer lookup, owned by the till data', () => {
		expect(orderRecord({ ...order, email: '' })).toEqual({
			key: 'R-000123',
			code: 'customerLookupFailed',
			description:
				'The order has no email address, and customer ID C10023 is not in the customer index yet: sync the customer file that has this customer first',
			retryable: false,
			owner: 'till data',
		});
		expect(orderRecord({ ...order, order_id: '' })).toMatchObject({ code: 'missingOrderId' });
	});
});

describe('productRecord', () => {
	it('is keyed by SKU, with tags as a list of words', () => {
		expect(
			productRecord({
				sku: 'TSHIRT-RED-M',
				name: 'T-shirt',
				price: 19.99,
				stock_level: 12,
				tags: ['organic', 'summer'],
				active: true,
				currency: 'GBP',
			}),
		).toEqual({
			key: 'TSHIRT-RED-M',
			json: {
				id: 'TSHIRT-RED-M',
				sku: 'TSHIRT-RED-M',
				name: 'T-shirt',
				price: 19.99,
				currency: 'GBP',
				stock: 12,
				tags: ['organic', 'summer'],
				active: true,
			},
		});
		expect(productRecord({ name: 'No code' })).toMatchObject({
			code: 'missingSku',
			owner: 'till data',
		});
	});
});

describe('batchRecords', () => {
	const kind = { open: '{"contacts":[', close: ']}', maxRecords: 3, maxBytes: 60 };

	it('cuts by count and by bytes, keeps the order, and sets aside records too large for any request', () => {
		const records = [
			'{"a":1}',
			'{"b":2}',
			'{"c":3}',
			'{"d":4}',
			`{"big":"${'x'.repeat(60)}"}`,
			`{"e":"${'y'.repeat(20)}"}`,
			`{"f":"${'z'.repeat(20)}"}`,
		];
		const { batches, oversized } = batchRecords(records, kind);
		expect(batches.map((batch) => batch.members)).toEqual([[0, 1, 2], [3, 5], [6]]);
		expect(oversized).toEqual([4]);
		for (const batch of batches) {
			const body = `${kind.open}${batch.parts.join(',')}${kind.close}`;
			expect(Buffer.byteLength(body)).toBeLessThanOrEqual(kind.maxBytes);
			expect(() => JSON.parse(body)).not.toThrow();
		}
	});
});
