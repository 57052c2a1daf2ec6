/**
 * The stock catalogue. Items are kept as the STOCK_ITEM elements Khaos sent (real responses and
 * seed/example-stock.xml), so ExportStock re-emits them field for field, CDATA included. SCS
 * children that came as SCS_ITEMs stay inside their parent's tree. As in the real installation,
 * most parents carry only their heading tree: every lowest STYLE without an SCS_ITEM is a child that
 * exists in Khaos (code: parent code and level suffixes joined by '-', as in every real response)
 * but that ExportStock of the parent leaves out. Children are found through GetStockList
 * (StockItemType 2) and exported by their own code as flat STOCK_ITEMs. Revision dates
 * (GetStockList DateType 0) and movement dates (DateType 2) are tracked separately: a level change
 * is a movement, not a revision, as in Khaos.
 */
import {
	attr,
	child,
	childText,
	descendants,
	el,
	elements,
	isElement,
	leaf,
	parseXml,
	serialize,
	setChildText,
	textOf,
} from './xml';
import type { XElement } from './xml';
import { parseKhaosDate } from './dates';
import { buildStockItem } from './stock-build';
import type { FakeStockItemInput, FakeStockLevel, FakeStockPatch } from './types';

export interface StockEntry {
	code: string;
	/** STOCK_ITEM for a top-level item, SCS_ITEM for an SCS child. */
	node: XElement;
	parent: StockEntry | null;
	children: StockEntry[];
	lastUpdated: Date;
	movedAt: Date;
	level: number;
	/** Seeded STATUS; cleared when the level moves, after which it is worked out. */
	status: number | undefined;
	leadTime: string;
}

export interface StockInfo {
	stockCode: string;
	otherRef: string;
	stockDesc: string;
	parentCode: string;
	parentOtherRef: string;
	lastUpdated: Date;
}

export type StockMapping = 1 | 2 | 4 | 5;

const key = (value: string): string => value.trim().toUpperCase();

function flatChild(scsItem: XElement): XElement {
	return el(
		'STOCK_ITEM',
		{},
		...scsItem.children
			.filter(isElement)
			.map((node) => (node.name === 'DESCRIPTION' ? leaf('STOCK_DESC', textOf(node)) : node)),
	);
}
const flag = (node: XElement, name: string): boolean => childText(node, name).trim() === '-1';
const khaosBool = (value: boolean): string => (value ? '-1' : '0');

export class StockCatalogue {
	private readonly top: StockEntry[] = [];
	private readonly byCode = new Map<string, StockEntry>();

	constructor(
		stock: Array<{ xml: string; lastUpdated: Date }>,
		levels: Record<string, FakeStockLevel>,
		readonly siteName: string,
		private readonly clock: () => Date,
	) {
		for (const document of stock) {
			const root = parseXml(document.xml);
			for (const item of elements(root, 'STOCK_ITEM')) this.insert(item, document.lastUpdated);
		}
		for (const [code, level] of Object.entries(levels)) {
			const entry = this.byCode.get(key(code));
			if (entry === undefined) continue;
			entry.level = level.level;
			entry.status = level.status;
			entry.leadTime = level.leadTime ?? '';
		}
	}

	/** `unexported`: SCS_ITEMs (by their lowest STYLE) that exist but that ExportStock of the parent leaves out. */
	private insert(
		item: XElement,
		lastUpdated: Date,
		unexported = new Map<XElement, XElement>(),
	): StockEntry {
		const code = childText(item, 'STOCK_CODE');
		if (code === '') throw new Error('A seeded STOCK_ITEM has no STOCK_CODE');
		if (this.byCode.has(key(code))) throw new Error(`Stock code ${code} already exists`);
		const entry: StockEntry = {
			code,
			node: item,
			parent: null,
			children: [],
			lastUpdated,
			movedAt: lastUpdated,
			level: 0,
			status: undefined,
			leadTime: '',
		};
		const addChild = (scsItem: XElement): void => {
			const childCode = childText(scsItem, 'STOCK_CODE');
			if (childCode === '' || this.byCode.has(key(childCode))) return;
			const childEntry: StockEntry = {
				code: childCode,
				node: scsItem,
				parent: entry,
				children: [],
				lastUpdated,
				movedAt: lastUpdated,
				level: 0,
				status: undefined,
				leadTime: '',
			};
			entry.children.push(childEntry);
			this.byCode.set(key(childCode), childEntry);
		};
		const scs = child(item, 'SCS');
		const walk = (holder: XElement, path: XElement[]): void => {
			for (const style of elements(holder, 'STYLE')) {
				const items = elements(style, 'SCS_ITEM');
				items.forEach(addChild);
				const lowest = elements(style, 'STYLE').length === 0;
				if (lowest && items.length === 0)
					addChild(unexported.get(style) ?? this.treeChild(item, [...path, style]));
				walk(style, [...path, style]);
			}
		};
		if (scs) walk(scs, []);
		this.top.push(entry);
		this.byCode.set(key(code), entry);
		return entry;
	}

