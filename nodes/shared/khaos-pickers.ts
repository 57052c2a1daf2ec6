/**
 * Pickers for the Khaos nodes: sales sources and stock sites loaded from the Khaos the credential
 * names ("From List"), or typed ("By Name" / "By ID"), as n8n's own nodes offer them.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { getSaleSources, getSiteList } from '../../lib/khaos';
import { matching } from './pickers';
import { connectToKhaos, khaosNodeError } from './khaos-common';

export const khaosListSearch = {
	async searchSalesSources(
		this: ILoadOptionsFunctions,
		filter?: string,
	): Promise<INodeListSearchResult> {
		try {
			const { client } = await connectToKhaos(this);
			const names = await getSaleSources(client);
			return matching(
				names.map((name) => ({ name, value: name })),
				filter,
			);
		} catch (error) {
			throw khaosNodeError(this.getNode(), error);
		}
	},

	/** Stock sites by name (what an order's SITE is). */
	async searchSiteNames(
		this: ILoadOptionsFunctions,
		filter?: string,
	): Promise<INodeListSearchResult> {
		try {
			const { client } = await connectToKhaos(this);
			const { sites } = await getSiteList(client);
			return matching(
				sites.map((site) => ({
					name: site.site_name,
					value: site.site_name,
					description: `Site ID ${site.site_id}`,
				})),
				filter,
			);
		} catch (error) {
			throw khaosNodeError(this.getNode(), error);
		}
	},

	/** Stock sites by ID (what stock levels are asked for), with "all sites" first. */
	async searchSiteIds(
		this: ILoadOptionsFunctions,
		filter?: string,
	): Promise<INodeListSearchResult> {
		try {
			const { client } = await connectToKhaos(this);
			const { sites } = await getSiteList(client);
			const all = { name: 'All Sites (Added Up)', value: '-1' };
			return matching(
				[
					all,
					...sites.map((site) => ({
						name: `${site.site_name} (${site.site_id})`,
						value: String(site.site_id),
					})),
				],
				filter,
			);
		} catch (error) {
			throw khaosNodeError(this.getNode(), error);
		}
	},
};
