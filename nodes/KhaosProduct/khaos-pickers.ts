/**
 * Pickers for the Khaos nodes: sales sources and stock sites loaded from the Khaos the credential
 * names ("From List"), or typed ("By Name" / "By ID"), as n8n's own nodes offer them.
 */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult, INodeProperties } from 'n8n-workflow';

import { getSaleSources, getSiteList } from '../../lib/khaos';
import { connectToKhaos, khaosNodeError } from './khaos-common';

/** The value a picker holds, whether set with it ({ __rl, mode, value }) or typed as plain text before it existed. */
export function pickedValue(value: unknown): string {
	const picked = value !== null && typeof value === 'object' && 'value' in value ? (value as { value: unknown }).value : value;
	return typeof picked === 'string' ? picked.trim() : typeof picked === 'number' ? String(picked) : '';
}

function matching(items: INodeListSearchItems[], filter: string | undefined): INodeListSearchResult {
	const wanted = (filter ?? '').trim().toLowerCase();
	return { results: wanted ? items.filter((item) => item.name.toLowerCase().includes(wanted)) : items };
}

export const khaosListSearch = {
	async searchSalesSources(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		try {
			const { client } = await connectToKhaos(this);
			const names = await getSaleSources(client);
			return matching(names.map((name) => ({ name, value: name })), filter);
		} catch (error) {
			throw khaosNodeError(this.getNode(), error);
		}
	},

	/** Stock sites by name (what an order's SITE is). */
	async searchSiteNames(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		try {
			const { client } = await connectToKhaos(this);
			const { sites } = await getSiteList(client);
			return matching(sites.map((site) => ({ name: site.site_name, value: site.site_name, description: `Site ID ${site.site_id}` })), filter);
		} catch (error) {
			throw khaosNodeError(this.getNode(), error);
		}
	},

	/** Stock sites by ID (what stock levels are asked for), with "all sites" first. */
	async searchSiteIds(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		try {
			const { client } = await connectToKhaos(this);
			const { sites } = await getSiteList(client);
			const all = { name: 'All Sites (Added Up)', value: '-1' };
			return matching([all, ...sites.map((site) => ({ name: `${site.site_name} (${site.site_id})`, value: String(site.site_id) }))], filter);
		} catch (error) {
			throw khaosNodeError(this.getNode(), error);
		}
	},
};

/** A "From List" / typed picker parameter. */
export function picker(fields: {
	displayName: string;
	name: string;
	description: string;
	searchListMethod: keyof typeof khaosListSearch;
	typed: { displayName: string; placeholder: string; validate?: { regex: string; errorMessage: string } };
}): INodeProperties {
	return {
		displayName: fields.displayName,
		name: fields.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
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
				...(fields.typed.validate ? { validation: [{ type: 'regex', properties: fields.typed.validate }] } : {}),
			},
		],
	};
}
