import fs from 'node:fs';

import {
	KhaosXmlError,
	buildXml,
	childElement,
	escapeXmlText,
	parseXml,
	stripInvalidXmlChars,
	xmlElement,
} from '../../../lib/khaos/xml';

function roundTrip(value: string): { text: string; attribute: string } {
	const xml = buildXml(xmlElement('ROOT', xmlElement('VALUE', value, { NAME: value })));
	const element = childElement(parseXml(xml), 'VALUE');
	return { text: element?.text ?? '', attribute: element?.attributes.NAME ?? '' };
}

describe('buildXml and parseXml round trips', () => {
	it.each([
		["O'Brien <&>"],
		['a ]]> b'],
		['<![CDATA[ not a section ]]>'],
		['£12.99 – café 😀 日本'],
		['"double" and \'single\' quotes'],
		['tab\there\nnew line'],
	])('%j survives as text and as an attribute', (value) => {
		expect(roundTrip(value)).toEqual({ text: value, attribute: value });
	});

	it('never writes the sequence ]]> or raw markup characters', () => {
		const xml = buildXml(xmlElement('A', "x]]>y <b>&c</b> O'Brien"), { declaration: false });
		expect(xml).toBe('<A>x]]&gt;y &lt;b&gt;&amp;c&lt;/b&gt; O&apos;Brien</A>');
	});

	it('drops characters XML 1.0 cannot carry instead of writing invalid XML', () => {
		const value = 'ab\u0000c\u0001d\u0008e\u001Ff\uFFFEg\uD800h';
		expect(stripInvalidXmlChars(value)).toBe('abcdefgh');
		const xml = buildXml(xmlElement('A', value, { B: value }));
		expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
		expect(roundTrip(value)).toEqual({ text: 'abcdefgh', attribute: 'abcdefgh' });
	});

	it('writes empty elements self-closed and leaves out null children and undefined attributes', () => {
		const xml = buildXml(
			xmlElement('A', [xmlElement('B'), null, undefined, xmlElement('C', 0)], {
				X: undefined,
				Y: 1,
			}),
			{ declaration: false },
		);
		expect(xml).toBe('<A Y="1"><B/><C>0</C></A>');
	});

	it('refuses element names that are not XML names', () => {
		expect(() => buildXml(xmlElement('A B', 'x'))).toThrow('not a valid XML name');
		expect(() => buildXml(xmlElement('A', 'x', { 'x="1" y': 'z' }))).toThrow(
			'not a valid XML name',
		);
	});

	it('escapes text with escapeXmlText on its own too', () => {
		expect(escapeXmlText("O'Brien <&>")).toBe('O&apos;Brien &lt;&amp;&gt;');
	});
});

describe('parseXml', () => {
	it('keeps values as strings: stock codes keep their leading zeros', () => {
		const root = parseXml(
			'<ITEM><STOCK_CODE>00123</STOCK_CODE><PRICE>5.10</PRICE><FLAG>-1</FLAG></ITEM>',
		);
		expect(root.children.map((child) => child.text)).toEqual(['00123', '5.10', '-1']);
	});

	it('decodes the five XML entities and numeric references, once, and nothing else', () => {
		const root = parseXml(
			'<A B="&#163;&amp;">&lt;&gt;&amp;&quot;&apos; &#163; &#xA3; &#x1F600; &#38;lt; &pound;</A>',
		);
		expect(root.text).toBe('<>&"\' £ £ 😀 &lt; &pound;');
		expect(root.attributes.B).toBe('£&');
	});

	it('reads CDATA as text without decoding it', () => {
		expect(parseXml('<A><![CDATA[*5 Heel & <b>bold</b>]]></A>').text).toBe('*5 Heel & <b>bold</b>');
	});

	it('drops namespace prefixes from element and attribute names', () => {
		const root = parseXml(
			'<SOAP-ENV:Envelope xmlns:SOAP-ENV="x"><SOAP-ENV:Body><NS1:R xsi:type="t"/></SOAP-ENV:Body></SOAP-ENV:Envelope>',
		);
		expect(root.name).toBe('Envelope');
		expect(childElement(childElement(root, 'Body'), 'R')?.attributes).toEqual({ type: 't' });
	});

	it('skips a byte order mark, the declaration and comments', () => {
		const root = parseXml(
			'\uFEFF<?xml version="1.0" encoding="utf-8"?><!-- c --><A><!-- d --><B>x</B></A>',
		);
		expect(root.children.map((child) => child.name)).toEqual(['B']);
	});

	it('refuses XML that is not well-formed', () => {
		expect(() => parseXml('<A><B></A>')).toThrow(KhaosXmlError);
		expect(() => parseXml('<A>x</A><B/>')).toThrow(KhaosXmlError);
		expect(() => parseXml('')).toThrow(KhaosXmlError);
	});
});

describe('parseXml refuses DOCTYPE and ENTITY declarations', () => {
	const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>`;
	const externalEntity = `<?xml version="1.0"?>
<!DOCTYPE STOCK_ITEMS [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<STOCK_ITEMS><STOCK_ITEM><STOCK_DESC>&xxe;</STOCK_DESC></STOCK_ITEM></STOCK_ITEMS>`;

	afterEach(() => jest.restoreAllMocks());

	it('refuses billion laughs with a clear message', () => {
		expect(() => parseXml(billionLaughs)).toThrow(
			'Khaos sent XML with a DOCTYPE; refused for safety',
		);
	});

	it('refuses an external entity without reading the file', () => {
		const spies = [
			jest.spyOn(fs, 'readFileSync'),
			jest.spyOn(fs, 'openSync'),
			jest.spyOn(fs, 'readFile'),
			jest.spyOn(fs, 'createReadStream'),
		];
		let message = '';
		try {
			parseXml(externalEntity);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toBe('Khaos sent XML with a DOCTYPE; refused for safety');
		expect(message).not.toContain('root:');
		for (const spy of spies) expect(spy).not.toHaveBeenCalled();
	});

	it('refuses a DOCTYPE in any case, and a stray ENTITY declaration', () => {
		expect(() => parseXml('<!doctype a><a/>')).toThrow(KhaosXmlError);
		expect(() => parseXml('<a><!ENTITY x "y"></a>')).toThrow(
			'ENTITY declaration; refused for safety',
		);
		expect(() => parseXml('<a/><!DOCTYPE a>')).toThrow('DOCTYPE; refused for safety');
	});

	it('still reads a description whose CDATA holds an HTML DOCTYPE', () => {
		const root = parseXml('<LONG_DESC><![CDATA[<!DOCTYPE html><p>Hi</p>]]></LONG_DESC>');
		expect(root.text).toBe('<!DOCTYPE html><p>Hi</p>');
	});
});
