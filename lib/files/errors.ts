/**
 * A file that cannot be read as a CSV, TSV or Excel export. The message names the file and says
 * why, in words a user can act on: `Cannot read "prices.pdf": it is not a CSV, TSV or Excel file
 * (it looks like a PDF).`
 */
export class FileReadError extends Error {
	readonly fileName: string;
	/** The message without the `Cannot read "…": ` prefix, for callers that name the file themselves. */
	readonly reason: string;
	/** Physical line (1-based) the problem is on, when it is about one place in a text file. */
	readonly line?: number;

	constructor(fileName: string, reason: string, options: { line?: number; cause?: unknown } = {}) {
		super(`Cannot read "${fileName}": ${reason}.`, { cause: options.cause });
		this.name = 'FileReadError';
		this.fileName = fileName;
		this.reason = reason;
		if (options.line !== undefined) this.line = options.line;
	}
}

const SYSTEM_ERROR_REASONS: Record<string, string> = {
	ENOENT: 'the file does not exist',
	EACCES: 'permission to read it was denied',
	EPERM: 'permission to read it was denied',
	EISDIR: 'it is a folder, not a file',
};

/**
 * Turns a failure to open or read the file (ENOENT, EACCES, …) into a FileReadError naming it.
 * FileReadErrors pass through; anything else is a bug rather than a bad file and is returned as is.
 */
export function asFileReadError(error: unknown, fileName: string): unknown {
	if (error instanceof FileReadError || !isSystemError(error)) return error;
	const reason =
		SYSTEM_ERROR_REASONS[error.code] ?? `reading it failed (${error.code}: ${error.message})`;
	return new FileReadError(fileName, reason, { cause: error });
}

/** Checked by shape: errors from Node's own modules may come from another realm (as under Jest), where instanceof fails. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
	if (typeof error !== 'object' || error === null) return false;
	const { code, syscall } = error as NodeJS.ErrnoException;
	return typeof code === 'string' && typeof syscall === 'string';
}
