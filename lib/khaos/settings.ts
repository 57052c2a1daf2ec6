/**
 * The Khaos Control connection as a consultant fills it in (the n8n credential's fields), read into
 * the options the client needs plus the per-install defaults the nodes use. Plain data in, plain
 * data out: nothing here imports n8n.
 */
import type { KhaosSoapClientOptions } from './soap';

export type StockMappingType = 1 | 2 | 4;

export interface KhaosSettings {
	/** Options for KhaosSoapClient / KhaosClient. */
	client: KhaosSoapClientOptions;
	/** Stock site for stock levels; -1 means all sites (levels are added up). */
	siteId: number;
	/** What stock identifiers are by default: 1 stock code, 2 other ref, 4 description. */
	stockMappingType: StockMappingType;
	/** SALES_SOURCE for imported orders ('' = Khaos's default). */
	salesSource: string;
	/** WEBSITE_NAME for orders and the website for web categories ('' = none). */
	websiteName: string;
}

/** The credential's fields, as stored (every value may be missing or of the wrong type). */
export type KhaosCredentialFields = Record<string, unknown>;

/** Reads the credential. Throws an Error naming the field when one is unusable; never echoes the password. */
export function khaosSettings(
	fields: KhaosCredentialFields,
	overrides: Partial<KhaosSoapClientOptions> = {},
): KhaosSettings {
	const url = text(fields.url);
	if (url === '') throw new Error('The Khaos Control credential has no Web Service URL');
	const basic = text(fields.authentication) === 'basic';
	const user = text(fields.user);
	const password = typeof fields.password === 'string' ? fields.password : '';
	if (basic && user === '')
		throw new Error('The Khaos Control credential uses Basic authentication but has no user name');
	const siteId = Number(fields.siteId ?? -1);
	if (!Number.isInteger(siteId))
		throw new Error(
			'The Site ID of the Khaos Control credential must be a whole number (-1 for all sites)',
		);
	const mapping = Number(fields.stockMappingType ?? 1);
	return {
		client: {
			url,
			auth: basic ? { type: 'basic', user, password } : { type: 'none' },
			allowSelfSigned: fields.allowSelfSigned === true,
			...overrides,
		},
		siteId,
		stockMappingType: mapping === 2 || mapping === 4 ? mapping : 1,
		salesSource: text(fields.salesSource),
		websiteName: text(fields.websiteName),
	};
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}
