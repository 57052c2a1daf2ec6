/** The money an order sends to Khaos: unit prices with discounts folded in, and the delivery charge. */
import { OrderChecker } from './order-checks';
import { formatMoney, roundMoney } from './values';
import type { WebOrder } from './web-order';

/**
 * Unit prices with every discount already taken off. Khaos locks imported prices and never applies
 * discounts or keycodes itself (guide: "Dealing with Discounts"), so line discounts, and the part of
 * discount_total not in the lines, which is spread over the lines in proportion to their value, are
 * folded into the price. A discount that does not divide into whole pence per unit gives a warning.
 */
export function linePrices(order: WebOrder, checker: OrderChecker): number[] {
	const lines = order.lines ?? [];
	const gross = lines.map((line, index) => {
		const field = `lines[${index}]`;
		if (!(typeof line.qty === 'number' && Number.isFinite(line.qty) && line.qty > 0))
			checker.error(`${field}.qty`, 'must be a number above 0');
		const unitPrice = checkedMoney(checker, `${field}.unit_price`, line.unit_price);
		const discount =
			line.discount === undefined ? 0 : checkedMoney(checker, `${field}.discount`, line.discount);
		const total = roundMoney(unitPrice * line.qty - discount);
		if (line.line_total !== undefined && Math.abs(total - line.line_total) >= 0.005) {
			checker.warn(
				`${field}.line_total`,
				`is ${formatMoney(line.line_total)} but unit_price × qty − discount is ${formatMoney(total)}; the latter is sent`,
			);
		}
		return total;
	});
	const lineDiscounts = roundMoney(lines.reduce((sum, line) => sum + (line.discount ?? 0), 0));
	const orderLevel =
		order.discount_total === undefined ? 0 : roundMoney(order.discount_total - lineDiscounts);
	const totals = orderLevel > 0 ? spread(gross, orderLevel) : gross;
	if (orderLevel > 0)
		checker.warn(
			'discount_total',
			`${formatMoney(orderLevel)} of order discount was spread over the lines' prices`,
		);

	const prices = lines.map((line, index) =>
		line.qty > 0 ? roundMoney(totals[index] / line.qty) : 0,
	);
	lines.forEach((line, index) => {
		const sent = roundMoney(prices[index] * line.qty);
		if (line.qty > 0 && Math.abs(sent - totals[index]) >= 0.005) {
			const uneven = `does not divide evenly over ${line.qty} units: Khaos will total the line at ${formatMoney(sent)}, not ${formatMoney(totals[index])}`;
			checker.warn(`lines[${index}].discount`, uneven);
		}
	});
	if (order.prices_include_tax && Number.isFinite(order.order_total)) {
		const expected = roundMoney(
			lines.reduce((sum, line, index) => sum + prices[index] * line.qty, 0) +
				deliveryGross(order, new OrderChecker()),
		);
		if (Math.abs(expected - order.order_total) >= 0.01) {
			const differs = `is ${formatMoney(order.order_total)} but the lines and delivery come to ${formatMoney(expected)}; Khaos will flag the difference`;
			checker.warn('order_total', differs);
		}
	}
	return prices;
}

export function deliveryGross(order: WebOrder, checker: OrderChecker): number {
	if (order.delivery)
		return checkedMoney(checker, 'delivery.charge_gross', order.delivery.charge_gross);
	return order.delivery_total === undefined
		? 0
		: checkedMoney(checker, 'delivery_total', order.delivery_total);
}

/** Spreads `amount` over `totals` in proportion, to the penny, so the parts add up exactly. */
function spread(totals: readonly number[], amount: number): number[] {
	const sum = totals.reduce((total, value) => total + value, 0);
	if (sum <= 0) return [...totals];
	const pence = Math.round(amount * 100);
	const shares = totals.map((value) => Math.floor((pence * value) / sum));
	let remainder = pence - shares.reduce((total, share) => total + share, 0);
	for (let index = 0; remainder > 0; index = (index + 1) % shares.length, remainder--)
		shares[index]++;
	return totals.map((value, index) => roundMoney(value - shares[index] / 100));
}

export function checkedMoney(checker: OrderChecker, field: string, value: number): number {
	if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
	checker.error(field, 'must be a number of 0 or more');
	return 0;
}
