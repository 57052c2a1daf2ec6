import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { readAll } from './read-helpers';

const spectrum = join(__dirname, '../../../node_modules/csv-spectrum');
const csvNames = readdirSync(join(spectrum, 'csvs')).filter((name) => name.endsWith('.csv'));

/**
 * location_coordinates.csv has a quote inside an unquoted value (`37°36'37.8"N`), which csv-parse
 * rejects without `relax_quotes`; its JSON does not match its CSV anyway (another phone number,
 * an object instead of a list). It is checked on its own below.
 */
const STRICT_QUOTES_CASE = 'location_coordinates.csv';

function expectedRecords(csvName: string): Array<Record<string, string>> {
	return JSON.parse(
		readFileSync(join(spectrum, 'json', csvName.replace(/\.csv$/, '.json')), 'utf8'),
	) as Array<Record<string, string>>;
}

describe('csv-spectrum', () => {
	it('covers every file of the suite', () => {
		expect(csvNames).toHaveLength(12);
	});

	it.each(csvNames.filter((name) => name !== STRICT_QUOTES_CASE))(
		'reads %s into exactly the records of its JSON',
		async (csvName) => {
			const expected = expectedRecords(csvName);
			const { header, rows, skipped } = await readAll(join(spectrum, 'csvs', csvName), {
				fileName: csvName,
			});

			expect(skipped).toEqual([]);
			expect(header).toEqual(Object.keys(expected[0]));
			expect(rows.map((row) => row.values)).toEqual(
				expected.map((record) => header.map((name) => record[name])),
			);
		},
	);

	it('numbers rows by the line they start on when quoted values span lines', async () => {
		const newlines = await readAll(join(spectrum, 'csvs', 'newlines_crlf.csv'), {
			fileName: 'newlines_crlf.csv',
		});
		expect(newlines.rows.map((row) => row.line)).toEqual([2, 3, 5]);
		const quotes = await readAll(join(spectrum, 'csvs', 'quotes_and_newlines.csv'), {
			fileName: 'quotes_and_newlines.csv',
		});
		expect(quotes.rows.map((row) => row.line)).toEqual([2, 5]);
	});

	it(`reports the unquoted quote of ${STRICT_QUOTES_CASE} as a skipped record`, async () => {
		const { header, rows, skipped } = await readAll(join(spectrum, 'csvs', STRICT_QUOTES_CASE), {
			fileName: STRICT_QUOTES_CASE,
		});

		expect(header).toEqual(['Contact Phone Number', 'Location Coordinates', 'Cities', 'Counties']);
		expect(rows).toEqual([]);
		expect(skipped).toEqual([
			{
				kind: 'skipped',
				line: 2,
				lastLine: 2,
				reason:
					'column 2 ("Location Coordinates") has a quote (") in a value that is not enclosed in quotes',
				raw: expect.stringMatching(/^2095257564,37.+"$/) as unknown as string,
				values: ['2095257564', expect.stringMatching(/^37.+37\.8$/) as unknown as string],
			},
		]);
	});
});
