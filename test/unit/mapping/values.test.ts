import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';

import {
	coerceValue,
	describeOptionProblem,
	excelSerialToDateTime,
	isBlank,
	mapValue,
	splitFullName,
	titleCase,
	type Coerced,
	type FieldType,
	type ValueOptions,
} from '../../../lib/mapping/values';
import type { CellValue } from '../../../lib/files';

function expectRejected(
	raw: CellValue,
	type: FieldType,
	rule: string,
	options?: ValueOptions,
): string {
	const result = coerceValue(raw, type, options);
	expect(result).toEqual({ ok: false, rule, message: expect.any(String) });
	const { message } = result as Extract<Coerced, { ok: false }>;
	expect(message).toContain(`"${String(raw)}"`);
	return message;
}

function readFixture(name: string): Record<string, string>[] {
	return parse(readFileSync(join(__dirname, '../../fixtures/pos', name)), {
		columns: true,
		bom: true,
	}) as Record<string, string>[];
}

describe('isBlank', () => {
	it('is true for nothing, empty text and whitespace only, NBSP included', () => {
		for (const blank of [null, undefined, '', ' ', '\t\r\n', '\u00a0', ' \u00a0 ', '\ufeff'])
			expect(isBlank(blank)).toBe(true);
	});

	it('is false for text, numbers and booleans, zero and false included', () => {
		for (const value of ['x', ' x ', '0', 0, false, 'é', '中']) expect(isBlank(value)).toBe(false);
	});
});

describe('coerceValue with a blank cell', () => {
	it.each([
		'text',
		'email',
		'phone',
		'integer',
		'number',
		'money',
		'date',
		'datetime',
		'boolean',
	] as FieldType[])('gives null for %s, never a default', (type) => {
		expect(coerceValue('', type)).toEqual({ ok: true, value: null });
		expect(coerceValue('   ', type)).toEqual({ ok: true, value: null });
		expect(coerceValue(null, type)).toEqual({ ok: true, value: null });
		expect(coerceValue(undefined, type, { format: 'dd/MM/yyyy' })).toEqual({
			ok: true,
			value: null,
		});
	});
});

describe('text', () => {
	it('trims and otherwise keeps the text as written', () => {
		expect(coerceValue('  Matcha  Latte \u00a0', 'text')).toEqual({
			ok: true,
			value: 'Matcha  Latte',
		});
		expect(coerceValue('12oz, Whole Milk, Cold Foam, Strawberry', 'text')).toEqual({
			ok: true,
			value: '12oz, Whole Milk, Cold Foam, Strawberry',
		});
	});

	it('writes workbook numbers plainly, without exponents or float noise', () => {
		expect(coerceValue(12345678901, 'text')).toEqual({ ok: true, value: '12345678901' });
		expect(coerceValue(201301, 'text')).toEqual({ ok: true, value: '201301' });
		expect(coerceValue(95.7, 'text')).toEqual({ ok: true, value: '95.7' });
		expect(coerceValue(0.1 + 0.2, 'text')).toEqual({ ok: true, value: '0.3' });
		expect(coerceValue(1e21, 'text')).toEqual({ ok: true, value: '1000000000000000000000' });
		expect(coerceValue(0.0000001, 'text')).toEqual({ ok: true, value: '0.0000001' });
		expect(coerceValue(-3, 'text')).toEqual({ ok: true, value: '-3' });
	});

	it('writes workbook booleans as true and false', () => {
		expect(coerceValue(true, 'text')).toEqual({ ok: true, value: 'true' });
		expect(coerceValue(false, 'text')).toEqual({ ok: true, value: 'false' });
	});

	it('applies the text case', () => {
		expect(coerceValue(' matcha latte ', 'text', { textCase: 'upper' })).toEqual({
			ok: true,
			value: 'MATCHA LATTE',
		});
		expect(coerceValue('Matcha LATTE', 'text', { textCase: 'lower' })).toEqual({
			ok: true,
			value: 'matcha latte',
		});
		expect(coerceValue("O'BRIEN-SMITH mcdonald", 'text', { textCase: 'title' })).toEqual({
			ok: true,
			value: "O'Brien-Smith Mcdonald",
		});
		expect(coerceValue('Matcha LATTE', 'text', { textCase: 'none' })).toEqual({
			ok: true,
			value: 'Matcha LATTE',
		});
	});
});

describe('titleCase', () => {
	it('capitalises after spaces, hyphens and the apostrophe of a one-letter prefix', () => {
		expect(titleCase("o'brien-smith mcdonald")).toBe("O'Brien-Smith Mcdonald");
		expect(titleCase("D'ARCY de la cruz")).toBe("D'Arcy De La Cruz");
		expect(titleCase('jean-luc\tpicard')).toBe('Jean-Luc\tPicard');
		expect(titleCase('émile zola')).toBe('Émile Zola');
	});

	it('leaves possessives and words after digits alone', () => {
		expect(titleCase("MEN'S T-SHIRT")).toBe("Men's T-Shirt");
		expect(titleCase('3rd avenue')).toBe('3rd Avenue');
		expect(titleCase('')).toBe('');
	});
});

describe('email', () => {
	it('trims and lowercases valid addresses', () => {
		expect(coerceValue(' John.Smith@Example.CO.UK ', 'email')).toEqual({
			ok: true,
			value: 'john.smith@example.co.uk',
		});
		expect(coerceValue('first+tag@shop-name.com', 'email')).toEqual({
			ok: true,
			value: 'first+tag@shop-name.com',
		});
		expect(coerceValue("o'brien@example.ie", 'email')).toEqual({
			ok: true,
			value: "o'brien@example.ie",
		});
	});

	it.each([
		'john.example.com',
		'john@',
		'@example.com',
		'john@example',
		'john@example.c',
		'john@@example.com',
		'jo hn@example.com',
		'john..smith@example.com',
		'john@example..com',
		'.john@example.com',
		'john.@example.com',
		'john@-example.com',
		'n/a',
		'john@example.com, jane@example.com',
	])('rejects %j', (raw) => {
		expect(expectRejected(raw, 'email', 'email.invalid')).toBe(
			`"${raw}" is not a valid email address`,
		);
	});

	it('rejects workbook numbers', () => {
		expectRejected(12345, 'email', 'email.invalid');
	});
});

