/**
 * n8n's proxy setting reaches our nodes: n8n is started with HTTP_PROXY pointing at a local forward
 * proxy that counts what passes through it (the way n8n is told about a corporate proxy), and every
 * call Dotdigital Upsert and Khaos Product make must pass through it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { startFakeKhaos, type FakeKhaos } from '../fakes/khaos';
import { nodeOutput, startServer, waitFor, type E2eServer } from './harness';

/** A plain HTTP forward proxy (absolute-form requests), counting requests by target host. */
interface CountingProxy {
	url: string;
	seen: Map<string, number>;
	stop(): Promise<void>;
}

async function startCountingProxy(): Promise<CountingProxy> {
	const seen = new Map<string, number>();
	const server = http.createServer((request, response) => {
		let target: URL;
		try {
			target = new URL(request.url ?? '');
		} catch {
			response.writeHead(400).end('not a proxy request');
			return;
		}
		seen.set(target.host, (seen.get(target.host) ?? 0) + 1);
		const upstream = http.request(
			target,
			{ method: request.method, headers: request.headers },
			(answer) => {
				response.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(response);
			},
		);
		upstream.on('error', () => response.writeHead(502).end());
		request.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		stop: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

let proxy: CountingProxy;
let dotdigital: FakeDotdigital;
let khaos: FakeKhaos;
let server: E2eServer;

beforeAll(async () => {
	proxy = await startCountingProxy();
	dotdigital = await startFakeDotdigital();
	khaos = await startFakeKhaos();
	// proxy-from-env, which n8n's request helper uses, reads the lower-case names first and npm's own before them.
	const none = {
		NO_PROXY: '',
		no_proxy: '',
		npm_config_http_proxy: '',
		npm_config_proxy: '',
		npm_config_no_proxy: '',
		ALL_PROXY: '',
		all_proxy: '',
	};
	server = await startServer({ ...none, HTTP_PROXY: proxy.url, http_proxy: proxy.url });
});

afterAll(async () => {
	await server?.stop();
	await khaos?.stop();
	await dotdigital?.stop();
	await proxy?.stop();
});

async function credential(
	type: string,
	data: Record<string, unknown>,
): Promise<{ id: string; name: string }> {
	const response = await server.instance.rest('POST', '/rest/credentials', {
		name: `${type} through the proxy`,
		type,
		data,
	});
	const created = response.data ?? response;
	return { id: created.id, name: created.name };
}

/** Runs one node once, from a webhook, and returns the execution. */
async function runOnce(path: string, node: Record<string, unknown>): Promise<any> {
	const id = await server.instance.createWorkflow({
		name: `Proxy: ${path}`,
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `e2e-${path}`,
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived' },
			},
			{ name: 'Node', position: [200, 0], typeVersion: 1, ...node },
		],
		connections: { Start: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
	});
	await server.instance.activate(id);
	await waitFor(
		`the webhook ${path}`,
		async () => {
			const answer = await fetch(`${server.instance.baseUrl}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ code: 'HL0453' }),
			});
			return answer.status === 404 ? undefined : answer;
		},
		{ timeoutMs: 30_000, intervalMs: 500 },
	);
	const [execution] = await server.instance.waitForExecutions(id, 1);
	return execution;
}

describe('n8n configured for a proxy (HTTP_PROXY)', () => {
	it('sends every Dotdigital call through the proxy', async () => {
		const login = await credential('dotdigitalApi', {
			user: dotdigital.user,
			password: dotdigital.password,
			region: 'r1',
			baseUrl: dotdigital.regionUrl('r1'),
		});
		const execution = await runOnce('proxy-dotdigital', {
			type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
			parameters: { resource: 'dataField', operation: 'getAll' },
			credentials: { dotdigitalApi: login },
		});
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Node').length).toBeGreaterThan(0);
		const reached = dotdigital.calls().length;
		expect(reached).toBeGreaterThan(0);
		expect(proxy.seen.get(new URL(dotdigital.regionUrl('r1')).host)).toBe(reached);
	});

	it('sends every Khaos call through the proxy', async () => {
		const login = await credential('khaosControlApi', {
			url: khaos.wsdlUrl,
			authentication: 'none',
			allowSelfSigned: false,
			siteId: -1,
			stockMappingType: 1,
			salesSource: 'Web',
			websiteName: 'Main Website',
		});
		const execution = await runOnce('proxy-khaos', {
			type: 'n8n-nodes-pos-sync.khaosProduct',
			parameters: { operation: 'getByCode', stockCodes: '={{ $json.body.code }}' },
			credentials: { khaosControlApi: login },
		});
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Node').map((item: any) => item.json.stock_code)).toEqual([
			'HL0453',
		]);
		const host = new URL(khaos.wsdlUrl).host;
		expect(proxy.seen.get(host)).toBeGreaterThanOrEqual(2);
		expect(proxy.seen.get(host)).toBeGreaterThanOrEqual(khaos.calls().length);
	});
});
