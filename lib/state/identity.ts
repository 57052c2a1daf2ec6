/**
 * The customer identity index: the customer flow teaches it each POS customer ID's email and mobile,
 * and the transaction flow uses it for orders that carry only a customer ID (Square, loyalty-card
 * receipts), so that they still reach the right Dotdigital contact.
 */
export interface Identity {
	email?: string;
	mobile?: string;
}

export interface IdentityIndex {
	rememberIdentities(entries: ReadonlyArray<{ customerId: string } & Identity>): Promise<void>;
	lookUpIdentities(customerIds: readonly string[]): Promise<Map<string, Identity>>;
}

const text = (value: unknown): string =>
	typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';

/** Customer ID → email and mobile, from customer records Dotdigital accepted. */
export async function learnIdentities(
	index: IdentityIndex,
	records: ReadonlyArray<Record<string, unknown>>,
	accepted: (position: number) => boolean,
): Promise<number> {
	const entries = records
		.map((record, position) => ({
			position,
			customerId: text(record.customer_id),
			email: text(record.email).toLowerCase(),
			mobile: text(record.mobile),
		}))
		.filter(
			(entry) => entry.customerId && (entry.email || entry.mobile) && accepted(entry.position),
		)
		.map(({ customerId, email, mobile }) => ({
			customerId,
			email: email || undefined,
			mobile: mobile || undefined,
		}));
	if (entries.length > 0) await index.rememberIdentities(entries);
	return entries.length;
}

/**
 * Orders without an email get the one the index knows for their customer ID, marked with
 * `email_from: "customer index"`. Other orders are returned as they are.
 */
export async function withIndexedEmails(
	index: IdentityIndex,
	orders: ReadonlyArray<Record<string, unknown>>,
): Promise<{ orders: Array<Record<string, unknown>>; resolved: number }> {
	const missing = orders
		.filter((order) => !text(order.email) && text(order.customer_id))
		.map((order) => text(order.customer_id));
	if (missing.length === 0) return { orders: [...orders], resolved: 0 };
	const known = await index.lookUpIdentities(missing);
	let resolved = 0;
	const result = orders.map((order) => {
		if (text(order.email)) return order;
		const email = known.get(text(order.customer_id))?.email;
		if (!email) return order;
		resolved += 1;
		return { ...order, email, email_from: 'customer index' };
	});
	return { orders: result, resolved };
}
