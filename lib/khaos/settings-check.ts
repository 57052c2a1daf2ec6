/**
 * Whether the values a credential or an order names exist in Khaos: the sales source
 * (GetSaleSource), the stock site (GetSiteList), the website (ExportWebCategories) and couriers
 * (GetSOPData). The guide: "if specified, the keycode/sales source/etc must already exist in Khaos
 * Control"; an order naming one that does not is refused. Checking first gives a message that
 * names the value, before anything is sent.
 */
import type { KhaosClient } from './client';
import { KhaosFaultError } from './errors';
import { getCouriers, getSaleSources, getSiteList } from './lookups';
import type { SendOrderResult, SendOrdersOptions } from './send-orders';
import type { WebOrder } from './web-order';

export interface SettingsToCheck {
	salesSource?: string;
	siteId?: number;
	websiteName?: string;
}

/** Problems with the settings, each naming the value and what Khaos has instead; [] when all exist. */
export async function checkSettings(
	client: KhaosClient,
	settings: SettingsToCheck,
): Promise<string[]> {
	const problems: string[] = [];
	const salesSource = settings.salesSource?.trim() ?? '';
	if (salesSource !== '') {
		const known = await unlessMissing(getSaleSources(client));
		const problem = known === undefined ? null : salesSourceProblem(salesSource, known);
		if (problem) problems.push(problem);
	}
	if (settings.siteId !== undefined && settings.siteId !== -1) {
		const sites = (await unlessMissing(getSiteList(client)))?.sites;
		if (sites !== undefined && !sites.some((site) => site.site_id === settings.siteId)) {
			problems.push(
				`Site ID ${settings.siteId} does not exist in Khaos ` +
					`(its sites: ${sites.map((site) => `${site.site_id} ${site.site_name}`).join(', ') || 'none'}; -1 means all)`,
			);
		}
	}
	const website = settings.websiteName?.trim() ?? '';
	if (website !== '') {
		try {
			await client.exportWebCategories(website);
		} catch (error) {
			if (!(error instanceof KhaosFaultError)) throw error;
			problems.push(`Website Name "${website}" was not accepted by Khaos: ${error.faultString}`);
		}
	}
	return problems;
}

/** An older web service without the lookup method cannot be checked; that is not a problem with the settings. */
async function unlessMissing<T>(lookup: Promise<T>): Promise<T | undefined> {
	try {
		return await lookup;
	} catch (error) {
		if (
			error instanceof KhaosFaultError &&
			/no method named|not supported|not implemented/i.test(error.faultString)
		)
			return undefined;
		throw error;
	}
}

function salesSourceProblem(salesSource: string, known: readonly string[]): string | null {
	if (known.includes(salesSource)) return null;
	const otherCase = known.find((name) => name.toUpperCase() === salesSource.toUpperCase());
	if (otherCase) return `Sales Source "${salesSource}" must be written as in Khaos: "${otherCase}"`;
	return `Sales Source "${salesSource}" does not exist in Khaos (its sales sources: ${known.join(', ') || 'none'})`;
}

/**
 * sendOrders, after checking the sales source and each order's courier (delivery.method, sent as
 * COURIER_DESC) against Khaos. An unknown sales source fails every order; an unknown courier fails
 * its order. Results stay one per order, in input order.
 */
export async function sendOrdersChecked(
	client: KhaosClient,
	orders: readonly WebOrder[],
	options: SendOrdersOptions = {},
): Promise<SendOrderResult[]> {
	if (orders.length === 0) return [];
	const fail = (index: number, reason: string): SendOrderResult => ({
		index,
		order_id: orders[index].order_id ?? '',
		warnings: [],
		status: 'failed',
		reason,
		retryable: false,
	});
	const salesSource = options.salesSource?.trim() ?? '';
	if (salesSource !== '') {
		const known = await unlessMissing(getSaleSources(client));
		const problem = known === undefined ? null : salesSourceProblem(salesSource, known);
		if (problem)
			return orders.map((_, index) =>
				fail(index, `${problem}; fix Sales Source in the node options or the Khaos credential`),
			);
	}
	const wanted = new Set(
		orders.map((order) => order.delivery?.method?.trim() ?? '').filter(Boolean),
	);
	const found = wanted.size === 0 ? undefined : await unlessMissing(getCouriers(client));
	const couriers = (found ?? []).map((courier) => courier.name.toUpperCase());
	const results: Array<SendOrderResult | undefined> = orders.map((order, index) => {
		const method = order.delivery?.method?.trim() ?? '';
		if (method === '' || found === undefined || couriers.includes(method.toUpperCase()))
			return undefined;
		return fail(
			index,
			`delivery.method "${method}" is not a courier in Khaos (its couriers: ${couriers.length > 0 ? [...new Set(couriers)].join(', ') : 'none'})`,
		);
	});
	const sendable = orders
		.map((order, index) => ({ order, index }))
		.filter(({ index }) => results[index] === undefined);
	const sent = await client.sendOrders(
		sendable.map(({ order }) => order),
		options,
	);
	sent.forEach((result, position) => {
		const index = sendable[position].index;
		results[index] = { ...result, index };
	});
	return results.map((result, index) => result ?? fail(index, 'the order was not processed'));
}
