/**
 * The HTTP side of the fake: one port serving the three regions under /r1, /r2 and /r3, HTTP Basic on
 * every API call (401 with no body), bodies read with a running byte count (413 past 50 MB), the
 * rate-limit window and injected faults in front of the API, and the /__admin/ JSON API beside it.
 *
 * Order for an API call: auth, body, rate-limit window, scripted faults, random faults, the API.
 * The window counts every authenticated call. Its 429 carries x-ratelimit-limit, x-ratelimit-scope
 * and x-ratelimit-reset, with a v3 body on v3 paths and, as a choice of this fake (Dotdigital does not
 * document it), a v2-style `{message: "… ERROR_RATE_LIMIT_EXCEEDED"}` on /v2 paths, so it is not
 * mistaken for the old hourly ERROR_APIUSAGE_EXCEEDED.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';

import { handleAdmin } from './admin';
import { cloneContact } from './contacts';
import { FaultDice, RateWindow, ScriptedFaults } from './faults';
import { identifierName, normaliseIdentifier } from './identifiers';
import type { Reply } from './replies';
import { dispatch } from './routes';
import type { Account, ApiCall } from './routes';
import { DotdigitalState } from './state';
import type {
	CallRecord,
	FakeDotdigital,
	FakeDotdigitalOptions,
	InjectedKind,
	Intercept,
	Region,
} from './types';

export const MAX_BODY = 50 * 1024 * 1024;
const REGIONS: Region[] = ['r1', 'r2', 'r3'];
/** x-ratelimit-limit on injected 429s when no limit is configured: a low tier of a basic package. */
const INJECTED_LIMIT = 35;

const GATEWAY_PAGES: Record<number, string> = {
	502: 'Bad Gateway',
	503: 'Service Temporarily Unavailable',
	504: 'Gateway Time-out',
};

