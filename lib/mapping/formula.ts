/**
 * The "Calculate" transform: a field worked out from other columns of the same row, written in
 * Format as a formula such as `[Line Total] / [Quantity]`. Columns are named in square brackets;
 * numbers, + − × ÷ (written + - * /) and brackets do the rest. Nothing else is read, so a formula
 * can never reach anything but the row's own cells. The sums are done in exact fractions and the
 * result is rounded once, so `[Total] / [Qty]` never drifts and never rounds twice.
 */
import { decimalOf, divide, type Decimal } from './money';

/** An exact fraction: numerator ÷ denominator, the denominator positive. */
interface Fraction {
	numerator: bigint;
	denominator: bigint;
}

type Node =
	| { kind: 'number'; value: Decimal }
	| { kind: 'column'; index: number }
	| { kind: 'negate'; operand: Node }
	| { kind: 'operation'; operator: '+' | '-' | '*' | '/'; left: Node; right: Node };

export interface Formula {
	/** The columns named, in the order of first mention: a row's operands come in this order. */
	columns: string[];
	root: Node;
}

export type FormulaResult = { ok: true; value: Decimal } | { ok: false; divisionByZero: string };

export class FormulaError extends Error {}

/** Reads a formula; throws a FormulaError saying what is wrong with it, in words. */
export function parseFormula(text: string): Formula {
	const columns: string[] = [];
	let position = 0;
	const fail = (what: string): never => {
		throw new FormulaError(`${what} at character ${position + 1} of "${text}"`);
	};
	const skipSpaces = () => {
		while (position < text.length && /\s/.test(text[position])) position++;
	};
	const peek = () => {
		skipSpaces();
		return text[position];
	};

	const factor = (): Node => {
		const character = peek();
		if (character === '(') {
			position++;
			const inner = sum();
			if (peek() !== ')') fail('a bracket is not closed');
			position++;
			return inner;
		}
		if (character === '-') {
			position++;
			return { kind: 'negate', operand: factor() };
		}
		if (character === '[') {
			const end = text.indexOf(']', position);
			if (end < 0) fail('a column name is not closed with ]');
			const name = text.slice(position + 1, end).trim();
			if (!name) fail('a column name is empty');
			position = end + 1;
			const known = columns.indexOf(name);
			return { kind: 'column', index: known >= 0 ? known : columns.push(name) - 1 };
		}
		const number = /^\d+(\.\d+)?/.exec(text.slice(position));
		if (number) {
			position += number[0].length;
			return { kind: 'number', value: decimalOf(Number(number[0])) };
		}
		return fail(
			character === undefined
				? 'the formula ends too soon'
				: `"${character}" is not a column in [brackets], a number or + - * /`,
		);
	};
	const product = (): Node => {
		let left = factor();
		for (let operator = peek(); operator === '*' || operator === '/'; operator = peek()) {
			position++;
			left = { kind: 'operation', operator, left, right: factor() };
		}
		return left;
	};
	const sum = (): Node => {
		let left = product();
		for (let operator = peek(); operator === '+' || operator === '-'; operator = peek()) {
			position++;
			left = { kind: 'operation', operator, left, right: product() };
		}
		return left;
	};

	const root = sum();
	if (peek() !== undefined) fail(`"${text[position]}" is not expected here`);
	if (!columns.length)
		throw new FormulaError(
			`"${text}" names no column: write columns in square brackets, as in [Line Total] / [Quantity]`,
		);
	return { columns, root };
}

/**
 * Works the formula out from the operands (one per column, in `formula.columns` order), rounded
 * once, half away from zero, to `places` decimal places.
 */
export function evaluateFormula(
	formula: Formula,
	operands: readonly Decimal[],
	places: number,
): FormulaResult {
	const evaluate = (node: Node): Fraction => {
		switch (node.kind) {
			case 'number':
				return fractionOf(node.value);
			case 'column':
				return fractionOf(operands[node.index]);
			case 'negate': {
				const value = evaluate(node.operand);
				return { numerator: -value.numerator, denominator: value.denominator };
			}
			case 'operation': {
				const left = evaluate(node.left);
				const right = evaluate(node.right);
				switch (node.operator) {
					case '+':
						return {
							numerator: left.numerator * right.denominator + right.numerator * left.denominator,
							denominator: left.denominator * right.denominator,
						};
					case '-':
						return {
							numerator: left.numerator * right.denominator - right.numerator * left.denominator,
							denominator: left.denominator * right.denominator,
						};
					case '*':
						return {
							numerator: left.numerator * right.numerator,
							denominator: left.denominator * right.denominator,
						};
					case '/': {
						if (right.numerator === 0n) throw new DivisionByZero(describe(node.right, formula));
						const sign = right.numerator < 0n ? -1n : 1n;
						return {
							numerator: sign * left.numerator * right.denominator,
							denominator: sign * right.numerator * left.denominator,
						};
					}
				}
			}
		}
	};
	try {
		const { numerator, denominator } = evaluate(formula.root);
		return {
			ok: true,
			value: divide({ units: numerator, scale: 0 }, { units: denominator, scale: 0 }, places)!,
		};
	} catch (error) {
		if (error instanceof DivisionByZero) return { ok: false, divisionByZero: error.message };
		throw error;
	}
}

class DivisionByZero extends Error {}

function fractionOf(value: Decimal): Fraction {
	return { numerator: value.units, denominator: 10n ** BigInt(value.scale) };
}

function describe(node: Node, formula: Formula): string {
	return node.kind === 'column' ? formula.columns[node.index] : 'the divisor';
}
