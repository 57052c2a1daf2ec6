/**
 * What Dotdigital Upsert reports, built up as its records are sent (a batched file in parts): Done
 * and Failed items, the Summary's counts, and the ledger's counts per file.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	countResults,
	type DotdigitalSync,
	type RecordResult,
	type RunCounts,
} from '../../lib/dotdigital';
import { mergeCounts, sendingCountsByFile, type SendingCounts } from '../../lib/state';
import { sourceOf, type RecordChunk } from '../shared/record-input';

type FileCounts = Record<'created' | 'updated' | 'imported' | 'suppressed' | 'unchanged', number>;

export class RunReport {
	private readonly done: INodeExecutionData[] = [];
	private readonly failed: INodeExecutionData[] = [];
	private readonly byFile = new Map<string, SendingCounts>();
	private readonly doneFiles = new Map<string, { counts: FileCounts; items: Set<number> }>();
	private counts: Omit<RunCounts, 'apiCalls' | 'imports' | 'retries'> = {
		received: 0,
		done: 0,
		failed: 0,
		unchanged: 0,
		created: 0,
		updated: 0,
		imported: 0,
		suppressed: 0,
		failedByCode: {},
	};

	/** `batched`: Done holds counts per file rather than an item per record. */
	constructor(
		private readonly resource: string,
		private readonly batched: boolean,
		private readonly fileWithoutSource: string,
	) {}

	add(chunk: RecordChunk, records: Array<Record<string, unknown>>, results: RecordResult[]): void {
		for (const [file, counts] of sendingCountsByFile(
			this.resource,
			records,
			results,
			this.fileWithoutSource,
		)) {
			const earlier = this.byFile.get(file);
			this.byFile.set(file, earlier ? (mergeCounts(earlier, counts) as SendingCounts) : counts);
		}
		const counts = countResults(results, { apiCalls: 0, imports: 0, retries: 0 });
		for (const key of [
			'received',
			'done',
			'failed',
			'unchanged',
			'created',
			'updated',
			'imported',
			'suppressed',
		] as const)
			this.counts[key] += counts[key];
		for (const [code, count] of Object.entries(counts.failedByCode))
			this.counts.failedByCode[code] = (this.counts.failedByCode[code] ?? 0) + count;
		results.forEach((result, position) =>
			this.addResult(chunk.records[position], records[position], result, chunk.itemOf[position]),
		);
	}

	private addResult(
		record: Record<string, unknown>,
		sent: Record<string, unknown>,
		result: RecordResult,
		item: number,
	): void {
		const { resource } = this;
		const pairedItem = { item };
		if (result.status === 'failed') {
			this.failed.push({
				json: {
					resource,
					key: result.key ?? null,
					code: result.code,
					description: result.description,
					retryable: result.retryable,
					owner: result.owner,
					import_id: result.importId ?? null,
					record: record as IDataObject,
				},
				pairedItem,
			});
			return;
		}
		if (this.batched) {
			const file = String(
				(record._source as { file?: unknown } | undefined)?.file ?? this.fileWithoutSource,
			);
			let entry = this.doneFiles.get(file);
			if (!entry) {
				entry = {
					counts: { created: 0, updated: 0, imported: 0, suppressed: 0, unchanged: 0 },
					items: new Set(),
				};
				this.doneFiles.set(file, entry);
			}
			entry.counts[result.status === 'unchanged' ? 'unchanged' : result.action] += 1;
			entry.items.add(item);
			return;
		}
		const where = sourceOf(record);
		const key = resource === 'contact' ? { identifier: result.key } : { key: result.key };
		if (result.status === 'unchanged') {
			this.done.push({ json: { resource, action: 'unchanged', ...key, ...where }, pairedItem });
			return;
		}
		const resolved = sent.email_from
			? { email: String(sent.email), email_from: String(sent.email_from) }
			: {};
		this.done.push({
			json: {
				resource,
				action: result.action,
				...key,
				...(resource === 'contact' ? { contact_id: result.contactId ?? null } : {}),
				import_id: result.importId ?? null,
				...resolved,
				...where,
			},
			pairedItem,
		});
	}

	/** The ledger's sending counts per file. */
	ledger(): Array<{ file: string; counts: SendingCounts }> {
		return [...this.byFile].map(([file, counts]) => ({ file, counts }));
	}

	/** Done (one item per record, or per file when batched), Failed (one per record) and the Summary. */
	outputs(items: INodeExecutionData[], sync: DotdigitalSync): INodeExecutionData[][] {
		const { resource, counts } = this;
		const done = this.batched ? this.doneByFile() : this.done;
		// Per source file, for checking each file against Mapping Apply's summary of it.
		const files = [...this.byFile]
			.filter(([file]) => file !== this.fileWithoutSource)
			.map(([file, fileCounts]) => ({
				file,
				records: fileCounts.records,
				done: fileCounts.accepted,
				failed: fileCounts.failed,
				unchanged: fileCounts.unchanged,
			}));
		const summary = {
			resource,
			records: counts.received,
			done: counts.done,
			failed: counts.failed,
			unchanged: counts.unchanged,
			created: counts.created,
			updated: counts.updated,
			imported: counts.imported,
			suppressed: counts.suppressed,
			failed_by_code: counts.failedByCode,
			balanced: counts.done + counts.failed + counts.unchanged === counts.received,
			api_calls: sync.transport.stats.requests,
			imports: sync.importCalls,
			retries: sync.transport.stats.retries,
			...(files.length > 0 ? { files } : {}),
		};
		return [done, this.failed, [{ json: summary, pairedItem: items.map((_, item) => ({ item })) }]];
	}

	private doneByFile(): INodeExecutionData[] {
		return [...this.doneFiles].map(([file, { counts, items }]) => {
			const shown =
				this.resource === 'contact'
					? { created: counts.created, updated: counts.updated, suppressed: counts.suppressed }
					: { imported: counts.imported };
			const sent = Object.values(shown).reduce((sum, count) => sum + count, 0);
			return {
				json: {
					resource: this.resource,
					action: 'counts per file',
					file,
					done: sent,
					...shown,
					unchanged: counts.unchanged,
				},
				pairedItem: [...items].map((item) => ({ item })),
			};
		});
	}
}
