/**
 * The Dotdigital credential as a transport, and lib/dotdigital errors as n8n errors (Dotdigital's own
 * description as the message; never the password).
 */
import type { IAllExecuteFunctions, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	DotdigitalApiError,
	DotdigitalError,
	DotdigitalNetworkError,
	DotdigitalTransport,
	dotdigitalSystemFault,
	type Region,
} from '../../lib/dotdigital';
import { withSystemFault } from './node-errors';

import { n8nSend } from './http';

export { errorJson } from './node-errors';

export const DOTDIGITAL_CREDENTIAL_TYPE = 'dotdigitalApi';

/** A transport whose requests go out through n8n's request helper with the Dotdigital credential. */
export async function connectToDotdigital(ctx: IAllExecuteFunctions): Promise<DotdigitalTransport> {
	const credential = await ctx.getCredentials(DOTDIGITAL_CREDENTIAL_TYPE);
	const user = typeof credential.user === 'string' ? credential.user.trim() : '';
	const password = typeof credential.password === 'string' ? credential.password : '';
	if (!user || !password) {
		throw new NodeOperationError(
			ctx.getNode(),
			'The Dotdigital credential has no API user or password',
			{ description: 'Open the Dotdigital API credential and complete it.' },
		);
	}
	const region = ['r1', 'r2', 'r3'].includes(String(credential.region))
		? (credential.region as Region)
		: 'auto';
	const baseUrl =
		typeof credential.baseUrl === 'string' && credential.baseUrl.trim()
			? credential.baseUrl.trim()
			: undefined;
	return new DotdigitalTransport(
		{ user, region, baseUrl },
		{ send: n8nSend(ctx, DOTDIGITAL_CREDENTIAL_TYPE) },
	);
}

export function dotdigitalNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return withSystemFault(asNodeError(node, error, itemIndex), dotdigitalSystemFault(error));
}

function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	const tries =
		error instanceof DotdigitalError && error.attempts > 1 ? ` Tried ${error.attempts} times.` : '';
	if (error instanceof DotdigitalApiError) {
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			itemIndex,
			message: error.message,
			description: `Dotdigital answered ${error.status}${error.code ? ` (${error.code})` : ''}.${tries}`,
			httpCode: String(error.status),
		});
	}
	if (error instanceof DotdigitalNetworkError) {
		// No error code in the message: n8n would swap a message naming one for its own generic text.
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			itemIndex,
			message: 'Could not reach Dotdigital',
			description: `${error.message}${tries}`,
		});
	}
	return new NodeOperationError(node, error instanceof Error ? error.message : String(error), {
		itemIndex,
	});
}
