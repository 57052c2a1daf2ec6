/**
 * Lets a plain Node child process (a crash test's victim) require the TypeScript sources directly,
 * transpiled on load with the project's own TypeScript, as jest does in the parent. Transpiled files
 * are cached by content, so the hundredth child starts as fast as a compiled one; the first child
 * after a source changed pays for transpiling (seconds on a busy machine), which is why the tests
 * that spawn children warm the cache first.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const cacheDir = join(tmpdir(), 'pos-sync-ts-register');
mkdirSync(cacheDir, { recursive: true });

require.extensions['.ts'] = (module, filename) => {
	const source = readFileSync(filename, 'utf8');
	const cached = join(
		cacheDir,
		`${createHash('sha256').update(filename).update('\0').update(source).digest('hex')}.js`,
	);
	let output;
	try {
		output = readFileSync(cached, 'utf8');
	} catch {
		const ts = require('typescript');
		output = ts.transpileModule(source, {
			compilerOptions: {
				module: ts.ModuleKind.CommonJS,
				target: ts.ScriptTarget.ES2022,
				esModuleInterop: true,
			},
			fileName: filename,
		}).outputText;
		// Children started together share the cache: a file appears whole or not at all.
		const partial = `${cached}.${process.pid}.tmp`;
		writeFileSync(partial, output);
		renameSync(partial, cached);
	}
	module._compile(output, filename);
};
