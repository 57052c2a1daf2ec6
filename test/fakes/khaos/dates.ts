/**
 * The fake keeps every time as UTC and writes it without a zone designator, the way a Khaos
 * server on UK time writes its local clock. Incoming times without a zone are read as UTC.
 */

const SOAP_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/** xsd:dateTime (or xsd:date) as sent in a SOAP parameter; undefined when it is not one. */
export function parseSoapDateTime(value: string): Date | undefined {
	const match = SOAP_DATE_TIME.exec(value.trim());
	if (!match) return undefined;
	const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] =
		match;
	const ms = fraction === '' ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
	const local = new Date(
		Date.UTC(
			Number(year),
			Number(month) - 1,
			Number(day),
			Number(hour),
			Number(minute),
			Number(second),
			ms,
		),
	);
	if (
		Number.isNaN(local.getTime()) ||
		local.getUTCDate() !== Number(day) ||
		Number(month) > 12 ||
		Number(hour) > 23 ||
		Number(minute) > 59 ||
		Number(second) > 59
	)
		return undefined;
	if (!zone || zone === 'Z') return local;
	const sign = zone.startsWith('-') ? -1 : 1;
	const [zoneHours, zoneMinutes] = zone.slice(1).split(':').map(Number);
	return new Date(local.getTime() - sign * (zoneHours * 60 + zoneMinutes) * 60_000);
}

/**
 * Dates inside Khaos XML documents: `yyyy-mm-dd` or `yyyy-mm-dd hh:mm:ss` (web integration guide,
 * "Testing Your Files"; KSDXMLImportFormat.xml ORDER_DATE comment). The `T` form is accepted too.
 */
export function parseKhaosDate(value: string): Date | undefined {
	const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/.exec(value.trim());
	if (!match) return undefined;
	const [, year, month, day, hour = '00', minute = '00', second = '00'] = match;
	const date = new Date(
		Date.UTC(
			Number(year),
			Number(month) - 1,
			Number(day),
			Number(hour),
			Number(minute),
			Number(second),
		),
	);
	if (
		date.getUTCDate() !== Number(day) ||
		Number(month) > 12 ||
		Number(hour) > 23 ||
		Number(minute) > 59 ||
		Number(second) > 59
	)
		return undefined;
	return date;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export function formatSoapDateTime(date: Date): string {
	return `${formatYmd(date)}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

export function formatYmd(date: Date): string {
	return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Order status exports use DD/MM/YYYY (KSDXMLOrderStatusEx.xml). */
export function formatDmy(date: Date | undefined): string {
	if (date === undefined) return '';
	return `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCFullYear(), 4)}`;
}

/** Delphi's zero TDateTime, which a DateTime parameter left out of the call takes. */
export const DELPHI_ZERO_DATE = new Date(Date.UTC(1899, 11, 30));