describe('phone', () => {
	it('normalises UK numbers to E.164 with the default country GB', () => {
		expect(coerceValue('07700 900123', 'phone')).toEqual({ ok: true, value: '+447700900123' });
		expect(coerceValue('020 7946 0958', 'phone')).toEqual({ ok: true, value: '+442079460958' });
		expect(coerceValue('+44 (0)7700 900123', 'phone')).toEqual({
			ok: true,
			value: '+447700900123',
		});
		expect(coerceValue('0044 7700 900123', 'phone')).toEqual({ ok: true, value: '+447700900123' });
	});

	it('keeps international numbers in their own country whatever the default', () => {
		expect(coerceValue('+33 1 46 62 7555', 'phone')).toEqual({ ok: true, value: '+33146627555' });
		expect(coerceValue('+33 1 46 62 7555', 'phone', { defaultCountry: 'US' })).toEqual({
			ok: true,
			value: '+33146627555',
		});
		expect(coerceValue('+47 2267 3215', 'phone')).toEqual({ ok: true, value: '+4722673215' });
	});

	it('reads US numbers with the default country US', () => {
		expect(coerceValue('2125557818', 'phone', { defaultCountry: 'US' })).toEqual({
			ok: true,
			value: '+12125557818',
		});
		expect(coerceValue('(650) 555-1386', 'phone', { defaultCountry: 'US' })).toEqual({
			ok: true,
			value: '+16505551386',
		});
	});

	it('still reads workbook numbers that lost their leading zero', () => {
		expect(coerceValue(7700900123, 'phone')).toEqual({ ok: true, value: '+447700900123' });
		expect(coerceValue(2125557818, 'phone', { defaultCountry: 'US' })).toEqual({
			ok: true,
			value: '+12125557818',
		});
	});

	it('takes UK as GB and lower-case country codes', () => {
		expect(coerceValue('07700 900123', 'phone', { defaultCountry: 'UK' })).toEqual({
			ok: true,
			value: '+447700900123',
		});
		expect(coerceValue('01 46 62 75 55', 'phone', { defaultCountry: 'fr' })).toEqual({
			ok: true,
			value: '+33146627555',
		});
	});

	it('rejects numbers that cannot be phone numbers, naming the country they were read for', () => {
		expect(expectRejected('26.47.1555', 'phone', 'phone.invalid', { defaultCountry: 'FR' })).toBe(
			'"26.47.1555" is not a possible phone number (read as a FR number unless it starts with + and a country code)',
		);
		expectRejected('12345', 'phone', 'phone.invalid');
		expectRejected('call me', 'phone', 'phone.invalid');
		expectRejected(true, 'phone', 'phone.invalid');
	});

	it('throws for a default country that does not exist', () => {
		expect(() => coerceValue('07700 900123', 'phone', { defaultCountry: 'XX' })).toThrow(
			RangeError,
		);
		expect(describeOptionProblem('phone', { defaultCountry: 'XX' })).toMatch(/"XX"/);
		expect(describeOptionProblem('phone', { defaultCountry: 'UK' })).toBeUndefined();
	});
});

describe('integer', () => {
	it('accepts whole numbers however they are written', () => {
		expect(coerceValue('1', 'integer')).toEqual({ ok: true, value: 1 });
		expect(coerceValue('1.0', 'integer')).toEqual({ ok: true, value: 1 });
		expect(coerceValue(' -3 ', 'integer')).toEqual({ ok: true, value: -3 });
		expect(coerceValue('+7', 'integer')).toEqual({ ok: true, value: 7 });
		expect(coerceValue('1,234', 'integer')).toEqual({ ok: true, value: 1234 });
		expect(coerceValue('1,234,567', 'integer')).toEqual({ ok: true, value: 1234567 });
		expect(coerceValue('1.234', 'integer', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 1234,
		});
		expect(coerceValue('2,0', 'integer', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 2,
		});
		expect(coerceValue(42, 'integer')).toEqual({ ok: true, value: 42 });
		expect(coerceValue(-0, 'integer')).toEqual({ ok: true, value: 0 });
		expect(Object.is((coerceValue('-0', 'integer') as { value: number }).value, 0)).toBe(true);
	});

	it('reads Square quantities written as 1.0', () => {
		expect(coerceValue('1.0', 'integer')).toEqual({ ok: true, value: 1 });
		expect(coerceValue('4.0', 'integer')).toEqual({ ok: true, value: 4 });
	});

	it('rejects fractions as not whole', () => {
		expect(expectRejected('1.5', 'integer', 'integer.not_whole')).toBe(
			'"1.5" is not a whole number',
		);
		expectRejected(2.25, 'integer', 'integer.not_whole');
		expectRejected('1,5', 'integer', 'integer.not_whole', { decimalSeparator: ',' });
	});

	it('rejects text, suggesting the decimal comma when the value would read with one', () => {
		expect(expectRejected('abc', 'integer', 'integer.invalid')).toBe('"abc" is not a whole number');
		expect(expectRejected('3 units', 'integer', 'integer.invalid')).toBe(
			'"3 units" is not a whole number',
		);
		expect(expectRejected('12,50', 'integer', 'integer.invalid')).toBe(
			`"12,50" is not a whole number: if the file writes decimals with a comma, set the decimal separator to ',' in the mapping`,
		);
		expectRejected(true, 'integer', 'integer.invalid');
		expectRejected('1e3', 'integer', 'integer.invalid');
	});

	it('rejects numbers too large to hold exactly', () => {
		expectRejected('12345678901234567890', 'integer', 'integer.out_of_range');
	});
});

