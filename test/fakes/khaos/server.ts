/**
 * The HTTP side of the fake: IIS in front (optional Basic auth, 503 when the app pool is down, 404
 * for unknown paths), the Delphi ISAPI app behind it (WSDL at /<exe>/wsdl/IKosWeb, SOAP at
 * /<exe>/soap/IKosWeb), and the /__admin/ JSON API beside it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';

import { handleAdmin } from './admin';
import { FaultQueue } from './faults';
import { childText } from './xml';
import { KhaosState, invoke } from './methods';
import { resolveSeed } from './seed';
import { SoapFault, faultEnvelope, methodFromSoapAction, readSoapCall } from './soap';
import { wsdlDocument } from './wsdl';
import type { CallRecord, FakeKhaos, FakeKhaosOptions, FaultSpec } from './types';

const MAX_BODY = 32 * 1024 * 1024;
const XML_TYPE = 'text/xml; charset=utf-8';

const IIS_503 =
	'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
	'<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
	'<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n';
const IIS_401 =
	'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n' +
	'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></head>\r\n' +
	'<body><div id="header"><h1>Server Error</h1></div><div id="content"><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>' +
	'<h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3></div></body></html>\r\n';
const IIS_404 =
	'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n' +
	'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>404 - File or directory not found.</title></head>\r\n' +
	'<body><div id="header"><h1>Server Error</h1></div><div id="content"><h2>404 - File or directory not found.</h2></div></body></html>\r\n';

export async function startFakeKhaos(options: FakeKhaosOptions = {}): Promise<FakeKhaos> {
	const host = options.host ?? '127.0.0.1';
	const exeName = options.exeName ?? 'KhaosKSD.exe';
	const clock = options.clock ?? ((): Date => new Date());
	const seed = resolveSeed(options.seed);
	const wsdlPath = `/${exeName}/wsdl/IKosWeb`;
	const soapPath = options.soapPath ?? `/${exeName}/soap/IKosWeb`;
	if (!soapPath.startsWith('/')) throw new Error('soapPath must start with /');

	let state = new KhaosState(seed, clock);
	const faults = new FaultQueue();
	let log: CallRecord[] = [];
	const sockets = new Set<Socket>();
	const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
	let stopping = false;

	const sleep = (ms: number): Promise<void> =>
		new Promise((resolve) => {
			const entry = {
				timer: setTimeout(() => {
					timers.delete(entry);
					resolve();
				}, ms),
				resolve,
			};
			timers.add(entry);
		});

	const authorised = (req: IncomingMessage): boolean => {
		if (options.basicAuth === undefined) return true;
		const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
		if (!match) return false;
		const expected = Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password}`, 'utf8');
		const given = Buffer.from(match[1], 'base64');
		return given.length === expected.length && timingSafeEqual(given, expected);
	};

	const sendText = (
		res: ServerResponse,
		status: number,
		contentType: string,
		body: string,
		headers: Record<string, string> = {},
	): void => {
		res.writeHead(status, {
			'Content-Type': contentType,
			'Content-Length': Buffer.byteLength(body),
			...headers,
		});
		res.end(body);
	};
	const sendUnauthorised = (res: ServerResponse): void =>
		sendText(res, 401, 'text/html', IIS_401, { 'WWW-Authenticate': 'Basic realm="Khaos"' });
	const sendFault = (res: ServerResponse, fault: SoapFault): void =>
		sendText(res, 500, XML_TYPE, faultEnvelope(fault));

	/** Applies an injected fault; true when the request has been answered (or dropped) by it. */
	const applyFault = async (
		fault: FaultSpec,
		req: IncomingMessage,
		res: ServerResponse,
	): Promise<boolean> => {
		switch (fault.kind) {
			case 'delay':
				await sleep(fault.delayMs ?? 5000);
				return stopping;
			case 'soap-fault':
				sendFault(res, new SoapFault(fault.message ?? 'Injected fault', 'Server'));
				return true;
			case 'http-503':
				sendText(res, 503, 'text/html', IIS_503);
				return true;
			case 'http-401':
				sendUnauthorised(res);
				return true;
			case 'reset':
				req.socket.destroy();
				return true;
			case 'drop-reply':
				return false;
		}
	};

	const serveWsdl = async (
		req: IncomingMessage,
		res: ServerResponse,
		base: string,
	): Promise<void> => {
		if (req.method !== 'GET' && req.method !== 'HEAD')
			return sendText(res, 405, 'text/plain', 'Method Not Allowed', { Allow: 'GET' });
		const fault = faults.take('wsdl');
		if (fault && (await applyFault(fault, req, res))) return;
		const body = wsdlDocument(`${base}${soapPath}`);
		res.writeHead(200, { 'Content-Type': XML_TYPE, 'Content-Length': Buffer.byteLength(body) });
		res.end(req.method === 'HEAD' ? undefined : body);
	};

	const serveSoap = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		if (req.method !== 'POST')
			return sendText(res, 405, 'text/plain', 'Method Not Allowed', { Allow: 'POST' });
		const body = await readBody(req);
		if (body === undefined) return sendText(res, 413, 'text/plain', 'Request Entity Too Large');
		const actionHeader = req.headers.soapaction;
		const action = Array.isArray(actionHeader) ? actionHeader[0] : actionHeader;
		const named = /#([^"#]*)"?\s*$/.exec(action ?? '')?.[1] ?? '';
		const record: CallRecord = {
			method: named,
			params: {},
			types: {},
			at: Date.now(),
			soapAction: action,
			body,
		};
		log.push(record);
		const fault = faults.take(named);
		if (fault) {
			record.fault = fault.kind;
			if (await applyFault(fault, req, res)) return;
		}
		try {
			const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
			if (contentType !== 'text/xml')
				throw new SoapFault(
					`Unsupported Content-Type '${contentType}': SOAP 1.1 requests are text/xml`,
					'Client',
				);
			const method = methodFromSoapAction(action);
			const call = readSoapCall(body, method);
			record.params = call.params;
			record.types = call.types;
			const answer = invoke(state, call);
			// The call was carried out; its answer never reaches the client.
			if (fault?.kind === 'drop-reply') return void req.socket.destroy();
			sendText(res, 200, XML_TYPE, answer);
		} catch (error) {
			sendFault(
				res,
				error instanceof SoapFault
					? error
					: new SoapFault(error instanceof Error ? error.message : String(error)),
			);
		}
	};

	const server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://fake').pathname;
		const base = `http://${req.headers.host ?? hostPort()}`;
		const handle = async (): Promise<void> => {
			if (path.startsWith('/__admin/') || path === '/__admin')
				return handleAdmin(path, req, res, { fake, stockSummary });
			// IIS and the Delphi dispatcher match paths case-insensitively.
			const lower = path.toLowerCase();
			const isWsdl = lower === wsdlPath.toLowerCase();
			const isSoap = lower === soapPath.toLowerCase();
			if (!isWsdl && !isSoap) return sendText(res, 404, 'text/html', IIS_404);
			if (!authorised(req)) return sendUnauthorised(res);
			return isWsdl ? serveWsdl(req, res, base) : serveSoap(req, res);
		};
		handle().catch((error: unknown) => {
			if (!res.headersSent)
				sendText(res, 500, 'text/plain', error instanceof Error ? error.message : String(error));
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
	const hostPort = (): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;
	const baseUrl = `http://${hostPort()}`;

	const stockSummary = (): unknown =>
		state.stock.all().map((entry) => ({
			code: entry.code,
			parentCode: entry.parent?.code ?? null,
			otherRef: state.stock.otherRef(entry),
			desc: state.stock.description(entry),
			level: entry.level,
			status: state.stock.statusOf(entry),
			pack: state.stock.packComponents(entry),
			lastUpdated: entry.lastUpdated.toISOString(),
			movedAt: entry.movedAt.toISOString(),
		}));

	const fake: FakeKhaos = {
		baseUrl,
		wsdlUrl: `${baseUrl}${wsdlPath}`,
		endpointUrl: `${baseUrl}${soapPath}`,
		async stop(): Promise<void> {
			stopping = true;
			for (const entry of timers) {
				clearTimeout(entry.timer);
				entry.resolve();
			}
			timers.clear();
			for (const socket of sockets) socket.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
		orders: () => state.orders.list(),
		advanceOrder: (associatedRef, stage, extras) =>
			state.orders.advance(associatedRef, stage, extras),
		cancelOrder: (associatedRef) => state.orders.cancel(associatedRef),
		addStock: (item) => state.stock.add(item),
		updateStock: (code, patch) => state.stock.update(code, patch),
		deleteStock: (code) => state.stock.remove(code),
		deleteCustomer(code, mergedInto) {
			const idOf = (wanted: string): string => {
				const entry = state.customers.lookup(wanted, 1)[0];
				if (entry === undefined) throw new Error(`No customer ${wanted}`);
				return childText(entry.node, 'COMPANY_ID');
			};
			state.deletedCompanies.push({
				id: idOf(code),
				mergedInto: mergedInto === undefined ? '' : idOf(mergedInto),
				at: clock(),
			});
		},
		customerCodes: () => state.customers.all().map((entry) => state.customers.code(entry)),
		mailingHistory: () => state.customers.mailingHistory(),
		injectFault: (spec) => faults.add(spec),
		calls: () => structuredClone(log),
		reset(): void {
			state = new KhaosState(seed, clock);
			faults.clear();
			log = [];
		},
	};
	return fake;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY) return undefined;
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}
