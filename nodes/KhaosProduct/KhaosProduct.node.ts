import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	SeenStockCodes,
	changedProducts,
	exportPriceList,
	exportPriceListEx,
	formatCursor,
	getPriceLists,
	getStockPotential,
	indexStockStatus,
	parseCursor,
	webProducts,
	type FeedProductOptions,
	type KhaosStockStatus,
	type PriceListType,
	type StockMappingType,
	type WebCategory,
	type WebProduct,
} from '../../lib/khaos';
import { pickedValue } from '../shared/pickers';
import { khaosListSearch } from '../shared/khaos-pickers';
import {
	connectToKhaos,
	errorJson,
	khaosNodeError,
	splitCodes,
	testKhaosCredential,
	type KhaosConnection,
} from '../shared/khaos-common';
import { khaosProductProperties } from './properties';

type Operation =
	| 'getChanged'
	| 'getByCode'
	| 'getStockLevels'
	| 'getWebCategories'
	| 'getStockPotential'
	| 'getPriceLists'
	| 'getPriceList';

export class KhaosProduct implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Khaos Product',
		name: 'khaosProduct',
		icon: { light: 'file:khaosProduct.svg', dark: 'file:khaosProduct.dark.svg' },
		group: ['input'],
		version: [1],
		subtitle:
			'={{ { getChanged: "Changed products", getByCode: "Products by stock code", getStockLevels: "Stock levels", ' +
			'getWebCategories: "Web categories", getStockPotential: "Stock potential", getPriceLists: "Price lists", ' +
			'getPriceList: "Price list" }[$parameter["operation"]] }}',
		description:
			'Gets products, stock levels and web categories from Khaos Control, ready for a web store',
		defaults: { name: 'Khaos Product' },
		inputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'khaosControlApi', required: true, testedBy: 'khaosControlApiTest' }],
		properties: khaosProductProperties,
	};

	methods = {
		credentialTest: {
			khaosControlApiTest: testKhaosCredential,
		},
		listSearch: khaosListSearch,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const connection = await connectToKhaos(this);
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const results = await runOperation(this, connection, itemIndex);
				for (const json of results) output.push({ json, pairedItem: { item: itemIndex } });
			} catch (caught) {
				const error = khaosNodeError(this.getNode(), caught, itemIndex);
				if (!this.continueOnFail()) throw error;
				output.push({ json: errorJson(error), pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	}
}

async function runOperation(
	ctx: IExecuteFunctions,
	{ client, settings }: KhaosConnection,
	itemIndex: number,
): Promise<IDataObject[]> {
	const operation = ctx.getNodeParameter('operation', itemIndex) as Operation;
	const mappingType = (): StockMappingType => {
		const chosen = ctx.getNodeParameter('lookUpBy', itemIndex, 0) as number;
		return chosen === 1 || chosen === 2 || chosen === 4 ? chosen : settings.stockMappingType;
	};

	if (operation === 'getWebCategories') {
		const website =
			(ctx.getNodeParameter('website', itemIndex, '') as string).trim() || settings.websiteName;
		if (website === '') {
			const description = 'Fill in Website here, or Website Name in the Khaos credential.';
			throw new NodeOperationError(ctx.getNode(), 'No website given', { itemIndex, description });
		}
		const tree = await client.exportWebCategories(website, {
			compressed: ctx.getNodeParameter('compressed', itemIndex, false) === true,
		});
		return flattenCategories(tree.categories, null).map((category) => ({
			website: tree.website_name ?? website,
			...category,
		}));
	}

	if (operation === 'getStockPotential') {
		const codes = splitCodes(ctx.getNodeParameter('stockCodes', itemIndex, '') as string);
		if (codes.length === 0)
			throw new NodeOperationError(ctx.getNode(), 'No stock codes given', { itemIndex });
		return (await getStockPotential(client, codes)) as unknown as IDataObject[];
	}

	if (operation === 'getPriceLists')
		return (await getPriceLists(client)).map((name) => ({ price_list: name }));

	if (operation === 'getPriceList') {
		const kind = ctx.getNodeParameter('priceListKind', itemIndex, 0) as number;
		const names = splitCodes(ctx.getNodeParameter('priceListNames', itemIndex, '') as string);
		if (kind === 0)
			return (await exportPriceList(client, names[0] ?? '')) as unknown as IDataObject[];
		if (names.length === 0) {
			const description = 'Give price list names, or customer codes for the customer kinds.';
			throw new NodeOperationError(ctx.getNode(), 'No price lists given', {
				itemIndex,
				description,
			});
		}
		return (await exportPriceListEx(
			client,
			names,
			kind as PriceListType,
		)) as unknown as IDataObject[];
	}

	if (operation === 'getStockLevels') {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const codes = splitCodes(ctx.getNodeParameter('stockCodes', itemIndex, '') as string);
		const siteId =
			options.siteId === undefined || pickedValue(options.siteId) === ''
				? settings.siteId
				: Number(pickedValue(options.siteId));
		if (!Number.isInteger(siteId)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Site "${pickedValue(options.siteId)}" is not a site ID`,
				{
					itemIndex,
					description: 'Pick a site from the list, or give its ID (-1 for all sites)',
				},
			);
		}
		const statuses = await client.exportStockStatus(codes.length === 0 ? '' : codes, {
			mappingType: mappingType(),
			siteId,
		});
		const rows: KhaosStockStatus[] =
			options.addUpSites === true ? [...indexStockStatus(statuses).values()] : statuses;
		return rows as unknown as IDataObject[];
	}

	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const flagNew = options.flagNew !== false;
	const seen = flagNew ? new SeenStockCodes(ctx.getWorkflowStaticData('node')) : undefined;
	const build: FeedProductOptions = {
		includeStock: options.includeStock !== false,
		compressed: options.compressed === true,
		siteId: settings.siteId,
		website:
			options.includeCategories === true
				? (options.website as string | undefined)?.trim() ||
					settings.websiteName ||
					missingWebsite(ctx, itemIndex)
				: null,
		firstSeen: (code) => seen !== undefined && !seen.has(code),
	};

	let products: WebProduct[];
	let cursor: string | undefined;
	if (operation === 'getChanged') {
		const since = ctx.getNodeParameter('changedSince', itemIndex) as string;
		let start;
		try {
			start = parseCursor(String(since ?? ''));
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), `Changed Since: ${(error as Error).message}`, {
				itemIndex,
				description:
					'Give a date such as 2024-05-01, a date and time such as 2024-05-01T09:30:00, or the cursor of a previous run.',
			});
		}
		const result = await changedProducts(client, start, {
			...build,
			includeMovements: ctx.getNodeParameter('includeMovements', itemIndex, true) as boolean,
			max: ctx.getNodeParameter('maxProducts', itemIndex, 0) as number,
		});
		products = result.products;
		cursor = formatCursor(result.cursor);
	} else {
		const codes = splitCodes(ctx.getNodeParameter('stockCodes', itemIndex, '') as string);
		if (codes.length === 0)
			throw new NodeOperationError(ctx.getNode(), 'No stock codes given', { itemIndex });
		products = await webProducts(client, codes, { ...build, mappingType: mappingType() });
	}
	seen?.remember(products.map((product) => product.stock_code));
	return products.map((product) =>
		cursor === undefined ? product : { ...product, cursor },
	) as unknown as IDataObject[];
}

function missingWebsite(ctx: IExecuteFunctions, itemIndex: number): never {
	throw new NodeOperationError(ctx.getNode(), 'Include Web Categories needs a website', {
		itemIndex,
		description: 'Fill in the Website option, or Website Name in the Khaos credential.',
	});
}

/** The category tree as a flat list, parents before their children. */
function flattenCategories(
	categories: readonly WebCategory[],
	parentId: string | null,
): IDataObject[] {
	return categories.flatMap((category) => {
		const { children, stock_items: stockItems, ...rest } = category;
		const row = {
			...rest,
			parent_id: parentId,
			path_text: category.path.join(' > '),
			stock_codes: [
				...new Set(
					stockItems
						.filter((item) => !item.deleted)
						.map((item) => item.stock_code)
						.concat(category.item_codes),
				),
			],
			stock_items: stockItems,
		};
		return [row as unknown as IDataObject, ...flattenCategories(children, category.id)];
	});
}
