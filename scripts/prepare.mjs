/**
 * What both Quick start commands do first: install the project's packages and the pinned
 * runtime when they are missing, then build. Uses nothing but Node's own modules, because
 * it runs before anything is installed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const repoDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const runtime = require('../test/e2e/harness/runtime.cjs');
export const harness = require('../test/e2e/harness/instance.cjs');

const say = (message) => process.stdout.write(`[prepare] ${message}\n`);

/** `npm ci` when node_modules is missing or was installed from a different package-lock.json. */
export async function ensurePackages() {
	const lock = readFileSync(join(repoDir, 'package-lock.json'));
	const want = createHash('sha256').update(lock).digest('hex');
	const stamp = join(repoDir, 'node_modules', '.pos-sync-lock-sha256');
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
	await runtime.run(
		'Installing the project packages (npm ci)',
		'npm',
		['ci', '--no-audit', '--no-fund'],
		{ cwd: repoDir, expected: '1-2 min' },
	);
	writeFileSync(stamp, want);
}

/** Compiles with tsc and copies icons, codex files and templates into dist/ with gulp. */
export async function build(paths) {
	const env = runtime.node24Env(paths);
	const bin = (name) => join(repoDir, 'node_modules', '.bin', name);
	rmSync(join(repoDir, 'dist'), { recursive: true, force: true });
	await runtime.run('Building the package', bin('tsc'), ['-p', 'tsconfig.build.json'], {
		cwd: repoDir,
		env,
	});
	await runtime.run(
		'Copying icons, codex files and templates',
		bin('gulp'),
		['build', '--silent'],
		{ cwd: repoDir, env },
	);
}

/** Everything needed before n8n can be started with this package installed. */
export async function prepare() {
	await ensurePackages();
	const paths = await runtime.ensureRuntime();
	await build(paths);
	say('Packing the package and installing it the way n8n installs community packages…');
	const nodesDir = harness.stagePackage(repoDir, join(repoDir, '.build', 'staged-package'));
	return { paths, nodesDir };
}