	// ------------------------------------------------------------ reading

	/** Stock codes match case-insensitively, as on Khaos's SQL Server with its default collation. */
	get(code: string): StockEntry | undefined {
		return this.byCode.get(key(code));
	}

	all(): StockEntry[] {
		return this.top.flatMap((entry) => [entry, ...entry.children]);
	}

	topLevel(): StockEntry[] {
		return [...this.top];
	}

	otherRef(entry: StockEntry): string {
		return childText(entry.node, 'ASSOCIATED_REF');
	}

	description(entry: StockEntry): string {
		return childText(entry.node, entry.parent ? 'DESCRIPTION' : 'STOCK_DESC');
	}

	stockId(entry: StockEntry): string {
		return childText(entry.node, 'STOCK_ID');
	}

	isScsParent(entry: StockEntry): boolean {
		return (
			entry.parent === null &&
			child(entry.node, 'SCS') !== undefined &&
			descendants(child(entry.node, 'SCS')!, 'STYLE').length > 0
		);
	}

	isDiscontinued(entry: StockEntry): boolean {
		return flag(entry.node, 'DISCONTINUED');
	}

	isRunToZero(entry: StockEntry): boolean {
		return flag(entry.node, 'RUN_TO_ZERO');
	}

	isStockControlled(entry: StockEntry): boolean {
		return flag(entry.node, 'STOCK_CONTROLLED');
	}

	vatRate(entry: StockEntry): number {
		for (const node of [entry.node, entry.parent?.node]) {
			const text = node ? childText(node, 'VAT_RATE').trim() : '';
			if (text !== '' && Number.isFinite(Number(text))) return Number(text);
		}
		return 20;
	}

	/** Pack contents: LINKED_ITEMS/LINK_ITEM with LINK_TYPE 3, LINK_VALUE being the quantity contained. */
	packComponents(entry: StockEntry): Array<{ code: string; qty: number }> {
		const links = child(entry.node, 'LINKED_ITEMS');
		if (links === undefined) return [];
		return elements(links, 'LINK_ITEM')
			.filter((link) => childText(link, 'LINK_TYPE').trim() === '3')
			.map((link) => ({
				code: childText(link, 'STOCK_CODE'),
				qty: Number(childText(link, 'LINK_VALUE') || '1'),
			}));
	}

	/** Entries matching an identifier under an order or export MAPPING_TYPE. */
	lookup(value: string, mapping: StockMapping, scope: StockEntry[] = this.all()): StockEntry[] {
		const wanted = key(value);
		if (wanted === '') return [];
		switch (mapping) {
			case 1:
				return scope.filter((entry) => key(entry.code) === wanted);
			case 2:
				return scope.filter((entry) => key(this.otherRef(entry)) === wanted);
			case 4:
				return scope.filter((entry) => key(this.description(entry)) === wanted);
			case 5:
				return scope.filter((entry) =>
					elements(child(entry.node, 'BARCODES') ?? el('BARCODES'), 'BARCODE').some(
						(barcode) => key(textOf(barcode)) === wanted,
					),
				);
		}
	}

	statusOf(entry: StockEntry): number {
		if (entry.status !== undefined) return entry.status;
		if (this.isDiscontinued(entry)) return 4;
		if (!this.isStockControlled(entry)) return 5;
		if (entry.level > 0) return 0;
		return entry.leadTime !== '' ? 2 : 3;
	}

	/** Latest revision of an item as exported: a top-level item changes when any of its SCS children do. */
	revisedAt(entry: StockEntry): Date {
		return entry.children.reduce(
			(latest, item) => (item.lastUpdated > latest ? item.lastUpdated : latest),
			entry.lastUpdated,
		);
	}

	launchedAt(entry: StockEntry): Date | undefined {
		const date = childText(entry.node, 'LAUNCH_DATE').trim();
		if (date === '') return undefined;
		const time = childText(entry.node, 'LAUNCH_TIME').trim() || '00:00:00';
		return parseKhaosDate(`${date} ${time}`) ?? parseKhaosDate(date);
	}

