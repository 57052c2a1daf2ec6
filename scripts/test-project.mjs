/**
 * `npm run test:unit`, `test:slow` and `test:nodes`: one jest project on Node 24 or later, straight from
 * the TypeScript sources. No build, no n8n server, no browser: only the project's packages (npm ci
 * when they are missing) and Node 24 (this Node when it is 24 or later, else the one in the cache
 * `npm test` keeps, installed there once, about 190 MB, if missing).
 * Extra arguments go to jest, e.g. `npm run test:unit -- --testPathPattern khaos`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { ensurePackages, repoDir, runtime } from './prepare.mjs';

const [project, ...jestArgs] = process.argv.slice(2);
if (!['unit', 'slow', 'nodes'].includes(project)) {
	process.stderr.write('usage: node scripts/test-project.mjs unit|slow|nodes [jest arguments]\n');
	process.exit(2);
}
await ensurePackages();
// The Node running this script when it is 24 or later (a CI image with Node 24), else the cached one.
const current = Number(process.versions.node.split('.')[0]) >= 24;
const paths = current ? undefined : await runtime.ensureNode24();
const nodeBin = paths ? paths.nodeBin : process.execPath;
const env = paths ? runtime.node24Env(paths) : process.env;
const args = [
	join(repoDir, 'node_modules', 'jest', 'bin', 'jest.js'),
	'--selectProjects',
	project,
	...jestArgs,
];
const child = spawn(nodeBin, args, { cwd: repoDir, env, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
