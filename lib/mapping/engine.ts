/**
 * Maps an export's rows, one at a time, into canonical records and rejected rows (apply.ts drives
 * it). Customer and product rows are held to merge rows of the same customer or product; transaction
 * rows grouped into orders are held until the file ends, so an order's rows may be anywhere in the
 * file (its records are held until its end anyway: a file that fails halfway sends nothing). What is
 * held goes to a temporary file past a limit (held-records.ts), so a big file maps in bounded memory.
 */
import type { CellValue, SkippedRow } from '../files';
import { resolveColumns } from './columns';
import { RuleTallies } from './faults';
import { HeldRecords, type HoldingOptions } from './held-records';
import { RecordMerger } from './merge';
import { completeOrderMoney, expandLine } from './lines';
import {
	inCanonicalOrder,
	type CanonicalRecord,
	type MappingOutcome,
	type RowProblem,
} from './outcomes';
import type { Mapping } from './mapping';
import { RowReader, type MappedRow } from './row-reader';
import type { Feed } from './schema';
import { isBlank } from './values';

interface OrderGroup {
	orderKey: string;
	order: Record<string, unknown>;
	lines: Array<Record<string, unknown>>;
	rowLines: number[];
	currency?: string;
	/** Set when one of the order's rows was rejected: the rest of the order is held back with it. */
	heldBack?: { line: number; message: string };
}

export class RowMapper {
	readonly missingOptional: string[];
	readonly renamedColumns: string[];
	private readonly header: readonly string[];
	private readonly reader: RowReader;
	private readonly tallies = new RuleTallies();
	private readonly merger: RecordMerger<CanonicalRecord>;
	private readonly feed: Feed;
	private readonly grouped: boolean;
	/** Orders by key, in the order of their first row. */
	private readonly orders: HeldRecords<OrderGroup>;

	constructor(
		private readonly mapping: Mapping,
		originalHeader: readonly string[],
		private readonly file: string,
		holding: HoldingOptions = {},
	) {
		const resolved = resolveColumns(originalHeader, mapping, file);
		this.header = resolved.header;
		this.missingOptional = resolved.missingOptional;
		this.renamedColumns = resolved.renamedColumns;
		this.feed = mapping.feed;
		this.merger = new RecordMerger(mapping.feed, holding);
		this.orders = new HeldRecords(holding);
		this.grouped = mapping.feed === 'transaction' && mapping.settings.rowGrain === 'line';
		this.reader = new RowReader(mapping, resolved.header, resolved.fields, resolved.unusedColumns);
	}

	/** Maps one row, adding what it completes (a record, rejections, orders now closed) to `out`. */
	add(values: CellValue[], line: number, out: MappingOutcome[]): void {
		if (
			values.length !== this.header.length &&
			!(values.length > this.header.length && values.slice(this.header.length).every(isBlank))
		) {
			const problem: RowProblem = {
				field: '(whole row)',
				column: '',
				rule: 'row.field_count',
				value: values.slice(0, 40).join(','),
				message: `The row has ${values.length} values but the header has ${this.header.length} columns, so its values may be in the wrong columns`,
				owner: 'till data',
			};
			this.rejectUnmapped(line, undefined, problem, values, out);
			return;
		}
		const mapped = this.reader.read(values);
		const { problems } = mapped;
		if (this.feed !== 'transaction') {
			if (problems) out.push(this.reject(line, problems, undefined));
			else this.merger.add(this.finishSimple(mapped, line));
			return;
		}
		const orderKey = this.reader.orderKeyOf(mapped);
		if (!this.grouped) {
			out.push(
				problems
					? this.reject(line, problems, orderKey)
					: { kind: 'record', record: this.finishOrder(this.newGroup(mapped, line, orderKey!)) },
			);
			return;
		}
		if (problems) {
			out.push(this.reject(line, problems, orderKey));
			if (orderKey !== undefined) this.holdBack(orderKey, line, problems[0].message);
		} else {
			const group = this.orders.get(orderKey!);
			if (!group) this.orders.add(orderKey!, this.newGroup(mapped, line, orderKey!));
			else this.addToGroup(group, mapped, line);
		}
	}

	/** A record of the file that could not be read as a row. */
	addUnreadable(row: SkippedRow, out: MappingOutcome[]): void {
		const problem: RowProblem = {
			field: '(whole row)',
			column: '',
			rule: 'row.unreadable',
			value: row.raw ?? '',
			message: `The row could not be read: ${row.reason}`,
			owner: 'till data',
		};
		this.rejectUnmapped(row.line, row.lastLine, problem, row.values, out);
	}

	/**
	 * Rejects a row that cannot be mapped at all (unreadable, or with the wrong number of values),
	 * with its order when the order key can still be read from it: that order is then held back
	 * whole, never sent short of this row.
	 */
	private rejectUnmapped(
		line: number,
		lastLine: number | undefined,
		problem: RowProblem,
		values: readonly CellValue[] | undefined,
		out: MappingOutcome[],
	): void {
		const orderKey = values ? this.reader.orderKeyFromValues(values) : undefined;
		const rejection = this.reject(line, [problem], orderKey);
		if (lastLine !== undefined && lastLine !== line && rejection.kind === 'rejected')
			rejection.rejection.last_line = lastLine;
		out.push(rejection);
		if (orderKey !== undefined && this.grouped) this.holdBack(orderKey, line, problem.message);
	}

