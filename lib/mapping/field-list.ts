/**
 * A mapping typed into the node: one entry per field, plus value maps written as `From = To`
 * lines. Checked like a workbook: every problem at once.
 */
import {
	DEFAULT_SETTINGS,
	MappingError,
	defaultType,
	type FieldMapping,
	type Mapping,
	type MappingSettings,
	type Transform,
} from './mapping';
import type { Feed } from './schema';
import type { FieldType } from './values';

export interface FieldListEntry {
	target: string;
	source?: string;
	/** '' or undefined for the field's usual type. */
	type?: FieldType | '';
	format?: string;
	required?: boolean;
	defaultValue?: string;
	transform?: Transform;
	valueMap?: string;
	unmatched?: FieldMapping['unmatched'];
	clearWhenBlank?: boolean;
	mayBeAbsent?: boolean;
}

export interface ValueMapEntry {
	name: string;
	/** One `From = To` pair per line. */
	pairs: string;
}

export function mappingFromFieldList(
	feed: Feed,
	entries: FieldListEntry[],
	valueMapEntries: ValueMapEntry[],
	settings: Partial<MappingSettings> = {},
): Mapping {
	const problems: string[] = [];
	const valueMaps: Record<string, Map<string, string>> = {};
	for (const { name, pairs } of valueMapEntries) {
		const mapName = name.trim();
		if (!mapName) {
			problems.push('a value map has no name');
			continue;
		}
		if (Object.hasOwn(valueMaps, mapName)) {
			problems.push(`the value map "${mapName}" is defined twice; put all its pairs in one map`);
			continue;
		}
		const map = new Map<string, string>();
		pairs.split(/\r?\n/).forEach((line, index) => {
			if (!line.trim()) return;
			const split = line.indexOf('=');
			if (split < 0)
				problems.push(`value map "${mapName}", line ${index + 1}: write each pair as From = To`);
			else map.set(line.slice(0, split).trim(), line.slice(split + 1).trim());
		});
		Object.defineProperty(valueMaps, mapName, { value: map, enumerable: true });
	}
	if (problems.length) throw new MappingError(problems, "the node's field list");
	const fields = entries.map((entry): FieldMapping => ({
		target: entry.target.trim(),
		source: entry.source ?? '',
		type: entry.type || defaultType(feed, entry.target.trim()),
		format: entry.format || undefined,
		required: entry.required ?? false,
		defaultValue: entry.defaultValue || undefined,
		transform: entry.transform ?? (entry.valueMap ? 'map' : 'none'),
		valueMap: entry.valueMap || undefined,
		unmatched: entry.unmatched,
		clearWhenBlank: entry.clearWhenBlank ?? false,
		mayBeAbsent: entry.mayBeAbsent ?? false,
	}));
	return {
		feed,
		fields,
		settings: { ...DEFAULT_SETTINGS, ...settings },
		valueMaps,
		origin: "the node's field list",
	};
}