describe('number', () => {
	it('reads decimals with either separator and thousands grouping', () => {
		expect(coerceValue('95.7', 'number')).toEqual({ ok: true, value: 95.7 });
		expect(coerceValue('-2.5', 'number')).toEqual({ ok: true, value: -2.5 });
		expect(coerceValue('.5', 'number')).toEqual({ ok: true, value: 0.5 });
		expect(coerceValue('1,234.5', 'number')).toEqual({ ok: true, value: 1234.5 });
		expect(coerceValue('12,50', 'number', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 12.5,
		});
		expect(coerceValue('1.234,56', 'number', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 1234.56,
		});
		expect(coerceValue('1 234,56', 'number', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 1234.56,
		});
		expect(coerceValue('1\u202f234,56', 'number', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 1234.56,
		});
		expect(coerceValue(2765.9, 'number')).toEqual({ ok: true, value: 2765.9 });
	});

	it('rejects a comma not followed by three digits when decimals use a point', () => {
		expect(expectRejected('12,50', 'number', 'number.invalid')).toBe(
			`"12,50" is not a number: if the file writes decimals with a comma, set the decimal separator to ',' in the mapping`,
		);
		expectRejected('1,2345', 'number', 'number.invalid');
	});

	it('rejects a point not followed by three digits when decimals use a comma', () => {
		expect(expectRejected('12.5', 'number', 'number.invalid', { decimalSeparator: ',' })).toBe(
			`"12.5" is not a number: if the file writes decimals with a point, set the decimal separator to '.' in the mapping`,
		);
	});

	it('rejects text and mixed-up grouping', () => {
		expect(expectRejected('ten', 'number', 'number.invalid')).toBe('"ten" is not a number');
		expectRejected('1,23,456', 'number', 'number.invalid');
		expectRejected('1.2.3', 'number', 'number.invalid');
		expectRejected('-', 'number', 'number.invalid');
		expectRejected(false, 'number', 'number.invalid');
	});
});

describe('money', () => {
	it('reads Square amounts in dollars', () => {
		expect(coerceValue('$8.00', 'money')).toEqual({ ok: true, value: 8, currency: 'USD' });
		expect(coerceValue('$0.62', 'money')).toEqual({ ok: true, value: 0.62, currency: 'USD' });
		expect(coerceValue('$0.00', 'money')).toEqual({ ok: true, value: 0, currency: 'USD' });
	});

	it('reads a thousands separator and a trailing space', () => {
		expect(coerceValue('$1,149.00 ', 'money')).toEqual({ ok: true, value: 1149, currency: 'USD' });
		expect(coerceValue('£4,250.00', 'money')).toEqual({ ok: true, value: 4250, currency: 'GBP' });
		expect(coerceValue('\u00a0€1,000,000.5\u00a0', 'money')).toEqual({
			ok: true,
			value: 1000000.5,
			currency: 'EUR',
		});
	});

	it('reads negatives in brackets and with a sign either side of the symbol', () => {
		expect(coerceValue('($33.62)', 'money')).toEqual({ ok: true, value: -33.62, currency: 'USD' });
		expect(coerceValue('(33.62)', 'money')).toEqual({ ok: true, value: -33.62 });
		expect(coerceValue('-$5.00', 'money')).toEqual({ ok: true, value: -5, currency: 'USD' });
		expect(coerceValue('$-5.00', 'money')).toEqual({ ok: true, value: -5, currency: 'USD' });
		expect(coerceValue('\u2212£2.50', 'money')).toEqual({ ok: true, value: -2.5, currency: 'GBP' });
		expect(coerceValue('-12.5', 'money')).toEqual({ ok: true, value: -12.5 });
	});

	it('reads currency codes at either end and the yen sign', () => {
		expect(coerceValue('GBP 12.00', 'money')).toEqual({ ok: true, value: 12, currency: 'GBP' });
		expect(coerceValue('12.00 USD', 'money')).toEqual({ ok: true, value: 12, currency: 'USD' });
		expect(coerceValue('eur 3.10', 'money')).toEqual({ ok: true, value: 3.1, currency: 'EUR' });
		expect(coerceValue('¥1,200', 'money')).toEqual({ ok: true, value: 1200, currency: 'JPY' });
		expect(coerceValue('5.00 $', 'money')).toEqual({ ok: true, value: 5, currency: 'USD' });
	});

	it('reads a decimal comma when the mapping says so', () => {
		expect(coerceValue('12,50', 'money', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 12.5,
		});
		expect(coerceValue('1.234,56', 'money', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 1234.56,
		});
		expect(coerceValue('12,50 €', 'money', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: 12.5,
			currency: 'EUR',
		});
		expect(coerceValue('-1.234,5 EUR', 'money', { decimalSeparator: ',' })).toEqual({
			ok: true,
			value: -1234.5,
			currency: 'EUR',
		});
	});

	it('rejects a decimal comma when the mapping expects a point, saying what to change', () => {
		expect(expectRejected('12,50', 'money', 'money.invalid')).toBe(
			`"12,50" is not an amount of money: if the file writes decimals with a comma, set the decimal separator to ',' in the mapping`,
		);
		expect(expectRejected('€12,50', 'money', 'money.invalid')).toContain(
			"set the decimal separator to ','",
		);
	});

	it('takes a comma before three digits as thousands', () => {
		expect(coerceValue('12,500', 'money')).toEqual({ ok: true, value: 12500 });
	});

	it('rounds float noise to cents and keeps up to four decimals', () => {
		expect(coerceValue(33.620000000000005, 'money')).toEqual({ ok: true, value: 33.62 });
		expect(coerceValue(0.1 + 0.2, 'money')).toEqual({ ok: true, value: 0.3 });
		expect(coerceValue(1.2345, 'money')).toEqual({ ok: true, value: 1.2345 });
		expect(coerceValue(1.23456, 'money')).toEqual({ ok: true, value: 1.2346 });
		expect(coerceValue('0.0125', 'money')).toEqual({ ok: true, value: 0.0125 });
		expect(coerceValue('$1.00005', 'money')).toEqual({ ok: true, value: 1.0001, currency: 'USD' });
		expect(coerceValue(-2.675, 'money')).toEqual({ ok: true, value: -2.675 });
	});

	it.each([
		'abc',
		'$',
		'$5 EUR',
		'--5',
		'-(5.00)',
		'($5.00',
		'$5.00)',
		'5.00-',
		'$$5',
		'USD5.00USD5',
		'ten dollars',
	])('rejects %j', (raw) => {
		expect(expectRejected(raw, 'money', 'money.invalid')).toBe(
			`"${raw}" is not an amount of money`,
		);
	});

	it('rejects workbook booleans', () => {
		expectRejected(true, 'money', 'money.invalid');
	});
});

