/**
 * `npm test`: installs what is missing, builds, checks types and lint, then runs every jest
 * project (unit, nodes in n8n's engine, end-to-end in a real n8n server) on Node 24.
 * Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { prepare, repoDir, runtime } from './prepare.mjs';

const started = Date.now();
const { paths, nodesDir } = await prepare();
await runtime.ensureChromium();
const env = { ...runtime.node24Env(paths), POS_SYNC_STAGED_NODES: nodesDir };
const bin = (name) => join(repoDir, 'node_modules', '.bin', name);

await runtime.run(
	"Checking the code format (prettier, n8n's own settings)",
	bin('prettier'),
	['--check', '.'],
	{
		cwd: repoDir,
		env,
	},
);
await runtime.run('Type-checking (tsc --noEmit)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], {
	cwd: repoDir,
	env,
});
await runtime.run(
	"Linting with n8n's community-node rules",
	bin('eslint'),
	['--no-error-on-unmatched-pattern', 'package.json', 'nodes', 'credentials'],
	{ cwd: repoDir, env },
);

const results = join(repoDir, '.build', 'jest-results.json');
rmSync(results, { force: true });
const jestArgs = [
	'--runInBand',
	'--ci',
	'--json',
	`--outputFile=${results}`,
	...process.argv.slice(2),
];
const code = await new Promise((resolve) => {
	const child = spawn(
		paths.nodeBin,
		[join(repoDir, 'node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs],
		{ cwd: repoDir, env, stdio: 'inherit' },
	);
	child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
if (existsSync(results)) {
	const summary = JSON.parse(readFileSync(results, 'utf8'));
	const skipped = summary.numPendingTests + summary.numTodoTests;
	process.stdout.write(`\nnpm test finished in ${minutes} min\n`);
	process.stdout.write(
		`${summary.numPassedTests} passed, ${summary.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
	);
	if (summary.numTotalTests === 0) process.exit(1);
}
process.exit(code);
