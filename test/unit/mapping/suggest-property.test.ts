/** Suggest Mapping under shuffled, renamed and generated columns: what it reads never gets worse. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { suggestMapping, type Suggestion } from '../../../lib/mapping/suggest';
import { mulberry32 } from '../../helpers/random';
import { REPO } from '../../helpers/suggest-layouts';

function field(suggestion: Suggestion, name: string) {
	return suggestion.fields.find((each) => each.field === name)!;
}

describe('properties', () => {
	const square = readFileSync(join(REPO, 'test/fixtures/pos/square-item-detail.csv'), 'utf8')
		.split('\n')
		.filter(Boolean);
	const header = square[0].split(',');

	function parse(lines: string[]) {
		return lines
			.slice(1, 120)
			.map((line) =>
				line
					.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!
					.map((cell) => cell.replace(/,$/, '').replace(/^"|"$/g, '')),
			);
	}
	const rows = parse(square);
	const base = suggestMapping({ header, rows });
	const mapped = (suggestion: Suggestion) =>
		Object.fromEntries(
			suggestion.fields.filter((each) => each.source).map((each) => [each.field, each.source]),
		);

	test('the order of the columns does not change the suggestion', () => {
		const random = mulberry32(18);
		for (let round = 0; round < 20; round++) {
			const order = header.map((_, index) => index).sort(() => random() - 0.5);
			const shuffled = suggestMapping({
				header: order.map((index) => header[index]),
				rows: rows.map((row) => order.map((index) => row[index])),
			});
			const expected = mapped(base);
			// A joined source keeps the date column first whatever the order.
			expect(mapped(shuffled)).toEqual(expected);
		}
	});

	test('renaming columns to names no export uses never makes a field wrong: it reads only columns it read before, or is left empty', () => {
		const random = mulberry32(1818);
		for (let round = 0; round < 40; round++) {
			const renamed = header.map((name) =>
				random() < 0.3 ? `Column ${Math.floor(random() * 1e6)}` : name,
			);
			const suggestion = suggestMapping({ header: renamed, rows }, 'transaction');
			for (const [target, source] of Object.entries(mapped(suggestion))) {
				const before = (mapped(base)[target] ?? '')
					.split(' + ')
					.map((name) => renamed[header.indexOf(name)]);
				expect(before).toEqual(expect.arrayContaining(source.split(' + ')));
			}
		}
	});

	test('a column of numbers between 0 and 1 is never suggested for a money field, whatever it is called', () => {
		const random = mulberry32(42);
		const moneyHeaders = [
			'Discount',
			'Tax',
			'Price',
			'Unit Price',
			'Net Sales',
			'Total',
			'Gross Sales',
			'Line Total',
		];
		for (let round = 0; round < 30; round++) {
			const name = moneyHeaders[Math.floor(random() * moneyHeaders.length)];
			const values = Array.from({ length: 20 }, () =>
				(Math.round(random() * 100) / 100).toString(),
			);
			values[0] = '0.25';
			const suggestion = suggestMapping(
				{
					header: ['Receipt No', 'Date', name],
					rows: values.map((value, index) => [`R${index}`, '2026-06-27', value]),
				},
				'transaction',
			);
			for (const each of suggestion.fields.filter((one) => one.type === 'money'))
				expect(each.source).not.toBe(name);
		}
	});

	test('dates: a day-first sample with a day above 12 is read day first; swapping day and month reads month first; with no day above 12 it is ambiguous', () => {
		const random = mulberry32(7);
		for (let round = 0; round < 30; round++) {
			const dates = Array.from(
				{ length: 8 },
				() =>
					[
						1 + Math.floor(random() * 28),
						1 + Math.floor(random() * 12),
						2000 + Math.floor(random() * 25),
					] as const,
			);
			const write = (first: number, second: number, year: number) =>
				`${String(first).padStart(2, '0')}/${String(second).padStart(2, '0')}/${year}`;
			const anyDayAbove12 = dates.some(([day]) => day > 12);
			const sameEveryWhere = dates.every(([day, month]) => day === month);
			const dayFirst = suggestMapping(
				{
					header: ['Receipt No', 'Date'],
					rows: dates.map(([day, month, year], index) => [`R${index}`, write(day, month, year)]),
				},
				'transaction',
			);
			const monthFirst = suggestMapping(
				{
					header: ['Receipt No', 'Date'],
					rows: dates.map(([day, month, year], index) => [`R${index}`, write(month, day, year)]),
				},
				'transaction',
			);
			if (anyDayAbove12) {
				expect(field(dayFirst, 'purchase_date').dateReading).toBe('day first');
				expect(field(monthFirst, 'purchase_date').dateReading).toBe('month first');
			} else if (!sameEveryWhere) {
				expect(field(dayFirst, 'purchase_date')).toMatchObject({
					dateReading: 'ambiguous',
					format: '',
				});
			}
		}
	});
});
