/**
 * Records that share a key, sent once: the groups in order of first appearance, and every input
 * record given its group's result.
 */
import type { InsightRecord, KeyedFailure } from './insight';
import type { Results } from './sync-results';

export interface Group<T> {
	key: string;
	value: T;
	/** Positions of the input records with this key. */
	sources: number[];
}

/** Groups values by key in order of first appearance; `combine` makes a repeat's value from the one so far. */
export function groupByKey<T>(
	each: (add: (source: number, key: string, value: T, combine: (earlier: T) => T) => void) => void,
): Group<T>[] {
	const groups = new Map<string, Group<T>>();
	each((source, key, value, combine) => {
		const group = groups.get(key);
		if (!group) groups.set(key, { key, value, sources: [source] });
		else {
			group.value = combine(group.value);
			group.sources.push(source);
		}
	});
	return [...groups.values()];
}

/** Orders or products by key; a key that repeats keeps its last record, as Dotdigital would after sending each in turn. */
export function insightGroups(
	records: ReadonlyArray<Record<string, unknown>>,
	build: (record: Record<string, unknown>) => InsightRecord | KeyedFailure,
	results: Results,
): Group<InsightRecord>[] {
	return groupByKey<InsightRecord>((add) =>
		records.forEach((source, index) => {
			const record = build(source);
			if ('code' in record) results[index] = { status: 'failed', ...record };
			else add(index, record.key, record, () => record);
		}),
	);
}

/** Gives every input record its group's result. */
export function spread<T>(
	groups: readonly Group<T>[],
	groupResults: Results,
	results: Results,
): Results {
	groups.forEach((group, index) => {
		for (const source of group.sources) results[source] = groupResults[index];
	});
	return results;
}
