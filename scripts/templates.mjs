/**
 * Writes the template workflows in workflows-templates/ (`npm run templates`). The POS → Dotdigital
 * templates share their reporting tail, so they are built here rather than kept as four hand-edited
 * copies; a unit test fails when the committed JSON and this script disagree.
 *
 * Conventions every template follows: installed type names (n8n-nodes-pos-sync.<node>), credentials
 * by name only (n8n links them to the credential of that name on import), and sticky notes that say
 * what to set. Paths are those of n8n's Docker image; the sandbox (`npm start`) points them elsewhere.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = 'n8n-nodes-pos-sync';
const here = dirname(fileURLToPath(import.meta.url));
const placeholders = JSON.parse(readFileSync(join(here, 'template-placeholders.json'), 'utf8'));
const POS_ROOT = `${placeholders.filesRoot}/pos`;
// Follows the trigger's folder: mapping/ sits beside the feed folders, in the shop's folder above them.
const WORKBOOK = '={{ $json.shop_folder }}/mapping/shop-mapping.xlsx';
const STORE_URL = placeholders.storeUrl;
const credential = (type) => ({ [type]: { id: null, name: placeholders.credentials[type] } });
/** A picker's value typed by name (the "By Name" mode), as the editor stores it. */
const byName = (value) => ({ __rl: true, mode: 'id', value });

/** A template under construction: nodes by name, connections by output. */
class Template {
	constructor(file, name) {
		this.file = file;
		this.name = name;
		this.nodes = [];
		this.connections = {};
	}

	node(name, type, position, parameters = {}, extra = {}) {
		const id = createHash('sha256').update(`${this.file}/${name}`).digest('hex');
		const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-a${id.slice(17, 20)}-${id.slice(20, 32)}`;
		const [fullType, typeVersion] = type.split('@');
		this.nodes.push({
			parameters,
			id: uuid,
			name,
			type: fullType.includes('.') ? fullType : `${PKG}.${fullType}`,
			typeVersion: Number(typeVersion ?? 1),
			position,
			...extra,
		});
		return name;
	}

	note(title, lines, position, { width = 380, height = 260, color } = {}) {
		const content = `## ${title}\n${lines.join('\n')}`;
		return this.node(`Note: ${title}`, 'n8n-nodes-base.stickyNote', position, {
			content,
			height,
			width,
			...(color ? { color } : {}),
		});
	}

	connect(from, to, output = 0, input = 0) {
		const outputs = (this.connections[from] ??= { main: [] }).main;
		while (outputs.length <= output) outputs.push([]);
		outputs[output].push({ node: to, type: 'main', index: input });
	}

	toJSON() {
		return {
			name: this.name,
			nodes: this.nodes,
			connections: this.connections,
			settings: { executionOrder: 'v1', timezone: 'Europe/London' },
			tags: [],
		};
	}
}

const expr = (code) => `={{ ${code} }}`;
const now = "$now.toFormat('yyyy-MM-dd-HHmmss')";
const EXCEPTIONS_REPORT = 'Exceptions report';

/**
 * The shared tail of every POS → Dotdigital template: one exceptions workbook per file, with the rows
 * the mapping rejected and the records Dotdigital refused in the same columns, owner first, each with
 * a message in plain words, written in one step by the Exceptions Report node (no expression runs per
 * record). The counts need no nodes: Mapping Apply and Dotdigital Upsert record them in the sync
 * ledger, which the Sync Health template reads.
 */
function reportTail(t, { feed, watch, map, send, x, runs = false }) {
	const report = t.node(EXCEPTIONS_REPORT, 'exceptionsReport', [x + 220, 200], {
		// reports/ beside the feed folders, in the shop's folder: it follows the trigger's Folder, and is created when missing.
		folder: expr(`$('${watch}').first().json.shop_folder + '/reports'`),
		// With several sending nodes the tail can run more than once in an execution: each run keeps its own workbook.
		fileName: `={{ ${now} }}-${feed}-{{ $execution.id }}${runs ? '-{{ $runIndex }}' : ''}-exceptions.xlsx`,
		format: 'xlsx',
		sender: 'Dotdigital',
	});
	t.connect(map, report, 1, 0);
	t.connect(send, report, 1, 1);
}

