/** Every quarter hour of the months around both 2026 clock changes, in five zones, read as Luxon reads it. */
import { coerceValue } from '../../../lib/mapping/values';

describe('numeric date formats agree with Luxon around clock changes', () => {
	const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
	const format = 'dd/MM/yyyy HH:mm';

	it.each(zones)('%s: every quarter hour across both 2026 clock changes', (zone) => {
		const { DateTime } = jest.requireActual<typeof import('luxon')>('luxon');
		const mismatches: string[] = [];
		for (const [from, to] of [
			['2026-03-07', '2026-04-07'],
			['2026-10-03', '2026-11-03'],
		]) {
			for (
				let wall = Date.parse(`${from}T00:00:00Z`);
				wall < Date.parse(`${to}T00:00:00Z`);
				wall += 15 * 60_000
			) {
				const text = DateTime.fromMillis(wall, { zone: 'UTC' }).toFormat(format);
				const luxon = DateTime.fromFormat(text, format, { zone });
				const actual = coerceValue(text, 'datetime', { format, timeZone: zone });
				const skipped = luxon.toFormat(format) !== text;
				const repeated = [30, 60].some(
					(minutes) =>
						luxon.minus({ minutes }).toFormat(format) === text ||
						luxon.plus({ minutes }).toFormat(format) === text,
				);
				if (skipped || repeated) {
					if (actual.ok || !['date.impossible', 'date.repeated_time'].includes(actual.rule))
						mismatches.push(`${text}: ${JSON.stringify(actual)} should be rejected`);
					continue;
				}
				const expected = luxon.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
				if (!actual.ok || actual.value !== expected)
					mismatches.push(`${text}: ${JSON.stringify(actual)} ≠ ${expected}`);
			}
		}
		expect(mismatches).toEqual([]);
	});
});
