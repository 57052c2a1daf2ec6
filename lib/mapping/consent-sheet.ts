/**
 * The mapping workbook's Consent File sheet as the template hands it out: the layout of the file
 * Dotdigital Consent Changes writes back to the till (read by lib/dotdigital/consent-layout.ts).
 */
export const CONSENT_SHEET = 'Consent File';

export const CONSENT_SHEET_HEADER = [
	'Column heading',
	'Comes from',
	'Fixed value',
	'Value map',
	'Not in the map',
	'Date format',
] as const;

/** The node's default columns, so a workbook from the template writes what version 1 writes. */
export const CONSENT_SHEET_ROWS: ReadonlyArray<readonly string[]> = [
	['Email', 'Email', '', '', '', ''],
	['Mobile', 'Mobile number', '', '', '', ''],
	['Dotdigital ID', 'Dotdigital contact id', '', '', '', ''],
	['Status', 'Status', '', '', '', ''],
	['Changed At', 'Changed at', '', '', '', ''],
];
