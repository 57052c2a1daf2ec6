/**
 * Reads one row's mapped fields into a record's values, a line's and custom fields, with the
 * problems that reject it: each field's plan (field-plan.ts), worked out once per file, applied
 * to each row.
 */
import type { CellValue } from '../files';
import type { ResolvedField } from './columns';
import { planField, type FieldPlan } from './field-plan';
import { evaluateFormula, type Formula } from './formula';
import { parseList } from './lines';
import { customFieldName, MappingError, type Mapping } from './mapping';
import { decimalOf, toNumber, type Decimal } from './money';
import { newRecord } from './plain-record';
import type { FixOwner, RowProblem } from './outcomes';
import { CUSTOM_PREFIX, FEED_DEFINITIONS, fieldDefinition, type Feed } from './schema';
import {
	coerceValue,
	describeOptionProblem,
	isBlank,
	mapValue,
	splitFullName,
	type FieldType,
	type ValueOptions,
} from './values';

const OWNER_BY_RULE: Record<string, FixOwner> = {
	'date.ambiguous': 'mapping',
	'map.unmatched': 'mapping',
};

export interface MappedRow {
	record: Record<string, unknown>;
	line?: Record<string, unknown>;
	custom?: Record<string, unknown>;
	currency?: string;
	/** Absent while the row is fine. */
	problems?: RowProblem[];
}

export class RowReader {
	readonly hasLineFields: boolean;
	private readonly plans: FieldPlan[];
	/** The plan of the order key's field, to find the order of a row that cannot be mapped. */
	private readonly orderKeyPlan: FieldPlan | undefined;
	private readonly unusedColumns: Array<{ position: number; key: string }>;
	private readonly feed: Feed;

	constructor(
		private readonly mapping: Mapping,
		private readonly header: readonly string[],
		fields: readonly ResolvedField[],
		unusedColumns: readonly number[],
	) {
		this.feed = mapping.feed;
		this.plans = fields.map((entry) => planField(entry, mapping, header));
		const problems = this.plans.flatMap((plan) => {
			const problem = describeOptionProblem(plan.type, plan.options);
			return problem ? [`${plan.field.target}: ${problem}`] : [];
		});
		if (problems.length) throw new MappingError([...new Set(problems)], mapping.origin);
		this.hasLineFields = this.plans.some((plan) => plan.place === 'line');
		this.orderKeyPlan =
			this.feed === 'transaction'
				? this.plans.find((plan) => plan.field.target === mapping.settings.orderKey)
				: undefined;
		const customKeys = new Set(
			this.plans.filter((plan) => plan.place === 'custom').map((plan) => plan.key),
		);
		this.unusedColumns = mapping.settings.keepUnmappedColumns
			? unusedColumns
					.map((position) => ({ position, key: customFieldName(header[position]) }))
					.filter(({ key }) => {
						if (!key || customKeys.has(key)) return false;
						customKeys.add(key);
						return true;
					})
			: [];
	}

	/** How a field's values are read, for the mapping faults that name what would read them. */
	valueRules(target: string): { type: FieldType; options: ValueOptions } | undefined {
		const plan = this.plans.find((candidate) => candidate.field.target === target);
		return plan ? { type: plan.type, options: plan.options } : undefined;
	}

	/** The order key as the row gives it, read on its own; undefined when it cannot be read. */
	orderKeyFromValues(values: readonly CellValue[]): string | undefined {
		const plan = this.orderKeyPlan;
		if (!plan) return undefined;
		const scratch: MappedRow = { record: newRecord() };
		this.readField(plan, values as CellValue[], scratch);
		return scratch.problems ? undefined : this.orderKeyOf(scratch);
	}

	orderKeyOf(mapped: MappedRow): string | undefined {
		const { orderKey } = this.mapping.settings;
		const value = orderKey.startsWith(CUSTOM_PREFIX)
			? mapped.custom?.[orderKey.slice(CUSTOM_PREFIX.length)]
			: mapped.record[orderKey];
		return value === undefined || value === null ? undefined : String(value);
	}