describe('boolean', () => {
	it.each([
		['Y', true],
		['n', false],
		['Yes', true],
		['NO', false],
		['true', true],
		['FALSE', false],
		['1', true],
		['0', false],
		['-1', true],
		['t', true],
		['F', false],
		['on', true],
		['Off', false],
		[' yes ', true],
	])('reads %j as %s', (raw, value) => {
		expect(coerceValue(raw, 'boolean')).toEqual({ ok: true, value });
	});

	it('reads workbook numbers and booleans, -1 as Khaos writes true', () => {
		expect(coerceValue(-1, 'boolean')).toEqual({ ok: true, value: true });
		expect(coerceValue(1, 'boolean')).toEqual({ ok: true, value: true });
		expect(coerceValue(0, 'boolean')).toEqual({ ok: true, value: false });
		expect(coerceValue(true, 'boolean')).toEqual({ ok: true, value: true });
		expect(coerceValue(false, 'boolean')).toEqual({ ok: true, value: false });
	});

	it('rejects anything else', () => {
		expect(expectRejected('maybe', 'boolean', 'boolean.invalid')).toBe(
			'"maybe" is not a yes/no value (use Y/N, yes/no, true/false or 1/0)',
		);
		expectRejected(2, 'boolean', 'boolean.invalid');
		expectRejected('2', 'boolean', 'boolean.invalid');
		expectRejected('yess', 'boolean', 'boolean.invalid');
	});
});

describe('excelSerialToDateTime', () => {
	it('reads the day and the time of day', () => {
		expect(excelSerialToDateTime(45000.5)).toEqual({
			year: 2023,
			month: 3,
			day: 15,
			hour: 12,
			minute: 0,
			second: 0,
		});
		expect(excelSerialToDateTime(1)).toEqual({
			year: 1900,
			month: 1,
			day: 1,
			hour: 0,
			minute: 0,
			second: 0,
		});
		expect(excelSerialToDateTime(46200.75)).toEqual({
			year: 2026,
			month: 6,
			day: 27,
			hour: 18,
			minute: 0,
			second: 0,
		});
	});

	it('keeps the Lotus leap-year bug: 60 is 29 February 1900 and 61 is 1 March', () => {
		expect(excelSerialToDateTime(59)).toEqual({
			year: 1900,
			month: 2,
			day: 28,
			hour: 0,
			minute: 0,
			second: 0,
		});
		expect(excelSerialToDateTime(60)).toEqual({
			year: 1900,
			month: 2,
			day: 29,
			hour: 0,
			minute: 0,
			second: 0,
		});
		expect(excelSerialToDateTime(61)).toEqual({
			year: 1900,
			month: 3,
			day: 1,
			hour: 0,
			minute: 0,
			second: 0,
		});
	});

	it('rounds to the second, carrying a whole day forward', () => {
		expect(excelSerialToDateTime(46200 + 13 / 24 + 1 / 1440 + 9 / 86400)).toEqual({
			year: 2026,
			month: 6,
			day: 27,
			hour: 13,
			minute: 1,
			second: 9,
		});
		expect(excelSerialToDateTime(46200.9999999)).toEqual({
			year: 2026,
			month: 6,
			day: 28,
			hour: 0,
			minute: 0,
			second: 0,
		});
	});
});