/** POS File Trigger → Mapping Apply (the shop's workbook) → Dotdigital Upsert → reports. */
function posToDotdigital({
	file,
	name,
	feed,
	folder,
	trigger,
	mappingFeed,
	send,
	notes,
	alertAfter,
}) {
	const t = new Template(file, name);
	notes(t);
	const watch = t.node(`New ${feed} export`, 'posFileTrigger@1.1', [0, 0], {
		feed: mappingFeed,
		folder: `${POS_ROOT}/${folder}`,
		pattern: '*.{csv,tsv,txt,xlsx,xls}',
		...trigger,
		settleSeconds: 10,
		options: { moveProcessed: true, alertAfter },
	});
	const map = t.node('Map the rows', 'mappingApply', [240, 0], {
		feed: mappingFeed,
		mappingSource: 'workbook',
		workbookLocation: 'path',
		workbookPath: WORKBOOK,
	});
	t.connect(watch, map);
	const upsert = t.node('Send to Dotdigital', 'dotdigitalUpsert', [480, -100], send, {
		credentials: credential('dotdigitalApi'),
	});
	t.connect(map, upsert, 0);
	const gap = t.node(`No ${feed} file: tell someone`, 'n8n-nodes-base.noOp', [240, -260], {});
	t.connect(watch, gap, 1);
	reportTail(t, { feed, watch, map, send: upsert, x: 480 });
	return t;
}

const commonNotes = (feed) => [
	'',
	`**Every run's counts go into the sync ledger** (rows read, records, rejected, sent, accepted, failed, unchanged), which the *Sync health* template reads. When anything was refused, the run also leaves \`<date>-<time>-${feed}-<execution>-exceptions.xlsx\` in \`reports\` beside the feed folders (made when missing): one row per exception, with who fixes it, in plain words.`,
	'**Credentials:** a Dotdigital API credential named *Dotdigital account*.',
];

