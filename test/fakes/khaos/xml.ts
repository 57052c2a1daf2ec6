/**
 * A small ordered XML tree for the fake. Parsing goes through fast-xml-parser (validated first,
 * DOCTYPE refused, no entity processing by the library); the five XML entities and character
 * references are decoded here, and anything else (`&nbsp;`, a bare `&`) is an error, as it is for
 * MSXML, which Khaos uses. Writing is ours too, so every value is escaped exactly once and CDATA
 * sections from the real responses survive a round trip.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XText {
	text: string;
	cdata?: boolean;
}

export interface XElement {
	name: string;
	attrs: Array<[string, string]>;
	children: XNode[];
	/** For an empty element read from a document: whether it was written `<X/>` (true) or `<X></X>` (false). Built elements write `<X/>`. */
	selfClosing?: boolean;
}

export type XNode = XElement | XText;

export class XmlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'XmlError';
	}
}

export function isElement(node: XNode): node is XElement {
	return (node as XElement).name !== undefined;
}

const parser = new XMLParser({
	preserveOrder: true,
	ignoreAttributes: false,
	attributeNamePrefix: '',
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: false,
	cdataPropName: '#cdata',
	commentPropName: false,
	processEntities: false,
	htmlEntities: false,
	ignoreDeclaration: true,
	ignorePiTags: true,
	allowBooleanAttributes: false,
	captureMetaData: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(raw: string): string {
	if (!raw.includes('&')) return raw;
	return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
		if (!whole.endsWith(';')) throw new XmlError(`Invalid '&' in "${raw.slice(0, 60)}"`);
		if (ref in PREDEFINED) return PREDEFINED[ref];
		const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ref);
		if (numeric) {
			const code = numeric[1].startsWith('x')
				? parseInt(numeric[1].slice(1), 16)
				: parseInt(numeric[1], 10);
			if (!isXmlChar(code))
				throw new XmlError(`Character reference &${ref}; is not a legal XML character`);
			return String.fromCodePoint(code);
		}
		throw new XmlError(`Reference to undefined entity '&${ref};'`);
	});
}

function isXmlChar(code: number): boolean {
	return (
		code === 0x9 ||
		code === 0xa ||
		code === 0xd ||
		(code >= 0x20 && code <= 0xd7ff) ||
		(code >= 0xe000 && code <= 0xfffd) ||
		(code >= 0x10000 && code <= 0x10ffff)
	);
}

/** Parses one XML document into its root element. Throws XmlError for anything MSXML would refuse. */
export function parseXml(xml: string): XElement {
	const source = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
	if (/<!DOCTYPE/i.test(source) || /<!ENTITY/i.test(source))
		throw new XmlError('DOCTYPE and ENTITY declarations are not allowed');
	const valid = XMLValidator.validate(source);
	if (valid !== true)
		throw new XmlError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
	let parsed: unknown[];
	try {
		parsed = parser.parse(source) as unknown[];
	} catch (error) {
		throw new XmlError(error instanceof Error ? error.message : String(error));
	}
	const roots = parsed.map((entry) => convert(entry, source)).filter(isElement);
	if (roots.length !== 1)
		throw new XmlError(roots.length === 0 ? 'No root element' : 'Multiple root elements');
	return roots[0];
}

function convert(raw: unknown, source: string): XNode {
	const entry = raw as Record<string | symbol, unknown>;
	const key = Object.keys(entry).find((name) => name !== ':@');
	if (key === undefined) return { text: '' };
	if (key === '#text') return { text: decodeEntities(String(entry[key])) };
	if (key === '#cdata') {
		const parts = entry[key] as Array<Record<string, unknown>>;
		return { text: parts.map((part) => String(part['#text'] ?? '')).join(''), cdata: true };
	}
	const attrs = Object.entries((entry[':@'] ?? {}) as Record<string, unknown>).map(
		([name, value]): [string, string] => [name, decodeEntities(String(value))],
	);
	let children = (entry[key] as unknown[]).map((part) => convert(part, source));
	if (children.some(isElement))
		children = children.filter((part) => isElement(part) || part.cdata || part.text.trim() !== '');
	const element: XElement = { name: key, attrs, children };
	const meta = entry[META] as { startIndex?: number; endIndex?: number } | undefined;
	if (children.length === 0 && meta?.startIndex !== undefined && meta.endIndex !== undefined) {
		element.selfClosing = source.slice(meta.startIndex, meta.endIndex).endsWith('/>');
	}
	return element;
}

