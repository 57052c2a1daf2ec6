import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, type NodeOperationError } from 'n8n-workflow';

/** What an item carries instead of results when the node is set to continue on error. */
export function errorJson(error: NodeApiError | NodeOperationError): IDataObject {
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		...(error instanceof NodeApiError && error.httpCode ? { http_code: error.httpCode } : {}),
	};
}
