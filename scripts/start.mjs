/**
 * `npm start`: a real n8n on 127.0.0.1 with this package installed as a community package and
 * the template workflows imported and active, watching a demo drop folder. Ctrl-C stops it.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { harness, prepare, repoDir, runtime } from './prepare.mjs';

const { paths, nodesDir } = await prepare();

const sandbox = join(runtime.cacheRoot(), 'sandbox');
const files = join(sandbox, 'files');
const drop = join(files, 'pos');
rmSync(sandbox, { recursive: true, force: true });
for (const feed of ['customers', 'products', 'transactions']) mkdirSync(join(drop, feed), { recursive: true });
const samples = join(sandbox, 'samples');
cpSync(join(repoDir, 'test', 'fixtures', 'pos'), samples, { recursive: true });

const instance = new harness.N8nInstance({
	runtime: paths,
	root: sandbox,
	packageNodesDir: nodesDir,
	port: Number(process.env.N8N_PORT ?? 5678),
	env: { N8N_RESTRICT_FILE_ACCESS_TO: files, GENERIC_TIMEZONE: process.env.GENERIC_TIMEZONE ?? 'Europe/London' },
});

let stopping = false;
async function shutdown() {
	if (stopping) return;
	stopping = true;
	process.stdout.write('\nStopping n8n…\n');
	await instance.stop();
	process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

runtime.say(`Starting n8n ${runtime.N8N_VERSION} on Node ${runtime.NODE_VERSION} (log: ${instance.logFile})…`);
await instance.start();

/** Template folders point at a Docker-style path; in the sandbox they watch the demo drop folder. */
function forSandbox(workflow) {
	for (const node of workflow.nodes) {
		if (node.type === `${harness.PACKAGE_NAME}.posFileTrigger` && typeof node.parameters.folder === 'string') {
			node.parameters.folder = join(drop, node.parameters.folder.split('/').pop());
			node.parameters.checkEverySeconds = 5;
			node.parameters.settleSeconds = 2;
		}
	}
	return workflow;
}

const templatesDir = join(repoDir, 'workflows-templates');
const imported = [];
for (const name of readdirSync(templatesDir).filter((f) => f.endsWith('.json')).sort()) {
	const workflow = forSandbox(JSON.parse(readFileSync(join(templatesDir, name), 'utf8')));
	const id = await instance.createWorkflow(workflow);
	await instance.activate(id);
	imported.push(`${workflow.name} (${id})`);
}

process.stdout.write(`
n8n is running with n8n-nodes-pos-sync installed.

  URL:      ${instance.baseUrl}
  Login:    ${harness.OWNER.email}
  Password: ${harness.OWNER.password}

Active template workflows:
${imported.map((w) => `  - ${w}`).join('\n')}

Try it: copy a sample export into the drop folder and watch Executions in the editor.
  cp ${join(samples, 'sales-data-sample.csv')} ${join(drop, 'customers')}/
It is picked up within seconds and moved to ${join(drop, 'customers', 'processed')}/<today>/.

Press Ctrl-C to stop.
`);
if (!existsSync(instance.logFile)) process.stdout.write('(no log yet)\n');
await new Promise(() => {});