	/** GetStockList: DateType 0 revision, 1 launch, 2 movement; StockItemType 0 all, 1 SCS parents, 2 SCS children. */
	stockList(dateType: number, since: Date, itemType: number): StockInfo[] {
		const result: StockInfo[] = [];
		for (const entry of this.all()) {
			if (itemType === 1 && !this.isScsParent(entry)) continue;
			if (itemType === 2 && entry.parent === null) continue;
			const date =
				dateType === 1
					? this.launchedAt(entry)
					: dateType === 2
						? entry.movedAt
						: entry.lastUpdated;
			// The guide says "since"; whether that includes the very time given it does not say, so it does not.
			if (date === undefined || date <= since) continue;
			result.push({
				stockCode: entry.code,
				otherRef: this.otherRef(entry),
				stockDesc: this.description(entry),
				parentCode: entry.parent?.code ?? '',
				parentOtherRef: entry.parent ? this.otherRef(entry.parent) : '',
				lastUpdated: date,
			});
		}
		return result;
	}

	/**
	 * KSDXMLStock for the items asked for. A parent carries only the SCS_ITEMs it was given; a child
	 * asked for by its own code comes as a flat STOCK_ITEM (its DESCRIPTION as STOCK_DESC), without
	 * any sign of which size or colour it is.
	 */
	exportStock(entries: StockEntry[]): string {
		return serialize(
			el(
				'STOCK_ITEMS',
				{},
				...entries.map((entry) => (entry.parent ? flatChild(entry.node) : entry.node)),
			),
		);
	}

	/** KSDXMLStockStatus, one flat STOCK_ITEM per item (SCS children included as items of their own). */
	exportStockStatus(entries: StockEntry[]): string {
		const money = (value: string): string =>
			value.trim() === '' || Number.isNaN(Number(value)) ? '0.00' : Number(value).toFixed(2);
		const items = entries.map((entry) => {
			const attrs: Array<[string, string]> = [
				['CODE', entry.code],
				['ID', this.stockId(entry)],
			];
			if (this.otherRef(entry) !== '') attrs.push(['OTHER_REF', this.otherRef(entry)]);
			attrs.push(['DESC', this.description(entry)]);
			return el(
				'STOCK_ITEM',
				attrs,
				leaf('BUY_PRICE', money(childText(entry.node, 'BUY_PRICE'))),
				leaf('SELL_PRICE', money(childText(entry.node, 'SELL_PRICE'))),
				leaf('WEBSELL_PRICE', money(childText(entry.node, 'SELL_PRICE_WEB'))),
				leaf('SAFE_LEVEL', childText(entry.node, 'SAFE_LEVEL') || '0'),
				leaf('MIN_LEVEL', childText(entry.node, 'MIN_LEVEL') || '0'),
				leaf('LEVEL', String(entry.level)),
				leaf('STATUS', String(this.statusOf(entry))),
				leaf('LEAD_TIME', entry.leadTime),
			);
		});
		return serialize(el('STOCK_STATUS', { SITE: this.siteName }, ...items));
	}

	// ------------------------------------------------------------ changing

	/** A stock movement (order allocation, adjustment): moves the level and the movement date only. */
	move(entry: StockEntry, delta: number): void {
		entry.level += delta;
		entry.status = undefined;
		entry.movedAt = this.clock();
	}

	add(input: FakeStockItemInput): void {
		if (this.get(input.code) !== undefined)
			throw new Error(`Stock code ${input.code} already exists`);
		const unexported = new Map<XElement, XElement>();
		const node =
			input.xml !== undefined
				? parseXml(input.xml)
				: buildStockItem(input, unexported, this.nextStockId());
		if (node.name !== 'STOCK_ITEM') throw new Error('addStock xml must be one STOCK_ITEM element');
		if (childText(node, 'STOCK_CODE') !== input.code)
			throw new Error(`addStock: STOCK_CODE in xml is not ${input.code}`);
		const entry = this.insert(node, this.clock(), unexported);
		if (input.level !== undefined || input.leadTime !== undefined) {
			entry.level = input.level ?? 0;
			entry.leadTime = input.leadTime ?? '';
		}
		for (const scsChild of input.scs?.children ?? []) {
			const childEntry = this.get(scsChild.code);
			if (childEntry && scsChild.level !== undefined) childEntry.level = scsChild.level;
		}
	}

