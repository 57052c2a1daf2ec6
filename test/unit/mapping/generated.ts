/** Generated exports for property tests: seeded, so every run sees the same files. */

/** A small pseudo-random generator, seeded, so that generated cases are the same on every run. */
export function random(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A per-sale export in the Sample Superstore layout: the customer and the product on every row, Sales with 3 decimals. */
export function superstoreLike(
	orders: number,
	seed = 9994,
): { csv: string; customers: Set<string>; products: Set<string>; rows: number } {
	const next = random(seed);
	const lines = [
		'Row ID,Order ID,Order Date,Ship Mode,Customer ID,Customer Name,Segment,Country,City,State,Postal Code,Product ID,Category,Product Name,Sales,Quantity,Discount,Profit',
	];
	const customers = new Set<string>();
	const products = new Set<string>();
	let row = 0;
	for (let order = 0; order < orders; order++) {
		const customer = `CG-${12500 + Math.floor(next() * 40)}`;
		customers.add(customer);
		const items = 1 + Math.floor(next() * 5);
		for (let item = 0; item < items; item++) {
			const product = `FUR-BO-${10001000 + Math.floor(next() * 60)}`;
			products.add(product);
			const thousandths = 1000 + Math.floor(next() * 900_000);
			lines.push(
				`${++row},CA-2016-${152000 + order},11/8/2016,Second Class,${customer},Claire Gute,Consumer,United States,Henderson,Kentucky,${next() < 0.1 ? '' : '42420'},${product},Furniture,"Bush Somerset Collection Bookcase, ${product}",${(thousandths / 1000).toFixed(3)},${1 + Math.floor(next() * 5)},0.2,41.9136`,
			);
		}
	}
	return { csv: `${lines.join('\n')}\n`, customers, products, rows: row };
}
