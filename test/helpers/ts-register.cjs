/**
 * Lets a plain Node child process (a crash test's victim) require the TypeScript sources directly,
 * transpiled on load with the project's own TypeScript, as jest does in the parent. Transpiled files
 * are cached by content, so the hundredth child starts as fast as a compiled one.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
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
		writeFileSync(cached, output);
	}
	module._compile(output, filename);
};