const templates = [
	posToDotdigital({
		file: '01-pos-customers-to-dotdigital.json',
		name: 'POS customers → Dotdigital contacts',
		feed: 'customers',
		folder: 'customers',
		mappingFeed: 'customer',
		alertAfter: '26h',
		trigger: { schedule: 'hourly', atMinute: 5 },
		send: {
			resource: 'contact',
			operation: 'upsert',
			identifier: 'email',
			mode: 'bulk',
			mergeOption: 'overwriteIfNotEmpty',
			newContactConsent: 'posOptIn',
			onlyChanged: true,
			options: {},
		},
		notes: (t) => {
			t.note(
				'POS customers → Dotdigital contacts',
				[
					"Each customer export the till writes into **pos/customers** is mapped with the shop's mapping workbook and sent to Dotdigital in bulk imports.",
					'',
					'**Set up**',
					"1. **New customers export → Folder**: where the till writes customer exports. The shop's filled-in mapping workbook is read from `mapping/shop-mapping.xlsx` in the folder above it (Mapping Apply → Get Mapping Template gives a blank one).",
					'2. **Send to Dotdigital**: lists to add customers to, and how blanks are treated. **Only Send Records That Changed** is on: a daily full export costs only what changed.',
					...commonNotes('customers'),
					'',
					'**Schedule:** checks the folder every hour at :05. Change **Check for Files** on the trigger; nothing else depends on it.',
					"New contacts get the till's opt-in; existing contacts' marketing status is never changed.",
				],
				[-520, -320],
				{ width: 460, height: 580 },
			);
			t.note(
				'When the feed goes quiet',
				[
					'No customer file for 26 hours sends one alert out of **Sync Gap Alerts**. Replace *No customers file: tell someone* with an email or Slack node.',
				],
				[160, -460],
				{ width: 320, height: 170, color: 3 },
			);
		},
	}),
	posToDotdigital({
		file: '02-pos-products-to-dotdigital-catalogue.json',
		name: 'POS products → Dotdigital product catalogue',
		feed: 'products',
		folder: 'products',
		mappingFeed: 'product',
		alertAfter: '26h',
		trigger: { schedule: 'daily', atHour: 5, atMinute: 30 },
		send: {
			resource: 'product',
			operation: 'upsert',
			productCollection: byName('Catalog_Default'),
			onlyChanged: true,
			options: {},
		},
		notes: (t) => {
			t.note(
				'POS products → Dotdigital catalogue',
				[
					"Each product export in **pos/products** is mapped and upserted into Dotdigital's product catalogue (Insight collection **Catalog_Default**), keyed by SKU, for product blocks and recommendations in emails.",
					'',
					'**Set up**',
					'1. **New products export → Folder**. The mapping workbook is read from `mapping/shop-mapping.xlsx` in the folder above it.',
					'2. **Send to Dotdigital → Catalogue Collection**: keep `Catalog_Default` unless Dotdigital set up another catalogue for this account.',
					...commonNotes('products'),
					'',
					'**Schedule:** every day at 05:30, before the morning emails. Change **Check for Files** on the trigger.',
				],
				[-520, -320],
				{ width: 460, height: 520 },
			);
		},
	}),
	posToDotdigital({
		file: '03-pos-transactions-to-dotdigital-orders.json',
		name: 'POS transactions → Dotdigital orders',
		feed: 'transactions',
		folder: 'transactions',
		mappingFeed: 'transaction',
		alertAfter: '26h',
		trigger: { schedule: 'minutes', everyMinutes: 45 },
		send: {
			resource: 'order',
			operation: 'upsert',
			orderCollection: byName('Orders'),
			createMissingContacts: true,
			onlyChanged: true,
			options: {},
		},
		notes: (t) => {
			t.note(
				'POS transactions → Dotdigital orders',
				[
					"Each transaction export in **pos/transactions** becomes orders (one per receipt, with its lines) in Dotdigital's **Orders** collection, on the customer's contact.",
					'',
					'**Set up**',
					"1. **New transactions export → Folder**. The mapping workbook is read from `mapping/shop-mapping.xlsx` in the folder above it. For Square's Item Detail export choose **Mapping → Preset → Square Item Detail** instead.",
					'2. **Send to Dotdigital**: **Create Missing Contacts First** is on, so an order for an email Dotdigital does not know yet creates the contact first (unsubscribed: a purchase is not consent).',
					'3. Receipts with a customer number but no email reach the contact through the customer number the customers template learnt. Large files go in bulk imports of up to 2,000 orders, and orders Dotdigital already has are not sent again.',
					...commonNotes('transactions'),
					'',
					"**Schedule:** every 45 minutes. Run the customers template first on the same day, so contacts carry the till's opt-in before their orders arrive.",
				],
				[-520, -320],
				{ width: 460, height: 620 },
			);
		},
	}),
	posToDotdigital({
		file: '04-sign-up-fast-lane.json',
		name: 'Sign-up fast lane: new sign-ups → welcome programme',
		feed: 'signups',
		folder: 'signups',
		mappingFeed: 'customer',
		alertAfter: '24h',
		trigger: { schedule: 'arrival', checkEverySeconds: 60 },
		send: {
			resource: 'contact',
			operation: 'upsert',
			identifier: 'email',
			mode: 'realtime',
			// Add to Lists is a multi-select of the account's lists: the editor stores the IDs picked as a list.
			lists: [placeholders.welcomeList],
			mergeOption: 'overwriteIfNotEmpty',
			newContactConsent: 'posOptIn',
			options: {},
		},
		notes: (t) => {
			t.note(
				'Sign-up fast lane',
				[
					'Customers who sign up at the till arrive in Dotdigital within a minute or two, on the list that starts the **welcome programme**.',
					'',
					'**Set up**',
					'1. Have the till write its small "new customers since" export into **pos/signups** (every few minutes).',
					"2. **Send to Dotdigital → Add to Lists**: the ID of the list your welcome programme starts from (Dotdigital → Audience → Lists; the ID is in the list's address).",
					"3. To keep a consent record in Dotdigital, add **Options → Consent Text, Consent URL and Consent IP Address** (the wording agreed to at the till, where it is published, and the shop's internet address). Dotdigital keeps a record only when all three are set.",
					...commonNotes('signups'),
					'',
					'**Speed:** one call per contact (Real-Time), checked every 60 seconds. Full customer files and transactions stay on their batched templates.',
					'Sign-ups who did not opt in are added unsubscribed, so the programme never emails them.',
				],
				[-520, -320],
				{ width: 460, height: 620 },
			);
		},
	}),
];