describe('date', () => {
	describe('without a format', () => {
		it('reads ISO dates, and the day an ISO date-time was written on', () => {
			expect(coerceValue('2026-06-27', 'date')).toEqual({ ok: true, value: '2026-06-27' });
			expect(coerceValue(' 2026-06-27 ', 'date')).toEqual({ ok: true, value: '2026-06-27' });
			expect(coerceValue('2026-06-27T13:01:09', 'date')).toEqual({ ok: true, value: '2026-06-27' });
			expect(coerceValue('2026-06-27 13:01:09', 'date')).toEqual({ ok: true, value: '2026-06-27' });
			expect(
				coerceValue('2026-06-27T23:30:00-04:00', 'date', { timeZone: 'Europe/London' }),
			).toEqual({
				ok: true,
				value: '2026-06-27',
			});
		});

		it('refuses to guess between day-first and month-first', () => {
			expect(expectRejected('12/1/10', 'date', 'date.ambiguous')).toBe(
				'"12/1/10" could be 12 January or 1 December: set the date format in the mapping',
			);
			expect(expectRejected('1/12/2010', 'date', 'date.ambiguous')).toBe(
				'"1/12/2010" could be 1 December or 12 January: set the date format in the mapping',
			);
			expectRejected('12/1/10 8:26', 'datetime', 'date.ambiguous');
			expectRejected('07.03.2026, 14:05', 'datetime', 'date.ambiguous');
		});

		it('asks for a format for other non-ISO dates', () => {
			expect(expectRejected('13/1/2010', 'date', 'date.format_mismatch')).toBe(
				'"13/1/2010" is not an ISO date like 2026-06-27: set the date format in the mapping to read dates written this way',
			);
			expectRejected('27 June 2026', 'date', 'date.format_mismatch');
			expectRejected('2026', 'date', 'date.format_mismatch');
			expectRejected(true, 'date', 'date.format_mismatch');
		});

		it('rejects impossible ISO dates, saying why', () => {
			expect(expectRejected('2026-02-30', 'date', 'date.impossible')).toBe(
				'"2026-02-30" is not a real date (no 30th in February)',
			);
			expect(expectRejected('2026-13-01', 'date', 'date.impossible')).toBe(
				'"2026-13-01" is not a real date (there is no month 13)',
			);
			expect(expectRejected('2026-04-31T10:00', 'datetime', 'date.impossible')).toBe(
				'"2026-04-31T10:00" is not a real date (no 31st in April)',
			);
			expect(expectRejected('2026-06-27T25:00:00', 'date', 'date.impossible')).toBe(
				'"2026-06-27T25:00:00" is not a real date (there is no hour 25)',
			);
			expect(coerceValue('2024-02-29', 'date')).toEqual({ ok: true, value: '2024-02-29' });
		});
	});

	describe('with a format', () => {
		it('reads the sales sample ORDERDATE, dropping the time for a date', () => {
			expect(coerceValue('2/24/2003 0:00', 'date', { format: 'M/d/yyyy H:mm' })).toEqual({
				ok: true,
				value: '2003-02-24',
			});
			expect(coerceValue('10/10/2003 0:00', 'date', { format: 'M/d/yyyy H:mm' })).toEqual({
				ok: true,
				value: '2003-10-10',
			});
		});

		it('reads 12/1/10 8:26 month first and 1/12/2010 day first, as told', () => {
			expect(coerceValue('12/1/10 8:26', 'datetime', { format: 'M/d/yy H:mm' })).toEqual({
				ok: true,
				value: '2010-12-01T08:26:00+00:00',
			});
			expect(coerceValue('1/12/2010', 'date', { format: 'd/M/yyyy' })).toEqual({
				ok: true,
				value: '2010-12-01',
			});
		});

		it('reads dd.MM.yyyy, HH:mm in the POS time zone', () => {
			expect(
				coerceValue('07.03.2026, 14:05', 'datetime', {
					format: 'dd.MM.yyyy, HH:mm',
					timeZone: 'Europe/Berlin',
				}),
			).toEqual({
				ok: true,
				value: '2026-03-07T14:05:00+01:00',
			});
		});

		it('reads a 12-hour clock with AM/PM in either case', () => {
			const options: ValueOptions = { format: 'M/d/yy h:mm a', timeZone: 'America/New_York' };
			expect(coerceValue('10/8/26 5:18 PM', 'datetime', options)).toEqual({
				ok: true,
				value: '2026-10-08T17:18:00-04:00',
			});
			expect(coerceValue('10/8/26 5:18 pm', 'datetime', options)).toEqual({
				ok: true,
				value: '2026-10-08T17:18:00-04:00',
			});
			expect(coerceValue('1/8/26 12:05 AM', 'datetime', options)).toEqual({
				ok: true,
				value: '2026-01-08T00:05:00-05:00',
			});
			expect(expectRejected('10/8/26 13:18 PM', 'datetime', 'date.impossible', options)).toBe(
				'"10/8/26 13:18 PM" is not a real date (13 is not an hour on a 12-hour clock)',
			);
		});

		it('tries each format in turn', () => {
			const options: ValueOptions = { format: 'dd/MM/yyyy || dd/MM/yyyy HH:mm' };
			expect(coerceValue('27/06/2026', 'date', options)).toEqual({ ok: true, value: '2026-06-27' });
			expect(coerceValue('27/06/2026 13:05', 'date', options)).toEqual({
				ok: true,
				value: '2026-06-27',
			});
			expect(coerceValue('27/06/2026 13:05', 'datetime', options)).toEqual({
				ok: true,
				value: '2026-06-27T13:05:00+00:00',
			});
		});

		it('mixes ISO and excel with Luxon formats', () => {
			const options: ValueOptions = { format: 'ISO || dd/MM/yyyy || excel' };
			expect(coerceValue('2026-06-27', 'date', options)).toEqual({ ok: true, value: '2026-06-27' });
			expect(coerceValue('27/06/2026', 'date', options)).toEqual({ ok: true, value: '2026-06-27' });
			expect(coerceValue('46200', 'date', options)).toEqual({ ok: true, value: '2026-06-27' });
		});

		it('rejects values in another layout, naming the expected formats', () => {
			expect(
				expectRejected('2026-06-27', 'date', 'date.format_mismatch', { format: 'dd/MM/yyyy' }),
			).toBe('"2026-06-27" does not match the date format set in the mapping (dd/MM/yyyy)');
			expect(
				expectRejected('27/06/26', 'date', 'date.format_mismatch', {
					format: 'dd/MM/yyyy || dd/MM/yyyy HH:mm',
				}),
			).toBe(
				'"27/06/26" does not match the date format set in the mapping (dd/MM/yyyy or dd/MM/yyyy HH:mm)',
			);
			expectRejected('7/6/2026', 'date', 'date.format_mismatch', { format: 'dd/MM/yyyy' });
			expectRejected('27/06/2026 13:05', 'date', 'date.format_mismatch', { format: 'dd/MM/yyyy' });
		});

		it('rejects impossible dates in the right layout, saying why', () => {
			const options: ValueOptions = { format: 'dd/MM/yyyy' };
			expect(expectRejected('31/02/2026', 'date', 'date.impossible', options)).toBe(
				'"31/02/2026" is not a real date (no 31st in February)',
			);
			expect(expectRejected('13/13/2026', 'date', 'date.impossible', options)).toBe(
				'"13/13/2026" is not a real date (there is no month 13)',
			);
			expect(expectRejected('29/02/2026', 'date', 'date.impossible', options)).toBe(
				'"29/02/2026" is not a real date (no 29th in February 2026)',
			);
			expect(expectRejected('00/01/2026', 'date', 'date.impossible', options)).toBe(
				'"00/01/2026" is not a real date (there is no day 0)',
			);
			expect(
				expectRejected('27/06/2026 24:30', 'datetime', 'date.impossible', {
					format: 'dd/MM/yyyy HH:mm',
				}),
			).toBe('"27/06/2026 24:30" is not a real date (there is no hour 24)');
			expect(coerceValue('29/02/2024', 'date', options)).toEqual({ ok: true, value: '2024-02-29' });
		});

		it('reads two-digit years the way Luxon does', () => {
			expect(coerceValue('1/2/60', 'date', { format: 'd/M/yy' })).toEqual({
				ok: true,
				value: '2060-02-01',
			});
			expect(coerceValue('1/2/61', 'date', { format: 'd/M/yy' })).toEqual({
				ok: true,
				value: '1961-02-01',
			});
			expect(expectRejected('29/2/01', 'date', 'date.impossible', { format: 'd/M/yy' })).toBe(
				'"29/2/01" is not a real date (no 29th in February 2001)',
			);
		});

		it('reads English month names', () => {
			expect(coerceValue('27 Jun 2026', 'date', { format: 'd MMM yyyy' })).toEqual({
				ok: true,
				value: '2026-06-27',
			});
			expect(coerceValue('27 june 2026', 'date', { format: 'd MMMM yyyy' })).toEqual({
				ok: true,
				value: '2026-06-27',
			});
		});
	});

	describe('Excel serial numbers', () => {
		it('reads a number cell as a serial whatever the format', () => {
			expect(coerceValue(45000.5, 'date')).toEqual({ ok: true, value: '2023-03-15' });
			expect(coerceValue(45000.5, 'date', { format: 'dd/MM/yyyy' })).toEqual({
				ok: true,
				value: '2023-03-15',
			});
			expect(coerceValue(45000.5, 'datetime')).toEqual({
				ok: true,
				value: '2023-03-15T12:00:00+00:00',
			});
			expect(coerceValue(45000.5, 'datetime', { timeZone: 'Europe/London' })).toEqual({
				ok: true,
				value: '2023-03-15T12:00:00+00:00',
			});
			expect(coerceValue(46200.5, 'datetime', { timeZone: 'Europe/London' })).toEqual({
				ok: true,
				value: '2026-06-27T12:00:00+01:00',
			});
		});

		it("reads numeric text as a serial when the format is 'excel'", () => {
			expect(
				coerceValue('45000.5', 'datetime', { format: 'excel', timeZone: 'America/New_York' }),
			).toEqual({
				ok: true,
				value: '2023-03-15T12:00:00-04:00',
			});
			expect(
				expectRejected('15/03/2023', 'date', 'date.format_mismatch', { format: 'excel' }),
			).toBe(
				'"15/03/2023" does not match the date format set in the mapping (an Excel date number)',
			);
		});

		it('rejects the 29 February 1900 that never was', () => {
			expect(expectRejected(60, 'date', 'date.impossible')).toBe(
				'"60" is 29 February 1900 in Excel, a day that never existed',
			);
			expect(coerceValue(61, 'date')).toEqual({ ok: true, value: '1900-03-01' });
		});

		it('rejects serials outside the dates Excel can hold', () => {
			expect(expectRejected(0, 'date', 'date.out_of_range')).toBe(
				'"0" is not a date: Excel date numbers run from 1 (1 January 1900) to 2958465 (31 December 9999)',
			);
			expectRejected(0.5, 'datetime', 'date.out_of_range');
			expectRejected(-3, 'date', 'date.out_of_range');
			expectRejected(20260627, 'date', 'date.out_of_range');
		});
	});
});

