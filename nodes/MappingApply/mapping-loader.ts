import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { createHash } from 'node:crypto';

import {
	FEEDS,
	MappingError,
	assertValidMapping,
	mappingFromFieldList,
	presetById,
	readMappingWorkbook,
	settingsFrom,
	type Feed,
	type FieldListEntry,
	type Mapping,
	type MappingSettings,
	type ValueMapEntry,
} from '../../lib/mapping';
import { readFileAtPath } from '../shared/read-path';

/** Reads the node's mapping parameters into a checked Mapping, once per distinct mapping in a run. */
export class MappingLoader {
	private readonly cache = new Map<string, Promise<Mapping | undefined>>();

	constructor(private readonly ctx: IExecuteFunctions) {}

	/**
	 * The mappings for an item: one, or with Feed set to all three, one per sheet of the workbook
	 * that maps something (customers, products, orders from one per-sale export).
	 */
	async mappingsFor(itemIndex: number): Promise<Mapping[]> {
		const feed = this.ctx.getNodeParameter('feed', itemIndex) as Feed | 'all';
		if (feed !== 'all') return [await this.mappingFor(itemIndex)];
		if (this.ctx.getNodeParameter('mappingSource', itemIndex) !== 'workbook') {
			throw new MappingError(
				[
					'one export feeds customers, products and orders only with a mapping workbook, whose sheets map each of them',
				],
				"the node's settings",
			);
		}
		const mappings: Mapping[] = [];
		for (const each of FEEDS) {
			const mapping = await this.mappingFor(itemIndex, each, true);
			if (mapping) mappings.push(mapping);
		}
		if (!mappings.length)
			throw new MappingError(
				['the mapping workbook maps nothing on its Customers, Products or Transactions sheets'],
				'the mapping workbook',
			);
		return mappings;
	}

	async mappingFor(itemIndex: number): Promise<Mapping>;
	async mappingFor(itemIndex: number, feed: Feed, skipEmpty: true): Promise<Mapping | undefined>;
	async mappingFor(
		itemIndex: number,
		feedGiven?: Feed,
		skipEmpty = false,
	): Promise<Mapping | undefined> {
		const feed = feedGiven ?? (this.ctx.getNodeParameter('feed', itemIndex) as Feed);
		const source = this.ctx.getNodeParameter('mappingSource', itemIndex) as
			'workbook' | 'fields' | 'preset';
		const written = this.ctx.getNodeParameter('settings', itemIndex, {}) as IDataObject;
		const key = await this.cacheKey(itemIndex, feed, source, written);
		let mapping = this.cache.get(key);
		if (!mapping) {
			mapping = this.load(itemIndex, feed, source, written, skipEmpty);
			this.cache.set(key, mapping);
		}
		return await mapping;
	}

	private async cacheKey(
		itemIndex: number,
		feed: Feed,
		source: string,
		written: IDataObject,
	): Promise<string> {
		const parts: unknown[] = [feed, source, written];
		if (source === 'workbook') {
			if (this.ctx.getNodeParameter('workbookLocation', itemIndex) === 'path')
				parts.push(this.ctx.getNodeParameter('workbookPath', itemIndex));
			else
				parts.push(
					createHash('sha256')
						.update(await this.workbookFromItem(itemIndex))
						.digest('hex'),
				);
		} else if (source === 'preset') {
			parts.push(this.ctx.getNodeParameter('preset', itemIndex));
		} else {
			parts.push(
				this.ctx.getNodeParameter('fields', itemIndex, {}),
				this.ctx.getNodeParameter('valueMaps', itemIndex, {}),
			);
		}
		return JSON.stringify(parts);
	}

	private async load(
		itemIndex: number,
		feed: Feed,
		source: string,
		written: IDataObject,
		skipEmpty: boolean,
	): Promise<Mapping | undefined> {
		const overrides = settingsFrom(written, {} as MappingSettings);
		if (overrides.problems.length)
			throw new MappingError(overrides.problems, "the node's settings");
		const mapping = await this.read(itemIndex, feed, source, overrides.settings);
		if (skipEmpty && !mapping.fields.length) return undefined;
		const { settings } = settingsFrom(written, mapping.settings);
		const result = { ...mapping, settings };
		assertValidMapping(result);
		return result;
	}

	private async read(
		itemIndex: number,
		feed: Feed,
		source: string,
		overrides: Partial<MappingSettings>,
	): Promise<Mapping> {
		if (source === 'preset') {
			const preset = presetById(this.ctx.getNodeParameter('preset', itemIndex) as string);
			if (preset.feed !== feed) {
				throw new MappingError(
					[
						`the "${preset.name}" preset maps ${preset.feed} rows; set Feed to match, or choose another mapping`,
					],
					`the "${preset.name}" preset`,
				);
			}
			return preset.mapping(overrides);
		}
		if (source === 'fields') {
			const fields = (
				this.ctx.getNodeParameter('fields.field', itemIndex, []) as Array<
					FieldListEntry & { customName?: string }
				>
			).map(({ customName, ...entry }) =>
				entry.target === 'custom' ? { ...entry, target: `custom.${customName ?? ''}` } : entry,
			);
			const valueMaps = this.ctx.getNodeParameter(
				'valueMaps.map',
				itemIndex,
				[],
			) as ValueMapEntry[];
			return mappingFromFieldList(feed, fields, valueMaps);
		}
		if (this.ctx.getNodeParameter('workbookLocation', itemIndex) === 'binary') {
			const property = this.ctx.getNodeParameter('workbookBinaryProperty', itemIndex) as string;
			const fileName =
				this.ctx.helpers.assertBinaryData(itemIndex, property).fileName ?? 'mapping.xlsx';
			return await readMappingWorkbook(await this.workbookFromItem(itemIndex), fileName, feed);
		}
		const path = (this.ctx.getNodeParameter('workbookPath', itemIndex) as string).trim();
		return await readMappingWorkbook(
			await this.workbookFromPath(path),
			path.split(/[\\/]/).pop() ?? path,
			feed,
		);
	}

	private async workbookFromItem(itemIndex: number): Promise<Buffer> {
		const property = this.ctx.getNodeParameter('workbookBinaryProperty', itemIndex) as string;
		return await this.ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	}

	/** Reads the workbook through n8n's file helpers, so n8n's file-access restrictions apply. */
	private async workbookFromPath(path: string): Promise<Buffer> {
		return await readFileAtPath(this.ctx, path, 'the mapping workbook');
	}
}
