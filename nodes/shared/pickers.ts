/**
 * "From List" pickers as n8n's own nodes have them: a resource locator whose list is loaded from the
 * account, or the value typed ("By Name" / "By ID").
 */
import type { INodeListSearchItems, INodeListSearchResult, INodeProperties } from 'n8n-workflow';

/** The value a picker holds, whether set with it ({ __rl, mode, value }) or typed as plain text before it existed. */
export function pickedValue(value: unknown): string {
	const picked =
		value !== null && typeof value === 'object' && 'value' in value
			? (value as { value: unknown }).value
			: value;
	return typeof picked === 'string'
		? picked.trim()
		: typeof picked === 'number'
			? String(picked)
			: '';
}

/** The items whose name holds what was typed into the list's search box. */
export function matching(
	items: INodeListSearchItems[],
	filter: string | undefined,
): INodeListSearchResult {
	const wanted = (filter ?? '').trim().toLowerCase();
	return {
		results: wanted ? items.filter((item) => item.name.toLowerCase().includes(wanted)) : items,
	};
}

/** A picker parameter: "From List" (the node's listSearch method) or typed. */
export function picker(fields: {
	displayName: string;
	name: string;
	description: string;
	searchListMethod: string;
	/** Without a default, the list starts empty; with one, it is shown as typed. */
	default?: string;
	required?: boolean;
	typed: {
		displayName: string;
		placeholder: string;
		validate?: { regex: string; errorMessage: string };
	};
}): INodeProperties {
	return {
		displayName: fields.displayName,
		name: fields.name,
		type: 'resourceLocator',
		default: { mode: fields.default === undefined ? 'list' : 'id', value: fields.default ?? '' },
		...(fields.required ? { required: true } : {}),
		description: fields.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: fields.searchListMethod, searchable: true },
			},
			{
				displayName: fields.typed.displayName,
				name: 'id',
				type: 'string',
				placeholder: fields.typed.placeholder,
				...(fields.typed.validate
					? { validation: [{ type: 'regex', properties: fields.typed.validate }] }
					: {}),
			},
		],
	};
}