describe('datetime', () => {
	it('gives ISO 8601 with the offset of the POS time zone, without milliseconds', () => {
		const newYork: ValueOptions = { timeZone: 'America/New_York' };
		expect(coerceValue('2026-06-27 13:01:09', 'datetime', newYork)).toEqual({
			ok: true,
			value: '2026-06-27T13:01:09-04:00',
		});
		expect(coerceValue('2026-06-27T13:01:09', 'datetime', newYork)).toEqual({
			ok: true,
			value: '2026-06-27T13:01:09-04:00',
		});
		expect(coerceValue('2026-01-27T13:01:09.789', 'datetime', newYork)).toEqual({
			ok: true,
			value: '2026-01-27T13:01:09-05:00',
		});
		expect(coerceValue('2026-06-27', 'datetime', newYork)).toEqual({
			ok: true,
			value: '2026-06-27T00:00:00-04:00',
		});
	});

	it('moves times written with an offset into the POS time zone', () => {
		expect(
			coerceValue('2026-06-27T17:01:09Z', 'datetime', { timeZone: 'America/New_York' }),
		).toEqual({
			ok: true,
			value: '2026-06-27T13:01:09-04:00',
		});
		expect(coerceValue('2026-06-27T13:01:09-04:00', 'datetime')).toEqual({
			ok: true,
			value: '2026-06-27T17:01:09+00:00',
		});
		expect(
			coerceValue('2026-06-27T18:01:09+01:00', 'datetime', { timeZone: 'Asia/Kathmandu' }),
		).toEqual({
			ok: true,
			value: '2026-06-27T22:46:09+05:45',
		});
	});

	it('uses +00:00 for UTC', () => {
		expect(coerceValue('2026-06-27 13:01:09', 'datetime')).toEqual({
			ok: true,
			value: '2026-06-27T13:01:09+00:00',
		});
		expect(coerceValue('2026-06-27 13:01:09', 'datetime', { timeZone: 'UTC' })).toEqual({
			ok: true,
			value: '2026-06-27T13:01:09+00:00',
		});
	});

	it('follows daylight saving on both sides of the change', () => {
		const options: ValueOptions = { format: 'dd/MM/yyyy HH:mm', timeZone: 'Europe/London' };
		expect(coerceValue('29/03/2026 00:30', 'datetime', options)).toEqual({
			ok: true,
			value: '2026-03-29T00:30:00+00:00',
		});
		expect(coerceValue('29/03/2026 03:30', 'datetime', options)).toEqual({
			ok: true,
			value: '2026-03-29T03:30:00+01:00',
		});
		expect(coerceValue('25/10/2026 00:30', 'datetime', options)).toEqual({
			ok: true,
			value: '2026-10-25T00:30:00+01:00',
		});
		expect(coerceValue('25/10/2026 02:30', 'datetime', options)).toEqual({
			ok: true,
			value: '2026-10-25T02:30:00+00:00',
		});
	});

	it('catches a change of offset in the middle of an hour (Lord Howe Island moves its clocks by half an hour)', () => {
		const lordHowe: ValueOptions = { timeZone: 'Australia/Lord_Howe' };
		expect(coerceValue('2026-10-03T15:40:00Z', 'datetime', lordHowe)).toEqual({
			ok: true,
			value: '2026-10-04T02:40:00+11:00',
		});
		expect(coerceValue('2026-10-03T15:10:00Z', 'datetime', lordHowe)).toEqual({
			ok: true,
			value: '2026-10-04T01:40:00+10:30',
		});
		expect(coerceValue('2026-10-04 01:45:00', 'datetime', lordHowe)).toEqual({
			ok: true,
			value: '2026-10-04T01:45:00+10:30',
		});
		expect(coerceValue('2026-10-04 02:45:00', 'datetime', lordHowe)).toEqual({
			ok: true,
			value: '2026-10-04T02:45:00+11:00',
		});
	});

	it('throws for a time zone that does not exist', () => {
		expect(() => coerceValue('2026-06-27', 'datetime', { timeZone: 'Mars/Olympus' })).toThrow(
			RangeError,
		);
		expect(describeOptionProblem('datetime', { timeZone: 'Mars/Olympus' })).toMatch(
			/"Mars\/Olympus"/,
		);
	});
});

