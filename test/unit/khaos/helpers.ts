import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { WebOrder } from '../../../lib/khaos/orders';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'khaos');

/** A Khaos fixture as text, e.g. `fixture('xml-examples/KSDXMLStock.xml')`. */
export function fixture(path: string): string {
	return readFileSync(join(FIXTURES, path), 'utf8');
}

/** A complete, valid web order; override what a test is about. */
export function webOrder(overrides: Partial<WebOrder> = {}): WebOrder {
	return {
		order_id: 'WEB1001',
		customer_id: 'C-77',
		email: 'mike@example.test',
		purchase_date: '2024-06-01T23:30:00Z',
		currency: 'GBP',
		order_total: 66.79,
		prices_include_tax: true,
		lines: [
			{ sku: 'AMU15/SMPU-SMPU-10', name: 'Strappy Sandal, size 10', qty: 2, unit_price: 30.25 },
			{ sku: '00123', qty: 1, unit_price: 3.3 },
		],
		customer: {
			title: 'Mr',
			first_name: 'Mike',
			last_name: "O'Brien <&>",
			email: 'mike@example.test',
			phone: '01476 562447',
		},
		invoice_address: {
			address_1: 'Century House',
			address_2: '84 Commercial Road',
			town: 'Grantham',
			county: 'Lincolnshire',
			postcode: 'NG31 6DB',
			country_code: 'GB',
		},
		payments: [
			{
				method: 'card',
				amount: 66.79,
				reference: 'pi_3P1',
				auth_code: 'AUTH42',
				card_type: 'Visa',
			},
		],
		delivery: { method: 'Royal Mail 48', charge_gross: 2.99 },
		...overrides,
	};
}
