/**
 * The reconciliation ledger: what each file contained and what became of it. Mapping Apply writes a
 * "mapping" step per file (rows read, records, rejected by reason, the value of the orders) and
 * Dotdigital Upsert a "sending" step per file (accepted, failed by reason, unchanged, the value
 * sent). Steps of one execution and file are joined into one ledger line by the report.
 */

/** How many of something there were, and who fixes them: the till, the mapping, or the API side. */
export interface ReasonCount {
	owner: string;
	count: number;
	/** The first one seen, as "file line N: message", so a reader knows what the reason looks like. */
	example?: string;
}

/** Counts by reason (a mapping rule or a Dotdigital failure code). */
export type ReasonCounts = Record<string, ReasonCount>;

/** Money by currency code ('' when the records carry none). */
export type MoneyByCurrency = Record<string, number>;

export interface MappingCounts {
	step: 'mapping';
	feed: string;
	rows_read: number;
	records: number;
	rejected: number;
	/** Rows that went into records; a transaction file has several rows per order. */
	rows_in_records: number;
	rejected_by_reason: ReasonCounts;
	/** The order total of the records made (transaction files). */
	value: MoneyByCurrency;
	/** Set when the whole file could not be read or mapped. */
	error?: string;
}

export interface SendingCounts {
	step: 'sending';
	/** contact, order or product. */
	resource: string;
	records: number;
	accepted: number;
	failed: number;
	unchanged: number;
	failed_by_reason: ReasonCounts;
	value_accepted: MoneyByCurrency;
	value_failed: MoneyByCurrency;
	value_unchanged: MoneyByCurrency;
}

/**
 * Written by Dotdigital Upsert before it sends, and removed when its sending step is written: what
 * remains tells of records sent whose outcome nobody saw (the run was stopped half-way).
 */
export interface InFlightCounts {
	step: 'inFlight';
	resource: string;
	records: number;
}

/**
 * Written by the POS File Trigger for a file it did not hand over: the same content as a file already
 * processed, or a file in the folder that does not match the feed's pattern.
 */
export interface SkippedCounts {
	step: 'skipped';
	feed: string;
	reason: 'duplicate' | 'stray';
	/** In words: "same content as Customers_1.csv, processed Sun 22 Nov 2026 09:12". */
	note: string;
}

export type StepCounts = MappingCounts | SendingCounts | InFlightCounts | SkippedCounts;

/** The ledger's node name for a node's in-flight step, beside its sending step. */
export function inFlightNode(node: string): string {
	return `${node} (in flight)`;
}

export interface LedgerStep {
	executionId: string;
	workflow: string;
	/** The node that recorded the step; one execution can send a file through several nodes. */
	node: string;
	file: string;
	/** ISO time of the first record of this step. */
	recordedAt: string;
	counts: StepCounts;
}

/** Ledger lines older than this are dropped as new ones are written. */
export const LEDGER_KEPT_DAYS = 400;

/** Where the ledger is kept (lib/state's SyncState, in SQLite or Postgres, in the nodes). */
export interface LedgerBook {
	recordLedgerSteps(steps: readonly LedgerStep[]): Promise<void>;
	ledgerSteps(from: Date, to: Date): Promise<LedgerStep[]>;
}

/** Reason and money maps are keyed by values from files and APIs, so they never have a prototype. */
export function emptyMap<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

export function addReason(
	reasons: ReasonCounts,
	reason: string,
	owner: string,
	count = 1,
	example?: string,
): void {
	const entry = reasons[reason];
	if (entry) entry.count += count;
	else reasons[reason] = { owner, count, ...(example ? { example: example.slice(0, 300) } : {}) };
}

export function addMoney(money: MoneyByCurrency, currency: string, amount: number): void {
	if (!Number.isFinite(amount)) return;
	money[currency] = roundMoney((money[currency] ?? 0) + amount);
}

export function roundMoney(amount: number): number {
	return Math.round(amount * 100) / 100;
}

/** The order total and currency of a canonical order, if it has a total. */
export function orderValue(
	record: Record<string, unknown>,
): { currency: string; amount: number } | undefined {
	const amount = typeof record.order_total === 'number' ? record.order_total : Number.NaN;
	if (!Number.isFinite(amount)) return undefined;
	return {
		currency: typeof record.currency === 'string' ? record.currency.trim().toUpperCase() : '',
		amount,
	};
}

function mergeReasons(into: ReasonCounts, from: ReasonCounts): void {
	for (const [reason, { owner, count, example }] of Object.entries(from))
		addReason(into, reason, owner, count, example);
}

function mergeMoney(into: MoneyByCurrency, from: MoneyByCurrency): void {
	for (const [currency, amount] of Object.entries(from)) addMoney(into, currency, amount);
}

