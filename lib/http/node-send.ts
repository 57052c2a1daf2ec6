/**
 * A Send on Node's own http(s), for lib/ used outside n8n (benchmarks, unit tests). Inside n8n the
 * nodes pass n8n's request helper instead (nodes/shared/http.ts).
 */
import * as http from 'node:http';
import * as https from 'node:https';

import { HttpFailure, TOO_LARGE, type HttpAnswer, type HttpRequest, type Send } from './send';

export function nodeSend(): Send {
	const httpAgent = new http.Agent();
	const httpsAgents = {
		strict: new https.Agent(),
		lenient: new https.Agent({ rejectUnauthorized: false }),
	};
	return (request) => {
		const url = new URL(request.url);
		const agent =
			url.protocol === 'https:'
				? request.skipSslCertificateValidation
					? httpsAgents.lenient
					: httpsAgents.strict
				: httpAgent;
		return sendOnce(url.protocol === 'https:' ? https : http, agent, url, request);
	};
}

function sendOnce(
	transport: typeof http | typeof https,
	agent: http.Agent,
	url: URL,
	request: HttpRequest,
): Promise<HttpAnswer> {
	const headers: Record<string, string | number> = { ...request.headers };
	if (request.body !== undefined)
		headers['Content-Length'] = Buffer.byteLength(request.body, 'utf8');
	const limit = request.maxResponseBytes ?? Infinity;
	return new Promise<HttpAnswer>((resolve, reject) => {
		// Settles first, then tears the request down: what destroy() reports afterwards is ignored.
		const abort = (error: HttpFailure): void => {
			reject(error);
			outgoing.destroy();
		};
		const outgoing = transport.request(
			url,
			{ method: request.method, headers, agent },
			(response) => {
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > limit)
						abort(new HttpFailure(`the response is larger than ${limit} bytes`, TOO_LARGE));
					else chunks.push(chunk);
				});
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						statusText: response.statusMessage ?? '',
						headers: answerHeaders(response.headers),
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', (error) => reject(failure(error)));
			},
		);
		outgoing.setTimeout(request.timeoutMs, () =>
			abort(new HttpFailure(`no answer within ${request.timeoutMs} ms`, 'ETIMEDOUT')),
		);
		outgoing.on('error', (error) => reject(failure(error)));
		outgoing.end(request.body);
	});
}

export function answerHeaders(
	raw: Record<string, string | string[] | number | undefined>,
): Headers {
	const headers = new Headers();
	for (const [name, value] of Object.entries(raw)) {
		if (value === undefined) continue;
		for (const one of Array.isArray(value) ? value : [value]) headers.append(name, String(one));
	}
	return headers;
}

function failure(error: Error & { code?: string }): HttpFailure {
	return new HttpFailure(error.message, error.code ?? 'ENETWORK', { cause: error });
}