/** One per-sale export → Mapping Apply (all three sheets of the workbook, one output per feed) → three Dotdigital Upserts. */
function salesExportToDotdigital() {
	const t = new Template(
		'08-pos-sales-export-to-dotdigital.json',
		'POS sales export → Dotdigital contacts, catalogue and orders',
	);
	t.note(
		'One sales export → contacts, catalogue and orders',
		[
			"For tills that export **one file per day of sales** with the customer and the product on every row (like the Sample Superstore layout): the file is read once and mapped three ways, with the **Customers**, **Products** and **Transactions** sheets of the shop's mapping workbook. **Map the rows** has *Split by Feed* on: its **Customers**, **Products** and **Orders** outputs go straight to the three **Send …** nodes.",
			'Rows of the same customer become one contact and rows of the same SKU one product; each receipt becomes one order with its lines.',
			'',
			'**Set up**',
			'1. **New sales export → Folder**: where the till writes the export. The mapping workbook is read from `mapping/shop-mapping.xlsx` in the folder above it: fill in all three sheets; a sheet left blank is skipped.',
			'2. The three **Send …** nodes run top to bottom: contacts first, so orders find them.',
			...commonNotes('sales'),
			'',
			'Each feed is reconciled on its own in the ledger, as `<file> (customers)`, `<file> (products)` and `<file> (transactions)`.',
		],
		[-560, -360],
		{ width: 480, height: 660 },
	);
	const watch = t.node('New sales export', 'posFileTrigger@1.1', [0, 0], {
		feed: 'transaction',
		folder: `${POS_ROOT}/sales`,
		pattern: '*.{csv,tsv,txt,xlsx,xls}',
		schedule: 'daily',
		atHour: 6,
		atMinute: 0,
		settleSeconds: 10,
		options: { moveProcessed: true, alertAfter: '26h' },
	});
	const map = t.node('Map the rows', 'mappingApply', [240, 0], {
		feed: 'all',
		mappingSource: 'workbook',
		workbookLocation: 'path',
		workbookPath: WORKBOOK,
		splitByFeed: true,
	});
	t.connect(watch, map);
	const contacts = t.node(
		'Send contacts',
		'dotdigitalUpsert',
		[520, -200],
		{
			resource: 'contact',
			operation: 'upsert',
			identifier: 'email',
			mode: 'bulk',
			mergeOption: 'overwriteIfNotEmpty',
			newContactConsent: 'posOptIn',
			onlyChanged: true,
			options: {},
		},
		{ credentials: credential('dotdigitalApi') },
	);
	const products = t.node(
		'Send products',
		'dotdigitalUpsert',
		[520, 0],
		{
			resource: 'product',
			operation: 'upsert',
			productCollection: byName('Catalog_Default'),
			onlyChanged: true,
			options: {},
		},
		{ credentials: credential('dotdigitalApi') },
	);
	const orders = t.node(
		'Send orders',
		'dotdigitalUpsert',
		[520, 200],
		{
			resource: 'order',
			operation: 'upsert',
			orderCollection: byName('Orders'),
			createMissingContacts: true,
			onlyChanged: true,
			options: {},
		},
		{ credentials: credential('dotdigitalApi') },
	);
	// Mapping Apply's Customers, Products and Orders outputs, after Records, Rejected and Summary.
	t.connect(map, contacts, 3);
	t.connect(map, products, 4);
	t.connect(map, orders, 5);
	reportTail(t, { feed: 'sales', watch, map, send: contacts, x: 760, runs: true });
	t.connect(products, EXCEPTIONS_REPORT, 1, 1);
	t.connect(orders, EXCEPTIONS_REPORT, 1, 1);
	return t;
}