/** A step read back from storage, with its maps rebuilt without prototypes. */
export function reviveCounts(value: StepCounts): StepCounts {
	const rebuild = <T>(map: Record<string, T> | undefined) =>
		Object.assign(emptyMap<T>(), map ?? {});
	if (value.step === 'mapping')
		return {
			...value,
			rejected_by_reason: rebuild(value.rejected_by_reason),
			value: rebuild(value.value),
		};
	if (value.step === 'inFlight' || value.step === 'skipped') return { ...value };
	return {
		...value,
		failed_by_reason: rebuild(value.failed_by_reason),
		value_accepted: rebuild(value.value_accepted),
		value_failed: rebuild(value.value_failed),
		value_unchanged: rebuild(value.value_unchanged),
	};
}

/**
 * Adds a later record of the same step (a node that runs once per batch, as in Loop Over Items)
 * to an earlier one.
 */
export function mergeCounts(earlier: StepCounts, later: StepCounts): StepCounts {
	if (earlier.step === 'mapping' && later.step === 'mapping') {
		const merged = reviveCounts(earlier) as MappingCounts;
		merged.rows_read += later.rows_read;
		merged.records += later.records;
		merged.rejected += later.rejected;
		merged.rows_in_records += later.rows_in_records;
		mergeReasons(merged.rejected_by_reason, later.rejected_by_reason);
		mergeMoney(merged.value, later.value);
		if (later.error) merged.error = later.error;
		return merged;
	}
	if (earlier.step === 'inFlight' && later.step === 'inFlight')
		return { ...earlier, records: earlier.records + later.records };
	if (earlier.step === 'sending' && later.step === 'sending') {
		const merged = reviveCounts(earlier) as SendingCounts;
		merged.records += later.records;
		merged.accepted += later.accepted;
		merged.failed += later.failed;
		merged.unchanged += later.unchanged;
		mergeReasons(merged.failed_by_reason, later.failed_by_reason);
		mergeMoney(merged.value_accepted, later.value_accepted);
		mergeMoney(merged.value_failed, later.value_failed);
		mergeMoney(merged.value_unchanged, later.value_unchanged);
		return merged;
	}
	return later;
}

/** What Mapping Apply made of one file. */
export function mappingCounts(
	summary: {
		feed: string;
		rows_read: number;
		records: number;
		rejected: number;
		rows_in_records: number;
		error?: string;
	},
	rejections: Iterable<{
		rule: string;
		owner: string;
		file: string;
		line: number;
		message: string;
	}>,
	records: Iterable<Record<string, unknown>>,
): MappingCounts {
	const counts: MappingCounts = {
		step: 'mapping',
		feed: summary.feed,
		rows_read: summary.rows_read,
		records: summary.records,
		rejected: summary.rejected,
		rows_in_records: summary.rows_in_records,
		rejected_by_reason: emptyMap(),
		value: emptyMap(),
		...(summary.error ? { error: summary.error } : {}),
	};
	for (const rejection of rejections)
		addReason(
			counts.rejected_by_reason,
			rejection.rule,
			rejection.owner,
			1,
			`${rejection.file} line ${rejection.line}: ${rejection.message}`,
		);
	for (const record of records) {
		const value = orderValue(record);
		if (value) addMoney(counts.value, value.currency, value.amount);
	}
	return counts;
}

/** A Dotdigital result as the ledger needs it: one per record, in the records' order. */
export type SendingResult =
	| { status: 'done' | 'unchanged'; key?: string }
	| { status: 'failed'; key?: string; code: string; owner: string; description: string };

/** What Dotdigital Upsert did with each file's records, by the file named in each record's `_source`. */
export function sendingCountsByFile(
	resource: string,
	records: ReadonlyArray<Record<string, unknown>>,
	results: readonly SendingResult[],
	fileWithoutSource: string,
): Map<string, SendingCounts> {
	const byFile = new Map<string, SendingCounts>();
	results.forEach((result, position) => {
		const record = records[position] ?? {};
		const source = record._source as { file?: unknown; lines?: unknown } | undefined;
		const file = typeof source?.file === 'string' ? source.file : fileWithoutSource;
		let counts = byFile.get(file);
		if (!counts) {
			counts = {
				step: 'sending',
				resource,
				records: 0,
				accepted: 0,
				failed: 0,
				unchanged: 0,
				failed_by_reason: emptyMap(),
				value_accepted: emptyMap(),
				value_failed: emptyMap(),
				value_unchanged: emptyMap(),
			};
			byFile.set(file, counts);
		}
		counts.records += 1;
		const value = orderValue(record);
		if (result.status === 'failed') {
			counts.failed += 1;
			const line =
				Array.isArray(source?.lines) && source.lines.length > 0
					? ` line ${String(source.lines[0])}`
					: '';
			addReason(
				counts.failed_by_reason,
				result.code,
				result.owner,
				1,
				`${file}${line}${result.key ? ` (${result.key})` : ''}: ${result.description}`,
			);
			if (value) addMoney(counts.value_failed, value.currency, value.amount);
		} else if (result.status === 'unchanged') {
			counts.unchanged += 1;
			if (value) addMoney(counts.value_unchanged, value.currency, value.amount);
		} else {
			counts.accepted += 1;
			if (value) addMoney(counts.value_accepted, value.currency, value.amount);
		}
	});
	return byFile;
}
