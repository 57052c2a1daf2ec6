import type { MoneyByCurrency, ReasonCounts } from './ledger';

/** One file's journey through one execution: what Mapping Apply made of it and what Dotdigital did with that. */
export interface LedgerLine {
	date: string;
	recorded_at: string;
	workflow: string;
	execution_id: string;
	file: string;
	feed: string;
	rows_read: number | null;
	records: number | null;
	rejected: number | null;
	rejected_by_reason: ReasonCounts;
	/** What the records became in Dotdigital: contacts, orders or products; null when they were not sent. */
	sent_as: string | null;
	unchanged: number | null;
	sent: number | null;
	accepted: number | null;
	failed: number | null;
	failed_by_reason: ReasonCounts;
	/** The orders' total value in the file, against what Dotdigital accepted, already had, or refused. */
	value_in_file: MoneyByCurrency | null;
	value_sent: MoneyByCurrency | null;
	value_unchanged: MoneyByCurrency | null;
	value_failed: MoneyByCurrency | null;
	/** Records sent whose outcome the run never saw: it was stopped half-way. */
	outcome_unknown: number | null;
	/** The later execution that sent the same file through to the end, settling what was unknown. */
	confirmed_by: string | null;
	/** Executions of this file folded into this line: the ones that stopped before it, and this one. */
	attempts: number;
	/** When the first of them ran. */
	first_tried_at: string;
	/** Why the last execution that stopped did, in words; null when none stopped. */
	last_error: string | null;
	/** A file the POS File Trigger did not hand over: a duplicate, or a stray that does not match the pattern. */
	skipped: 'duplicate' | 'stray' | null;
	/** Why, in words: "same content as Customers_1.csv, processed Sun 22 Nov 2026 09:12". */
	note: string | null;
	balanced: boolean;
	problems: string[];
}