describe('date formats set up wrongly', () => {
	it('are described for whoever set up the mapping, and thrown by coerceValue', () => {
		expect(describeOptionProblem('date', { format: 'DD/MM/YYYY' })).toMatch(/"DD"/);
		expect(describeOptionProblem('date', { format: 'HH:mm' })).toMatch(/needs a day/);
		expect(describeOptionProblem('datetime', { format: 'M/d/yy h:mm' })).toMatch(/AM\/PM/);
		expect(describeOptionProblem('date', { format: 'dd/MM/yyyy || ISO' })).toBeUndefined();
		expect(describeOptionProblem('date')).toBeUndefined();
		expect(() => coerceValue('27/06/2026', 'date', { format: 'DD/MM/YYYY' })).toThrow(RangeError);
	});

	it('accept quoted literals', () => {
		expect(
			coerceValue('2026-06-27 at 13:05', 'datetime', { format: "yyyy-MM-dd 'at' HH:mm" }),
		).toEqual({
			ok: true,
			value: '2026-06-27T13:05:00+00:00',
		});
	});
});

describe('splitFullName', () => {
	it.each([
		['Mr John Smith', { title: 'Mr', first_name: 'John', last_name: 'Smith' }],
		['mrs. jane doe', { title: 'Mrs', first_name: 'jane', last_name: 'doe' }],
		['DR Ada Lovelace', { title: 'Dr', first_name: 'Ada', last_name: 'Lovelace' }],
		['Prof. Mary Beard', { title: 'Prof', first_name: 'Mary', last_name: 'Beard' }],
		['Smith, John', { first_name: 'John', last_name: 'Smith' }],
		['Smith, Mrs Jane', { title: 'Mrs', first_name: 'Jane', last_name: 'Smith' }],
		['van der Berg, Mary Anne', { first_name: 'Mary Anne', last_name: 'van der Berg' }],
		['Cher', { first_name: 'Cher' }],
		['Mr Smith', { title: 'Mr', last_name: 'Smith' }],
		['Mary Anne van der Berg', { first_name: 'Mary Anne', last_name: 'van der Berg' }],
		['Ludwig von Mises', { first_name: 'Ludwig', last_name: 'von Mises' }],
		['John Paul Jones', { first_name: 'John Paul', last_name: 'Jones' }],
		['  Jaydon   Livingston ', { first_name: 'Jaydon', last_name: 'Livingston' }],
		['Martin Luther King Jr', { first_name: 'Martin Luther', last_name: 'King Jr' }],
		['John Smith, Jr.', { first_name: 'John', last_name: 'Smith Jr.' }],
		['Da Cunha, Daniel', { first_name: 'Daniel', last_name: 'Da Cunha' }],
		['', {}],
	])('splits %j', (full, parts) => {
		expect(splitFullName(full)).toStrictEqual(parts);
	});
});

describe('mapValue', () => {
	const statuses = new Map([
		['Shipped', 'fulfilled'],
		[' On Hold ', 'on_hold'],
		['Cancelled', ''],
	]);

	it('matches keys trimmed and case-insensitively', () => {
		expect(mapValue('Shipped', statuses, 'reject')).toEqual({ ok: true, value: 'fulfilled' });
		expect(mapValue('  SHIPPED ', statuses, 'reject')).toEqual({ ok: true, value: 'fulfilled' });
		expect(mapValue('on hold', statuses, 'reject')).toEqual({ ok: true, value: 'on_hold' });
	});

	it('gives a blank for a key that maps to nothing', () => {
		expect(mapValue('cancelled', statuses, 'keep')).toEqual({ ok: true, value: null });
	});

	it('keeps, blanks or rejects values the map does not know', () => {
		expect(mapValue(' Disputed ', statuses, 'keep')).toEqual({ ok: true, value: 'Disputed' });
		expect(mapValue('Disputed', statuses, 'blank')).toEqual({ ok: true, value: null });
		expect(mapValue('Disputed', statuses, 'reject')).toEqual({
			ok: false,
			rule: 'map.unmatched',
			message:
				'"Disputed" is not in the value map for this field (it knows: Shipped,  On Hold , Cancelled)',
		});
		expect(mapValue('  ', statuses, 'reject')).toEqual({ ok: true, value: null });
	});

	it('sees keys added to the map after its first use', () => {
		const map = new Map([['Y', 'yes']]);
		expect(mapValue('n', map, 'blank')).toEqual({ ok: true, value: null });
		map.set('N', 'no');
		expect(mapValue('n', map, 'blank')).toEqual({ ok: true, value: 'no' });
	});
});