	/** Reads every mapped field of a row, with the problems that stop it becoming a record. */
	read(values: CellValue[]): MappedRow {
		const mapped: MappedRow = { record: newRecord() };
		for (const plan of this.plans) this.readField(plan, values, mapped);
		if (this.unusedColumns.length) {
			for (const { position, key } of this.unusedColumns) {
				const value = values[position];
				if (value !== undefined && !isBlank(value))
					(mapped.custom ??= newRecord())[key] = typeof value === 'string' ? value.trim() : value;
			}
		}
		if (
			this.hasLineFields &&
			mapped.line &&
			mapped.line.sku === undefined &&
			mapped.line.name === undefined &&
			!mapped.problems
		) {
			(mapped.problems ??= []).push({
				field: 'lines.sku',
				column: '',
				rule: 'line.no_product',
				value: '',
				message: 'The row has neither a SKU nor an item name, so the item sold is unknown',
				owner: 'till data',
			});
		}
		const rule = FEED_DEFINITIONS[this.feed].recordRule;
		if (
			rule &&
			!mapped.problems &&
			rule.anyOf.every(
				(field) => mapped.record[field] === undefined || mapped.record[field] === null,
			)
		) {
			(mapped.problems ??= []).push({
				field: rule.anyOf.join(' / '),
				column: '',
				rule: 'record.no_identifier',
				value: '',
				message: `The row ${rule.message}`,
				owner: 'till data',
			});
		}
		return mapped;
	}

	private readField(plan: FieldPlan, values: CellValue[], mapped: MappedRow) {
		let raw: CellValue | undefined;
		let column = plan.choiceLabels[0] ?? '';
		if (plan.formula && plan.choices.length) {
			const calculated = this.calculate(plan, plan.formula, values, mapped);
			if (calculated === null) return;
			raw = calculated;
		}
		for (
			let index = 0;
			index < plan.choices.length && raw === undefined && !plan.formula;
			index++
		) {
			raw = readChoice(values, plan.choices[index], plan.joiner);
			if (raw !== undefined) column = plan.choiceLabels[index];
		}
		if (raw === undefined && plan.defaultValue !== undefined) {
			raw = plan.defaultValue;
			column = '(default)';
		}
		if (raw !== undefined && plan.reshapes) raw = this.transform(plan, raw, column, mapped);
		if (raw === undefined) {
			if (plan.required)
				this.problem(
					mapped,
					plan,
					column,
					'required.missing',
					'',
					`${describeField(this.feed, plan.field.target)} is empty`,
				);
			else if (plan.clearWhenBlank) this.set(mapped, plan, null);
			return;
		}
		if (plan.transform === 'split_list') {
			this.mapList(plan, String(raw), column, mapped);
			return;
		}
		let result = plan.lastRaw === raw ? plan.lastResult! : undefined;
		if (result === undefined) {
			result = coerceValue(raw, plan.type, plan.options);
			plan.lastRaw = raw;
			plan.lastResult = result;
		}
		if (!result.ok) {
			this.problem(mapped, plan, column, result.rule, String(raw), result.message);
			return;
		}
		if (result.currency) mapped.currency ??= result.currency;
		const value =
			plan.padWidth && typeof result.value === 'string' && /^\d+$/.test(result.value)
				? result.value.padStart(plan.padWidth, '0')
				: result.value;
		this.set(mapped, plan, value);
	}

