/** A STOCK_ITEM built from addStock's input, in the shape of the real responses. */
import { childText, el, elements, leaf } from './xml';
import type { XElement } from './xml';
import type { FakeStockItemInput } from './types';

const khaosBool = (value: boolean): string => (value ? '-1' : '0');

/** SCS children go into `unexported` (by their lowest STYLE) unless scs.itemsInExport: the real installation leaves them out of the parent. */
export function buildStockItem(
	input: FakeStockItemInput,
	unexported: Map<XElement, XElement>,
	firstStockId: number,
): XElement {
	const web = input.web ?? true;
	const discontinued = input.discontinued ?? false;
	const isParent = input.scs !== undefined;
	const stockControlled = input.stockControlled ?? !(isParent || input.pack !== undefined);
	let stockId = firstStockId;
	const launch = input.launchDate ?? '';
	const item = el(
		'STOCK_ITEM',
		{},
		leaf('STOCK_CODE', input.code),
		leaf('ASSOCIATED_REF', input.otherRef ?? ''),
		leaf('STOCK_DESC', input.desc ?? input.code, {}, true),
		leaf('LONG_DESC', input.longDesc ?? '', {}, true),
		leaf('EPOS_DESC', ''),
		leaf('WEB_TEASER', input.webTeaser ?? ''),
		leaf('BUY_PRICE', input.buyPrice ?? 0, { IS_NET: khaosBool(input.sellPriceIsNet ?? false) }),
		leaf('SELL_PRICE', input.sellPrice ?? 0, { IS_NET: khaosBool(input.sellPriceIsNet ?? false) }),
		leaf('SELL_PRICE_WEB', input.sellPriceWeb ?? 0),
		leaf('VAT_RATE', input.vatRate ?? 20),
		leaf('DELETED', khaosBool(discontinued || !web)),
		leaf('WEB', khaosBool(web)),
		leaf('DISCONTINUED', khaosBool(discontinued)),
		leaf('DROP_SHIP', '0'),
		leaf('DISCOUNTS_DISABLED', '0'),
		leaf('RUN_TO_ZERO', khaosBool(input.runToZero ?? false)),
		leaf('STOCK_ID', stockId),
		leaf('STOCK_CONTROLLED', khaosBool(stockControlled)),
		leaf('LAUNCH_DATE', launch === '' ? '' : launch.slice(0, 10)),
		leaf('LAUNCH_TIME', launch === '' ? '' : launch.slice(11, 19) || '00:00:00'),
		leaf('STOCK_OPTION', khaosBool(input.runToZero ?? false), { NAME: 'Run To Zero' }),
		...(input.userDefined ?? []).map((uda) =>
			leaf('USER_DEFINED', uda.value, { NAME: uda.name, TYPE: uda.type }),
		),
	);
	if (input.pack) {
		item.children.push(
			el(
				'LINKED_ITEMS',
				{},
				...input.pack.map((component) =>
					el(
						'LINK_ITEM',
						{},
						leaf('STOCK_CODE', component.code),
						leaf('LINK_TYPE', '3'),
						leaf('LINK_VALUE', component.qty),
						leaf('AUTO_ADD', '0'),
					),
				),
			),
		);
	}
	if (input.scs) {
		const scs = el('SCS');
		for (const scsChild of input.scs.children) {
			let holder = scs;
			scsChild.suffixes.forEach((suffix, depth) => {
				let style = elements(holder, 'STYLE').find(
					(candidate) => childText(candidate, 'SCS_CODE_SUFFIX') === suffix,
				);
				if (style === undefined) {
					style = el(
						'STYLE',
						{},
						leaf('DESCRIPTION', scsChild.descriptions?.[depth] ?? 'Null'),
						leaf('SCS_CODE_SUFFIX', suffix),
					);
					holder.children.push(style);
				}
				holder = style;
			});
			stockId += 1;
			const descriptions = scsChild.descriptions ?? scsChild.suffixes.map(() => 'Null');
			const place = (scsItem: XElement): void => {
				if (input.scs?.itemsInExport === true) holder.children.push(scsItem);
				else unexported.set(holder, scsItem);
			};
			place(
				el(
					'SCS_ITEM',
					{},
					leaf('STOCK_CODE', scsChild.code),
					leaf('DESCRIPTION', [input.desc ?? input.code, ...descriptions].join(' - ')),
					leaf('BUY_PRICE', input.buyPrice ?? 0),
					leaf('SELL_PRICE', scsChild.sellPrice ?? input.sellPrice ?? 0),
					leaf('SELL_PRICE_WEB', input.sellPriceWeb ?? 0),
					leaf('STOCK_ID', stockId),
					leaf('LONG_DESC', input.longDesc ?? ''),
					leaf('WEB_TEASER', '', {}, true),
					leaf('DELETED', khaosBool(discontinued || !web)),
					leaf('WEB', khaosBool(web)),
					leaf('STOCK_CONTROLLED', '-1'),
					leaf('DISCONTINUED', khaosBool(discontinued)),
					leaf('RUN_TO_ZERO', khaosBool(input.runToZero ?? false)),
					leaf('ASSOCIATED_REF', scsChild.otherRef ?? input.code),
					leaf('LAUNCH_DATE', ''),
					leaf('LAUNCH_TIME', ''),
					leaf('VAT_RATE', input.vatRate ?? 20),
				),
			);
		}
		// Real exports put the headings after the styles.
		input.scs.headings.forEach((heading, index) =>
			scs.children.push(leaf('HEADING', heading, { LEVEL: index + 1 })),
		);
		item.children.push(scs);
	}
	return item;
}
