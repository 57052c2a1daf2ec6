/** Email addresses and phone numbers. */
import {
	isSupportedCountry,
	parsePhoneNumberFromString,
	type CountryCode,
} from 'libphonenumber-js';

import type { CellValue } from '../../files';
import { accept, quoteValue, reject, type Coerced } from './result';
import { numberToPlainText } from './text';

export const EMAIL =
	/^(?!\.)(?!.*\.\.)[^\s@"(),:;<>[\]\\]+(?<!\.)@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(?:\p{L}{2,}|xn--[a-z0-9-]+)$/u;

export function coerceEmail(raw: CellValue): Coerced {
	if (typeof raw !== 'string')
		return reject('email.invalid', `${quoteValue(raw)} is not an email address`);
	const email = raw.trim().toLowerCase();
	if (EMAIL.test(email)) return accept(email);
	return reject('email.invalid', `${quoteValue(raw)} is not a valid email address`);
}

export const countryAliases: Record<string, string> = { UK: 'GB' };

export function phoneCountry(country: string): string {
	const upper = country.trim().toUpperCase();
	return countryAliases[upper] ?? upper;
}

export function unknownCountryMessage(country: string): string {
	return `The phone country "${country}" is not a country code phone numbers know: use a two-letter code such as GB, US or FR`;
}

export const checkedCountries = new Map<string, CountryCode>();

export function phoneCountryCode(country: string | undefined): CountryCode {
	const given = country ?? 'GB';
	const cached = checkedCountries.get(given);
	if (cached !== undefined) return cached;
	const code = phoneCountry(given);
	if (!isSupportedCountry(code)) throw new RangeError(unknownCountryMessage(given));
	checkedCountries.set(given, code);
	return code;
}

export const PHONE_MEMO_LIMIT = 50_000;
/** E.164 (or '' for impossible) by country and text: parsing takes libphonenumber 10-40µs and customers repeat. */
export const phoneMemo = new Map<string, string>();

export function e164(text: string, defaultCountry: CountryCode): string {
	const key = `${defaultCountry} ${text}`;
	let number = phoneMemo.get(key);
	if (number === undefined) {
		const phone = parsePhoneNumberFromString(text, { defaultCountry });
		number = phone !== undefined && phone.isPossible() ? phone.number : '';
		if (phoneMemo.size >= PHONE_MEMO_LIMIT) phoneMemo.clear();
		phoneMemo.set(key, number);
	}
	return number;
}

export function coercePhone(raw: CellValue, country: string | undefined): Coerced {
	const defaultCountry = phoneCountryCode(country);
	if (typeof raw === 'boolean')
		return reject('phone.invalid', `${quoteValue(raw)} is not a phone number`);
	const number = e164(
		typeof raw === 'number' ? numberToPlainText(raw) : raw.trim(),
		defaultCountry,
	);
	if (number !== '') return accept(number);
	return reject(
		'phone.invalid',
		`${quoteValue(raw)} is not a possible phone number (read as a ${defaultCountry} number unless it starts with + and a country code)`,
	);
}
