/** What is wrong with a watched folder or a file in it, said for the person who sets the folder up. */
export class FolderError extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
		this.name = 'FolderError';
	}
}

export function folderErrorFrom(error: unknown, folder: string): FolderError {
	const code = (error as NodeJS.ErrnoException).code;
	switch (code) {
		case 'ENOENT':
			return new FolderError(
				`The folder "${folder}" does not exist`,
				'Check the path, and that the share or volume is mounted on the machine n8n runs on.',
			);
		case 'EACCES':
		case 'EPERM':
			return new FolderError(
				`n8n cannot read the folder "${folder}"`,
				'The user n8n runs as needs read and write permission on the folder.',
			);
		case 'ENOTDIR':
			return new FolderError(`"${folder}" is not a folder`);
		default:
			return new FolderError(`The folder "${folder}" cannot be read: ${(error as Error).message}`);
	}
}