export async function startFakeDotdigital(
	options: FakeDotdigitalOptions = {},
): Promise<FakeDotdigital> {
	const host = options.host ?? '127.0.0.1';
	const user = options.user ?? 'apiuser-pos-sync@apiconnector.com';
	const password = options.password ?? 'fake-Passw0rd';
	const region = options.region ?? 'r1';
	if (!REGIONS.includes(region)) throw new Error(`region must be one of ${REGIONS.join(', ')}`);
	const clock = options.clock ?? ((): Date => new Date());
	const importMs = options.importMs ?? 300;
	const importTimes = { min: importMs, max: options.importMaxMs ?? importMs };
	const maxBody = options.maxBodyBytes ?? MAX_BODY;
	let intercept: Intercept | undefined;
	if (!Number.isFinite(importMs) || importMs < 0) throw new Error('importMs must be 0 or more');
	if (!Number.isFinite(importTimes.max) || importTimes.max < importMs)
		throw new Error('importMaxMs must be importMs or more');
	const limit = options.rateLimitPerMinute ?? 0;
	if (!Number.isInteger(limit) || limit < 0)
		throw new Error('rateLimitPerMinute must be a whole number, 0 for unlimited');
	const resetStyle = options.rateLimitResetStyle ?? 'seconds';
	const seed = structuredClone(options.seed ?? {});

	let state = new DotdigitalState(seed, clock, importTimes);
	const dice = new FaultDice(options.faults);
	const scripted = new ScriptedFaults();
	const rateWindow = new RateWindow(limit);
	let log: CallRecord[] = [];
	const sockets = new Set<Socket>();
	const expected = Buffer.from(`${user}:${password}`, 'utf8');

	const authorised = (req: IncomingMessage): boolean => {
		const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
		if (!match) return false;
		const given = Buffer.from(match[1], 'base64');
		return given.length === expected.length && timingSafeEqual(given, expected);
	};

	const account: Account = {
		region,
		user,
		regionUrl: (name) => `${rootUrl}/${name}`,
		callsInLastHour: () => {
			const since = clock().getTime() - 3_600_000;
			return log.filter((call) => call.at >= since && call.status !== 401).length;
		},
	};

	const rateLimited = (v2: boolean, resetAt: number, headerLimit: number): Reply => {
		const reset =
			resetStyle === 'epoch'
				? Math.ceil(resetAt / 1000)
				: Math.max(1, Math.ceil((resetAt - clock().getTime()) / 1000));
		return {
			status: 429,
			headers: {
				'x-ratelimit-limit': String(headerLimit),
				'x-ratelimit-scope': 'account',
				'x-ratelimit-reset': String(reset),
			},
			json: v2
				? {
						message:
							'Too many requests: the per-minute call rate limit has been exceeded. ERROR_RATE_LIMIT_EXCEEDED',
					}
				: {
						errorCode: 'apiUsage:tooManyRequests',
						description: 'Too many requests: the per-minute call rate limit has been exceeded',
					},
		};
	};

	const serverError = (status: number): Reply =>
		status === 500
			? { status, json: { message: 'An error has occurred.' } }
			: {
					status,
					contentType: 'text/html',
					text: `<html>\r\n<head><title>${status} ${GATEWAY_PAGES[status]}</title></head>\r\n<body>\r\n<center><h1>${status} ${GATEWAY_PAGES[status]}</h1></center>\r\n</body>\r\n</html>\r\n`,
				};

	const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
		const method = (req.method ?? 'GET').toUpperCase();
		const record: CallRecord = {
			method,
			path: url.pathname,
			query: url.search.replace(/^\?/, ''),
			status: 0,
			at: clock().getTime(),
			bytes: 0,
		};
		log.push(record);
		const send = (reply: Reply, injected?: InjectedKind): void => {
			record.status = reply.status;
			if (injected !== undefined) record.injected = injected;
			// Dotdigital's Date header and its contacts' timestamps come from one clock.
			res.setHeader('Date', clock().toUTCString());
			write(res, reply);
		};
		// v3's 401 has no body; v2 answers every error with a message.
		if (!authorised(req))
			return send(
				/^\/r[123]\/v2\//i.test(url.pathname)
					? { status: 401, json: { message: 'Authorization has been denied for this request.' } }
					: { status: 401 },
			);
		const body = await readBody(req, maxBody);
		record.bytes = body.bytes;
		if (body.text === undefined) {
			return send({
				status: 413,
				contentType: 'text/html',
				text: '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n</body>\r\n</html>\r\n',
			});
		}
		const match = /^\/(r[123])(\/.*)?$/i.exec(url.pathname);
		const regionPath = match ? (match[2] ?? '/') : url.pathname;
		const v2 = /^\/v2(\/|$)/i.test(regionPath);
		const apply = (): Reply => {
			if (!match)
				return {
					status: 404,
					json: {
						errorCode: 'notFound',
						description: `No resource was found at '${url.pathname}'`,
					},
				};
			const call: ApiCall = {
				method,
				region: match[1].toLowerCase() as Region,
				path: regionPath,
				query: url.searchParams,
				body: body.text!,
				contentType: req.headers['content-type'] ?? '',
			};
			return dispatch(state, call, account);
		};

		if (limit > 0) {
			const hit = rateWindow.hit(clock().getTime());
			if (!hit.allowed) return send(rateLimited(v2, hit.resetAt, limit), 'rate-limit');
		}
		const script = scripted.take(method, url.pathname, regionPath);
		if (script !== undefined) {
			if (script.afterApply) apply();
			const reply: Reply = { status: script.status, headers: script.headers };
			if (script.body !== undefined) reply.json = script.body;
			return send(reply, 'scripted');
		}
		const draw = dice.draw();
		if (draw.kind === '429') {
			const reply = rateLimited(v2, clock().getTime() + 1000, limit > 0 ? limit : INJECTED_LIMIT);
			if (dice.retryAfter) reply.headers = { ...reply.headers, 'Retry-After': '1' };
			return send(reply, '429');
		}
		if (draw.kind === '5xx') {
			if (draw.lost) apply();
			return send(serverError(draw.status), draw.lost ? 'lost-response' : '5xx');
		}
		const received = await intercept?.(record, 'received');
		if (received === 'drop') return void res.destroy();
		if (received) return send(serverError(received.status), 'scripted');
		const reply = apply();
		const applied = await intercept?.(record, 'applied');
		if (applied === 'drop') return void res.destroy();
		if (applied) return send(serverError(applied.status), 'lost-response');
		return send(reply);
	};

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://fake');
		const handle = async (): Promise<void> => {
			if (url.pathname === '/__admin' || url.pathname.startsWith('/__admin/'))
				return handleAdmin(url.pathname, req, res, { fake, state: adminState });
			return handleApi(req, res, url);
		};
		handle().catch((error: unknown) => {
			if (!res.headersSent)
				write(res, {
					status: 500,
					json: { message: error instanceof Error ? error.message : String(error) },
				});
			else res.destroy();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
	const rootUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

	const adminState = (): unknown => {
		state.settle();
		return {
			contacts: state.contacts.all().map(cloneContact),
			collections: [...state.insight.collections.values()].map((collection) =>
				collection.snapshot(),
			),
			dataFields: state.fields.all(),
			lists: [...state.lists.values()].map((list) => ({ ...list })),
		};
	};

	const fake: FakeDotdigital = {
		baseUrl: `${rootUrl}/${region}`,
		rootUrl,
		regionUrl: (name) => `${rootUrl}/${name}`,
		adminUrl: `${rootUrl}/__admin/`,
		user,
		password,
		region,
		calls: () => log.map((call) => ({ ...call })),
		resetCalls(): void {
			log = [];
		},
		statusHistory() {
			state.settle();
			return state.contacts.history.map((change) => ({ ...change }));
		},
		contacts(): ReturnType<FakeDotdigital['contacts']> {
			state.settle();
			return state.contacts.all().map(cloneContact);
		},
		contact(identifier, value) {
			state.settle();
			const name = identifierName(identifier);
			const stored = name === undefined ? undefined : normaliseIdentifier(name, value);
			if (name === undefined || stored === undefined) return undefined;
			const found = state.contacts.find(name, stored);
			return found === undefined ? undefined : cloneContact(found);
		},
		collection(name) {
			state.settle();
			return state.insight.collections.get(name)?.snapshot();
		},
		dataFields: () => state.fields.all(),
		setFaults: (faults) => dice.set(faults),
		setIntercept: (hook) => {
			intercept = hook;
		},
		failNext: (spec) => scripted.add(spec),
		addContact: (contact) => state.addContact(contact),
		activeImports: () => state.activeImports(),
		reset(): void {
			state = new DotdigitalState(seed, clock, importTimes);
			dice.set({});
			scripted.clear();
			rateWindow.clear();
			log = [];
		},
		async stop(): Promise<void> {
			for (const socket of sockets) socket.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	return fake;
}

function write(res: ServerResponse, reply: Reply): void {
	const headers: Record<string, string | number> = { ...reply.headers };
	let body: string | undefined;
	if (reply.text !== undefined) {
		body = reply.text;
		headers['Content-Type'] = reply.contentType ?? 'text/plain; charset=utf-8';
	} else if (reply.json !== undefined) {
		body = JSON.stringify(reply.json);
		headers['Content-Type'] = reply.contentType ?? 'application/json; charset=utf-8';
	}
	headers['Content-Length'] = body === undefined ? 0 : Buffer.byteLength(body);
	res.writeHead(reply.status, headers);
	res.end(body);
}

/**
 * The body as text, or no text once it passes MAX_BODY: from then on the rest is drained and dropped
 * (not kept), and the 413 goes out at once, so the client sees the answer rather than a reset.
 */
function readBody(
	req: IncomingMessage,
	maxBody: number,
): Promise<{ text?: string; bytes: number }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let bytes = 0;
		let done = false;
		const onData = (chunk: Buffer): void => {
			bytes += chunk.length;
			if (bytes > maxBody) {
				chunks.length = 0;
				req.off('data', onData);
				req.on('data', () => undefined);
				done = true;
				resolve({ bytes });
				return;
			}
			chunks.push(chunk);
		};
		req.on('data', onData);
		req.on('end', () => {
			if (done) return;
			done = true;
			resolve({ text: Buffer.concat(chunks).toString('utf8'), bytes });
		});
		req.on('close', () => {
			if (done) return;
			done = true;
			reject(new Error('The client went away before sending the whole body'));
		});
	});
}