function webOrdersToKhaos() {
	const t = new Template(
		'05-web-orders-to-khaos.json',
		'Web orders → Khaos Control, order status back to the store',
	);
	t.note(
		'Web orders → Khaos, status back',
		[
			'**Top:** the store posts each new web order to this workflow\'s webhook (`POST /webhook/web-orders`, body `{"orders": [ … ]}`). Orders go into Khaos once each: a re-sent order is reported as already imported.',
			"**Bottom:** every 30 minutes, the store's open orders are looked up in Khaos; for each order Khaos has, its status, consignment and tracking go back to the store. Orders Khaos does not have yet (`found: false`) are not sent.",
			'',
			'**Set up**',
			'1. A Khaos Control credential named *Khaos Control account*.',
			"2. Replace `https://store.example.com/api` in the two HTTP nodes with your store's API (and add its credential).",
			'3. Orders Khaos refuses (an unknown SKU, a product with sizes ordered without choosing one, a missing price) come out of **Failed**: point *Orders Khaos refused: tell someone* at email or Slack. `retryable: true` means Khaos was unreachable or its database was down: the order can be sent again as it is.',
		],
		[-560, -340],
		{ width: 480, height: 420 },
	);
	const hook = t.node(
		'Web order from the store',
		'n8n-nodes-base.webhook@2',
		[0, 0],
		{ httpMethod: 'POST', path: 'web-orders', responseMode: 'onReceived', options: {} },
		{ webhookId: 'a3c7e0f2-5b1d-4c8e-9f60-2d7b8e4a1c05' },
	);
	const each = t.node('One item per order', 'n8n-nodes-base.splitOut@1', [220, 0], {
		fieldToSplitOut: 'body.orders',
		options: {},
	});
	t.connect(hook, each);
	const khaos = t.node(
		'Import into Khaos',
		'khaosOrder',
		[440, 0],
		{ operation: 'importOrders', pricesIncludeTax: 'order', options: {} },
		{ credentials: credential('khaosControlApi') },
	);
	t.connect(each, khaos);
	const refused = t.node(
		'Orders Khaos refused: tell someone',
		'n8n-nodes-base.noOp',
		[680, 100],
		{},
	);
	t.connect(khaos, refused, 1);

	const every = t.node('Every 30 minutes', 'n8n-nodes-base.scheduleTrigger@1.2', [0, 320], {
		rule: { interval: [{ field: 'minutes', minutesInterval: 30 }] },
	});
	const open = t.node('Open orders at the store', 'n8n-nodes-base.httpRequest@4.2', [220, 320], {
		url: `${STORE_URL}/orders?status=open`,
		options: {},
	});
	t.connect(every, open);
	const eachOpen = t.node('One item per open order', 'n8n-nodes-base.splitOut@1', [440, 320], {
		fieldToSplitOut: 'orders',
		options: {},
	});
	t.connect(open, eachOpen);
	const status = t.node(
		'Order status from Khaos',
		'khaosOrder',
		[660, 320],
		{ operation: 'getStatus', orderRefs: '={{ $json.order_id }}', lookUpBy: 4, options: {} },
		{ credentials: credential('khaosControlApi') },
	);
	t.connect(eachOpen, status);
	const found = t.node('Only orders Khaos has', 'n8n-nodes-base.filter@2', [880, 320], {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict' },
			conditions: [
				{
					id: 'b1f0c2d4-6a3e-4f5b-8c7d-9e0f1a2b3c4d',
					leftValue: '={{ $json.found }}',
					rightValue: '',
					operator: { type: 'boolean', operation: 'true', singleValue: true },
				},
			],
			combinator: 'and',
		},
		options: {},
	});
	t.connect(status, found);
	const back = t.node(
		'Send the status to the store',
		'n8n-nodes-base.httpRequest@4.2',
		[1100, 320],
		{
			method: 'POST',
			url: `=${STORE_URL}/orders/{{ encodeURIComponent($json.associated_ref) }}/status`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	);
	t.connect(found, back);
	return t;
}

