/** The SOAP 1.1 request to Khaos: parameters typed and written the way IKosWeb expects them. */
import { buildXml, xmlElement } from './xml';

export const KHAOS_NAMESPACE = 'urn:IKosWebIntf-IKosWeb';

export type SoapParamType = 'string' | 'int' | 'boolean' | 'dateTime' | 'double';
/** null and undefined leave the parameter out of the request. */
export type SoapParamValue = string | number | boolean | Date | null | undefined;
export type SoapParam = readonly [name: string, value: SoapParamValue, type: SoapParamType];

export function buildEnvelope(method: string, params: readonly SoapParam[]): string {
	const paramElements = params
		.filter(([, value]) => value !== undefined && value !== null)
		.map(([name, value, type]) =>
			xmlElement(
				name,
				formatParam(name, value as Exclude<SoapParamValue, null | undefined>, type),
				{ 'xsi:type': `xsd:${type}` },
			),
		);
	return buildXml(
		xmlElement(
			'soap:Envelope',
			xmlElement(
				'soap:Body',
				xmlElement(`NS1:${method}`, paramElements, { 'xmlns:NS1': KHAOS_NAMESPACE }),
			),
			{
				'xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
				'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
				'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
			},
		),
	);
}

function formatParam(
	name: string,
	value: string | number | boolean | Date,
	type: SoapParamType,
): string {
	switch (type) {
		case 'string':
			return String(value);
		case 'int':
			if (typeof value !== 'number' || !Number.isInteger(value))
				throw new TypeError(`Parameter ${name} must be a whole number`);
			return String(value);
		case 'double':
			if (typeof value !== 'number' || !Number.isFinite(value))
				throw new TypeError(`Parameter ${name} must be a number`);
			return String(value);
		case 'boolean':
			if (typeof value !== 'boolean')
				throw new TypeError(`Parameter ${name} must be true or false`);
			return value ? 'true' : 'false';
		case 'dateTime':
			return formatSoapDateTime(name, value);
	}
}

/**
 * `YYYY-MM-DDTHH:MM:SS`, as Khaos wants it. A Date, or a string with a time zone, is written in
 * UTC; a string without one (`2024-05-01` or `2024-05-01T10:00:00`) is passed on as Khaos-local time.
 */
export function formatSoapDateTime(name: string, value: string | number | boolean | Date): string {
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw new TypeError(`Parameter ${name} is not a valid date`);
		return value.toISOString().slice(0, 19);
	}
	const text = String(value).trim();
	const local = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?$/.exec(text);
	if (local) return `${local[1]}T${(local[2] ?? '00:00:00').padEnd(8, ':00')}`;
	const zoned = new Date(text);
	if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(zoned.getTime()))
		return zoned.toISOString().slice(0, 19);
	throw new TypeError(`Parameter ${name} must be a date like 2024-05-01 or 2024-05-01T10:00:00`);
}
