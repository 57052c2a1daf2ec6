/**
 * What the Khaos nodes share: the credential and its test, the connection, and the translation of
 * lib/khaos errors into n8n errors (Khaos's own fault text as the message; never the password).
 */
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IAllExecuteFunctions,
	INode,
	INodeCredentialTestResult,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { credentialTestSend, n8nSend } from './http';

export { errorJson } from './node-errors';
import { withSystemFault } from './node-errors';

import {
	KhaosClient,
	KhaosError,
	KhaosFaultError,
	KhaosHttpError,
	KhaosNetworkError,
	checkSettings,
	khaosSettings,
	khaosSystemFault,
	type KhaosSettings,
} from '../../lib/khaos';

export const KHAOS_CREDENTIAL_TYPE = 'khaosControlApi';

/** The credential test: GetVersion, tried once, so a wrong URL answers quickly. */
export async function testKhaosCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const settings = khaosSettings(credential.data ?? {}, {
			retry: { attempts: 1 },
			timeoutMs: 20_000,
		});
		const { auth, ...options } = settings.client;
		const basic = auth?.type === 'basic' ? { user: auth.user, password: auth.password } : undefined;
		const client = new KhaosClient({
			...options,
			secrets: basic ? [basic.password] : [],
			send: credentialTestSend(this, basic),
		});
		const version = (await client.getVersion()).trim();
		const problems = await checkSettings(client, {
			salesSource: settings.salesSource,
			siteId: settings.siteId,
			websiteName: settings.websiteName,
		});
		if (problems.length > 0)
			return {
				status: 'Error',
				message: `Connected to Khaos Control${version ? ` ${version}` : ''}, but: ${problems.join('; ')}`,
			};
		return { status: 'OK', message: `Connected to Khaos Control${version ? ` ${version}` : ''}` };
	} catch (error) {
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
}

export interface KhaosConnection {
	client: KhaosClient;
	settings: KhaosSettings;
}

/** A client whose requests go out through n8n's request helper with the Khaos credential (its Basic login, if any). */
export async function connectToKhaos(ctx: IAllExecuteFunctions): Promise<KhaosConnection> {
	const fields = await ctx.getCredentials(KHAOS_CREDENTIAL_TYPE);
	let settings: KhaosSettings;
	try {
		settings = khaosSettings(fields);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			description: 'Open the Khaos Control credential and complete it.',
		});
	}
	const { auth, ...options } = settings.client;
	const secrets = auth?.type === 'basic' ? [auth.password] : [];
	return {
		client: new KhaosClient({ ...options, secrets, send: n8nSend(ctx, KHAOS_CREDENTIAL_TYPE) }),
		settings,
	};
}

type NodeErrorLike = NodeApiError | NodeOperationError;

/**
 * An n8n error for whatever went wrong. SOAP faults become NodeApiError with Khaos's faultstring as
 * the message (what Khaos said is what the consultant needs); HTTP and connection failures become
 * NodeApiError with the lib's explanation; anything else (bad input) a NodeOperationError.
 */
export function khaosNodeError(node: INode, error: unknown, itemIndex?: number): NodeErrorLike {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return withSystemFault(asNodeError(node, error, itemIndex), khaosSystemFault(error));
}

function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeErrorLike {
	if (error instanceof KhaosFaultError) {
		const said =
			error.faultString || error.faultCode || 'Khaos returned a SOAP fault without a message';
		const exception = error.detail.exceptionClass ?? (error.faultActor || undefined);
		const refused = `Khaos Control refused ${error.method}${exception ? ` (${exception})` : ''}`;
		const description = `${refused}. The message above is Khaos's own; Khaos support can say more about it.`;
		return new NodeApiError(node, { message: error.message, description } as JsonObject, {
			itemIndex,
			message: said,
			description,
			httpCode: String(error.httpStatus || 500),
		});
	}
	if (error instanceof KhaosHttpError) {
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			itemIndex,
			message: error.message,
			description:
				'The Khaos server (or what sits in front of it) answered with an HTTP error instead of a SOAP response.',
			httpCode: String(error.status),
		});
	}
	if (error instanceof KhaosNetworkError) {
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			itemIndex,
			// No error code in the message: n8n would swap a message naming one for its own generic text.
			message: /CERT|SELF_SIGNED|TLS|SSL/.test(error.code)
				? "Khaos Control's HTTPS certificate was not accepted"
				: 'Could not reach the Khaos Control web service',
			description: `${error.message}${error.attempts > 1 ? ` Tried ${error.attempts} times.` : ''}`,
		});
	}
	if (error instanceof KhaosError) {
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			itemIndex,
			message: error.message,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}

/** Codes typed into a field: separated by commas or new lines, blanks dropped. */
export function splitCodes(text: string): string[] {
	return text
		.split(/[,\n\r]+/)
		.map((code) => code.trim())
		.filter((code) => code !== '');
}
