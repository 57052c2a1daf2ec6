/**
 * The guide's field rules for a web order: its limits, and the checker that collects an order's
 * problems (errors stop it, warnings say what was shortened or left out) while its XML is built.
 */

export interface OrderProblem {
	field: string; // path in the web order, e.g. "invoice_address.postcode", "lines[2].qty"
	message: string;
	severity: 'error' | 'warning'; // errors stop the order being sent; warnings describe what was changed
}

/** Orders that cannot be sent; `problems` lists the errors per order ID. */
export class OrderValidationError extends Error {
	readonly problems: ReadonlyMap<string, OrderProblem[]>;

	constructor(problems: ReadonlyMap<string, OrderProblem[]>) {
		const summary = [...problems].map(
			([id, list]) =>
				`${id}: ${list.map((problem) => `${problem.field} ${problem.message}`).join('; ')}`,
		);
		super(`Orders cannot be sent to Khaos: ${summary.join(' | ')}`);
		this.name = 'OrderValidationError';
		this.problems = problems;
	}
}

/**
 * The guide's maximum lengths ("Maximum Field Lengths"), which win over the sample file's comments
 * (ASSOCIATED_REF 15 not 50, telephone 19 not 30). What happens when a value is too long:
 * - reject: keys and codes, where a shortened value is wrong data (order ref, customer ref, postcode);
 * - wrap: address lines move their overflow, cut at a word boundary, into the next empty line and are
 *   otherwise cut there, with a warning (customers type whole addresses into line 1);
 * - cut: names, town, county, notes and descriptions are cut at a word boundary, with a warning;
 * - drop: phone numbers (after removing spaces and brackets) and e-mails are left out, with a
 *   warning, since a shortened one reaches nobody and neither is needed to import the order.
 */
export const KHAOS_FIELD_LIMITS = {
	associatedRef: 15,
	customerOtherRef: 30,
	companyName: 50,
	addressLine: 35,
	postcode: 10,
	telephone: 19,
	email: 50,
	title: 20,
	forename: 50,
	surname: 50,
	notes: 2000,
	itemDescription: 250,
} as const;

/** Collects problems while an order's XML is being built, so validation and building share one path. */
export class OrderChecker {
	readonly problems: OrderProblem[] = [];

	error(field: string, message: string): void {
		this.add({ field, message, severity: 'error' });
	}

	warn(field: string, message: string): void {
		this.add({ field, message, severity: 'warning' });
	}

	/** The same check can run for both addresses; report it once. */
	private add(problem: OrderProblem): void {
		const seen = this.problems.some(
			(known) => known.field === problem.field && known.message === problem.message,
		);
		if (!seen) this.problems.push(problem);
	}

	required(field: string, value: string | undefined, message = 'is required'): string {
		const text = clean(value);
		if (text === '') this.error(field, message);
		return text;
	}

	/** Too long is an error: used for identifiers. */
	exact(field: string, value: string | undefined, limit: number): string {
		const text = clean(value);
		if (text.length > limit)
			this.error(field, `is ${text.length} characters; Khaos allows ${limit}`);
		return text;
	}

	/** Too long is cut at a word boundary, with a warning. */
	cut(field: string, value: string | undefined, limit: number): string {
		const text = clean(value);
		if (text.length <= limit) return text;
		const [head] = splitAtWord(text, limit);
		this.warn(field, `was cut to ${limit} characters for Khaos: "${head}"`);
		return head;
	}

	/** Too long is left out, with a warning. */
	dropIfLong(
		field: string,
		value: string | undefined,
		limit: number,
		compact?: (text: string) => string,
	): string {
		const text = clean(value);
		const fitted = text.length > limit && compact ? compact(text) : text;
		if (fitted.length <= limit) return fitted;
		this.warn(field, `is longer than the ${limit} characters Khaos allows and was left out`);
		return '';
	}
}

export function clean(value: string | undefined): string {
	return (value ?? '').replace(/\s+/g, ' ').trim();
}

/** Splits at the last space that keeps the head within `limit`; a word longer than that is cut hard. */
export function splitAtWord(text: string, limit: number): [string, string] {
	if (text.length <= limit) return [text, ''];
	const space = text.lastIndexOf(' ', limit);
	const cutAt = space > 0 ? space : limit;
	return [text.slice(0, cutAt).trim(), text.slice(cutAt).trim()];
}
