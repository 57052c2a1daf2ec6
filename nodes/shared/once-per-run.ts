/**
 * Settings a node reads once per run, from the first item, because it sends all the items together
 * (one import, one batch of orders). An expression that gives another item a different value would
 * otherwise be ignored without a word; here it stops the run with an error naming the setting.
 */
import type {
	IExecuteFunctions,
	INodeProperties,
	INodePropertyCollection,
	NodeParameterValueType,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** The sentence the parameters' descriptions and notices use. */
export const READ_ONCE_PER_RUN = 'Read once per run, from the first item';

/**
 * Each named parameter (a collection's settings one by one) that holds an expression must give every
 * item the value it gives the first; the first item's values are what the node uses.
 */
export function checkReadOncePerRun(
	ctx: IExecuteFunctions,
	names: readonly string[],
	properties: readonly INodeProperties[],
): void {
	const count = ctx.getInputData().length;
	if (count < 2) return;
	const parameters = ctx.getNode().parameters;
	for (const name of names) {
		const raw = parameters[name];
		const paths = isCollection(raw) ? Object.keys(raw).map((key) => [name, key]) : [[name]];
		for (const path of paths) {
			const value = path.length === 1 ? raw : (raw as Record<string, unknown>)[path[1]];
			if (!hasExpression(value)) continue;
			const key = path.join('.');
			const first = JSON.stringify(ctx.getNodeParameter(key, 0, null));
			for (let itemIndex = 1; itemIndex < count; itemIndex++) {
				const other = JSON.stringify(ctx.getNodeParameter(key, itemIndex, null));
				if (other === first) continue;
				const label = labelOf(properties, path);
				throw new NodeOperationError(
					ctx.getNode(),
					`${label} is read once per run, from the first item, but item ${itemIndex + 1} gives another value`,
					{
						itemIndex,
						description:
							`The first item gives ${first}, item ${itemIndex + 1} gives ${other}. This node sends all its items together with one ${label}. ` +
							'Make the expression give every item the same value, or split the items (a Switch, or Loop Over Items) into runs that each have one.',
					},
				);
			}
		}
	}
}

function isCollection(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !('__rl' in value);
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (typeof value === 'object' && value !== null)
		return Object.values(value as Record<string, NodeParameterValueType>).some(hasExpression);
	return false;
}

/** The name the editor shows: "Options → Batch Size" for a collection's setting. */
function labelOf(properties: readonly INodeProperties[], path: string[]): string {
	const optionOf = (property: INodeProperties) =>
		(property.options ?? []).find(
			(entry) => (entry as INodeProperties | INodePropertyCollection).name === path[1],
		) as INodeProperties | undefined;
	const named = properties.filter((property) => property.name === path[0]);
	// Several properties may share a name (an Options per operation): the one that has the setting.
	const top =
		path.length === 1 ? named[0] : (named.find((property) => optionOf(property)) ?? named[0]);
	if (!top) return path.join('.');
	if (path.length === 1) return top.displayName;
	return `${top.displayName} → ${optionOf(top)?.displayName ?? path[1]}`;
}
