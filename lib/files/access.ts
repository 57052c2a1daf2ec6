import { homedir } from 'node:os';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import { realpath } from 'node:fs/promises';

/**
 * n8n's file-access rules (N8N_RESTRICT_FILE_ACCESS_TO, N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES,
 * N8N_BLOCK_FILE_PATTERNS), read the way n8n 2.x reads them. Trigger nodes get no file helpers
 * from n8n, so a watched folder is checked here.
 */
export interface FileAccessPolicy {
	/** Folders that may be read; empty means no restriction. */
	allowed: string[];
	/** Folders that hold n8n's own files. */
	blocked: string[];
	/** Patterns matched against the whole path. */
	blockedPatterns: string[];
}

const DEFAULT_RESTRICT_TO = '~/.n8n-files';
const DEFAULT_BLOCKED_PATTERNS = '^(?:[^/]*/)*\\.git(?:/.*)?$';

function splitList(value: string | undefined, separator: string, home: string): string[] {
	return (value ?? '')
		.split(separator)
		.map((part) => part.trim())
		.filter((part) => part !== '')
		.map((part) => (part.startsWith('~') ? part.replace('~', home) : part));
}

export function fileAccessPolicyFromEnv(
	env: NodeJS.ProcessEnv = process.env,
	home = homedir(),
): FileAccessPolicy {
	const blocked: string[] = [];
	if (env.N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES !== 'false') {
		blocked.push(join(env.N8N_USER_FOLDER ?? home, '.n8n'), join(home, '.cache', 'n8n', 'public'));
		blocked.push(...splitList(env.N8N_CONFIG_FILES, ',', home));
		blocked.push(...splitList(env.N8N_CUSTOM_EXTENSIONS, ';', home));
		blocked.push(...splitList(env.N8N_BINARY_DATA_STORAGE_PATH, ';', home));
	}
	return {
		allowed: splitList(env.N8N_RESTRICT_FILE_ACCESS_TO ?? DEFAULT_RESTRICT_TO, ';', home),
		blocked,
		blockedPatterns: splitList(env.N8N_BLOCK_FILE_PATTERNS ?? DEFAULT_BLOCKED_PATTERNS, ';', home),
	};
}

export function isContainedWithin(parent: string, candidate: string): boolean {
	const rel = relative(resolve(parent), resolve(candidate));
	return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Both the path as configured and its real path, since either may be the one a rule names. */
async function withRealPath(path: string): Promise<string[]> {
	try {
		const real = await realpath(path);
		return real === resolve(path) ? [real] : [resolve(path), real];
	} catch {
		return [resolve(path)];
	}
}

function matchesBlockedPattern(path: string, patterns: string[]): boolean {
	const normalized = posix.normalize(path.replace(/\\/g, '/'));
	return patterns.some((pattern) => {
		try {
			return new RegExp(pattern, 'mi').test(normalized);
		} catch {
			return true;
		}
	});
}

/**
 * Why n8n would refuse this folder ("it is …"), or undefined when it may be read.
 * `folder` should be the folder's real path, so a symlink cannot route around the rules.
 */
export async function folderAccessProblem(
	folder: string,
	policy: FileAccessPolicy,
): Promise<string | undefined> {
	for (const blocked of policy.blocked) {
		for (const variant of await withRealPath(blocked)) {
			if (isContainedWithin(variant, folder)) {
				return `it is inside n8n's own folder (${blocked})`;
			}
		}
	}
	if (matchesBlockedPattern(folder, policy.blockedPatterns)) {
		return 'it matches a pattern in N8N_BLOCK_FILE_PATTERNS';
	}
	if (policy.allowed.length === 0) return undefined;
	for (const allowed of policy.allowed) {
		for (const variant of await withRealPath(allowed)) {
			if (isContainedWithin(variant, folder)) return undefined;
		}
	}
	return `it is outside the folders n8n may read (N8N_RESTRICT_FILE_ACCESS_TO=${policy.allowed.join(';')})`;
}