function khaosProductsToStore() {
	const t = new Template(
		'06-khaos-products-and-stock-to-store.json',
		'Khaos product and stock changes → the store',
	);
	t.note(
		'Khaos products and stock → the store',
		[
			'Every 30 minutes, products changed in Khaos (details, prices, and stock movements) are sent to the web store, one request per product, with every size/colour variant and its own stock code.',
			'',
			'**Set up**',
			'1. A Khaos Control credential named *Khaos Control account*.',
			"2. **Send to the store**: replace `https://store.example.com/api/products` with your store's product API (and add its credential), or swap it for your store's own n8n node.",
			"3. To send category paths too, turn on **Include Web Categories** in the trigger's options (Website: which Khaos website's categories, when there are several). It adds categories; it does not choose which products are sent.",
			'',
			'The first check after you activate sends nothing: it notes where Khaos is. From then on only products that change are sent, each once. To fill the store the first time, run *Khaos Product → Get Products by Stock Code* or *Get Changed Products* from an early date.',
			'Products with **published: false** must be hidden (discontinued, not for the web, out of run-to-zero stock, or sizes Khaos could not give). **needs_web_review** with **review_reasons**: new to the store, or variants missing in Khaos.',
		],
		[-560, -340],
		{ width: 460, height: 520 },
	);
	const changes = t.node(
		'Khaos product changes',
		'khaosProductTrigger',
		[0, 0],
		{
			pollTimes: { item: [{ mode: 'everyX', value: 30, unit: 'minutes' }] },
			includeMovements: true,
			options: {},
		},
		{ credentials: credential('khaosControlApi') },
	);
	const send = t.node('Send to the store', 'n8n-nodes-base.httpRequest@4.2', [260, 0], {
		method: 'PUT',
		url: `=${STORE_URL}/products/{{ encodeURIComponent($json.stock_code) }}`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: '={{ JSON.stringify($json) }}',
		options: { batching: { batch: { batchSize: 20, batchInterval: 1000 } } },
	});
	t.connect(changes, send);
	return t;
}

function syncHealth() {
	const t = new Template(
		'07-sync-health.json',
		'Sync health: daily record-count check and weekly exception review',
	);
	t.note(
		'Sync health',
		[
			'Both checks read the **sync ledger**, where every POS template records each file: rows read, records, rejected, sent, accepted, failed and unchanged, and the value of the orders.',
			'',
			'**Daily check (07:00):** yesterday, per feed. It says whether every file balanced, names a feed with no file, lists the records to fix by owner, and charts the last 14 days.',
			'**Weekly review (Monday 08:00):** the same for the last 7 days, with the records to fix by owner (till data, mapping, API) and reason, most common first.',
			'',
			'**Set up**',
			'1. Replace the two *Send …* nodes with an email (Send Email) or Slack node. Use `{{ $json.subject }}`, and `{{ $json.html }}` for an email or `{{ $json.text }}` for Slack.',
			"2. In *Yesterday's counts*, untick a feed in **Feeds Expected** if this shop does not send it every day.",
			'3. Change the times on the two schedule nodes. See docs/operations.md for who owns each exception.',
		],
		[-560, -360],
		{ width: 480, height: 420 },
	);

	const daily = t.node('Every morning at 07:00', 'n8n-nodes-base.scheduleTrigger@1.2', [0, 0], {
		rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 7 }] },
	});
	const yesterday = t.node("Yesterday's counts", 'syncLedger', [240, 0], {
		operation: 'summary',
		period: 'yesterday',
		expectedFeeds: ['customers', 'products', 'transactions'],
		chartDays: 14,
	});
	t.connect(daily, yesterday);
	const sendDaily = t.node(
		'Send the daily check (email or Slack)',
		'n8n-nodes-base.noOp',
		[480, 0],
		{},
	);
	t.connect(yesterday, sendDaily);

	const weekly = t.node('Every Monday at 08:00', 'n8n-nodes-base.scheduleTrigger@1.2', [0, 300], {
		rule: { interval: [{ field: 'weeks', weeksInterval: 1, triggerAtDay: [1], triggerAtHour: 8 }] },
	});
	const lastWeek = t.node("Last week's counts", 'syncLedger', [240, 300], {
		operation: 'summary',
		period: 'last7Days',
		expectedFeeds: ['customers', 'products', 'transactions'],
		chartDays: 28,
	});
	t.connect(weekly, lastWeek);
	const sendWeekly = t.node(
		'Send the weekly review (email or Slack)',
		'n8n-nodes-base.noOp',
		[480, 300],
		{},
	);
	t.connect(lastWeek, sendWeekly);
	return t;
}

