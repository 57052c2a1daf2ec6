/** Customers changed in Khaos since a date: GetCompanyList says which, ExportCompany gives them, in chunks. */
import type { KhaosClient } from './client';
import { DEFAULT_SYSTEM_ACCOUNTS, isSystemAccount, type KhaosCustomer } from './customers';
import { KHAOS_ZERO_TIME, khaosTime } from './feed-cursor';

export interface CustomerQuery {
	/** Changed since this date (Khaos time, or a date with a zone); blank means every customer. */
	since?: string | Date;
	/** Only customers of these company classes (as named in Khaos). */
	companyClasses?: readonly string[];
	/** Customer codes to leave out (`*` matches anything). Default EPOS and *TEST*. */
	excludeCodes?: readonly string[];
	/** Customers per ExportCompany call. Default 15. */
	chunkSize?: number;
}

export async function changedCustomers(
	client: KhaosClient,
	query: CustomerQuery = {},
): Promise<KhaosCustomer[]> {
	const since =
		query.since === undefined || (typeof query.since === 'string' && query.since.trim() === '')
			? KHAOS_ZERO_TIME
			: khaosTime(query.since);
	const classes = query.companyClasses?.map((name) => name.trim()).filter(Boolean);
	const list = await client.getCompanyList({
		since,
		companyClasses: classes && classes.length > 0 ? classes : undefined,
	});
	const excluded = query.excludeCodes ?? DEFAULT_SYSTEM_ACCOUNTS;
	const wanted = list.filter((entry) => !isSystemAccount(entry.company_code, excluded));
	if (wanted.length === 0) return [];
	const updatedAt = new Map(wanted.map((entry) => [entry.company_code, entry.last_updated]));
	return await client.exportCompany(
		wanted.map((entry) => entry.company_code),
		{ updatedAt, chunkSize: query.chunkSize },
	);
}
