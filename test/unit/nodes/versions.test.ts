/**
 * Every node but POS File Trigger is ready for a version 2 the way n8n's own nodes add small
 * versions ("light versioning"): its description lists its versions, starting at 1, so that a
 * version 2 is added to the list and workflows saved with typeVersion 1 keep loading version 1.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers, type INodeType } from 'n8n-workflow';

import { DotdigitalConsentChanges } from '../../../nodes/DotdigitalConsentChanges/DotdigitalConsentChanges.node';
import { DotdigitalUpsert } from '../../../nodes/DotdigitalUpsert/DotdigitalUpsert.node';
import { ExceptionsReport } from '../../../nodes/ExceptionsReport/ExceptionsReport.node';
import { KhaosOrder } from '../../../nodes/KhaosOrder/KhaosOrder.node';
import { KhaosProduct } from '../../../nodes/KhaosProduct/KhaosProduct.node';
import { KhaosProductTrigger } from '../../../nodes/KhaosProductTrigger/KhaosProductTrigger.node';
import { MappingApply } from '../../../nodes/MappingApply/MappingApply.node';
import { SyncLedger } from '../../../nodes/SyncLedger/SyncLedger.node';
import packageJson from '../../../package.json';

const VERSIONED: Record<string, INodeType> = {
	DotdigitalConsentChanges: new DotdigitalConsentChanges(),
	DotdigitalUpsert: new DotdigitalUpsert(),
	ExceptionsReport: new ExceptionsReport(),
	KhaosOrder: new KhaosOrder(),
	KhaosProduct: new KhaosProduct(),
	KhaosProductTrigger: new KhaosProductTrigger(),
	MappingApply: new MappingApply(),
	SyncLedger: new SyncLedger(),
};

test.each(Object.entries(VERSIONED))(
	'%s lists its versions, in order, starting at 1, and n8n loads version 1 of it',
	(_name, node) => {
		const { version } = node.description;
		expect(Array.isArray(version)).toBe(true);
		const versions = version as number[];
		expect(versions[0]).toBe(1);
		expect([...versions].sort((a, b) => a - b)).toEqual(versions);
		expect(NodeHelpers.getVersionedNodeType(node, 1)).toBe(node);
		// Light versioning has no defaultVersion: new workflows get the last version listed.
		expect(node.description.defaultVersion).toBeUndefined();
	},
);

test('the package tells n8n about every node folder, and every node but POS File Trigger is versioned above', () => {
	const root = join(__dirname, '..', '..', '..');
	const folders = readdirSync(join(root, 'nodes'), { withFileTypes: true })
		.filter(
			(entry) =>
				entry.isDirectory() &&
				readdirSync(join(root, 'nodes', entry.name)).some((file) => file.endsWith('.node.ts')),
		)
		.map((entry) => entry.name);
	const listed = packageJson.n8n.nodes.map(
		(entry) => /^dist\/nodes\/([^/]+)\/\1\.node\.js$/.exec(entry)?.[1],
	);
	expect([...listed].sort()).toEqual([...folders].sort());
	expect(folders.filter((folder) => !(folder in VERSIONED)).sort()).toEqual(['PosFileTrigger']);
});
