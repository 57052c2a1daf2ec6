/**
 * Safe XML for Khaos documents and SOAP envelopes.
 *
 * Reading: a document with a DOCTYPE or ENTITY declaration is refused before any parsing (no
 * entity expansion, no external entities, no billion laughs). Only the five predefined XML entities
 * and numeric character references are decoded. Values stay strings: stock code `00123` is never
 * turned into the number 123. The result is a small element tree, so repeated elements are always
 * arrays and document order (SCS headings after their styles, say) is kept.
 *
 * Writing: every text and attribute value is escaped, and characters XML 1.0 cannot carry
 * (control characters, lone surrogates) are dropped rather than written as invalid XML.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
	/** Local name: any namespace prefix (`SOAP-ENV:`, `NS1:`) is removed. */
	readonly name: string;
	/** Attributes by local name; `xmlns` declarations are dropped. */
	readonly attributes: Readonly<Record<string, string>>;
	readonly children: readonly XmlElement[];
	/** Direct text content, CDATA included, entity-decoded and not trimmed. */
	readonly text: string;
}

/** Khaos (or something pretending to be Khaos) sent XML we will not read. */
export class KhaosXmlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'KhaosXmlError';
	}
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
};
const ENTITY_REFERENCE = /&(#[xX][0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;

function decodeEntities(text: string): string {
	return text.replace(ENTITY_REFERENCE, (reference, entity: string) => {
		const named = PREDEFINED_ENTITIES[entity];
		if (named !== undefined) return named;
		const hex = entity[1] === 'x' || entity[1] === 'X';
		const codePoint = Number.parseInt(entity.slice(hex ? 2 : 1), hex ? 16 : 10);
		return isXmlCodePoint(codePoint) ? String.fromCodePoint(codePoint) : reference;
	});
}

function isXmlCodePoint(cp: number): boolean {
	return (
		cp === 0x9 ||
		cp === 0xa ||
		cp === 0xd ||
		(cp >= 0x20 && cp <= 0xd7ff) ||
		(cp >= 0xe000 && cp <= 0xfffd) ||
		(cp >= 0x10000 && cp <= 0x10ffff)
	);
}

/** fast-xml-parser's decoder hook, limited to what XML itself predefines. */
const xmlOnlyEntityDecoder = {
	setExternalEntities: (): void => undefined,
	addInputEntities: (): void => {
		throw new KhaosXmlError('Khaos sent XML with entity declarations; refused for safety');
	},
	reset: (): void => undefined,
	setXmlVersion: (): void => undefined,
	decode: decodeEntities,
};

const parser = new XMLParser({
	preserveOrder: true,
	ignoreAttributes: false,
	attributeNamePrefix: '',
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: false,
	removeNSPrefix: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	processEntities: true,
	entityDecoder: xmlOnlyEntityDecoder,
});

const CDATA_OR_COMMENT = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g;

/** A DOCTYPE or ENTITY declaration outside CDATA and comments (HTML in a CDATA description is fine). */
function assertNoDeclarations(text: string): void {
	const markup = text.replace(CDATA_OR_COMMENT, '');
	if (/<!DOCTYPE/i.test(markup))
		throw new KhaosXmlError('Khaos sent XML with a DOCTYPE; refused for safety');
	if (/<!ENTITY/i.test(markup))
		throw new KhaosXmlError('Khaos sent XML with an ENTITY declaration; refused for safety');
}

/** Parses one XML document and returns its root element. Throws KhaosXmlError when unsafe or not well-formed. */
export function parseXml(text: string): XmlElement {
	const source = text.replace(/^\uFEFF/, '');
	assertNoDeclarations(source);
	const validation = XMLValidator.validate(source);
	if (validation !== true) {
		const { msg, line } = validation.err;
		throw new KhaosXmlError(`Khaos sent XML that is not well-formed (line ${line}: ${msg})`);
	}
	const roots = toElements(parser.parse(source) as OrderedNode[]);
	if (roots.length !== 1)
		throw new KhaosXmlError(`Khaos sent XML with ${roots.length} root elements; expected one`);
	return roots[0];
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElements(nodes: readonly OrderedNode[]): XmlElement[] {
	const elements: XmlElement[] = [];
	for (const node of nodes) {
		const name = Object.keys(node).find((key) => key !== ':@');
		if (name === undefined || name === '#text') continue;
		const content = node[name] as OrderedNode[];
		elements.push({
			name,
			attributes: { ...(node[':@'] ?? {}) },
			children: toElements(content),
			text: content
				.map((part) => (typeof part['#text'] === 'string' ? part['#text'] : ''))
				.join(''),
		});
	}
	return elements;
}

// ---- reading helpers ----

export function childElement(parent: XmlElement | undefined, name: string): XmlElement | undefined {
	return parent?.children.find((element) => element.name === name);
}

export function childElements(parent: XmlElement | undefined, name: string): XmlElement[] {
	return parent ? parent.children.filter((element) => element.name === name) : [];
}

/** Trimmed text of the first child called `name`; '' when absent or empty. */
export function childText(parent: XmlElement | undefined, name: string): string {
	return childElement(parent, name)?.text.trim() ?? '';
}

/** Trimmed attribute value; '' when absent. */
export function attribute(element: XmlElement | undefined, name: string): string {
	return element?.attributes[name]?.trim() ?? '';
}

/** Every element called `name` at any depth below `root` (root included), in document order. */
export function descendants(root: XmlElement, name: string): XmlElement[] {
	const found: XmlElement[] = [];
	const visit = (element: XmlElement): void => {
		if (element.name === name) found.push(element);
		element.children.forEach(visit);
	};
	visit(root);
	return found;
}

// ---- writing ----

export type XmlContent = XmlNode | string | number | null | undefined;

export interface XmlNode {
	readonly name: string;
	readonly attributes?: Readonly<Record<string, string | number | undefined>>;
	readonly content: readonly XmlContent[];
}

/**
 * One element for buildXml. `content` is text (string or number) or child elements; null and
 * undefined are skipped, so optional children can be written inline.
 */
export function xmlElement(
	name: string,
	content: XmlContent | readonly XmlContent[] = [],
	attributes?: XmlNode['attributes'],
): XmlNode {
	return { name, attributes, content: Array.isArray(content) ? content : [content as XmlContent] };
}

/** The element, or nothing when the value is blank. */
export function optionalElement(name: string, value: string): XmlNode | undefined {
	return value === '' ? undefined : xmlElement(name, value);
}

const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Drops characters XML 1.0 cannot represent (NUL and other controls, lone surrogates, U+FFFE/FFFF). */
export function stripInvalidXmlChars(value: string): string {
	return value.replace(INVALID_XML_CHARS, '');
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&apos;',
	'\r': '&#13;',
};
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
	...TEXT_ESCAPES,
	'\t': '&#9;',
	'\n': '&#10;',
};

/** Escapes text content. `>` is escaped too, so `]]>` can never end up in the output. */
export function escapeXmlText(value: string): string {
	return stripInvalidXmlChars(value).replace(/[&<>"'\r]/g, (char) => TEXT_ESCAPES[char]);
}

/** Escapes an attribute value, including whitespace that attribute normalisation would otherwise flatten. */
export function escapeXmlAttribute(value: string): string {
	return stripInvalidXmlChars(value).replace(/[&<>"'\r\n\t]/g, (char) => ATTRIBUTE_ESCAPES[char]);
}

const XML_NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

function assertXmlName(name: string): void {
	if (!XML_NAME.test(name)) throw new Error(`"${name}" is not a valid XML name`);
}

function serialize(node: XmlNode): string {
	assertXmlName(node.name);
	const attributes = Object.entries(node.attributes ?? {})
		.filter((entry): entry is [string, string | number] => entry[1] !== undefined)
		.map(([name, value]) => {
			assertXmlName(name);
			return ` ${name}="${escapeXmlAttribute(String(value))}"`;
		})
		.join('');
	const inner = node.content
		.map((part) => {
			if (part === null || part === undefined) return '';
			if (typeof part === 'object') return serialize(part);
			return escapeXmlText(String(part));
		})
		.join('');
	return inner === ''
		? `<${node.name}${attributes}/>`
		: `<${node.name}${attributes}>${inner}</${node.name}>`;
}

/** Serialises an element tree; with `declaration` (the default) it starts with `<?xml version="1.0" encoding="utf-8"?>`. */
export function buildXml(root: XmlNode, options: { declaration?: boolean } = {}): string {
	const declaration = options.declaration ?? true;
	return (declaration ? '<?xml version="1.0" encoding="utf-8"?>' : '') + serialize(root);
}