	/** What the end of the file completes: the orders, then the merged customers or products, in the order of their first rows. */
	*finish(): Generator<MappingOutcome, void, undefined> {
		for (const group of this.orders.drain()) yield* this.close(group);
		for (const record of this.merger.drain())
			yield { kind: 'record', record: inCanonicalOrder(record, this.feed) };
	}

	/** Lets go of what is held (and its temporary files) when the run stops before the end. */
	dispose(): void {
		this.orders.close();
		this.merger.close();
	}

	/** Rows that joined the record of an earlier row of the same customer or product. */
	get mergedRows(): number {
		return this.merger.mergedRows;
	}

	/** The rules that rejected so much of the file that the mapping, not the till, is at fault. */
	faults(rowsRead: number): string[] {
		return this.tallies.faults(rowsRead, (field) => this.reader.valueRules(field));
	}

	private *close(group: OrderGroup): Generator<MappingOutcome, void, undefined> {
		const { orderKey } = group;
		if (group.heldBack) {
			const { line: badLine, message } = group.heldBack;
			for (const line of group.rowLines) {
				yield {
					kind: 'rejected',
					rejection: {
						file: this.file,
						line,
						order_id: orderKey,
						field: this.mapping.settings.orderKey,
						column: '',
						rule: 'order.incomplete',
						value: orderKey,
						message:
							`Order ${orderKey} is held back because its row on line ${badLine} was rejected (${message}); ` +
							'fix that row and the whole order goes through',
						owner: 'till data',
					},
				};
			}
		} else {
			yield { kind: 'record', record: this.finishOrder(group) };
		}
	}

	private reject(
		line: number,
		problems: RowProblem[],
		orderKey: string | undefined,
	): MappingOutcome {
		for (const problem of problems) this.tallies.note(problem);
		const [first] = problems;
		return {
			kind: 'rejected',
			rejection: {
				file: this.file,
				line,
				...(orderKey !== undefined ? { order_id: orderKey } : {}),
				...first,
				...(problems.length > 1 ? { problems } : {}),
			},
		};
	}

	private holdBack(orderKey: string, line: number, message: string) {
		const group = this.orders.get(orderKey);
		if (!group)
			this.orders.add(orderKey, {
				orderKey,
				order: {},
				lines: [],
				rowLines: [],
				heldBack: { line, message },
			});
		else group.heldBack ??= { line, message };
	}

	private finishSimple(mapped: MappedRow, line: number): CanonicalRecord {
		const record = mapped.record;
		if (this.feed === 'product') {
			if (typeof record.tags === 'string')
				record.tags = record.tags
					.split(',')
					.map((tag) => tag.trim())
					.filter(Boolean);
			if (record.currency === undefined)
				setIfDefined(record, 'currency', mapped.currency ?? this.mapping.settings.currency);
		}
		if (mapped.custom) record.custom = mapped.custom;
		record._source = { file: this.file, lines: [line] };
		return inCanonicalOrder(record, this.feed);
	}

	private newGroup(mapped: MappedRow, line: number, orderKey: string): OrderGroup {
		const group: OrderGroup = {
			orderKey,
			order: mapped.record,
			lines: [],
			rowLines: [line],
			currency: mapped.currency,
		};
		if (mapped.line) group.lines.push(...expandLine(mapped.line));
		if (mapped.custom) group.order.custom = mapped.custom;
		return group;
	}

	private addToGroup(group: OrderGroup, mapped: MappedRow, line: number) {
		group.rowLines.push(line);
		if (group.heldBack) return;
		for (const key in mapped.record) {
			if (
				group.order[key] === undefined ||
				(group.order[key] === null && mapped.record[key] !== null)
			)
				group.order[key] = mapped.record[key];
		}
		// One refund row makes the order a refund, whichever row came first.
		if (mapped.record.is_refund === true) group.order.is_refund = true;
		if (mapped.line) group.lines.push(...expandLine(mapped.line));
		if (mapped.custom) {
			// The first row to give a custom value keeps it. (Custom names are never prototype keys.)
			const custom = (group.order.custom ??= {}) as Record<string, unknown>;
			for (const key in mapped.custom)
				if (!Object.hasOwn(custom, key)) custom[key] = mapped.custom[key];
		}
		group.currency ??= mapped.currency;
	}

	/** The order with its lines, totals (see completeOrderMoney) and refund flag. */
	private finishOrder(group: OrderGroup): CanonicalRecord {
		const { settings } = this.mapping;
		const { orderKey } = group;
		const order = group.order;
		if (order.currency === undefined)
			setIfDefined(order, 'currency', group.currency ?? settings.currency);
		const lines = completeOrderMoney(order, group.lines, settings.pricesIncludeTax);
		const prefix = settings.refundPrefix?.trim();
		order.is_refund =
			order.is_refund === true ||
			(prefix ? orderKey.toUpperCase().startsWith(prefix.toUpperCase()) : false) ||
			lines.some((line) => typeof line.qty === 'number' && line.qty < 0) ||
			(typeof order.order_total === 'number' && order.order_total < 0);
		if (this.reader.hasLineFields || this.grouped) order.lines = lines;
		order._source = { file: this.file, lines: group.rowLines };
		return inCanonicalOrder(order, this.feed);
	}
}

function setIfDefined(record: Record<string, unknown>, key: string, value: unknown) {
	if (value !== undefined) record[key] = value;
}