// ---------------------------------------------------------------- writing

export function escapeText(value: string): string {
	return stripIllegal(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attributes are always written in double quotes, so an apostrophe stays as it is (as in Khaos's `NAME="Don't print child items"`). */
export function escapeAttr(value: string): string {
	return stripIllegal(value)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/\t/g, '&#9;')
		.replace(/\n/g, '&#10;')
		.replace(/\r/g, '&#13;');
}

// eslint-disable-next-line no-control-regex
const ILLEGAL =
	/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function stripIllegal(value: string): string {
	return value.replace(ILLEGAL, '');
}

export function serialize(node: XNode): string {
	if (!isElement(node)) {
		if (node.cdata)
			return `<![CDATA[${stripIllegal(node.text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
		return escapeText(node.text);
	}
	const attrs = node.attrs.map(([name, value]) => ` ${name}="${escapeAttr(value)}"`).join('');
	if (node.children.length === 0)
		return node.selfClosing === false
			? `<${node.name}${attrs}></${node.name}>`
			: `<${node.name}${attrs}/>`;
	return `<${node.name}${attrs}>${node.children.map(serialize).join('')}</${node.name}>`;
}

// ---------------------------------------------------------------- building and reading

export type XChild = XNode | string | null | undefined | false;

export function el(
	name: string,
	attrs: Record<string, string | number> | Array<[string, string]> = {},
	...children: XChild[]
): XElement {
	const attrList = Array.isArray(attrs)
		? attrs
		: Object.entries(attrs).map(([key, value]): [string, string] => [key, String(value)]);
	const nodes: XNode[] = [];
	for (const child of children) {
		if (child === null || child === undefined || child === false) continue;
		nodes.push(typeof child === 'string' ? { text: child } : child);
	}
	return { name, attrs: attrList, children: nodes };
}

/** `<NAME>value</NAME>`, or `<NAME/>` for an empty value. */
export function leaf(
	name: string,
	value: string | number | undefined,
	attrs: Record<string, string | number> = {},
	cdata = false,
): XElement {
	const text = value === undefined ? '' : String(value);
	return el(name, attrs, text === '' ? null : { text, cdata });
}

export function localName(name: string): string {
	const colon = name.indexOf(':');
	return colon === -1 ? name : name.slice(colon + 1);
}

export function prefixOf(name: string): string {
	const colon = name.indexOf(':');
	return colon === -1 ? '' : name.slice(0, colon);
}

export function elements(parent: XElement, name?: string): XElement[] {
	return parent.children.filter(
		(child): child is XElement => isElement(child) && (name === undefined || child.name === name),
	);
}

export function child(parent: XElement | undefined, name: string): XElement | undefined {
	return parent === undefined ? undefined : elements(parent, name)[0];
}

/** Direct text and CDATA of an element, concatenated. */
export function textOf(node: XElement | undefined): string {
	if (node === undefined) return '';
	return node.children
		.filter((part): part is XText => !isElement(part))
		.map((part) => part.text)
		.join('');
}

export function childText(parent: XElement | undefined, name: string): string {
	return textOf(child(parent, name));
}

export function attr(node: XElement | undefined, name: string): string | undefined {
	return node?.attrs.find(([key]) => key === name)?.[1];
}

/** Replaces the text of a child element, appending the child if it is missing. CDATA is kept if it was there. */
export function setChildText(parent: XElement, name: string, value: string, cdata?: boolean): void {
	let target = child(parent, name);
	if (target === undefined) {
		target = el(name);
		parent.children.push(target);
	}
	const wasCdata = target.children.some((part) => !isElement(part) && part.cdata);
	target.children =
		value === '' && !(cdata ?? wasCdata) ? [] : [{ text: value, cdata: cdata ?? wasCdata }];
}

/** Every element below `root` (depth first, document order) with the given name. */
export function descendants(root: XElement, name: string): XElement[] {
	const found: XElement[] = [];
	const walk = (node: XElement): void => {
		for (const part of node.children) {
			if (!isElement(part)) continue;
			if (part.name === name) found.push(part);
			walk(part);
		}
	};
	walk(root);
	return found;
}
