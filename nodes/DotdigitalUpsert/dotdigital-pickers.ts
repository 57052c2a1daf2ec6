/**
 * Pickers for Dotdigital Upsert: data fields and Insight collections loaded from the account the
 * credential names ("From List"), or typed ("By Name"), as n8n's own nodes offer them; lists, several
 * at once, as n8n's own nodes offer several values (a multi-select loaded from the account).
 */
import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';

import { listAddressBooks, listCollections, listDataFields } from '../../lib/dotdigital';
import { matching } from '../shared/pickers';
import { connectToDotdigital, dotdigitalNodeError } from '../shared/dotdigital-common';

export const dotdigitalListSearch = {
	async searchDataFields(
		this: ILoadOptionsFunctions,
		filter?: string,
	): Promise<INodeListSearchResult> {
		try {
			const fields = [...(await listDataFields(await connectToDotdigital(this))).values()].sort(
				(a, b) => a.name.localeCompare(b.name),
			);
			const described = fields.map((field) => ({
				name: field.name,
				value: field.name,
				description: `${field.type}, ${(field.visibility ?? 'Private').toLowerCase()}`,
			}));
			return matching(described, filter);
		} catch (error) {
			throw dotdigitalNodeError(this.getNode(), error);
		}
	},

	async searchCollections(
		this: ILoadOptionsFunctions,
		filter?: string,
	): Promise<INodeListSearchResult> {
		try {
			const collections = (await listCollections(await connectToDotdigital(this))).sort((a, b) =>
				a.name.localeCompare(b.name),
			);
			return matching(
				collections.map((collection) => ({
					name: collection.name,
					value: collection.name,
					description: [collection.type, collection.scope && `${collection.scope} scope`]
						.filter(Boolean)
						.join(', '),
				})),
				filter,
			);
		} catch (error) {
			throw dotdigitalNodeError(this.getNode(), error);
		}
	},
};

export const dotdigitalLoadOptions = {
	async getLists(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		try {
			const books = (await listAddressBooks(await connectToDotdigital(this))).sort((a, b) =>
				a.name.localeCompare(b.name),
			);
			const contacts = (count: number) =>
				`${count.toLocaleString('en-GB')} contact${count === 1 ? '' : 's'}`;
			return books.map((book) => ({
				name: book.name,
				value: book.id,
				description: `ID ${book.id}, ${book.visibility.toLowerCase()}, ${contacts(book.contacts)}`,
			}));
		} catch (error) {
			throw dotdigitalNodeError(this.getNode(), error);
		}
	},
};
