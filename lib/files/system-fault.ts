/**
 * A fault that is nobody's data: a refused login, a service that cannot be reached, a state store
 * that cannot be opened. The node that meets one marks its error with it; the POS File Trigger
 * reads the mark from the failed execution and pauses the feed instead of using up the file's
 * attempts, since the same file will go through once the cause is fixed.
 */
export interface SystemFault {
	/** What is at fault, as people name it: "Dotdigital", "Khaos", "the sync state store". */
	system: string;
	/** The cause in plain words, e.g. "Dotdigital refused the login". */
	cause: string;
}

/** Where a node's error carries the mark: its `context` (n8n copies it into the execution's error). */
export const SYSTEM_FAULT_KEY = 'posSyncSystemFault';

/**
 * The system fault an execution's error carries, if any. The mark is read first; an error that
 * lost it on the way (an execution read back from the database) is recognised by the words the
 * nodes use for these faults.
 */
export function systemFaultOf(error: unknown): SystemFault | undefined {
	if (!error || typeof error !== 'object') return undefined;
	const { context, message, httpCode } = error as {
		context?: Record<string, unknown>;
		message?: unknown;
		httpCode?: unknown;
	};
	const marked = context?.[SYSTEM_FAULT_KEY] as Partial<SystemFault> | undefined;
	if (marked && typeof marked.system === 'string' && typeof marked.cause === 'string')
		return { system: marked.system, cause: marked.cause };
	const text = typeof message === 'string' ? message : '';
	const code = typeof httpCode === 'string' ? httpCode : '';
	for (const system of ['Dotdigital', 'Khaos']) {
		if (!text.includes(system)) continue;
		if (code === '401' || code === '403' || / HTTP 40[13]\b/.test(text))
			return { system, cause: `${system} refused the login` };
		if (/^Could not reach/.test(text)) return { system, cause: `${system} cannot be reached` };
	}
	if (/^Could not open the sync state file/.test(text))
		return { system: 'the sync state store', cause: 'the sync state store cannot be opened' };
	return undefined;
}
