import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	fileAccessPolicyFromEnv,
	folderAccessProblem,
	isContainedWithin,
} from '../../../lib/files/access';

describe('n8n file-access rules', () => {
	const home = '/home/node';

	test('by default only ~/.n8n-files may be read, as in n8n 2.x', async () => {
		const policy = fileAccessPolicyFromEnv({}, home);
		expect(policy.allowed).toEqual(['/home/node/.n8n-files']);
		expect(await folderAccessProblem('/home/node/.n8n-files/pos', policy)).toBeUndefined();
		expect(await folderAccessProblem('/srv/exports', policy)).toMatch(
			/outside the folders n8n may read/,
		);
	});

	test('N8N_RESTRICT_FILE_ACCESS_TO takes several folders, and an empty value lifts the restriction', async () => {
		const policy = fileAccessPolicyFromEnv({ N8N_RESTRICT_FILE_ACCESS_TO: '/srv/a; ~/b' }, home);
		expect(policy.allowed).toEqual(['/srv/a', '/home/node/b']);
		expect(await folderAccessProblem('/srv/a/customers', policy)).toBeUndefined();
		expect(await folderAccessProblem('/srv/ab', policy)).toBeDefined();
		expect(
			await folderAccessProblem(
				'/srv/anything',
				fileAccessPolicyFromEnv({ N8N_RESTRICT_FILE_ACCESS_TO: '' }, home),
			),
		).toBeUndefined();
	});

	test("n8n's own folder is refused unless N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES=false", async () => {
		const env = { N8N_RESTRICT_FILE_ACCESS_TO: '', N8N_USER_FOLDER: '/data' };
		expect(
			await folderAccessProblem('/data/.n8n/nodes', fileAccessPolicyFromEnv(env, home)),
		).toMatch(/inside n8n's own folder/);
		expect(
			await folderAccessProblem(
				'/data/.n8n/nodes',
				fileAccessPolicyFromEnv({ ...env, N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES: 'false' }, home),
			),
		).toBeUndefined();
	});

	test('git folders are refused by the default blocked pattern', async () => {
		const policy = fileAccessPolicyFromEnv({ N8N_RESTRICT_FILE_ACCESS_TO: '' }, home);
		expect(await folderAccessProblem('/srv/repo/.git', policy)).toMatch(/N8N_BLOCK_FILE_PATTERNS/);
	});

	test('an allowed folder reached through a symlink still counts as allowed', async () => {
		const root = mkdtempSync(join(tmpdir(), 'access-'));
		mkdirSync(join(root, 'real', 'pos'), { recursive: true });
		symlinkSync(join(root, 'real'), join(root, 'link'));
		const policy = fileAccessPolicyFromEnv(
			{ N8N_RESTRICT_FILE_ACCESS_TO: join(root, 'link') },
			home,
		);
		expect(await folderAccessProblem(join(root, 'real', 'pos'), policy)).toBeUndefined();
	});

	test('containment is by path segment, not by prefix', () => {
		expect(isContainedWithin('/srv/a', '/srv/a/b')).toBe(true);
		expect(isContainedWithin('/srv/a', '/srv/a')).toBe(true);
		expect(isContainedWithin('/srv/a', '/srv/ab')).toBe(false);
		expect(isContainedWithin('/srv/a', '/srv/a/../b')).toBe(false);
	});
});
