/**
 * Mapping Apply's outputs. Records, Rejected and Summary keep their places whatever the settings (n8n
 * keeps a saved workflow's connections by output index). With Split by Feed, a several-feed export's
 * records come out of Customers, Products and Orders, after Summary, instead of Records: each goes
 * straight to its Dotdigital Upsert, with no Switch evaluating an expression per record.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Feed } from '../../lib/mapping';

/** The outputs Split by Feed adds, in this order after Summary. */
export const FEED_OUTPUTS: ReadonlyArray<{ feed: Feed; name: string }> = [
	{ feed: 'customer', name: 'Customers' },
	{ feed: 'product', name: 'Products' },
	{ feed: 'transaction', name: 'Orders' },
];

const outputList = (names: string[]) =>
	JSON.stringify(names.map((displayName) => ({ type: 'main', displayName })));
const USUAL = ['Records', 'Rejected', 'Summary'];

const SPLIT = outputList([...USUAL, ...FEED_OUTPUTS.map(({ name }) => name)]);

/** The node's outputs, worked out from its parameters as n8n's Switch does. */
export const MAPPING_APPLY_OUTPUTS =
	`={{ $parameter["splitByFeed"] === true && $parameter["feed"] === "all" ? ${SPLIT} : ${outputList(USUAL)} }}` as const;

export const splitByFeedProperty: INodeProperties = {
	displayName: 'Split by Feed',
	name: 'splitByFeed',
	type: 'boolean',
	default: false,
	description:
		"Whether each feed's records come out of an output of its own (Customers, Products, Orders, after Summary), to go " +
		'straight to the Dotdigital Upsert for that feed. Off: every record comes out of Records.',
	displayOptions: { show: { operation: ['apply'], feed: ['all'] } },
};

/** Whether this run sends records to the feed outputs (the same test as MAPPING_APPLY_OUTPUTS). */
export function splitsByFeed(ctx: IExecuteFunctions): boolean {
	return (
		ctx.getNodeParameter('feed', 0) === 'all' &&
		ctx.getNodeParameter('splitByFeed', 0, false) === true
	);
}

/** Where mapped records and batches go: Records, or with Split by Feed, their feed's output. */
export class RecordOutputs {
	readonly records: INodeExecutionData[] = [];
	private readonly byFeed?: Map<Feed, INodeExecutionData[]>;

	constructor(split: boolean) {
		if (split) this.byFeed = new Map(FEED_OUTPUTS.map(({ feed }) => [feed, []]));
	}

	push(item: INodeExecutionData, feed: Feed): void {
		(this.byFeed?.get(feed) ?? this.records).push(item);
	}

	/** The outputs after Summary: none, or one per feed. */
	feedOutputs(): INodeExecutionData[][] {
		return this.byFeed ? [...this.byFeed.values()] : [];
	}
}