/** A new shop's first export → Suggest Mapping → the suggested workbook saved as the shop's mapping workbook. */
function newShopSuggestMapping() {
	const t = new Template(
		'09-new-shop-suggest-mapping.json',
		'New shop: suggest and check a mapping',
	);
	t.note(
		'New shop: suggest and check a mapping',
		[
			"Run once for a new shop, on its first export: Mapping Apply reads the file's headers and values and writes the mapping workbook the other templates use, filled in, with a **Confidence** and a **Why** for every field.",
			'',
			'**Set up**',
			'1. Put one export from the till (customers, products or transactions) into **pos/new-shop**.',
			'2. Open **First export** and click **Fetch test event**, then **Execute workflow**. The newest file in the folder is read; nothing is marked as processed and nothing is sent anywhere.',
			'3. Check the output of **Suggest a mapping**: the feed and row grain it found and why, the settings, every field with its confidence and reason, the fields left empty, any date it could not tell day-first from month-first, and **preview**: the first records and the faults Apply Mapping would raise (no identity column, a rate that is not money, a required field with no column).',
			'4. The workbook is saved as **pos/mapping/shop-mapping.xlsx**. Open it, read its **Suggestion** sheet, fill in what was left empty, set the **Time zone** on the Settings sheet, then turn on the customers, products or transactions template.',
			'',
			'**Careful:** running it again replaces pos/mapping/shop-mapping.xlsx. Keep this workflow inactive and run it by hand.',
		],
		[-560, -360],
		{ width: 520, height: 520 },
	);
	const first = t.node('First export', 'posFileTrigger', [0, 0], {
		feed: 'other',
		customFeed: 'first export',
		folder: `${POS_ROOT}/new-shop`,
		pattern: '*.{csv,tsv,txt,xlsx,xls}',
		schedule: 'hourly',
		atMinute: 0,
		settleSeconds: 10,
		options: {},
	});
	const suggest = t.node('Suggest a mapping', 'mappingApply', [260, 0], {
		operation: 'suggest',
		sampleSource: 'binary',
		sampleBinaryProperty: 'data',
		suggestFeed: 'detect',
		suggestedFileName: 'shop-mapping.xlsx',
		previewRecords: 5,
	});
	t.connect(first, suggest);
	const save = t.node(
		"Save as the shop's mapping workbook",
		'n8n-nodes-base.readWriteFile@1',
		[520, 0],
		{
			operation: 'write',
			// The trigger's folder is the shop's feed folder; mapping/ sits beside it, as for the other templates.
			fileName: "={{ $('First export').item.json.shop_folder }}/mapping/shop-mapping.xlsx",
			dataPropertyName: 'mapping',
			options: {},
		},
	);
	t.connect(suggest, save);
	return t;
}