	update(code: string, patch: FakeStockPatch): void {
		const entry = this.get(code);
		if (entry === undefined) throw new Error(`No stock item ${code}`);
		const node = entry.node;
		const isChild = entry.parent !== null;
		let revised = false;
		const set = (name: string, value: string | number | undefined, cdata?: boolean): void => {
			if (value === undefined) return;
			setChildText(node, name, String(value), cdata);
			revised = true;
		};
		set(isChild ? 'DESCRIPTION' : 'STOCK_DESC', patch.desc, isChild ? undefined : true);
		set('ASSOCIATED_REF', patch.otherRef);
		set('LONG_DESC', patch.longDesc, isChild ? undefined : true);
		set('WEB_TEASER', patch.webTeaser);
		set('SELL_PRICE', patch.sellPrice);
		set('SELL_PRICE_WEB', patch.sellPriceWeb);
		set('BUY_PRICE', patch.buyPrice);
		set('VAT_RATE', patch.vatRate);
		set('LAUNCH_DATE', patch.launchDate);
		if (patch.sellPriceIsNet !== undefined && !isChild) {
			const price = child(node, 'SELL_PRICE');
			if (price) price.attrs = [['IS_NET', khaosBool(patch.sellPriceIsNet)]];
			revised = true;
		}
		if (patch.web !== undefined) set('WEB', khaosBool(patch.web));
		if (patch.discontinued !== undefined) set('DISCONTINUED', khaosBool(patch.discontinued));
		if (patch.stockControlled !== undefined)
			set('STOCK_CONTROLLED', khaosBool(patch.stockControlled));
		if (patch.runToZero !== undefined) {
			set('RUN_TO_ZERO', khaosBool(patch.runToZero));
			const option = elements(node, 'STOCK_OPTION').find(
				(candidate) => attr(candidate, 'NAME') === 'Run To Zero',
			);
			if (option) option.children = [{ text: khaosBool(patch.runToZero) }];
		}
		if (patch.web !== undefined || patch.discontinued !== undefined) {
			// DELETED is worked out from DISCONTINUED and WEB (KSDXMLStock.xml comment; guide, "Displaying Stock Items on the Website").
			set('DELETED', khaosBool(flag(node, 'DISCONTINUED') || !flag(node, 'WEB')));
		}
		for (const uda of patch.userDefined ?? []) {
			const existing = elements(node, 'USER_DEFINED').find(
				(candidate) => attr(candidate, 'NAME') === uda.name,
			);
			if (existing) existing.children = uda.value === '' ? [] : [{ text: uda.value }];
			else node.children.push(leaf('USER_DEFINED', uda.value, { NAME: uda.name, TYPE: uda.type }));
			revised = true;
		}
		if (revised) {
			entry.lastUpdated = this.clock();
			if (entry.parent) entry.parent.lastUpdated = entry.lastUpdated;
		}
		if (patch.level !== undefined || patch.leadTime !== undefined) {
			if (patch.leadTime !== undefined) entry.leadTime = patch.leadTime;
			this.move(entry, (patch.level ?? entry.level) - entry.level);
		}
	}

	/** Khaos does not hard-delete stock: the item is discontinued, so DELETED becomes -1 and GetStockList reports it. */
	remove(code: string): void {
		this.update(code, { discontinued: true });
	}

	/** A child the tree describes but ExportStock did not carry, with what Khaos gives children of that parent. */
	private treeChild(parent: XElement, styles: XElement[]): XElement {
		const suffixes = styles.map((style) => childText(style, 'SCS_CODE_SUFFIX'));
		const descriptions = styles.map((style) => childText(style, 'DESCRIPTION') || 'Null');
		const copy = (name: string): XElement => leaf(name, childText(parent, name));
		return el(
			'SCS_ITEM',
			{},
			leaf('STOCK_CODE', [childText(parent, 'STOCK_CODE'), ...suffixes].join('-')),
			leaf('DESCRIPTION', [childText(parent, 'STOCK_DESC'), ...descriptions].join(' - ')),
			copy('BUY_PRICE'),
			copy('SELL_PRICE'),
			copy('SELL_PRICE_WEB'),
			leaf('STOCK_ID', this.generatedIds++),
			copy('DELETED'),
			copy('WEB'),
			leaf('STOCK_CONTROLLED', '-1'),
			copy('DISCONTINUED'),
			copy('RUN_TO_ZERO'),
			leaf('ASSOCIATED_REF', childText(parent, 'STOCK_CODE')),
			copy('VAT_RATE'),
		);
	}

	private generatedIds = 800_000;

	private nextStockId(): number {
		const ids = this.all()
			.map((entry) => Number(this.stockId(entry)))
			.filter(Number.isFinite);
		return Math.max(900_000, ...ids) + 1;
	}
}
