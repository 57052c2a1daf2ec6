import { describeMinutes, parseDurationMinutes } from '../../../lib/files/duration';

describe('lengths of time as people type them', () => {
	test.each([
		['26h', 1560],
		['26 hours', 1560],
		['1h 30m', 90],
		['1 hour and 30 minutes', 90],
		['45m', 45],
		['45 mins', 45],
		['1.5h', 90],
		['1,5 h', 90],
		['2d', 2880],
		['', 0],
		['0', 0],
	])('"%s" is %d minutes', (text, minutes) => {
		expect(parseDurationMinutes(text)).toBe(minutes);
	});

	test.each([
		[
			'26',
			'"26" is not a length of time: 26 needs a unit, for example 26h for hours or 26m for minutes',
		],
		['26 weeks', '"26 weeks" is not a length of time: "weeks" is not a unit; use d, h or m'],
		['soon', '"soon" is not a length of time: write it like 26h, 1h 30m or 45m'],
		[
			'1h; drop table',
			'"1h; drop table" is not a length of time: write it like 26h, 1h 30m or 45m',
		],
	])('"%s" is refused with a message that says how to write it', (text, message) => {
		expect(() => parseDurationMinutes(text)).toThrow(message);
	});

	test.each([
		[1560, '26 hours'],
		[90, '1 hour 30 minutes'],
		[45, '45 minutes'],
		[1, '1 minute'],
		[0.25, '15 seconds'],
		[2880, '2 days'],
		[1440, '24 hours'],
	])('%d minutes reads "%s"', (minutes, words) => {
		expect(describeMinutes(minutes)).toBe(words);
	});
});
