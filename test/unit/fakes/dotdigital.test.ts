/**
 * The fake Dotdigital, driven with plain fetch and JSON written by hand from the OpenAPI files and
 * notes in /work/shared/reference/dotdigital (deliberately not through lib/dotdigital).
 */
import { startFakeDotdigital } from '../../fakes/dotdigital';
import type { FakeDotdigital, FakeDotdigitalOptions } from '../../fakes/dotdigital';
import { main } from '../../fakes/dotdigital/main';

interface Answer {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

interface CallOptions {
	region?: 'r1' | 'r2' | 'r3';
	auth?: string | null;
	contentType?: string;
	raw?: string;
}

const START = Date.parse('2024-05-01T10:00:00.000Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const basic = (user: string, password: string): string =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function call(
	fake: FakeDotdigital,
	method: string,
	path: string,
	body?: unknown,
	options: CallOptions = {},
): Promise<Answer> {
	const headers: Record<string, string> = {};
	const auth = options.auth === undefined ? basic(fake.user, fake.password) : options.auth;
	if (auth !== null) headers.Authorization = auth;
	const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
	if (payload !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
	const response = await fetch(`${fake.regionUrl(options.region ?? fake.region)}${path}`, {
		method,
		headers,
		body: payload,
	});
	const text = await response.text();
	let json: unknown;
	try {
		json = text === '' ? undefined : JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

/** A clock the test moves by hand. */
function manualClock(): { clock: () => Date; advance(ms: number): void } {
	let now = START;
	return {
		clock: () => new Date(now),
		advance: (ms) => {
			now += ms;
		},
	};
}

async function withFake<T>(
	options: FakeDotdigitalOptions,
	run: (fake: FakeDotdigital) => Promise<T>,
): Promise<T> {
	const fake = await startFakeDotdigital(options);
	try {
		return await run(fake);
	} finally {
		await fake.stop();
	}
}

const patch = (
	fake: FakeDotdigital,
	email: string,
	body: unknown,
	merge?: string,
): Promise<Answer> =>
	call(
		fake,
		'PATCH',
		`/contacts/v3/email/${encodeURIComponent(email)}${merge === undefined ? '' : `?merge-option=${merge}`}`,
		body,
	);

const consent = (text: string): Record<string, string> => ({
	text,
	dateTimeConsented: '2024-04-30T09:15:00Z',
	url: 'https://shop.example/till/3',
	ipAddress: '192.0.2.10',
	userAgent: 'POS till 3',
});

describe('fake Dotdigital API', () => {
	let fake: FakeDotdigital;
	let time: ReturnType<typeof manualClock>;

	beforeAll(async () => {
		time = manualClock();
		fake = await startFakeDotdigital({
			clock: time.clock,
			importMs: 1000,
			seed: {
				dataFields: [
					{ name: 'FIRSTNAME', type: 'String', visibility: 'Public', defaultValue: null },
					{ name: 'LASTNAME', type: 'String', visibility: 'Public', defaultValue: null },
					{ name: 'POSTCODE', type: 'String', visibility: 'Public', defaultValue: null },
					{ name: 'LOYALTY_POINTS', type: 'Numeric', visibility: 'Private', defaultValue: null },
					{ name: 'LAST_PURCHASE', type: 'Date', visibility: 'Private', defaultValue: null },
					{ name: 'VIP', type: 'Boolean', visibility: 'Private', defaultValue: false },
				],
				contacts: [
					{
						identifiers: { email: 'Existing@Example.com' },
						dataFields: { FIRSTNAME: 'Ann', LASTNAME: 'Smith' },
					},
				],
				globallySuppressed: ['spamtrap@example.com'],
			},
		});
	});
	afterAll(async () => {
		await fake.stop();
	});
	beforeEach(() => fake.reset());

	describe('regions, auth and routing', () => {
		test('a call without credentials, or with wrong ones, is a 401: v3 with no body, v2 with its message', async () => {
			const missing = await call(fake, 'GET', '/v2/data-fields', undefined, { auth: null });
			expect(missing.status).toBe(401);
			expect(missing.json).toEqual({ message: 'Authorization has been denied for this request.' });
			const wrong = await call(
				fake,
				'GET',
				'/contacts/v3/email/existing%40example.com',
				undefined,
				{ auth: basic(fake.user, 'not-it') },
			);
			expect(wrong.status).toBe(401);
			expect(wrong.text).toBe('');
			expect(fake.calls().map((record) => record.status)).toEqual([401, 401]);
		});

		test('URLs name the account region; unknown paths are a JSON 404', async () => {
			expect(fake.baseUrl).toBe(`${fake.rootUrl}/r1`);
			expect(fake.regionUrl('r3')).toBe(`${fake.rootUrl}/r3`);
			expect(fake.adminUrl).toBe(`${fake.rootUrl}/__admin/`);
			const unknown = await call(fake, 'GET', '/contacts/v9/nothing');
			expect(unknown.status).toBe(404);
			expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
			const noRegion = await fetch(`${fake.rootUrl}/v2/account-info`, {
				headers: { Authorization: basic(fake.user, fake.password) },
			});
			expect(noRegion.status).toBe(404);
		});

		test('an r2 account: other regions answer 403, but account-info answers on r1 and names r2', async () => {
			await withFake({ region: 'r2' }, async (r2) => {
				expect(r2.baseUrl).toBe(`${r2.rootUrl}/r2`);
				const wrong = await call(r2, 'GET', '/v2/data-fields', undefined, { region: 'r1' });
				expect(wrong.status).toBe(403);
				expect(wrong.json).toEqual({ message: 'Forbidden: Access is denied' });
				expect(
					(await call(r2, 'PATCH', '/contacts/v3/email/a%40example.com', {}, { region: 'r3' }))
						.status,
				).toBe(403);
				expect((await call(r2, 'GET', '/v2/data-fields')).status).toBe(200);

				const info = await call(r2, 'GET', '/v2/account-info', undefined, { region: 'r1' });
				expect(info.status).toBe(200);
				const properties = info.json.properties as Array<{
					name: string;
					type: string;
					value: string;
				}>;
				expect(properties.find((property) => property.name === 'ApiEndpoint')).toEqual({
					name: 'ApiEndpoint',
					type: 'String',
					value: `${r2.rootUrl}/r2/`,
				});
				expect(properties.map((property) => property.name)).toEqual(
					expect.arrayContaining(['Name', 'MainEmail', 'ApiCallsRemaining', 'ApiCallsInLastHour']),
				);
				expect((await call(r2, 'GET', '/v2/account-info')).status).toBe(200);
				expect(
					(await call(r2, 'GET', '/v2/account-info', undefined, { region: 'r3' })).status,
				).toBe(403);
			});
		});

		test('bodies must be JSON: bad JSON is a 400 in the v3 or v2 shape, another media type a 415', async () => {
			const v3 = await call(fake, 'PATCH', '/contacts/v3/email/a%40example.com', undefined, {
				raw: '{"identifiers":',
			});
			expect(v3.status).toBe(400);
			expect(v3.json).toEqual({
				errorCode: 'contacts:badJson',
				description: 'The request JSON is badly formed',
			});
			const insight = await call(fake, 'PUT', '/insightData/v3/import', undefined, { raw: 'nope' });
			expect(insight.json.errorCode).toBe('insightData:badJson');
			const v2 = await call(fake, 'POST', '/v2/data-fields', undefined, { raw: '{name' });
			expect(v2.status).toBe(400);
			expect(v2.json.message).toMatch(/ ERROR_[A-Z_]+$/);
			const text = await call(fake, 'PATCH', '/contacts/v3/email/a%40example.com', undefined, {
				raw: '{}',
				contentType: 'text/plain;charset=UTF-8',
			});
			expect(text.status).toBe(415);
			expect(fake.contacts().map((contact) => contact.identifiers.email)).toEqual([
				'existing@example.com',
				'spamtrap@example.com',
			]);
		});

		test('a body over 50 MB is refused with 413 and a later call still works', async () => {
			const big = '{"contacts":["' + 'x'.repeat(50 * 1024 * 1024) + '"]}';
			const answer = await call(fake, 'PUT', '/contacts/v3/import', undefined, { raw: big });
			expect(answer.status).toBe(413);
			const record = fake.calls()[0];
			expect(record.status).toBe(413);
			expect(record.bytes).toBeGreaterThan(50 * 1024 * 1024);
			expect(fake.activeImports().contacts).toBe(0);
			expect((await call(fake, 'GET', '/v2/data-fields')).status).toBe(200);
		}, 60_000);
	});

	describe('data fields (v2)', () => {
		test('a new account has the default fields', async () => {
			await withFake({}, async (plain) => {
				const answer = await call(plain, 'GET', '/v2/data-fields');
				expect(answer.json).toEqual([
					{ name: 'FIRSTNAME', type: 'String', visibility: 'Public', defaultValue: null },
					{ name: 'LASTNAME', type: 'String', visibility: 'Public', defaultValue: null },
					{ name: 'FULLNAME', type: 'String', visibility: 'Public', defaultValue: null },
					{ name: 'GENDER', type: 'String', visibility: 'Public', defaultValue: null },
					{ name: 'POSTCODE', type: 'String', visibility: 'Public', defaultValue: null },
					{ name: 'LASTSUBSCRIBED', type: 'Date', visibility: 'Public', defaultValue: null },
				]);
			});
		});

		test('creates a field (201), refuses a duplicate in any case and bad names or types', async () => {
			const created = await call(fake, 'POST', '/v2/data-fields', {
				name: 'STORE_ID',
				type: 'Numeric',
				visibility: 'Public',
			});
			expect(created.status).toBe(201);
			expect(created.json).toEqual({
				name: 'STORE_ID',
				type: 'Numeric',
				visibility: 'Public',
				defaultValue: null,
			});
			const privateByDefault = await call(fake, 'POST', '/v2/data-fields', {
				name: 'LAST-STORE',
				type: 'String',
			});
			expect(privateByDefault.json.visibility).toBe('Private');
			const listed = (await call(fake, 'GET', '/v2/data-fields')).json as Array<{ name: string }>;
			expect(listed.map((field) => field.name)).toEqual(
				expect.arrayContaining(['STORE_ID', 'LAST-STORE']),
			);
			expect(fake.dataFields().find((field) => field.name === 'STORE_ID')?.type).toBe('Numeric');

			const duplicate = await call(fake, 'POST', '/v2/data-fields', {
				name: 'store_id',
				type: 'String',
				visibility: 'Public',
			});
			expect(duplicate.status).toBe(400);
			expect(duplicate.json).toEqual({
				message: 'Field already exists. ERROR_NON_UNIQUE_DATAFIELD',
			});
			for (const name of ['A'.repeat(21), 'HAS SPACE', 'DOT.TED', '']) {
				const bad = await call(fake, 'POST', '/v2/data-fields', {
					name,
					type: 'String',
					visibility: 'Public',
				});
				expect(bad.status).toBe(400);
				expect(bad.json.message).toMatch(/ ERROR_DATAFIELD_INVALID$/);
			}
			const badType = await call(fake, 'POST', '/v2/data-fields', {
				name: 'OK_NAME',
				type: 'Text',
				visibility: 'Public',
			});
			expect(badType.status).toBe(400);
			expect(badType.json.message).toMatch(/ ERROR_DATAFIELD_INVALID$/);
			expect(fake.dataFields().some((field) => field.name === 'OK_NAME')).toBe(false);
		});
	});

	describe('contacts (v3)', () => {
		test('PATCH creates (201) then updates (200); emails are trimmed and lowercased', async () => {
			const created = await patch(fake, ' Jo.Bloggs@Example.COM ', {
				identifiers: { email: 'Jo.Bloggs@Example.COM', mobileNumber: '447700900123' },
				dataFields: {
					firstname: 'Jo',
					LOYALTY_POINTS: '12',
					VIP: 'true',
					LAST_PURCHASE: '2024-04-30T09:15:00Z',
				},
				channelProperties: { email: { emailType: 'html', optInType: 'single' } },
				lists: [2],
			});
			expect(created.status).toBe(201);
			expect(created.json).toMatchObject({
				status: 'subscribed',
				identifiers: { email: 'jo.bloggs@example.com', mobileNumber: '447700900123' },
				dataFields: {
					FIRSTNAME: 'Jo',
					LASTNAME: null,
					POSTCODE: null,
					LOYALTY_POINTS: 12,
					VIP: true,
					LAST_PURCHASE: '2024-04-30T09:15:00Z',
				},
				channelProperties: {
					email: { emailType: 'Html', optInType: 'Single', status: 'subscribed' },
				},
				lists: [{ id: 2, name: 'POS customers', status: 'subscribed' }],
			});
			expect(typeof created.json.contactId).toBe('number');

			const updated = await patch(fake, 'JO.BLOGGS@example.com', {
				dataFields: { LASTNAME: 'Bloggs' },
			});
			expect(updated.status).toBe(200);
			expect(updated.json.contactId).toBe(created.json.contactId);
			expect(updated.json.dataFields).toMatchObject({ FIRSTNAME: 'Jo', LASTNAME: 'Bloggs' });
			expect(fake.contacts()).toHaveLength(3);
			expect(fake.contact('email', 'Jo.Bloggs@example.com')?.identifiers.email).toBe(
				'jo.bloggs@example.com',
			);
			expect(fake.contact('mobileNumber', '447700900123')?.contactId).toBe(created.json.contactId);

			const got = await call(
				fake,
				'GET',
				`/contacts/v3/email/${encodeURIComponent('JO.bloggs@EXAMPLE.com')}`,
			);
			expect(got.status).toBe(200);
			expect(got.json.contactId).toBe(created.json.contactId);
			expect(
				(await call(fake, 'GET', `/contacts/v3/contactId/${created.json.contactId}`)).json
					.identifiers.email,
			).toBe('jo.bloggs@example.com');
		});

		test('merge-option overwrite: null clears a field and "" empties it', async () => {
			const answer = await patch(
				fake,
				'existing@example.com',
				{ dataFields: { FIRSTNAME: null, LASTNAME: '' } },
				'overwrite',
			);
			expect(answer.status).toBe(200);
			expect(answer.json.dataFields).toMatchObject({ FIRSTNAME: null, LASTNAME: '' });
			expect(fake.contact('email', 'existing@example.com')?.dataFields).toEqual({ LASTNAME: '' });
		});

		test('merge-option overwrite-if-not-empty ignores null and "" values', async () => {
			const answer = await patch(
				fake,
				'existing@example.com',
				{ dataFields: { FIRSTNAME: 'Anne', LASTNAME: null, POSTCODE: '' } },
				'overwrite-if-not-empty',
			);
			expect(answer.json.dataFields).toMatchObject({
				FIRSTNAME: 'Anne',
				LASTNAME: 'Smith',
				POSTCODE: null,
			});
		});

		test('merge-option overwrite-if-empty only fills empty fields', async () => {
			const answer = await patch(
				fake,
				'existing@example.com',
				{ dataFields: { FIRSTNAME: 'Anne', POSTCODE: 'NG31 6LJ' } },
				'overwrite-if-empty',
			);
			expect(answer.json.dataFields).toMatchObject({
				FIRSTNAME: 'Ann',
				LASTNAME: 'Smith',
				POSTCODE: 'NG31 6LJ',
			});
			expect((await patch(fake, 'existing@example.com', {}, 'replace')).status).toBe(400);
		});

		test('identifier and data-field problems are 400s named after them', async () => {
			const unknownField = await patch(fake, 'a@example.com', { dataFields: { SHOE_SIZE: 9 } });
			expect(unknownField.status).toBe(400);
			expect(unknownField.json.errorCode).toBe('contacts:dataFieldNotFound');
			const notNumber = await patch(fake, 'a@example.com', {
				dataFields: { LOYALTY_POINTS: 'lots' },
			});
			expect(notNumber.json.errorCode).toBe('contacts:invalidDataFieldValue');
			const notDate = await patch(fake, 'a@example.com', {
				dataFields: { LAST_PURCHASE: '30/04/2024' },
			});
			expect(notDate.json.errorCode).toBe('contacts:invalidDataFieldValue');
			const tooLong = await patch(fake, 'a@example.com', {
				dataFields: { FIRSTNAME: 'x'.repeat(256) },
			});
			expect(tooLong.json.errorCode).toBe('contacts:invalidDataFieldValue');
			const badPath = await call(fake, 'PATCH', '/contacts/v3/email/bob%40bad%40io.com', {});
			expect(badPath.status).toBe(400);
			expect(badPath.json.errorCode).toBe('contacts:invalidId');
			const plusMobile = await call(
				fake,
				'PATCH',
				`/contacts/v3/mobileNumber/${encodeURIComponent('+447700900123')}`,
				{},
			);
			expect(plusMobile.json.errorCode).toBe('contacts:invalidId');
			const badMobile = await patch(fake, 'a@example.com', {
				identifiers: { mobileNumber: '07700 900123' },
			});
			expect(badMobile.json.errorCode).toBe('contacts:invalidPhoneNumber');
			const unknownList = await patch(fake, 'a@example.com', { lists: [999] });
			expect(unknownList.json.errorCode).toBe('contacts:listNotFound');
			expect(fake.contact('email', 'a@example.com')).toBeUndefined();
		});

		test('a v3 email status in a PATCH is applied: it resubscribes an unsubscribed or suppressed contact', async () => {
			fake.addContact({ identifiers: { email: 'gone@example.com' }, status: 'unsubscribed' });
			fake.addContact({
				identifiers: { email: 'blocked@example.com' },
				channelProperties: {
					email: { status: 'suppressed', optInType: 'Single', emailType: 'Html' },
				},
			});
			const noStatus = await patch(fake, 'gone@example.com', { dataFields: { FIRSTNAME: 'Gone' } });
			expect(noStatus.status).toBe(200);
			expect(noStatus.json.status).toBe('unsubscribed');
			expect(noStatus.json.channelProperties.email.status).toBe('unsubscribed');

			const resubscribed = await patch(fake, 'gone@example.com', {
				channelProperties: { email: { status: 'subscribed' } },
			});
			expect(resubscribed.json.status).toBe('subscribed');
			expect(fake.contact('email', 'gone@example.com')?.channelProperties.email.status).toBe(
				'subscribed',
			);
			expect(
				(
					await patch(fake, 'blocked@example.com', {
						channelProperties: { email: { status: 'subscribed' } },
					})
				).json.status,
			).toBe('subscribed');
		});

		test('consent records are appended, at most 5 per request, and must be complete', async () => {
			await patch(fake, 'existing@example.com', { consentRecords: [consent('Yes please')] });
			const second = await patch(fake, 'existing@example.com', {
				consentRecords: [consent('Still yes')],
			});
			expect(second.json.consentRecords.map((record: { text: string }) => record.text)).toEqual([
				'Yes please',
				'Still yes',
			]);
			expect(second.json.consentRecords[0].dateTimeCreated).toBe(new Date(START).toISOString());
			const six = await patch(fake, 'existing@example.com', {
				consentRecords: Array.from({ length: 6 }, (_, index) => consent(`c${index}`)),
			});
			expect(six.status).toBe(400);
			const nullText = await patch(fake, 'existing@example.com', {
				consentRecords: [{ ...consent('x'), text: null }],
			});
			expect(nullText.status).toBe(400);
			expect(fake.contact('email', 'existing@example.com')?.consentRecords).toHaveLength(2);
		});

		test('changing an email moves the contact; taking another contact’s email is a 409', async () => {
			fake.addContact({ identifiers: { email: 'other@example.com' } });
			const moved = await patch(fake, 'existing@example.com', {
				matchIdentifier: 'email',
				identifiers: { email: 'New@Example.com' },
			});
			expect(moved.status).toBe(200);
			expect(moved.json.identifiers.email).toBe('new@example.com');
			expect((await call(fake, 'GET', '/contacts/v3/email/existing%40example.com')).status).toBe(
				404,
			);
			const clash = await patch(fake, 'new@example.com', {
				identifiers: { email: 'other@example.com' },
			});
			expect(clash.status).toBe(409);
			expect(clash.json.errorCode).toBe('contacts:idAlreadyExists');
			expect(fake.contacts()).toHaveLength(3);
		});

		test('POST only creates (409 when the contact exists); GET of an unknown contact is a 404', async () => {
			const created = await call(fake, 'POST', '/contacts/v3', {
				identifiers: { email: 'fresh@example.com' },
				dataFields: { FIRSTNAME: 'Fresh' },
			});
			expect(created.status).toBe(201);
			expect(created.json.status).toBe('subscribed');
			const again = await call(fake, 'POST', '/contacts/v3', {
				identifiers: { email: 'FRESH@example.com' },
			});
			expect(again.status).toBe(409);
			expect(again.json.errorCode).toBe('contacts:idAlreadyExists');
			const missing = await call(fake, 'GET', '/contacts/v3/email/nobody%40example.com');
			expect(missing.status).toBe(404);
			expect(missing.json).toMatchObject({
				errorCode: 'contacts:contactNotFound',
				details: [{ item: 'nobody@example.com' }],
			});
		});

		test('GET /contacts/v3 pages through contacts in contactId order', async () => {
			for (let index = 0; index < 5; index += 1)
				fake.addContact({ identifiers: { email: `page${index}@example.com` } });
			const first = await call(fake, 'GET', '/contacts/v3?limit=4&data-fields=FIRSTNAME');
			expect(first.json._items).toHaveLength(4);
			expect(first.json._items[0]).toMatchObject({
				identifiers: { email: 'existing@example.com' },
				dataFields: { FIRSTNAME: 'Ann' },
			});
			const next = await call(
				fake,
				'GET',
				`/contacts/v3?limit=4&marker=${encodeURIComponent(first.json._links.next.marker)}`,
			);
			expect(
				next.json._items.map((item: { identifiers: { email: string } }) => item.identifiers.email),
			).toEqual(['page2@example.com', 'page3@example.com', 'page4@example.com']);
			expect(next.json._links.next).toBeUndefined();
		});

		test('a full last page still links on, to an empty page; ~created and ~modified together are refused', async () => {
			for (let index = 0; index < 2; index += 1)
				fake.addContact({ identifiers: { email: `full${index}@example.com` } });
			const first = await call(fake, 'GET', '/contacts/v3?limit=4');
			expect(first.json._items).toHaveLength(4);
			const empty = await call(
				fake,
				'GET',
				`/contacts/v3?limit=4&marker=${encodeURIComponent(first.json._links.next.marker)}`,
			);
			expect(empty.json).toMatchObject({ _items: [] });
			expect(empty.json._links.next).toBeUndefined();
			const both = await call(
				fake,
				'GET',
				'/contacts/v3?~created=gte::2024-01-01T00:00:00Z&~modified=gte::2024-01-01T00:00:00Z',
			);
			expect(both).toMatchObject({ status: 400, json: { errorCode: 'contacts:invalidFilter' } });
		});
	});

	describe('contact imports (v3)', () => {
		const importBody = (contacts: unknown[], mergeOption?: string): unknown =>
			mergeOption === undefined ? { contacts } : { mergeOption, contacts };

		test('NotFinished until importMs has passed, then Finished with created, updated, failures and summary', async () => {
			const accepted = await call(
				fake,
				'PUT',
				'/contacts/v3/import',
				importBody([
					{
						matchIdentifier: 'email',
						identifiers: { email: 'New.One@Example.com' },
						dataFields: { FIRSTNAME: 'New' },
						lists: [1],
					},
					{
						matchIdentifier: 'email',
						identifiers: { email: 'existing@example.com' },
						dataFields: { LASTNAME: 'Smythe' },
					},
					{ matchIdentifier: 'email', identifiers: { email: 'bob@emailsim@io.com' } },
					{
						matchIdentifier: 'email',
						identifiers: { email: 'new.one@example.com' },
						dataFields: { FIRSTNAME: 'Second' },
					},
					{ matchIdentifier: 'mobileNumber', identifiers: { email: 'nomobile@example.com' } },
					{
						matchIdentifier: 'email',
						identifiers: { email: 'field@example.com' },
						dataFields: { SHOE_SIZE: 9 },
					},
					{
						matchIdentifier: 'email',
						identifiers: { email: 'points@example.com' },
						dataFields: { LOYALTY_POINTS: 'many' },
					},
				]),
			);
			expect(accepted.status).toBe(202);
			expect(accepted.json.importId).toMatch(UUID);
			const statusPath = `/contacts/v3/import/${accepted.json.importId}`;

			expect((await call(fake, 'GET', statusPath)).json).toEqual({
				importId: accepted.json.importId,
				status: 'NotFinished',
			});
			expect(fake.contact('email', 'new.one@example.com')).toBeUndefined();
			expect(fake.activeImports()).toEqual({ contacts: 1, insight: 0 });

			time.advance(1000);
			const finished = (await call(fake, 'GET', statusPath)).json;
			expect(finished.status).toBe('Finished');
			expect(finished.summary).toEqual({
				newContacts: 1,
				updatedContacts: 1,
				globallySuppressed: 0,
				invalidEntries: 4,
				duplicateIdentifiers: 1,
			});
			const newOne = fake.contact('email', 'new.one@example.com')!;
			expect(finished.created).toEqual([
				{ contactId: newOne.contactId, identifiers: { email: 'new.one@example.com' } },
			]);
			expect(finished.updated).toEqual([
				{
					contactId: fake.contact('email', 'existing@example.com')!.contactId,
					identifiers: { email: 'existing@example.com' },
				},
			]);
			const codes = (
				finished.failures as Array<{
					identifiers: { email: string };
					failures: Array<{ failureCode: string }>;
				}>
			).map((failure) => [failure.identifiers.email, failure.failures[0].failureCode]);
			expect(codes).toEqual([
				['bob@emailsim@io.com', 'invalidEmail'],
				['new.one@example.com', 'duplicateIdentifier'],
				['nomobile@example.com', 'noValidIdentifiers'],
				['field@example.com', 'dataFieldNotFound'],
				['points@example.com', 'invalidDataFieldValue'],
			]);
			expect(newOne).toMatchObject({
				status: 'subscribed',
				dataFields: { FIRSTNAME: 'New' },
				lists: [1],
			});
			expect(fake.contact('email', 'existing@example.com')?.dataFields).toEqual({
				FIRSTNAME: 'Ann',
				LASTNAME: 'Smythe',
			});
			expect(fake.contact('email', 'field@example.com')).toBeUndefined();
			expect(fake.activeImports().contacts).toBe(0);
		});

		test('suppression is a contact status: an import neither updates nor resubscribes it, a PATCH applies its data and keeps it suppressed', async () => {
			const { json } = await call(
				fake,
				'PUT',
				'/contacts/v3/import',
				importBody([
					{
						matchIdentifier: 'email',
						identifiers: { email: 'SpamTrap@example.com' },
						dataFields: { FIRSTNAME: 'Imported' },
						lists: [1],
					},
					{ matchIdentifier: 'email', identifiers: { email: 'fine@example.com' } },
				]),
			);
			time.advance(1000);
			const status = (await call(fake, 'GET', `/contacts/v3/import/${json.importId}`)).json;
			expect(status.summary).toMatchObject({
				newContacts: 1,
				updatedContacts: 0,
				globallySuppressed: 1,
			});
			expect(status.failures[0]).toMatchObject({
				contactId: fake.contact('email', 'spamtrap@example.com')?.contactId,
				failures: [{ failureCode: 'GloballySuppressed' }],
			});
			expect(fake.contact('email', 'spamtrap@example.com')).toMatchObject({
				status: 'suppressed',
				dataFields: {},
				lists: [],
			});
			const single = await patch(fake, 'spamtrap@example.com', {
				dataFields: { FIRSTNAME: 'Patched' },
			});
			expect(single.status).toBe(200);
			expect(single.json).toMatchObject({
				status: 'suppressed',
				dataFields: { FIRSTNAME: 'Patched' },
			});
			expect(
				fake.statusHistory().filter((change) => change.email === 'spamtrap@example.com'),
			).toEqual([expect.objectContaining({ from: null, to: 'suppressed', via: 'seed' })]);
		});

		test('every status a contact ever had is in the history, with its time and what changed it', async () => {
			const created = await patch(fake, 'history@example.com', {
				channelProperties: { email: { status: 'unsubscribed' } },
			});
			expect(created.status).toBe(201);
			await patch(fake, 'history@example.com', {
				channelProperties: { email: { status: 'subscribed' } },
			});
			await patch(fake, 'history@example.com', { dataFields: { FIRSTNAME: 'No status change' } });
			expect(
				fake.statusHistory().filter((change) => change.email === 'history@example.com'),
			).toEqual([
				{
					contactId: created.json.contactId,
					email: 'history@example.com',
					from: null,
					to: 'unsubscribed',
					at: Date.parse(created.json.created),
					via: 'PATCH',
				},
				{
					contactId: created.json.contactId,
					email: 'history@example.com',
					from: 'unsubscribed',
					to: 'subscribed',
					at: Date.parse(created.json.created),
					via: 'PATCH',
				},
			]);
		});

		test('DELETE removes a contact, and a later import creates it anew with another id', async () => {
			const before = fake.contact('email', 'existing@example.com')!;
			const deleted = await call(fake, 'DELETE', '/contacts/v3/email/existing%40example.com');
			expect(deleted).toMatchObject({ status: 200, json: { contactId: before.contactId } });
			expect(fake.contact('email', 'existing@example.com')).toBeUndefined();
			const { json } = await call(
				fake,
				'PUT',
				'/contacts/v3/import',
				importBody([{ matchIdentifier: 'email', identifiers: { email: 'existing@example.com' } }]),
			);
			time.advance(1000);
			const status = (await call(fake, 'GET', `/contacts/v3/import/${json.importId}`)).json;
			expect(status.created).toHaveLength(1);
			expect(fake.contact('email', 'existing@example.com')?.contactId).not.toBe(before.contactId);
			expect((await call(fake, 'DELETE', '/contacts/v3/email/existing%40example.com')).status).toBe(
				200,
			);
			expect(
				(await call(fake, 'DELETE', '/contacts/v3/email/existing%40example.com')).json,
			).toMatchObject({ errorCode: 'contacts:contactNotFound' });
		});

		test('a gateway with a smaller body limit answers 413 past it', async () => {
			await withFake({ maxBodyBytes: 1000 }, async (small) => {
				const auth = {
					Authorization: basic(small.user, small.password),
					'Content-Type': 'application/json',
				};
				const over = await fetch(`${small.baseUrl}/contacts/v3/import`, {
					method: 'PUT',
					headers: auth,
					body: JSON.stringify(
						importBody([
							{
								matchIdentifier: 'email',
								identifiers: { email: 'a@example.com' },
								dataFields: { FIRSTNAME: 'x'.repeat(1000) },
							},
						]),
					),
				});
				expect(over.status).toBe(413);
				const under = await fetch(`${small.baseUrl}/contacts/v3/import`, {
					method: 'PUT',
					headers: auth,
					body: JSON.stringify(
						importBody([{ matchIdentifier: 'email', identifiers: { email: 'a@example.com' } }]),
					),
				});
				expect(under.status).toBe(202);
			});
		});

		test('an import applies the merge option and a sent email status, even to an unsubscribed contact', async () => {
			fake.addContact({
				identifiers: { email: 'gone@example.com' },
				status: 'unsubscribed',
				dataFields: { FIRSTNAME: 'Kept' },
			});
			const { json } = await call(
				fake,
				'PUT',
				'/contacts/v3/import',
				importBody(
					[
						{
							matchIdentifier: 'email',
							identifiers: { email: 'gone@example.com' },
							dataFields: { FIRSTNAME: null, LASTNAME: 'Added' },
							channelProperties: { email: { status: 'subscribed' } },
						},
					],
					'overwriteIfNotEmpty',
				),
			);
			time.advance(1000);
			expect(
				(await call(fake, 'GET', `/contacts/v3/import/${json.importId}`)).json.summary
					.updatedContacts,
			).toBe(1);
			expect(fake.contact('email', 'gone@example.com')).toMatchObject({
				status: 'subscribed',
				dataFields: { FIRSTNAME: 'Kept', LASTNAME: 'Added' },
			});
		});

		test('an unknown list is reported while the contact is still imported', async () => {
			const { json } = await call(
				fake,
				'PUT',
				'/contacts/v3/import',
				importBody([
					{
						matchIdentifier: 'email',
						identifiers: { email: 'listed@example.com' },
						lists: [3, 404],
					},
				]),
			);
			time.advance(1000);
			const status = (await call(fake, 'GET', `/contacts/v3/import/${json.importId}`)).json;
			const contact = fake.contact('email', 'listed@example.com')!;
			expect(contact.lists).toEqual([3]);
			expect(status.summary.newContacts).toBe(1);
			expect(status.failures).toEqual([
				{
					contactId: contact.contactId,
					matchIdentifier: 'email',
					identifiers: { email: 'listed@example.com' },
					failures: [{ failureCode: 'listNotFound', description: expect.any(String) }],
				},
			]);
		});

		test('a 26th unfinished import is refused with 429 tooManyActiveImports', async () => {
			const body = importBody([
				{ matchIdentifier: 'email', identifiers: { email: 'busy@example.com' } },
			]);
			for (let index = 0; index < 25; index += 1)
				expect((await call(fake, 'PUT', '/contacts/v3/import', body)).status).toBe(202);
			expect(fake.activeImports().contacts).toBe(25);
			const refused = await call(fake, 'PUT', '/contacts/v3/import', body);
			expect(refused.status).toBe(429);
			expect(refused.json.errorCode).toBe('contacts:tooManyActiveImports');
			time.advance(1000);
			expect((await call(fake, 'PUT', '/contacts/v3/import', body)).status).toBe(202);
			expect(
				fake.contacts().filter((contact) => contact.identifiers.email === 'busy@example.com'),
			).toHaveLength(1);
		});

		test('an unknown import id is a 404, a body without contacts a 400', async () => {
			const missing = await call(
				fake,
				'GET',
				'/contacts/v3/import/d7de900d-d337-43f6-b1e1-c8ec73e1a434',
			);
			expect(missing.status).toBe(404);
			expect(missing.json.errorCode).toBe('contacts:importNotFound');
			expect((await call(fake, 'PUT', '/contacts/v3/import', { contacts: [] })).status).toBe(400);
			expect(
				(
					await call(fake, 'PUT', '/contacts/v3/import', {
						mergeOption: 'overwrite-if-empty',
						contacts: [{ matchIdentifier: 'email', identifiers: { email: 'a@example.com' } }],
					})
				).status,
			).toBe(400);
		});

		test('2,000 contacts import quickly and can be imported again without duplicates', async () => {
			await withFake({ importMs: 0 }, async (quick) => {
				const contacts = Array.from({ length: 2000 }, (_, index) => ({
					matchIdentifier: 'email',
					identifiers: { email: `bulk${index}@example.com` },
					dataFields: { FIRSTNAME: `N${index}` },
				}));
				const started = process.hrtime.bigint();
				const first = await call(quick, 'PUT', '/contacts/v3/import', { contacts });
				const status = (await call(quick, 'GET', `/contacts/v3/import/${first.json.importId}`))
					.json;
				expect(status.summary.newContacts).toBe(2000);
				const second = await call(quick, 'PUT', '/contacts/v3/import', { contacts });
				expect(
					(await call(quick, 'GET', `/contacts/v3/import/${second.json.importId}`)).json.summary
						.updatedContacts,
				).toBe(2000);
				expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(3000);
				expect(quick.contacts()).toHaveLength(2000);
			});
		});
	});

	describe('insight data (v3)', () => {
		const orders = (records: unknown[], collectionName = 'Orders'): unknown => ({
			collectionName,
			collectionScope: 'contact',
			collectionType: 'orders',
			records,
		});
		const order = (email: string, key: string, json: unknown): unknown => ({
			contactIdentity: { identifier: 'email', value: email },
			key,
			json,
		});

		async function finish(importId: string): Promise<any> {
			time.advance(1000);
			const status = (await call(fake, 'GET', `/insightData/v3/import/${importId}`)).json;
			expect(status.status).toBe('Complete');
			return status;
		}

		test('NotStarted, then Processing, then Complete with a summary; the collection is created on first use', async () => {
			const accepted = await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([
					order('Existing@example.com', '1001', {
						id: '1001',
						order_total: 12.5,
						products: [{ sku: 'A1', qty: 1 }],
					}),
				]),
			);
			expect(accepted.status).toBe(202);
			expect(accepted.json.importId).toMatch(UUID);
			const path = `/insightData/v3/import/${accepted.json.importId}`;
			expect((await call(fake, 'GET', path)).json).toEqual({
				importId: accepted.json.importId,
				status: 'NotStarted',
			});
			time.advance(500);
			expect((await call(fake, 'GET', path)).json.status).toBe('Processing');
			time.advance(500);
			const complete = (await call(fake, 'GET', path)).json;
			expect(complete).toEqual({
				importId: accepted.json.importId,
				status: 'Complete',
				collectionName: 'Orders',
				summary: { totalRecords: 1, totalImported: 1, totalRejected: 0 },
			});
			const collection = fake.collection('Orders')!;
			expect(collection).toMatchObject({ name: 'Orders', scope: 'contact', type: 'orders' });
			expect(collection.records).toEqual([
				{
					key: '1001',
					contactIdentity: { identifier: 'email', value: 'existing@example.com' },
					contactId: fake.contact('email', 'existing@example.com')!.contactId,
					json: { id: '1001', order_total: 12.5, products: [{ sku: 'A1', qty: 1 }] },
					created: expect.any(String),
					updated: expect.any(String),
				},
			]);
			const read = await call(
				fake,
				'GET',
				'/insightData/v3/contacts/email/existing%40example.com/Orders/1001',
			);
			expect(read.json).toMatchObject({ key: '1001', json: { order_total: 12.5 } });
		});

		test('an order for an email that is not a contact fails with ContactEmailDoesNotExist', async () => {
			const { json } = await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([
					order('ghost@example.com', '1', { id: '1' }),
					order('existing@example.com', '2', { id: '2' }),
				]),
			);
			const status = await finish(json.importId);
			expect(status.summary).toEqual({ totalRecords: 2, totalImported: 1, totalRejected: 1 });
			expect(status.failures).toEqual([
				{
					collectionOwner: {
						ownerType: 'contact',
						contactIdentity: { identifier: 'email', value: 'ghost@example.com' },
					},
					failureReason: 'ContactEmailDoesNotExist',
					details: expect.any(Array),
					key: '1',
					json: { id: '1' },
				},
			]);
		});

		test('contacts from an import accepted earlier exist when a later insight import finishes', async () => {
			await call(fake, 'PUT', '/contacts/v3/import', {
				contacts: [{ matchIdentifier: 'email', identifiers: { email: 'buyer@example.com' } }],
			});
			const { json } = await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([order('buyer@example.com', '7', { id: '7' })]),
			);
			expect((await finish(json.importId)).summary.totalImported).toBe(1);
		});

		test('the first record fixes each key path’s type; a different type is rejected, new keys and nulls are fine', async () => {
			const first = await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([
					order('existing@example.com', '1', {
						id: '1',
						order_total: 10,
						products: [{ sku: 'A', qty: 1 }],
					}),
				]),
			);
			await finish(first.json.importId);
			const drift = await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([
					order('existing@example.com', '2', { id: '2', order_total: '10.00' }),
					order('existing@example.com', '3', {
						id: '3',
						order_total: 5,
						products: [{ sku: 'B', qty: '2' }],
					}),
					order('existing@example.com', '4', {
						id: '4',
						order_total: null,
						currency: 'GBP',
						products: [{ sku: 'C', qty: 3, price: 1.5 }],
					}),
					order('existing@example.com', '5', { id: '5', currency: 1 }),
				]),
			);
			const status = await finish(drift.json.importId);
			expect(status.summary).toEqual({ totalRecords: 4, totalImported: 1, totalRejected: 3 });
			expect(
				status.failures.map((failure: { key: string; failureReason: string }) => [
					failure.key,
					failure.failureReason,
				]),
			).toEqual([
				['2', 'JsonValueIncompatibleWithSchema'],
				['3', 'JsonValueIncompatibleWithSchema'],
				['5', 'JsonValueIncompatibleWithSchema'],
			]);
			expect(
				fake
					.collection('Orders')!
					.records.map((record) => record.key)
					.sort(),
			).toEqual(['1', '4']);
		});

		test('an array directly inside an array is rejected with JsonContainsNestedArray', async () => {
			const { json } = await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([
					order('existing@example.com', '1', { id: '1', sizes: [[1, 2]] }),
					order('existing@example.com', '2', { id: '2', lines: [{ tags: ['a'] }] }),
				]),
			);
			const status = await finish(json.importId);
			expect(
				status.failures.map((failure: { key: string; failureReason: string }) => [
					failure.key,
					failure.failureReason,
				]),
			).toEqual([['1', 'JsonContainsNestedArray']]);
			expect(status.summary.totalImported).toBe(1);
		});

		test('records are upserted by owner and key: re-sending replaces, a repeat in one import is a DuplicateKey', async () => {
			const first = await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([order('existing@example.com', '1', { id: '1', order_status: 'pending' })]),
			);
			await finish(first.json.importId);
			const again = await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([
					order('existing@example.com', '1', { id: '1', order_status: 'complete' }),
					order('EXISTING@example.com', '1', { id: '1', order_status: 'refunded' }),
				]),
			);
			const status = await finish(again.json.importId);
			expect(status.summary).toEqual({ totalRecords: 2, totalImported: 1, totalRejected: 1 });
			expect(status.failures[0].failureReason).toBe('DuplicateKey');
			const records = fake.collection('Orders')!.records;
			expect(records).toHaveLength(1);
			expect(records[0].json).toEqual({ id: '1', order_status: 'complete' });
		});

		test('a 6th unfinished insight import is refused with 429', async () => {
			const catalogue = {
				collectionName: 'Catalogue',
				collectionScope: 'account',
				collectionType: 'catalog',
				records: [{ key: 'SKU1', json: { name: 'Hat', price: 5 } }],
			};
			for (let index = 0; index < 5; index += 1)
				expect((await call(fake, 'PUT', '/insightData/v3/import', catalogue)).status).toBe(202);
			const refused = await call(fake, 'PUT', '/insightData/v3/import', catalogue);
			expect(refused.status).toBe(429);
			expect(refused.json.errorCode).toBe('insightData:tooManyActiveImports');
			expect(fake.activeImports().insight).toBe(5);
			time.advance(1000);
			expect(fake.collection('Catalogue')!.records).toHaveLength(1);
		});

		test('collection names must match the pattern; scopes cannot be mixed', async () => {
			for (const collectionName of ['my collection', '9lives', 'x']) {
				const answer = await call(
					fake,
					'PUT',
					'/insightData/v3/import',
					orders([order('existing@example.com', '1', {})], collectionName),
				);
				expect(answer.status).toBe(400);
			}
			expect(fake.collection('my collection')).toBeUndefined();
			await call(
				fake,
				'PUT',
				'/insightData/v3/import',
				orders([order('existing@example.com', '1', { id: '1' })]),
			);
			const mixed = await call(fake, 'PUT', '/insightData/v3/import', {
				collectionName: 'Orders',
				collectionScope: 'account',
				collectionType: 'orders',
				records: [{ key: '1', json: {} }],
			});
			expect(mixed.status).toBe(400);
		});

		test('single records: 201 new, 204 replaced, 404 for an unknown contact or collection', async () => {
			await call(
				fake,
				'POST',
				'/insightData/v3/collections/Catalogue?collectionScope=account&collectionType=catalog',
			);
			const created = await call(fake, 'PUT', '/insightData/v3/account/Catalogue/SKU-1', {
				name: 'Hat',
				price: 5,
			});
			expect(created.status).toBe(201);
			expect(created.text).toBe('');
			expect(
				(
					await call(fake, 'PUT', '/insightData/v3/account/Catalogue/SKU-1', {
						name: 'Hat',
						price: 6,
					})
				).status,
			).toBe(204);
			expect(
				(await call(fake, 'GET', '/insightData/v3/account/Catalogue/SKU-1')).json,
			).toMatchObject({ key: 'SKU-1', json: { name: 'Hat', price: 6 } });
			expect(fake.collection('Catalogue')!.records).toHaveLength(1);
			const drift = await call(fake, 'PUT', '/insightData/v3/account/Catalogue/SKU-2', {
				name: 'Cap',
				price: 'five',
			});
			expect(drift.status).toBe(400);
			expect(
				(await call(fake, 'GET', '/insightData/v3/account/Catalogue/SKU-9')).json.errorCode,
			).toBe('insightData:recordNotFound');
			expect(
				(await call(fake, 'GET', '/insightData/v3/account/Nothing/SKU-1')).json.errorCode,
			).toBe('insightData:collectionNotFound');

			await call(
				fake,
				'POST',
				'/insightData/v3/collections/Orders?collectionScope=contact&collectionType=orders',
			);
			const ghost = await call(
				fake,
				'PUT',
				'/insightData/v3/contacts/email/ghost%40example.com/Orders/1',
				{ id: '1' },
			);
			expect(ghost.status).toBe(404);
			expect(ghost.json.errorCode).toBe('insightData:contactNotFound');
			expect(
				(
					await call(
						fake,
						'PUT',
						'/insightData/v3/contacts/email/Existing%40example.com/Orders/1',
						{ id: '1' },
					)
				).status,
			).toBe(201);
			expect(
				(await call(fake, 'GET', '/insightData/v3/contacts/email/existing%40example.com/Orders/1'))
					.json.ownerContactId,
			).toBe(fake.contact('email', 'existing@example.com')!.contactId);
		});
	});

	describe('rate limits', () => {
		test('over the per-minute limit: 429 with x-ratelimit headers, reset in seconds; the next window opens', async () => {
			const clock = manualClock();
			await withFake({ rateLimitPerMinute: 3, clock: clock.clock }, async (limited) => {
				for (let index = 0; index < 3; index += 1)
					expect((await call(limited, 'GET', '/v2/data-fields')).status).toBe(200);
				clock.advance(20_500);
				const over = await call(limited, 'GET', '/contacts/v3/email/a%40example.com');
				expect(over.status).toBe(429);
				expect(over.headers.get('x-ratelimit-limit')).toBe('3');
				expect(over.headers.get('x-ratelimit-scope')).toBe('account');
				expect(over.headers.get('x-ratelimit-reset')).toBe('40');
				expect(over.json.errorCode).toMatch(/tooManyRequests/);
				const v2 = await call(limited, 'GET', '/v2/data-fields');
				expect(v2.status).toBe(429);
				expect(v2.json.message).toMatch(/ ERROR_[A-Z_]+$/);
				expect(
					limited
						.calls()
						.slice(3)
						.map((record) => record.injected),
				).toEqual(['rate-limit', 'rate-limit']);
				clock.advance(40_000);
				expect((await call(limited, 'GET', '/v2/data-fields')).status).toBe(200);
			});
		});

		test('the epoch style gives the second the window resets at', async () => {
			const clock = manualClock();
			await withFake(
				{ rateLimitPerMinute: 1, rateLimitResetStyle: 'epoch', clock: clock.clock },
				async (limited) => {
					await call(limited, 'GET', '/v2/data-fields');
					const over = await call(limited, 'GET', '/v2/data-fields');
					expect(over.status).toBe(429);
					expect(over.headers.get('x-ratelimit-reset')).toBe(String((START + 60_000) / 1000));
				},
			);
		});
	});

	describe('injected faults', () => {
		const statuses = async (target: FakeDotdigital, count: number): Promise<number[]> => {
			const out: number[] = [];
			for (let index = 0; index < count; index += 1)
				out.push((await call(target, 'GET', '/v2/account-info')).status);
			return out;
		};

		test('the same seed gives the same faults; another seed other ones', async () => {
			fake.setFaults({ rate429: 0.3, rate5xx: 0.3, seed: 42 });
			const first = await statuses(fake, 30);
			fake.setFaults({ rate429: 0.3, rate5xx: 0.3, seed: 42 });
			expect(await statuses(fake, 30)).toEqual(first);
			expect(first.some((status) => status === 429)).toBe(true);
			expect(first.some((status) => status >= 500)).toBe(true);
			expect(first.some((status) => status === 200)).toBe(true);
			fake.setFaults({ rate429: 0.3, rate5xx: 0.3, seed: 7 });
			expect(await statuses(fake, 30)).not.toEqual(first);
			const injected = fake.calls().filter((record) => record.injected !== undefined);
			expect(
				injected.every((record) =>
					record.injected === '429'
						? record.status === 429
						: [500, 502, 503, 504].includes(record.status),
				),
			).toBe(true);
		});

		test('injected 429s say when to retry; Retry-After only when asked for', async () => {
			fake.setFaults({ rate429: 1 });
			const plain = await call(fake, 'GET', '/v2/data-fields');
			expect(plain.status).toBe(429);
			expect(plain.headers.get('x-ratelimit-reset')).toBe('1');
			expect(plain.headers.get('retry-after')).toBeNull();
			fake.setFaults({ rate429: 1, retryAfter: true });
			expect((await call(fake, 'GET', '/v2/data-fields')).headers.get('retry-after')).toBe('1');
		});

		test('a lost response is a 5xx for a call that was applied; a plain 5xx applied nothing', async () => {
			fake.setFaults({ rate5xx: 1, lostResponseShare: 1 });
			const lost = await patch(fake, 'lost@example.com', { dataFields: { FIRSTNAME: 'Lost' } });
			expect([500, 502, 503, 504]).toContain(lost.status);
			expect(fake.contact('email', 'lost@example.com')?.dataFields.FIRSTNAME).toBe('Lost');
			const accepted = await call(fake, 'PUT', '/contacts/v3/import', {
				contacts: [{ matchIdentifier: 'email', identifiers: { email: 'lost@example.com' } }],
			});
			expect(accepted.status).toBeGreaterThanOrEqual(500);
			expect(fake.activeImports().contacts).toBe(1);

			fake.setFaults({ rate5xx: 1, lostResponseShare: 0 });
			await patch(fake, 'never@example.com', {});
			expect(fake.contact('email', 'never@example.com')).toBeUndefined();
			expect(fake.calls().map((record) => record.injected)).toEqual([
				'lost-response',
				'lost-response',
				'5xx',
			]);
		});

		test('failNext answers scripted faults in order, before random ones, optionally after applying the call', async () => {
			fake.failNext({ method: 'PUT', path: '/contacts/v3/import', status: 503, afterApply: true });
			fake.failNext({
				path: /\/v2\/data-fields$/,
				status: 500,
				body: { message: 'boom' },
				headers: { 'x-trace': 'abc' },
				times: 2,
			});
			expect((await call(fake, 'GET', '/contacts/v3/email/existing%40example.com')).status).toBe(
				200,
			);
			const importAnswer = await call(fake, 'PUT', '/contacts/v3/import', {
				contacts: [{ matchIdentifier: 'email', identifiers: { email: 'scripted@example.com' } }],
			});
			expect(importAnswer.status).toBe(503);
			expect(fake.activeImports().contacts).toBe(1);
			for (let index = 0; index < 2; index += 1) {
				const answer = await call(fake, 'GET', '/v2/data-fields');
				expect(answer.status).toBe(500);
				expect(answer.json).toEqual({ message: 'boom' });
				expect(answer.headers.get('x-trace')).toBe('abc');
			}
			expect((await call(fake, 'GET', '/v2/data-fields')).status).toBe(200);
			expect(fake.calls().map((record) => record.injected)).toEqual([
				undefined,
				'scripted',
				'scripted',
				'scripted',
				undefined,
			]);
		});
	});

	describe('admin API and lifecycle', () => {
		const admin = async (
			path: string,
			payload?: unknown,
		): Promise<{ status: number; json: any }> => {
			const response = await fetch(
				`${fake.adminUrl}${path}`,
				payload === undefined
					? {}
					: {
							method: 'POST',
							body: JSON.stringify(payload),
							headers: { 'Content-Type': 'application/json' },
						},
			);
			return { status: response.status, json: await response.json() };
		};

		test('state, calls, contacts, faults and reset over HTTP without auth', async () => {
			const added = await admin('contacts', {
				identifiers: { email: 'Admin@Example.com' },
				status: 'unsubscribed',
			});
			expect(added.status).toBe(201);
			expect(added.json).toMatchObject({
				identifiers: { email: 'admin@example.com' },
				status: 'unsubscribed',
				channelProperties: { email: { status: 'unsubscribed' } },
			});
			await call(fake, 'PUT', '/insightData/v3/import', {
				collectionName: 'Catalogue',
				collectionScope: 'account',
				collectionType: 'catalog',
				records: [{ key: 'SKU1', json: { name: 'Hat' } }],
			});
			time.advance(1000);
			const state = (await admin('state')).json;
			expect(
				state.contacts.map(
					(contact: { identifiers: { email: string } }) => contact.identifiers.email,
				),
			).toEqual(['existing@example.com', 'spamtrap@example.com', 'admin@example.com']);
			expect(state.collections).toEqual([
				expect.objectContaining({
					name: 'Catalogue',
					scope: 'account',
					records: [expect.objectContaining({ key: 'SKU1' })],
				}),
			]);
			expect(state.dataFields.map((field: { name: string }) => field.name)).toContain(
				'LOYALTY_POINTS',
			);
			expect(state.lists).toEqual([
				{ id: 1, name: 'Newsletter' },
				{ id: 2, name: 'POS customers' },
				{ id: 3, name: 'Welcome' },
			]);
			expect((await admin('calls')).json).toEqual([
				expect.objectContaining({ method: 'PUT', path: '/r1/insightData/v3/import', status: 202 }),
			]);

			expect((await admin('faults', { rate429: 1 })).status).toBe(200);
			expect((await call(fake, 'GET', '/v2/data-fields')).status).toBe(429);
			expect((await admin('faults', { rate429: 2 })).status).toBe(400);
			expect((await admin('reset', {})).status).toBe(200);
			expect((await call(fake, 'GET', '/v2/data-fields')).status).toBe(200);
			const after = (await admin('state')).json;
			expect(
				after.contacts.map(
					(contact: { identifiers: { email: string } }) => contact.identifiers.email,
				),
			).toEqual(['existing@example.com', 'spamtrap@example.com']);
			expect(after.collections).toEqual([]);
			expect(fake.calls()).toHaveLength(1);
			expect((await admin('nothing')).status).toBe(404);
		});

		test('main prints its JSON line and serves the configured account', async () => {
			const lines: string[] = [];
			const started = await main(
				[
					'--port',
					'0',
					'--region',
					'r2',
					'--user',
					'apiuser-main@apiconnector.com',
					'--password',
					'secret',
				],
				(line) => lines.push(line),
			);
			try {
				expect(lines).toHaveLength(1);
				expect(lines[0].endsWith('\n')).toBe(true);
				const printed = JSON.parse(lines[0]);
				expect(printed).toEqual({
					baseUrl: `${printed.rootUrl}/r2`,
					rootUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
					adminUrl: `${printed.rootUrl}/__admin/`,
					user: 'apiuser-main@apiconnector.com',
					region: 'r2',
				});
				const info = await fetch(`${printed.rootUrl}/r1/v2/account-info`, {
					headers: { Authorization: basic('apiuser-main@apiconnector.com', 'secret') },
				});
				const endpoint = (
					(await info.json()) as { properties: Array<{ name: string; value: string }> }
				).properties.find((property) => property.name === 'ApiEndpoint');
				expect(endpoint?.value).toBe(`${printed.baseUrl}/`);
			} finally {
				await started.stop();
			}
			await expect(main(['--port', '0', '--region', 'r9'], () => undefined)).rejects.toThrow(
				/region/,
			);
		});

		test('stop closes kept-alive connections promptly', async () => {
			const short = await startFakeDotdigital();
			expect((await call(short, 'GET', '/v2/data-fields')).status).toBe(200);
			const started = Date.now();
			await short.stop();
			expect(Date.now() - started).toBeLessThan(1000);
			await expect(fetch(`${short.baseUrl}/v2/data-fields`)).rejects.toThrow();
		});
	});
});
