import type { StatusChange } from './contacts';

/** Public shapes of the fake Dotdigital server: options, what it stores, the request log. */

export type Region = 'r1' | 'r2' | 'r3';

export interface FakeDotdigitalOptions {
	/** Defaults to 0 (a random free port). */
	port?: number;
	/** Defaults to 127.0.0.1. */
	host?: string;
	/** API user name; defaults to apiuser-pos-sync@apiconnector.com. */
	user?: string;
	/** Defaults to fake-Passw0rd. */
	password?: string;
	/** The account's region; calls to the other two answer 403. Defaults to r1. */
	region?: Region;
	/** Calls allowed per fixed one-minute window, counted over every authenticated call. 0 (the default) is unlimited. */
	rateLimitPerMinute?: number;
	/** x-ratelimit-reset as seconds until the window resets (the default) or as the epoch second it resets at. */
	rateLimitResetStyle?: 'seconds' | 'epoch';
	/** Request bodies over this many bytes are refused with a 413 by the gateway. Defaults to 50 MB, Dotdigital's documented limit. */
	maxBodyBytes?: number;
	/** An import finishes this many ms (by `clock`) after it was accepted. Defaults to 300. */
	importMs?: number;
	/**
	 * With this, each import takes its own time, drawn evenly (and the same every run) between
	 * importMs and importMaxMs: imports of one run finishing on the 2nd or the 3rd status check.
	 */
	importMaxMs?: number;
	faults?: FakeFaults;
	/** Clock for timestamps, import progress and the rate-limit window. Defaults to the real clock. */
	clock?: () => Date;
	seed?: FakeDotdigitalSeed;
}

export interface FakeDotdigitalSeed {
	/** Replaces the default data fields of a new account. */
	dataFields?: FakeDataField[];
	/** Replaces the default lists. */
	lists?: FakeList[];
	contacts?: Partial<FakeContact>[];
	/** Emails suppressed at the account level: contacts whose status is suppressed (created when the email has no contact yet). Imports do not update them. */
	globallySuppressed?: string[];
}

export interface FakeFaults {
	/** Share (0..1) of calls answered 429 before anything is done. */
	rate429?: number;
	/** Share (0..1) of calls answered 500, 502, 503 or 504. */
	rate5xx?: number;
	/** Of the 5xx answers, the share where the call was processed and only its answer is lost. Defaults to 0.5. */
	lostResponseShare?: number;
	/** Seed of the PRNG that draws the faults, so a run can be repeated. Defaults to 1. */
	seed?: number;
	/** Also send Retry-After on injected 429s. Defaults to false. */
	retryAfter?: boolean;
}

/** A scripted fault for failNext: the next matching call(s) get this answer, before any random fault. */
export interface ScriptedFault {
	/** HTTP method; any when left out. */
	method?: string;
	/** A string matches the whole path (/r1/contacts/v3/import) or the path after the region (/contacts/v3/import); a RegExp is tested on the whole path. Any path when left out. */
	path?: string | RegExp;
	status: number;
	/** Sent as JSON; no body when left out. */
	body?: unknown;
	headers?: Record<string, string>;
	/** Process the call first, then answer with this (a lost response). */
	afterApply?: boolean;
	/** How many matching calls it hits. Defaults to 1. */
	times?: number;
}

/** 'drop' cuts the connection; a status answers with that error instead (after 'applied': the call took effect, its answer is lost). */
export type InterceptAction = 'drop' | { status: number };
export type Intercept = (
	call: CallRecord,
	phase: 'received' | 'applied',
) => InterceptAction | void | Promise<InterceptAction | void>;

export type InjectedKind = 'rate-limit' | '429' | '5xx' | 'lost-response' | 'scripted';

export interface CallRecord {
	method: string;
	/** The whole path, region included, e.g. /r1/contacts/v3/import. */
	path: string;
	/** The query string without its '?'. */
	query: string;
	status: number;
	/** Epoch ms by the fake's clock. */
	at: number;
	injected?: InjectedKind;
	/** Bytes of request body received. */
	bytes: number;
}

export type EmailChannelStatus = 'subscribed' | 'unsubscribed' | 'suppressed' | 'pendingOptIn';

export interface FakeConsentRecord {
	text: string;
	dateTimeConsented: string;
	url?: string;
	ipAddress?: string;
	userAgent?: string;
	/** When Dotdigital stored it. */
	dateTimeCreated?: string;
}

export interface FakeContact {
	contactId: number;
	/** Top-level status: subscribed, unsubscribed, suppressed, pendingOptIn, ... It follows the email channel status. */
	status: string;
	/** Email trimmed and lowercased; mobile as digits. */
	identifiers: { email?: string; mobileNumber?: string };
	/** Only fields that hold a value, under the data field's own name. */
	dataFields: Record<string, string | number | boolean | null>;
	/** Stored as the API answers it: optInType Unknown|Single|Double|VerifiedDouble, emailType Html|PlainText. */
	channelProperties: {
		email: { status: EmailChannelStatus; optInType: string; emailType: string };
	};
	lists: number[];
	consentRecords: FakeConsentRecord[];
	created: string;
	updated: string;
}

export interface FakeInsightRecord {
	key: string;
	/** As sent, the email lowercased; contact-scoped collections only. */
	contactIdentity?: { identifier: string; value: string };
	contactId?: number;
	json: unknown;
	created: string;
	updated: string;
}

export interface FakeInsightCollection {
	name: string;
	scope: 'account' | 'contact';
	type: string;
	records: FakeInsightRecord[];
}

export interface FakeDataField {
	name: string;
	type: 'String' | 'Numeric' | 'Date' | 'Boolean';
	visibility: 'Public' | 'Private';
	defaultValue: unknown;
}

export interface FakeList {
	id: number;
	name: string;
	/** Private unless said. */
	visibility?: 'Public' | 'Private';
}

export interface FakeDotdigital {
	/** URL of the account's region, e.g. http://127.0.0.1:PORT/r1. */
	baseUrl: string;
	/** http://host:port */
	rootUrl: string;
	regionUrl(region: Region): string;
	adminUrl: string;
	user: string;
	password: string;
	region: Region;
	/** Every API call (not /__admin), in order. */
	calls(): CallRecord[];
	resetCalls(): void;
	/** Every email status every contact ever had, oldest first (finished imports applied). */
	statusHistory(): StatusChange[];
	/** Current contacts, finished imports applied; copies. */
	contacts(): FakeContact[];
	contact(
		identifier: 'email' | 'mobileNumber' | 'contactId',
		value: string | number,
	): FakeContact | undefined;
	collection(name: string): FakeInsightCollection | undefined;
	dataFields(): FakeDataField[];
	/**
	 * Called for each API call that gets past auth, rate limit and injected faults: once when received
	 * and once when applied, before the answer goes out. 'drop' cuts the connection there (the call is
	 * then not applied, or applied with its answer lost). For crash tests.
	 */
	setIntercept(hook: Intercept | undefined): void;
	/** Replaces the random fault settings and restarts their PRNG. */
	setFaults(faults: FakeFaults): void;
	failNext(spec: ScriptedFault): void;
	addContact(contact: Partial<FakeContact>): FakeContact;
	activeImports(): { contacts: number; insight: number };
	/** State back to the seed; calls, faults and the rate-limit window cleared. */
	reset(): void;
	stop(): Promise<void>;
}
