/**
 * Lengths of time typed the way people say them: "26h", "1h 30m", "45 minutes", "2 days".
 * Returned in minutes; an empty text or 0 is 0 (off).
 */
const UNITS: Array<[RegExp, number]> = [
	[/^(d|day|days)$/, 24 * 60],
	[/^(h|hr|hrs|hour|hours)$/, 60],
	[/^(m|min|mins|minute|minutes)$/, 1],
];

export class DurationError extends Error {
	constructor(text: string, why: string) {
		super(`"${text}" is not a length of time: ${why}`);
		this.name = 'DurationError';
	}
}

export function parseDurationMinutes(text: string): number {
	const trimmed = text.trim().toLowerCase();
	if (trimmed === '' || trimmed === '0') return 0;
	const parts = [...trimmed.matchAll(/(\d+(?:[.,]\d+)?)\s*([a-z]+)?/g)];
	const leftover = trimmed.replace(/(\d+(?:[.,]\d+)?)\s*([a-z]+)?/g, '').replace(/[\s,]+|and/g, '');
	if (parts.length === 0 || leftover)
		throw new DurationError(text, 'write it like 26h, 1h 30m or 45m');
	let minutes = 0;
	for (const [, amount, unit] of parts) {
		if (!unit)
			throw new DurationError(
				text,
				`${amount} needs a unit, for example ${amount}h for hours or ${amount}m for minutes`,
			);
		const factor = UNITS.find(([pattern]) => pattern.test(unit))?.[1];
		if (factor === undefined)
			throw new DurationError(text, `"${unit}" is not a unit; use d, h or m`);
		minutes += Number(amount.replace(',', '.')) * factor;
	}
	return minutes;
}

/** Minutes as people say them: "26 hours", "1 hour 30 minutes", "45 minutes", "2 days". */
export function describeMinutes(minutes: number): string {
	const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
	if (minutes < 1) return plural(Math.max(1, Math.round(minutes * 60)), 'second');
	const whole = Math.round(minutes);
	if (whole < 60) return plural(whole, 'minute');
	const hours = Math.floor(whole / 60);
	const rest = whole % 60;
	if (rest === 0 && hours % 24 === 0 && hours >= 48) return plural(hours / 24, 'day');
	return rest ? `${plural(hours, 'hour')} ${plural(rest, 'minute')}` : plural(hours, 'hour');
}
