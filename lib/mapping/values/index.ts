/**
 * Reads a cell as a field's type: text, email, phone, integer, number, money, percent, date,
 * date-time or yes/no. Each type lives in its own module; this one picks it.
 */
import { isSupportedCountry } from 'libphonenumber-js';

import type { CellValue } from '../../files';
import { coerceEmail, coercePhone, phoneCountry, unknownCountryMessage } from './contact';
import { coerceDate } from './dates';
import { compileDateFormats } from './date-formats';
import {
	coerceBoolean,
	coerceInteger,
	coerceMoney,
	coerceNumber,
	coercePercent,
	decimalSeparatorMessage,
	decimalSeparatorOf,
} from './numbers';
import {
	BLANK,
	NO_OPTIONS,
	accept,
	isBlank,
	type Coerced,
	type FieldType,
	type ValueOptions,
} from './result';
import { coerceText } from './text';
import { resolveZone } from './time-zones';

export {
	isBlank,
	quoteValue,
	type Coerced,
	type ExcelDateTime,
	type FieldType,
	type SplitName,
	type TextCase,
	type ValueOptions,
} from './result';
export { mapValue, numberToPlainText, splitFullName, titleCase } from './text';
export { excelSerialToDateTime } from './calendar';

export function coerceValue(
	raw: CellValue | null | undefined,
	type: FieldType,
	options: ValueOptions = NO_OPTIONS,
): Coerced {
	if (raw === null || raw === undefined || isBlank(raw)) return BLANK;
	switch (type) {
		case 'text':
			return accept(coerceText(raw, options.textCase));
		case 'email':
			return coerceEmail(raw);
		case 'phone':
			return coercePhone(raw, options.defaultCountry);
		case 'integer':
			return coerceInteger(raw, decimalSeparatorOf(options));
		case 'number':
			return coerceNumber(raw, decimalSeparatorOf(options));
		case 'money':
			return coerceMoney(raw, decimalSeparatorOf(options));
		case 'percent':
			return coercePercent(raw, decimalSeparatorOf(options));
		case 'date':
		case 'datetime':
			return coerceDate(raw, type, options);
		case 'boolean':
			return coerceBoolean(raw);
		default:
			throw new RangeError(`Unknown field type "${String(type)}"`);
	}
}

/**
 * What is wrong with a field's value options, in words for whoever set up the mapping, or undefined when nothing is.
 * coerceValue throws a RangeError carrying the same words when it meets such options.
 */
export function describeOptionProblem(
	type: FieldType,
	options: ValueOptions = NO_OPTIONS,
): string | undefined {
	const { decimalSeparator, textCase } = options;
	if (decimalSeparator !== undefined && decimalSeparator !== '.' && decimalSeparator !== ',') {
		return decimalSeparatorMessage(decimalSeparator);
	}
	if (textCase !== undefined && !['none', 'upper', 'lower', 'title'].includes(textCase)) {
		return `The text case must be none, upper, lower or title, not "${String(textCase)}"`;
	}
	if (type === 'phone' && options.defaultCountry !== undefined) {
		if (!isSupportedCountry(phoneCountry(options.defaultCountry)))
			return unknownCountryMessage(options.defaultCountry);
	}
	if (type === 'date' || type === 'datetime') {
		const zone = resolveZone(options.timeZone ?? 'UTC');
		if (typeof zone === 'string') return zone;
		return compileDateFormats(options.format).problem;
	}
	return undefined;
}