describe('real POS exports', () => {
	it('reads every Square Item Detail row: money in dollars, quantities, dates and times in Eastern time', () => {
		const rows = readFixture('square-item-detail.csv');
		expect(rows).toHaveLength(417);
		const newYork: ValueOptions = { format: 'yyyy-MM-dd HH:mm:ss', timeZone: 'America/New_York' };
		for (const row of rows) {
			for (const column of ['Gross Sales', 'Discounts', 'Net Sales', 'Tax']) {
				expect(coerceValue(row[column], 'money')).toEqual({
					ok: true,
					value: expect.any(Number),
					currency: 'USD',
				});
			}
			expect(coerceValue(row.Qty, 'integer')).toEqual({ ok: true, value: expect.any(Number) });
			expect(coerceValue(row.Date, 'date')).toEqual({ ok: true, value: row.Date });
			expect(coerceValue(`${row.Date} ${row.Time}`, 'datetime', newYork)).toEqual({
				ok: true,
				value: expect.stringMatching(/^2026-06-\d\dT\d\d:\d\d:\d\d-04:00$/),
			});
		}
		expect(coerceValue(`${rows[0].Date} ${rows[0].Time}`, 'datetime', newYork)).toEqual({
			ok: true,
			value: '2026-06-27T13:01:09-04:00',
		});
		expect(coerceValue(rows[0]['Gross Sales'], 'money')).toEqual({
			ok: true,
			value: 8,
			currency: 'USD',
		});
	});

	it('reads every sales-sample ORDERDATE and every US phone number', () => {
		const rows = readFixture('sales-data-sample.csv');
		for (const row of rows) {
			expect(coerceValue(row.ORDERDATE, 'date', { format: 'M/d/yyyy H:mm' })).toEqual({
				ok: true,
				value: expect.stringMatching(/^200[345]-\d\d-\d\d$/),
			});
			if (row.COUNTRY === 'USA') {
				expect(coerceValue(row.PHONE, 'phone', { defaultCountry: 'US' })).toEqual({
					ok: true,
					value: expect.stringMatching(/^\+1\d{10}$/),
				});
			}
		}
		expect(coerceValue(rows[0].ORDERDATE, 'date', { format: 'M/d/yyyy H:mm' })).toEqual({
			ok: true,
			value: '2003-02-24',
		});
	});
});

describe('times around clock changes', () => {
	it('rejects a time the clocks passed twice, and one they skipped, instead of guessing', () => {
		expect(
			coerceValue('01/11/2026 01:30', 'datetime', {
				format: 'dd/MM/yyyy HH:mm',
				timeZone: 'America/New_York',
			}),
		).toEqual({
			ok: false,
			rule: 'date.repeated_time',
			message:
				'"01/11/2026 01:30" happened twice in America/New_York (at -04:00 and again at -05:00) when the clocks went back, so it is not clear which is meant',
		});
		expect(coerceValue('2026-03-29 01:30', 'datetime', { timeZone: 'Europe/London' })).toEqual({
			ok: false,
			rule: 'date.impossible',
			message:
				'"2026-03-29 01:30" never happened in Europe/London: the clocks went forward past it',
		});
		expect(coerceValue('2026-03-29 02:30', 'datetime', { timeZone: 'Europe/London' })).toEqual({
			ok: true,
			value: '2026-03-29T02:30:00+01:00',
		});
	});
});

describe('numeric date formats read what Luxon reads', () => {
	const cases: Record<string, string[]> = {
		'd/M/yyyy': [
			'1/2/2026',
			'01/02/2026',
			'31/12/2026',
			'1/2/26',
			'123/2/2026',
			'1-2-2026',
			'31/2/2026',
			'',
		],
		'M/d/yy H:mm': [
			'12/1/10 8:26',
			'12/1/2010 8:26',
			'12/1/10 08:26',
			'12/1/10 8:6',
			'12/1/10 8:26:00',
		],
		yyyyMMdd: ['20260627', '2026627', '202606270', '20261327'],
		"yyyy-MM-dd'T'HH:mm": [
			'2026-06-27T14:05',
			'2026-06-27t14:05',
			'2026-06-27 14:05',
			'2026-6-27T14:05',
		],
		'dd.MM.yyyy, HH:mm': ['27.06.2026, 14:05', '27.06.2026,14:05', '7.06.2026, 14:05'],
		'dMyyyy HH:mm': ['2762026 14:05', '27062026 14:05', '1112026 14:05'],
	};

	it.each(Object.entries(cases))('%s', (format, texts) => {
		const { DateTime } = jest.requireActual<typeof import('luxon')>('luxon');
		for (const text of texts) {
			const luxon = DateTime.fromFormat(text, format, { zone: 'UTC' });
			const actual = coerceValue(text, 'datetime', { format, timeZone: 'UTC' });
			if (text === '') expect(actual).toEqual({ ok: true, value: null });
			else if (luxon.isValid)
				expect([text, actual]).toEqual([
					text,
					{ ok: true, value: luxon.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ") },
				]);
			else expect([text, actual.ok]).toEqual([text, false]);
		}
	});

	it('differs from Luxon only where it is stricter or trims', () => {
		// Luxon rolls 24:00 over to the next day; a till writing it is not guessed at.
		expect(
			coerceValue('12/1/10 24:00', 'datetime', { format: 'M/d/yy H:mm', timeZone: 'UTC' }),
		).toMatchObject({ ok: false, rule: 'date.impossible' });
		expect(coerceValue(' 1/2/2026 ', 'date', { format: 'd/M/yyyy' })).toEqual({
			ok: true,
			value: '2026-02-01',
		});
	});
});
