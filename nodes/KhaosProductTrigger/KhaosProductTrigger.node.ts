import type {
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	DEFAULT_OVERLAP_SECONDS,
	SeenStockCodes,
	changedProducts,
	currentPosition,
	cursorFromState,
	sampleChangedProducts,
	type FeedCursor,
	type WebProduct,
} from '../../lib/khaos';
import { compressedOption } from '../KhaosProduct/properties';
import { connectToKhaos, khaosNodeError, testKhaosCredential } from '../shared/khaos-common';

/** Khaos asks integrations to check stock about every 30 minutes. */
export const DEFAULT_POLL_TIMES = { item: [{ mode: 'everyX', value: 30, unit: 'minutes' }] };

/**
 * n8n adds its own "Poll Times" parameter to polling nodes when it loads them (it unshifts it onto
 * the properties), defaulting to every minute. This list hands that parameter Khaos's 30 minutes
 * as its default instead; everything else about it stays n8n's.
 */
class PollingProperties extends Array<INodeProperties> {
	override unshift(...properties: INodeProperties[]): number {
		return super.unshift(
			...properties.map((property) =>
				property.name === 'pollTimes' ? { ...property, default: DEFAULT_POLL_TIMES } : property,
			),
		);
	}
}

const properties: INodeProperties[] = [
	{
		displayName:
			'Khaos recommends checking about every 30 minutes (the default above). The first check after you activate the ' +
			'workflow only notes where Khaos is; products that change after that start the workflow, up to Max Products per ' +
			'Poll at a time.',
		name: 'pollNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Max Products per Poll',
		name: 'maxProducts',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description:
			'The most products one check emits, oldest change first. The rest come with the next check.',
	},
	{
		displayName: 'Include Stock Level Changes',
		name: 'includeMovements',
		type: 'boolean',
		default: true,
		description:
			'Whether products whose stock moved (sales, deliveries, adjustments) count as changed, as well as products someone edited',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Flag New Products for Review',
				name: 'flagNew',
				type: 'boolean',
				default: true,
				description:
					'Whether to set needs_web_review on products this trigger has not seen before. Products already in Khaos when ' +
					'the workflow is activated count as seen.',
			},
			compressedOption,
			{
				displayName: 'Include Web Categories',
				name: 'includeCategories',
				type: 'boolean',
				default: false,
				description:
					"Whether to add each product's category paths (e.g. Footwear > Sandals) from the website's categories in Khaos",
			},
			{
				displayName: 'Overlap (Seconds)',
				name: 'overlapSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_OVERLAP_SECONDS,
				description:
					'How far before the last change delivered each check looks again, as Khaos advises, so changes saved late or at ' +
					'the same second are not missed. Products already delivered and unchanged are not sent again.',
			},
			{
				displayName: 'Products in a Test Run',
				name: 'sampleSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description:
					'How many of the most recently changed products "Fetch Test Event" shows. A test run never moves the trigger on.',
			},
			{
				displayName: 'Website',
				name: 'website',
				type: 'string',
				default: '',
				placeholder: 'e.g. Main Website',
				description:
					"The website whose categories to use, as named in Khaos. Leave empty to use the credential's Website Name.",
			},
		],
	},
];

export class KhaosProductTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Khaos Product Trigger',
		name: 'khaosProductTrigger',
		icon: { light: 'file:khaosProductTrigger.svg', dark: 'file:khaosProductTrigger.dark.svg' },
		group: ['trigger'],
		version: [1],
		subtitle: 'Changed products',
		description: 'Starts the workflow when products or their stock levels change in Khaos Control',
		defaults: { name: 'Khaos Product Trigger' },
		polling: true,
		activationMessage:
			'The first check notes where Khaos is. From then on, products that change in Khaos start this workflow.',
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'khaosControlApi', required: true, testedBy: 'khaosControlApiTest' }],
		properties: PollingProperties.from(properties),
	};

	methods = {
		credentialTest: {
			khaosControlApiTest: testKhaosCredential,
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const { client, settings } = await connectToKhaos(this);
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const includeMovements = this.getNodeParameter('includeMovements', true) as boolean;
		const flagNew = options.flagNew !== false;
		const state = this.getWorkflowStaticData('node');
		const seen = new SeenStockCodes(state);
		const build = {
			includeStock: true,
			includeMovements,
			compressed: options.compressed === true,
			overlapSeconds: Math.max(0, Number(options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS)),
			siteId: settings.siteId,
			website:
				options.includeCategories === true
					? (options.website as string | undefined)?.trim() || settings.websiteName
					: null,
			firstSeen: (code: string) => flagNew && !seen.has(code),
		};
		const items = (products: WebProduct[]): INodeExecutionData[][] => [
			products.map((product) => ({ json: product as unknown as IDataObject })),
		];

		try {
			if (this.getMode() === 'manual') {
				// A test run shows a sample and changes nothing: no cursor, no first-seen memory.
				return items(
					await sampleChangedProducts(client, Number(options.sampleSize ?? 5) || 5, build),
				);
			}
			const cursor = cursorFromState(state.cursor);
			if (cursor === undefined) {
				const position = await currentPosition(client, build);
				state.cursor = plain(position.cursor);
				if (flagNew) seen.remember(position.codes);
				return null;
			}
			const result = await changedProducts(client, cursor, {
				...build,
				max: Math.max(1, this.getNodeParameter('maxProducts', 100) as number),
			});
			state.cursor = plain(result.cursor);
			if (flagNew) seen.remember(result.products.map((product) => product.stock_code));
			return result.products.length === 0 ? null : items(result.products);
		} catch (error) {
			throw khaosNodeError(this.getNode(), error);
		}
	}
}

/** The cursor as plain static data (n8n saves it with the workflow). */
function plain(cursor: FeedCursor): IDataObject {
	return {
		since: cursor.since,
		done: Object.fromEntries(
			Object.entries(cursor.done).map(([code, entry]) => [code, { ...entry }]),
		),
	};
}
