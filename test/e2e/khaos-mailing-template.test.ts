/**
 * Template 10's optional Khaos step as the template file wires it, inside n8n's engine: Dotdigital
 * Consent Changes' output (one summary item, its changes listed) through n8n's own Split Out (from
 * the pinned n8n runtime) into Khaos Order's Update Mailing Preference, against the fake Khaos.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IConnections, INodeParameters, INodeType } from 'n8n-workflow';

import { KhaosControlApi } from '../../credentials/KhaosControlApi.credentials';
import type { ConsentChange } from '../../lib/dotdigital/consent-back';
import { KhaosOrder } from '../../nodes/KhaosOrder/KhaosOrder.node';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { customersXml } from '../helpers/khaos-customers';
import { outputOf, runWorkflow } from '../nodes/harness/engine';
import { fakeKhaosCredential } from '../nodes/harness/khaos';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runtimePaths } = require('./harness/runtime.cjs') as {
	runtimePaths: () => { n8nDir: string };
};
const splitOutPath = join(
	runtimePaths().n8nDir,
	'node_modules/n8n-nodes-base/dist/nodes/Transform/SplitOut/SplitOut.node.js',
);
/** n8n's Split Out, from the n8n runtime `npm test` installs (scripts/prepare.mjs); this package does not depend on n8n-nodes-base. */
function loadSplitOut(): new () => INodeType {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return (require(splitOutPath) as { SplitOut: new () => INodeType }).SplitOut;
	} catch {
		throw new Error(
			`n8n's Split Out node is not at ${splitOutPath}: run "npm test" once, which installs the pinned n8n runtime`,
		);
	}
}
const SplitOut = loadSplitOut();

const template = JSON.parse(
	readFileSync(
		join(__dirname, '..', '..', 'workflows-templates', '10-unsubscribes-back-to-the-till.json'),
		'utf8',
	),
) as {
	nodes: Array<{ name: string; type: string; parameters: INodeParameters; disabled?: boolean }>;
	connections: IConnections;
};
const nodeNamed = (name: string) => template.nodes.find((node) => node.name === name)!;

let fake: FakeKhaos;
beforeAll(async () => {
	fake = await startFakeKhaos({
		seed: { customersXml: customersXml([{ code: 'ALICE1', email: 'alice@example.com' }]) },
	});
});
afterAll(async () => fake.stop());

test('the template ships the Khaos step switched off, wired after a Split Out of the changes', () => {
	expect(nodeNamed('Mailing preference in Khaos')).toMatchObject({
		type: 'n8n-nodes-pos-sync.khaosOrder',
		disabled: true,
		parameters: { operation: 'updateMailingPreference' },
	});
	expect(template.connections).toMatchObject({
		'Unsubscribes and suppressions': { main: [[{ node: 'One item per change' }]] },
		'One item per change': { main: [[{ node: 'Mailing preference in Khaos' }]] },
	});
});

test("switched on, the consent node's changes become Khaos mailing statuses, one item each", async () => {
	const changes: ConsentChange[] = [
		{
			contact_id: 7,
			email: 'alice@example.com',
			mobile_number: '',
			status: 'unsubscribed',
			changed_at: '2024-06-01T09:00:00.000Z',
		},
		{
			contact_id: 8,
			email: 'zed@example.com',
			mobile_number: '',
			status: 'suppressed',
			changed_at: '2024-06-01T09:01:00.000Z',
		},
	];
	const summary = {
		file: '/pos/consent/unsubscribes.csv',
		contacts: 2,
		unsubscribed: 1,
		suppressed: 1,
		changes,
	};
	const split = nodeNamed('One item per change');
	const khaos = nodeNamed('Mailing preference in Khaos');
	const run = await runWorkflow({
		nodes: [
			{
				name: 'Unsubscribes and suppressions',
				type: 'testInput',
				parameters: { items: JSON.stringify([{ json: summary }]) },
			},
			{ name: split.name, type: 'n8n-nodes-pos-sync.splitOut', parameters: split.parameters },
			{
				name: khaos.name,
				type: khaos.type,
				parameters: khaos.parameters,
				credentials: { khaosControlApi: { id: 'khaos-1', name: 'Khaos (fake)' } },
			},
		],
		// The template's own links from the consent node on (its schedule trigger is left out).
		connections: {
			'Unsubscribes and suppressions': template.connections['Unsubscribes and suppressions'],
			[split.name]: template.connections[split.name],
		},
		nodeTypes: { splitOut: new SplitOut(), khaosOrder: new KhaosOrder() },
		credentialTypes: { khaosControlApi: new KhaosControlApi() },
		credentials: {
			khaosControlApi: fakeKhaosCredential(fake.wsdlUrl),
		},
	});
	expect(outputOf(run, khaos.name).map((item) => [item.json.email, item.json.result])).toEqual([
		['alice@example.com', 'updated'],
		['zed@example.com', 'not_in_khaos'],
	]);
	expect(fake.mailingHistory().ALICE1.map((entry) => entry.status)).toEqual(['3', '5']);
});
