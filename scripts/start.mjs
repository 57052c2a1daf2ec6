/**
 * `npm start`: the demo shop in a real n8n on 127.0.0.1. This package is installed as a community
 * package; the fake Dotdigital, Khaos Control and web store run as sandboxes with credentials pointing
 * at them; every template is imported and active; and a demo drop folder holds the shop's exports.
 * Dropping a file into a POS folder runs the whole flow. Ctrl-C stops everything.
 */
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { harness, prepare, repoDir, runtime } from './prepare.mjs';

const require = createRequire(import.meta.url);
const { paths, nodesDir } = await prepare();
await runtime.run(
	'Compiling the sandbox fakes',
	join(repoDir, 'node_modules', '.bin', 'tsc'),
	['-p', 'tsconfig.json'],
	{ cwd: repoDir, env: runtime.node24Env(paths) },
);
const { startFakeDotdigital } = require('../.build/test/fakes/dotdigital/index.js');
const { startFakeKhaos } = require('../.build/test/fakes/khaos/index.js');
const { startFakeStore } = require('../.build/test/fakes/store/index.js');
const { setUpDemoShop } = require('../test/e2e/harness/sandbox.cjs');
const demoShop = require('../test/fixtures/demo-shop/index.cjs');

const sandbox = join(runtime.cacheRoot(), 'sandbox');
const files = join(sandbox, 'files');
rmSync(sandbox, { recursive: true, force: true });
const samples = join(sandbox, 'samples');
cpSync(join(repoDir, 'test', 'fixtures', 'demo-shop'), samples, {
	recursive: true,
	filter: (source) => !/(index\.cjs|mapping\.json|README\.md)$/.test(source),
});
cpSync(
	join(repoDir, 'test', 'fixtures', 'pos', 'square-item-detail.csv'),
	join(samples, 'square-item-detail.csv'),
);

const port = Number(process.env.N8N_PORT ?? 5678);
const [dotdigital, khaos, store] = await Promise.all([
	startFakeDotdigital({ port: port + 10, importMs: 2000 }),
	startFakeKhaos({ port: port + 11 }),
	startFakeStore({ port: port + 12 }),
]);
const instance = new harness.N8nInstance({
	runtime: paths,
	root: sandbox,
	packageNodesDir: nodesDir,
	port,
	env: {
		N8N_RESTRICT_FILE_ACCESS_TO: files,
		GENERIC_TIMEZONE: process.env.GENERIC_TIMEZONE ?? 'Europe/London',
	},
});

let stopping = false;
async function shutdown() {
	if (stopping) return;
	stopping = true;
	process.stdout.write('\nStopping n8n and the sandboxes…\n');
	await instance.stop();
	await Promise.all([dotdigital.stop(), khaos.stop(), store.stop()]);
	process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

runtime.say(
	`Starting n8n ${runtime.N8N_VERSION} on Node ${runtime.NODE_VERSION} (log: ${instance.logFile})…`,
);
await instance.start();
const { workflows } = await setUpDemoShop(instance, {
	filesRoot: files,
	fakes: { dotdigital, khaos, store },
});
const pos = join(files, 'pos');
const sample = (feed) => join(samples, demoShop.EXPORTS[feed]);

process.stdout.write(`
n8n is running with n8n-nodes-pos-sync installed and the demo shop set up.

  URL:      ${instance.baseUrl}
  Login:    ${harness.OWNER.email}
  Password: ${harness.OWNER.password}

Active template workflows:
${workflows.map((w) => `  - ${w.workflow.name}  ${instance.baseUrl}/workflow/${w.id}`).join('\n')}

Sandboxes (in place of the real services, with credentials "Dotdigital account" and "Khaos Control account"):
  Dotdigital  ${dotdigital.regionUrl('r1')}   what it holds: ${dotdigital.adminUrl}page  (JSON: ${dotdigital.adminUrl}state)
  Khaos       ${khaos.wsdlUrl}   orders and stock: ${khaos.baseUrl}/__admin/page
  Web store   ${store.apiUrl}   what it received: ${store.baseUrl}/__admin/state

Try it (the POS folders are checked every 5 seconds here):
  cp ${sample('customers')} ${join(pos, 'customers')}/
  cp ${sample('transactions')} ${join(pos, 'transactions')}/
  cp ${sample('products')} ${join(pos, 'products')}/
  cp ${sample('signups')} ${join(pos, 'signups')}/
Each file runs within seconds (Executions in the editor), then moves to processed/<today>/.
Every file's counts go into the sync ledger; an exceptions workbook lands in ${join(pos, 'reports')}/ when a row was refused.
A web order:  curl -X POST ${instance.baseUrl}/webhook/web-orders -H 'content-type: application/json' -d @${join(samples, 'web-order.json')}
Sync health: open its workflow, set Period to Today in "Yesterday's counts", and press "Execute workflow".

Each web order Khaos receives is printed below as it arrives.

Press Ctrl-C to stop.
`);

// What each posted web order became in Khaos, as it arrives.
const seenOrders = new Set();
setInterval(() => {
	for (const order of khaos.orders()) {
		if (seenOrders.has(order.salesOrderCode)) continue;
		seenOrders.add(order.salesOrderCode);
		const lines = order.lines.map((line) => `${line.qty} × ${line.stockCode}`).join(', ');
		process.stdout.write(
			`Web order ${order.associatedRef} → Khaos sales order ${order.salesOrderCode} for ${order.newCustomer ? 'new ' : ''}customer ${order.companyCode} (${order.companyName}): ${lines}; ${order.orderAmount} ${order.currency}\n`,
		);
	}
}, 2000).unref();
await new Promise(() => {});
