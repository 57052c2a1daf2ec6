import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, type NodeOperationError } from 'n8n-workflow';

import { SYSTEM_FAULT_KEY, type SystemFault } from '../../lib/files/system-fault';

/** What an item carries instead of results when the node is set to continue on error. */
export function errorJson(error: NodeApiError | NodeOperationError): IDataObject {
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		...(error instanceof NodeApiError && error.httpCode ? { http_code: error.httpCode } : {}),
	};
}

/**
 * Marks an error as a fault that is nobody's data (a refused login, an outage), so that the POS File
 * Trigger pauses the feed and tries the same file again later instead of using up its attempts.
 */
export function withSystemFault<E extends NodeApiError | NodeOperationError>(
	error: E,
	fault: SystemFault | undefined,
): E {
	if (fault) error.context = { ...error.context, [SYSTEM_FAULT_KEY]: { ...fault } };
	return error;
}
