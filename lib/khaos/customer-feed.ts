/** Customers changed in Khaos since a date: GetCompanyList says which, ExportCompany gives them, in chunks. */
import type { KhaosClient } from './client';
import type { KhaosCustomer } from './customers';
import { KHAOS_ZERO_TIME, khaosTime } from './feed-cursor';

export interface CustomerQuery {
	/** Changed since this date (Khaos time, or a date with a zone); blank means every customer. */
	since?: string | Date;
	/** Only customers of these company classes (as named in Khaos). */
	companyClasses?: readonly string[];
	/** Customers per ExportCompany call. Default 15. */
	chunkSize?: number;
}

export async function changedCustomers(client: KhaosClient, query: CustomerQuery = {}): Promise<KhaosCustomer[]> {
	const since = query.since === undefined || (typeof query.since === 'string' && query.since.trim() === '') ? KHAOS_ZERO_TIME : khaosTime(query.since);
	const classes = query.companyClasses?.map((name) => name.trim()).filter(Boolean);
	const list = await client.getCompanyList({ since, companyClasses: classes && classes.length > 0 ? classes : undefined });
	if (list.length === 0) return [];
	const updatedAt = new Map(list.map((entry) => [entry.company_code, entry.last_updated]));
	return await client.exportCompany(
		list.map((entry) => entry.company_code),
		{ updatedAt, chunkSize: query.chunkSize },
	);
}
