import type { IDataObject, INodeParameters, IRun } from 'n8n-workflow';

import { DotdigitalApi } from '../../../credentials/DotdigitalApi.credentials';
import { DotdigitalUpsert } from '../../../nodes/DotdigitalUpsert/DotdigitalUpsert.node';
import type { FakeDotdigital } from '../../fakes/dotdigital';
import { runWorkflow } from './engine';

export const DOTDIGITAL_UPSERT = 'Dotdigital Upsert';

/** Input items → Dotdigital Upsert, run in n8n's engine against a fake Dotdigital account. */
export async function runDotdigitalUpsert(
	fake: FakeDotdigital,
	items: IDataObject[],
	parameters: INodeParameters,
): Promise<IRun> {
	return await runWorkflow({
		nodes: [
			{
				name: 'Input',
				type: 'testInput',
				parameters: { items: JSON.stringify(items.map((json) => ({ json }))) },
			},
			{
				name: DOTDIGITAL_UPSERT,
				type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
				parameters,
				credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
			},
		],
		connections: { Input: { main: [[{ node: DOTDIGITAL_UPSERT, type: 'main', index: 0 }]] } },
		nodeTypes: { dotdigitalUpsert: new DotdigitalUpsert() },
		credentialTypes: { dotdigitalApi: new DotdigitalApi() },
		credentials: {
			dotdigitalApi: {
				user: fake.user,
				password: fake.password,
				region: 'auto',
				baseUrl: fake.regionUrl('r1'),
			},
		},
	});
}
