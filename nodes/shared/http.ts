/**
 * lib/'s Send on n8n's own request helpers, so n8n's proxy settings (HTTP_PROXY, HTTPS_PROXY,
 * NO_PROXY), SSL option, request logging and the credential's `authenticate` block apply to every
 * call to Dotdigital and Khaos.
 */
import type {
	IAllExecuteFunctions,
	ICredentialTestFunctions,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import {
	HttpFailure,
	TOO_LARGE,
	type HttpAnswer,
	type HttpRequest,
	type Send,
} from '../../lib/http';

/** What axios hands back for `encoding: 'stream'` (a Node Readable). */
interface ByteStream extends AsyncIterable<unknown> {
	destroy(): void;
}

interface FullResponse {
	body: unknown;
	headers: unknown;
	statusCode: number;
	statusMessage?: string;
}

/** Requests made with n8n's httpRequestWithAuthentication and the node's credential of this type. */
export function n8nSend(ctx: IAllExecuteFunctions, credentialType: string): Send {
	return async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			timeout: request.timeoutMs,
			skipSslCertificateValidation: request.skipSslCertificateValidation === true,
			disableFollowRedirect: true,
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
			encoding: request.maxResponseBytes === undefined ? 'text' : 'stream',
			json: false,
		};
		let response: FullResponse;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				credentialType,
				options,
			)) as FullResponse;
		} catch (error) {
			throw failure(error);
		}
		return answer(response, request);
	};
}

/**
 * Requests made with the helper a credential test has (n8n's legacy request, on the same axios and
 * proxy settings); the test function authenticates with `auth` itself, as it has no node.
 */
export function credentialTestSend(
	ctx: ICredentialTestFunctions,
	auth?: { user: string; password: string },
): Send {
	return async (request) => {
		let response: FullResponse;
		try {
			response = (await ctx.helpers.request({
				uri: request.url,
				method: request.method,
				headers: request.headers,
				body: request.body,
				timeout: request.timeoutMs,
				rejectUnauthorized: request.skipSslCertificateValidation !== true,
				followRedirect: false,
				followAllRedirects: false,
				resolveWithFullResponse: true,
				simple: false,
				json: false,
				...(auth ? { auth: { user: auth.user, pass: auth.password, sendImmediately: true } } : {}),
			})) as FullResponse;
		} catch (error) {
			throw failure(error);
		}
		return answer(response, request);
	};
}

async function answer(response: FullResponse, request: HttpRequest): Promise<HttpAnswer> {
	return {
		status: response.statusCode,
		statusText: response.statusMessage ?? '',
		headers: headersOf(response.headers),
		body: await bodyText(response.body, request.maxResponseBytes),
	};
}

async function bodyText(body: unknown, limit: number | undefined): Promise<string> {
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (typeof (body as ByteStream)[Symbol.asyncIterator] === 'function') {
		const stream = body as ByteStream;
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of stream) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			size += buffer.length;
			if (limit !== undefined && size > limit) {
				stream.destroy();
				throw new HttpFailure(`the response is larger than ${limit} bytes`, TOO_LARGE);
			}
			chunks.push(buffer);
		}
		return Buffer.concat(chunks).toString('utf8');
	}
	return JSON.stringify(body);
}

function headersOf(raw: unknown): Headers {
	const headers = new Headers();
	const record =
		typeof (raw as { toJSON?: unknown })?.toJSON === 'function'
			? (raw as { toJSON: () => IDataObject }).toJSON()
			: ((raw ?? {}) as IDataObject);
	for (const [name, value] of Object.entries(record)) {
		if (value === undefined || value === null) continue;
		for (const one of Array.isArray(value) ? value : [value]) headers.append(name, String(one));
	}
	return headers;
}

/** The network fault under n8n's wrapping (NodeApiError → AxiosError → system error), as an HttpFailure. */
function failure(error: unknown): HttpFailure {
	if (error instanceof HttpFailure) return error;
	let fault = error as { code?: unknown; message?: string; cause?: unknown } | undefined;
	for (let depth = 0; depth < 4 && fault && typeof fault.code !== 'string'; depth++)
		fault = fault.cause as typeof fault;
	const code = typeof fault?.code === 'string' ? fault.code : 'ENETWORK';
	const message = fault?.message ?? (error instanceof Error ? error.message : String(error));
	if (/timeout of \d+ms exceeded/i.test(message))
		return new HttpFailure(message, 'ETIMEDOUT', { cause: error });
	return new HttpFailure(message, code, { cause: error });
}
