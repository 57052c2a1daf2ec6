/** Orders and products in bulk: Dotdigital's insight data import, each record's result read from the import's report. */
import type { Keyed } from './contact-plan';
import {
	importBatches,
	MAX_REQUEST_BYTES,
	type ImportKind,
	type ImportRunOptions,
} from './imports';
import type { InsightRecord } from './insight';
import type { FailureOwner, RecordFailure } from './results';
import type { Results } from './sync-results';
import type { DotdigitalTransport } from './transport';

interface InsightImportStatus {
	status?: string;
	failures?: Array<{ key?: string; failureReason?: string; details?: unknown[] }>;
}

/** Sends records to one collection in import batches; each gets its result from the report. */
export async function sendInsight(
	transport: DotdigitalTransport,
	options: ImportRunOptions & { insightBatchSize: number; insightConcurrency: number },
	records: Array<Keyed & { record: InsightRecord }>,
	collection: {
		collectionName: string;
		collectionScope: 'contact' | 'account';
		collectionType: string;
	},
	results: Results,
): Promise<void> {
	const kind: ImportKind<InsightImportStatus> = {
		name: 'insight import',
		submitPath: '/insightData/v3/import',
		statusPath: (id) => `/insightData/v3/import/${encodeURIComponent(id)}`,
		open: `${JSON.stringify(collection).slice(0, -1)},"records":[`,
		close: ']}',
		maxRecords: options.insightBatchSize,
		maxBytes: MAX_REQUEST_BYTES,
		concurrency: options.insightConcurrency,
		progress: (status) => {
			const state = String(status?.status ?? '');
			if (state === 'Complete' || state === 'Finished') return 'done';
			if (
				state === 'NotStarted' ||
				state === 'Processing' ||
				state === 'NotFinished' ||
				state === ''
			)
				return 'pending';
			return {
				failed: `Dotdigital ended the ${collection.collectionName} import with status ${state}`,
			};
		},
	};
	await importBatches(
		transport,
		kind,
		records,
		(entry) => JSON.stringify(entry.record),
		results,
		options,
		(members, outcome) => {
			const failed = new Map(
				(outcome.status.failures ?? []).map((entry) => [String(entry.key ?? ''), entry]),
			);
			for (const member of members) {
				const problem = failed.get(member.key);
				results[member.index] = problem
					? {
							status: 'failed',
							key: member.key,
							importId: outcome.importId,
							...insightFailure(problem, member.record),
						}
					: { status: 'done', action: 'imported', key: member.key, importId: outcome.importId };
			}
		},
	);
}

function insightFailure(
	problem: { failureReason?: string; details?: unknown[] },
	record: InsightRecord,
): RecordFailure {
	const reason = problem.failureReason ?? 'Unknown';
	const details = (problem.details ?? []).map(String).join('; ');
	if (/^Contact(Email|Id)DoesNotExist$|^InvalidContactIdentifier$/.test(reason)) {
		return {
			code: 'customerLookupFailed',
			description:
				`There is no Dotdigital contact ${record.contactIdentity?.value ?? ''} for this order (${reason}); ` +
				'turn on "Create Missing Contacts First", or sync the customer first',
			retryable: false,
			owner: 'till data',
		};
	}
	const owner: FailureOwner = /^Json/.test(reason) ? 'mapping' : 'API';
	return {
		code: reason,
		description: details ? `${reason}: ${details}` : reason,
		retryable: reason === 'Unknown',
		owner,
	};
}