function unsubscribesBackToTill() {
	const t = new Template('10-unsubscribes-back-to-the-till.json', 'Unsubscribes back to the till');
	t.note(
		'Unsubscribes back to the till',
		[
			'Every morning, the contacts who **unsubscribed** or whom Dotdigital **suppressed** (bounces, complaints, its suppression list) since the last run are written to a CSV file for the till to import, so the next sign-up form at the counter shows them opted out. Each change comes once; a day with none writes no file.',
			'',
			'**Set up**',
			`1. In *Unsubscribes and suppressions*, set **Shop Folder** to the folder the till imports from (now \`${POS_ROOT}/consent\`).`,
			"2. Fill in the **Consent File** sheet of the shop's mapping workbook (`pos/mapping/shop-mapping.xlsx`): one row per column of the till's import, its heading and the field it comes from; a value map on the Value Maps sheet turns the status into the till's words (e.g. unsubscribed → N).",
			'3. Change the time on *Every morning at 06:00* if the till imports at another time.',
			'4. Shop on Khaos Control? See *Shops with Khaos Control* below: one node to switch on.',
		],
		[-560, -320],
		{ width: 480, height: 440 },
	);
	const daily = t.node('Every morning at 06:00', 'n8n-nodes-base.scheduleTrigger@1.2', [0, 0], {
		rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 6 }] },
	});
	const changes = t.node(
		'Unsubscribes and suppressions',
		'dotdigitalConsentChanges@2',
		[240, 0],
		{
			folder: `${POS_ROOT}/consent`,
			layout: 'workbook',
			mappingWorkbook: `${POS_ROOT}/mapping/shop-mapping.xlsx`,
		},
		{ credentials: credential('dotdigitalApi') },
	);
	t.connect(daily, changes);
	khaosMailingStep(t, changes);
	return t;
}

/**
 * Optional, for shops on Khaos Control: the same changes as each customer's Khaos mailing status.
 * Off (disabled) until a consultant switches it on; n8n's Split Out makes one item per change.
 */
function khaosMailingStep(t, changes) {
	t.note(
		'Shops with Khaos Control (optional)',
		[
			"*Mailing preference in Khaos* is **off** (disabled). For a shop on Khaos Control, select it and press **D** to switch it on: each unsubscribe and suppression then also sets the customer's **mailing status** in Khaos (5, order correspondence only, unless set otherwise in its Options).",
			'',
			'It finds the customer by any email on their Khaos record and only ever moves them to less mailing: Dotdigital owns consent, and Khaos never opts anyone in. If the run fails (Khaos down, a customer Khaos cannot update), fix the cause and **retry** the execution: what is already in Khaos is not written twice.',
			'',
			'When you switch it on, choose its **Khaos Control** credential (n8n links a switched-off node to none). Leave it off for a shop without Khaos.',
		],
		[240, 200],
		{ width: 620, height: 300, color: 5 },
	);
	const split = t.node('One item per change', 'n8n-nodes-base.splitOut', [480, 0], {
		fieldToSplitOut: 'changes',
		options: {},
	});
	const khaos = t.node(
		'Mailing preference in Khaos',
		'khaosOrder',
		[720, 0],
		{
			operation: 'updateMailingPreference',
			email: '={{ $json.email }}',
			consentStatus: '={{ $json.status }}',
			findCustomerBy: 'email',
			mailingOptions: {},
		},
		{ credentials: credential('khaosControlApi'), disabled: true },
	);
	t.connect(changes, split);
	t.connect(split, khaos);
}

export const ALL = [
	...templates,
	webOrdersToKhaos(),
	khaosProductsToStore(),
	syncHealth(),
	salesExportToDotdigital(),
	newShopSuggestMapping(),
	unsubscribesBackToTill(),
];

export function render(template) {
	return `${JSON.stringify(template, null, '\t')}\n`;
}

/** `--check` lists the templates whose committed JSON differs from what this script writes. */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const dir = join(dirname(here), 'workflows-templates');
	if (process.argv.includes('--check')) {
		const stale = ALL.filter(
			(template) => readFileSync(join(dir, template.file), 'utf8') !== render(template),
		).map((template) => template.file);
		process.stdout.write(
			JSON.stringify({ templates: ALL.map((template) => template.file), stale }),
		);
	} else {
		for (const template of ALL) writeFileSync(join(dir, template.file), render(template));
		process.stdout.write(`Wrote ${ALL.length} templates to ${dir}\n`);
	}
}
