/**
 * `npm run bench [name]`: compiles and runs the benchmarks in bench/ on Node 24. They print
 * figures (rows/s, peak RSS); nothing here passes or fails on speed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { ensurePackages, repoDir, runtime } from './prepare.mjs';

await ensurePackages();
const paths = await runtime.ensureRuntime();
const env = runtime.node24Env(paths);
await runtime.run(
	'Compiling the benchmarks',
	join(repoDir, 'node_modules', '.bin', 'tsc'),
	['-p', 'tsconfig.json'],
	{ cwd: repoDir, env },
);

const wanted = process.argv[2];
const benches = readdirSync(join(repoDir, 'bench'))
	.filter((file) => file.endsWith('.ts') && (!wanted || file.startsWith(wanted)))
	.map((file) => file.replace(/\.ts$/, '.js'));
for (const bench of benches) {
	process.stdout.write(`\n=== bench/${bench.replace(/\.js$/, '.ts')} ===\n`);
	const result = spawnSync(
		paths.nodeBin,
		['--expose-gc', join(repoDir, '.build', 'bench', bench)],
		{ cwd: repoDir, env, stdio: 'inherit' },
	);
	if (result.status !== 0) process.exit(result.status ?? 1);
}
