/** The sandbox pages of the fakes: readable tables, every value escaped. */
import { startFakeDotdigital } from '../../fakes/dotdigital';
import { startFakeKhaos } from '../../fakes/khaos';

test("the Dotdigital stand-in's page lists contacts with status, lists and consent, and escapes what was sent", async () => {
	const fake = await startFakeDotdigital({ importMs: 10 });
	try {
		fake.addContact({
			identifiers: { email: 'ann@example.com' },
			status: 'unsubscribed',
			dataFields: { FIRSTNAME: '<script>alert("x")</script>' },
		});
		const response = await fetch(`${fake.adminUrl}page`);
		expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
		const html = await response.text();
		expect(html).toContain('<h2>Contacts (1)</h2>');
		expect(html).toContain('<td>ann@example.com</td>');
		expect(html).toContain('<td>unsubscribed</td>');
		expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
		expect(html).not.toContain('<script>');
	} finally {
		await fake.stop();
	}
});

test("the Khaos stand-in's page lists orders and stock", async () => {
	const fake = await startFakeKhaos();
	try {
		const html = await (await fetch(`${fake.baseUrl}/__admin/page`)).text();
		expect(html).toContain('<h2>Sales orders (0)</h2>');
		expect(html).toMatch(/<h2>Stock \(\d+\)<\/h2>/);
		expect(html).not.toMatch(/<script/i);
	} finally {
		await fake.stop();
	}
});
