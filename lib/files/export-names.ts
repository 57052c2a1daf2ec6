/** Which file names in a watched folder are exports: the user's pattern, less names of files still being written. */
import picomatch from 'picomatch';

import { FolderError } from './folder-error';

/** Names a writer uses while a file is still being written, and names that are not exports. */
const IGNORED_NAME = /^(\.|~\$)|\.(tmp|temp|part|partial|crdownload|filepart|swp|lock)$/i;

export function isIgnoredName(name: string): boolean {
	return IGNORED_NAME.test(name);
}

export function matcherFor(pattern: string): (name: string) => boolean {
	const trimmed = pattern.trim() || '*';
	if (trimmed.includes('/') || trimmed.includes('\\')) {
		throw new FolderError(
			`The file name pattern "${pattern}" contains a folder separator`,
			'The pattern matches file names only, for example "Customers_*.csv". Put the folder in "Folder".',
		);
	}
	return picomatch(trimmed, { nocase: true, dot: false });
}