	/**
	 * A calculated field's value from its formula's columns: undefined when one of them is blank,
	 * null when the row was given a problem instead.
	 */
	private calculate(
		plan: FieldPlan,
		formula: Formula,
		values: CellValue[],
		mapped: MappedRow,
	): number | undefined | null {
		const operands: Decimal[] = [];
		for (let index = 0; index < formula.columns.length; index++) {
			const raw = values[plan.choices[0][index]];
			if (raw === undefined || isBlank(raw)) return undefined;
			const amount = coerceValue(raw, 'money', plan.options);
			if (!amount.ok || typeof amount.value !== 'number') {
				const name = this.header[plan.choices[0][index]];
				this.problem(
					mapped,
					plan,
					name,
					'calculate.not_a_number',
					String(raw),
					`"${String(raw)}" in ${name} is not a number, so ${plan.field.target} ` +
						`(${formula.columns.map((column) => `[${column}]`).join(', ')}) cannot be worked out`,
				);
				return null;
			}
			operands.push(decimalOf(amount.value));
		}
		// Money keeps four places, as when it is read from a cell; other numbers six.
		const result = evaluateFormula(formula, operands, plan.type === 'money' ? 4 : 6);
		if (result.ok) return toNumber(result.value);
		this.problem(
			mapped,
			plan,
			result.divisionByZero,
			'calculate.divide_by_zero',
			'0',
			`${result.divisionByZero} is 0, so ${plan.field.target} (${plan.field.format}) cannot be worked out`,
		);
		return null;
	}

	/** A list in one cell: each item read as the field's type; the line becomes one line per item. */
	private mapList(plan: FieldPlan, raw: string, column: string, mapped: MappedRow) {
		const items: unknown[] = [];
		for (const item of parseList(raw)) {
			const result = coerceValue(item, plan.type, plan.options);
			if (!result.ok) {
				this.problem(mapped, plan, column, result.rule, raw, result.message);
				return;
			}
			if (result.value !== null) items.push(result.value);
		}
		if (items.length) this.set(mapped, plan, items);
		else
			this.problem(
				mapped,
				plan,
				column,
				'line.no_product',
				raw,
				`The list of items sold is empty, so the basket has no lines`,
			);
	}

	/** Applies the value map or name split; undefined when that leaves nothing (or rejected the value). */
	private transform(
		plan: FieldPlan,
		raw: CellValue,
		column: string,
		mapped: MappedRow,
	): CellValue | undefined {
		switch (plan.transform) {
			case 'map': {
				const result = mapValue(String(raw).trim(), plan.valueMap!, plan.unmatched);
				if (!result.ok) {
					this.problem(mapped, plan, column, result.rule, String(raw), result.message);
					return undefined;
				}
				return result.value === null ? undefined : (result.value as CellValue);
			}
			case 'first_name':
			case 'last_name':
			case 'name_title': {
				const parts = splitFullName(String(raw));
				const part = plan.transform === 'name_title' ? parts.title : parts[plan.transform];
				return part === undefined || part === '' ? undefined : part;
			}
			default:
				return raw;
		}
	}

	private problem(
		mapped: MappedRow,
		plan: FieldPlan,
		column: string,
		rule: string,
		value: string,
		message: string,
	) {
		(mapped.problems ??= []).push({
			field: plan.field.target,
			column,
			rule,
			value,
			message,
			owner: OWNER_BY_RULE[rule] ?? 'till data',
		});
	}

	private set(mapped: MappedRow, plan: FieldPlan, value: unknown) {
		if (plan.place === 'record') mapped.record[plan.key] = value;
		else if (plan.place === 'line') (mapped.line ??= newRecord())[plan.key] = value;
		else (mapped.custom ??= newRecord())[plan.key] = value;
	}
}

function readChoice(values: CellValue[], choice: number[], joiner: string): CellValue | undefined {
	if (choice.length === 1) {
		const value = values[choice[0]];
		return value === undefined || isBlank(value) ? undefined : value;
	}
	const parts: string[] = [];
	for (const position of choice) {
		const value = values[position];
		if (value !== undefined && !isBlank(value)) parts.push(String(value).trim());
	}
	return parts.length ? parts.join(joiner) : undefined;
}

function describeField(feed: Feed, target: string): string {
	return fieldDefinition(feed, target) ? target : target.replace(CUSTOM_PREFIX, '');
}
