/** Contact identifiers as Dotdigital accepts them: emails trimmed and lowercased, mobiles as E.164 digits without '+'. */

export type IdentifierName = 'email' | 'mobileNumber' | 'contactId';

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MOBILE = /^[1-9][0-9]{6,14}$/;

/** The stored form of an email, or undefined when it is not a valid address. */
export function normaliseEmail(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const email = value.trim().toLowerCase();
	if (email.length > 254) return undefined;
	const at = email.lastIndexOf('@');
	if (at < 1) return undefined;
	const local = email.slice(0, at);
	const labels = email.slice(at + 1).split('.');
	if (local.length > 64 || !LOCAL.test(local)) return undefined;
	if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
	return /^[a-z]{2,}$/.test(labels[labels.length - 1]) ? email : undefined;
}

/** The stored form of a mobile number: 7 to 15 digits, no '+', no leading zero. */
export function normaliseMobile(value: unknown): string | undefined {
	const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
	if (typeof text !== 'string') return undefined;
	const mobile = text.trim();
	return MOBILE.test(mobile) ? mobile : undefined;
}

export function normaliseContactId(value: unknown): number | undefined {
	const id = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** The identifier named in a path or a matchIdentifier; identifier names are not case-sensitive. */
export function identifierName(value: unknown): IdentifierName | undefined {
	if (typeof value !== 'string') return undefined;
	switch (value.toLowerCase()) {
		case 'email':
			return 'email';
		case 'mobilenumber':
			return 'mobileNumber';
		case 'contactid':
			return 'contactId';
		default:
			return undefined;
	}
}

/** The stored form of a value for an identifier, or undefined when it is not valid for it. */
export function normaliseIdentifier(
	name: IdentifierName,
	value: unknown,
): string | number | undefined {
	if (name === 'email') return normaliseEmail(value);
	if (name === 'mobileNumber') return normaliseMobile(value);
	return normaliseContactId(value);
}
