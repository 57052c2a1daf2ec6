/**
 * How many API calls, how long and how much memory Dotdigital Upsert needs for CUSTOMERS customers
 * (default 100,000) and ORDER_LINES order lines (default 100,000, four lines per order), run through
 * the node inside n8n's engine against the fake Dotdigital in a process of its own.
 *
 *   npm run bench dotdigital-upsert      (or: CUSTOMERS=20000 node .build/bench/dotdigital-upsert.js)
 *
 * Four runs with "Only Send Records That Changed": the customers into an empty account (every
 * contact new), the same customers unchanged (nothing to send), the same customers with Force Full
 * Resync (every contact known, all sent), then the orders, whose contacts all exist. The fake finishes an import
 * IMPORT_MS to IMPORT_MAX_MS after accepting it (default 6–20 s: the 2nd or 3rd check at the node's first pacing); the node checks an import first after 5 s, as in
 * production. A per-record approach would need one call per customer.
 */
import type { INodeParameters } from 'n8n-workflow';

import { measure, runBench, startFake, type RecordSet } from './lib/dotdigital-bench';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 100_000);
const ORDER_LINES = Number(process.env.ORDER_LINES ?? 100_000);
const LINES_PER_ORDER = 4;
// Between the node's 1st status check (5 s) and its 3rd (23.75 s) without learnt pacing: imports finish on the 2nd or the 3rd check.
const IMPORT_MS = Number(process.env.IMPORT_MS ?? 6000);
const IMPORT_MAX_MS = Number(process.env.IMPORT_MAX_MS ?? 20_000);

function customer(index: number) {
	return {
		customer_id: `C${100000 + index}`,
		email: `shopper${index}@example.com`,
		first_name: ['Jo', 'Sam', 'Alex', 'Kim', 'Pat'][index % 5],
		last_name: `Shopper${index}`,
		postcode: `NG${index % 90} ${index % 9}AB`,
		store_code: `S${index % 40}`,
		marketing_opt_in: index % 10 < 7,
		_source: { file: 'customers.csv', lines: [index + 2] },
	};
}

function order(index: number) {
	const lines = Array.from({ length: LINES_PER_ORDER }, (_, line) => ({
		sku: `SKU-${(index * 7 + line) % 5000}`,
		name: `Item ${line}`,
		qty: 1 + (line % 3),
		unit_price: 4.5 + line,
		line_total: (1 + (line % 3)) * (4.5 + line),
	}));
	const total = Math.round(lines.reduce((sum, line) => sum + line.line_total, 0) * 100) / 100;
	return {
		order_id: `R-${1_000_000 + index}`,
		customer_id: `C${100000 + (index % CUSTOMERS)}`,
		email: `shopper${index % CUSTOMERS}@example.com`,
		store_code: `S${index % 40}`,
		purchase_date: '2026-11-21T10:15:00+00:00',
		currency: 'GBP',
		order_subtotal: total,
		order_total: total,
		is_refund: false,
		lines,
		_source: {
			file: 'transactions.csv',
			lines: Array.from(
				{ length: LINES_PER_ORDER },
				(_, line) => index * LINES_PER_ORDER + line + 2,
			),
		},
	};
}

const customers: RecordSet = { count: CUSTOMERS, make: customer };
const orders: RecordSet = { count: ORDER_LINES / LINES_PER_ORDER, make: order };

async function main(): Promise<void> {
	const { fake, stop } = await startFake(IMPORT_MS, IMPORT_MAX_MS);
	process.stdout.write(
		`Fake Dotdigital at ${fake.rootUrl}; an import finishes ${IMPORT_MS}–${IMPORT_MAX_MS} ms after it is accepted (the 2nd or 3rd status check at the node's first pacing).\n`,
	);
	try {
		const contacts: INodeParameters = {
			resource: 'contact',
			operation: 'upsert',
			mode: 'auto',
			onlyChanged: true,
			dataFields: {
				field: [
					{ field: 'customer_id', dataField: 'POS_CUSTOMER_ID' },
					{ field: 'store_code', dataField: 'STORE' },
				],
			},
		};
		await measure(
			fake,
			`Contacts, first sync (all new; ${Math.round(CUSTOMERS * 0.3).toLocaleString('en-GB')} not opted in, created unsubscribed in the same import)`,
			customers,
			contacts,
		);
		await measure(fake, 'Contacts, unchanged re-run', customers, contacts);
		await measure(fake, 'Contacts, Force Full Resync (all known, all sent)', customers, {
			...contacts,
			options: { forceFullResync: true },
		});
		await measure(
			fake,
			`Orders (${ORDER_LINES.toLocaleString('en-GB')} lines in ${(ORDER_LINES / LINES_PER_ORDER).toLocaleString('en-GB')} orders; contacts exist)`,
			orders,
			{ resource: 'order', operation: 'upsert' },
		);
		process.stdout.write(
			`\nA per-record approach: ${CUSTOMERS.toLocaleString('en-GB')} calls for the customers and ${(ORDER_LINES / LINES_PER_ORDER).toLocaleString('en-GB')} for the orders.\n`,
		);
	} finally {
		await stop();
	}
}

runBench(main);
