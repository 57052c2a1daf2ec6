/**
 * nock 15 is published as ES modules only, which Jest's CommonJS loader cannot import (and Jest
 * wraps `node:module` too). Node's own require loads ES modules synchronously (Node 22.12+), and
 * nock then patches the same core http module the code under test uses. Loaded that way it outlives
 * the test file in the worker process, so useNock() switches it on and off around each file.
 */
type Nock = typeof import('nock', { with: { 'resolution-mode': 'import' } }).default;
type ModuleBuiltin = typeof import('node:module');

const { createRequire } = process.getBuiltinModule('node:module') as ModuleBuiltin;
const nock: Nock = (createRequire(__filename)('nock') as { default: Nock }).default;

export default nock;

/** Intercepts HTTP for this test file only; meanwhile only `allowHost` may reach the network. */
export function useNock(allowHost?: string): void {
	beforeAll(() => {
		if (!nock.isActive()) nock.activate();
		nock.disableNetConnect();
		if (allowHost) nock.enableNetConnect(allowHost);
	});
	afterAll(() => {
		nock.cleanAll();
		nock.enableNetConnect();
		nock.restore();
	});
}

/**
 * An Error from Node's own realm, with a code. nock 15 only passes an error on as a request error
 * when it is an instance of that realm's Error; Jest's sandbox has its own.
 */
export function connectionError(code: string, message: string): Error {
	try {
		(process.getBuiltinModule('node:fs') as typeof import('node:fs')).readFileSync(
			'/nonexistent/nock-test',
		);
	} catch (fsError) {
		const NativeError = (fsError as Error).constructor as ErrorConstructor;
		return Object.assign(new NativeError(message), { code });
	}
	throw new Error('expected reading a missing file to fail');
}
