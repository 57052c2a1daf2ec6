/** Four projects: plain units, the slow units, nodes inside n8n's engine, and a real n8n server. */
/** Crash replays, generated histories, large files and memory ceilings: minutes, not seconds. */
const SLOW_FILES = [
	'-crash.test.ts',
	'-property.test.ts',
	'-volume.test.ts',
	'/streaming-memory.test.ts',
];
// Types are checked once by tsc (npm test); jest only strips them, file by file, with swc.
const swc = [
	'@swc/jest',
	{
		jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
		module: { type: 'commonjs' },
		sourceMaps: 'inline',
	},
];
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': swc },
	moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
};

module.exports = {
	// Jest's default, one worker fewer than the cores, runs everything in one process on two cores.
	maxWorkers: '100%',
	projects: [
		{
			...common,
			displayName: 'unit',
			testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
			testPathIgnorePatterns: SLOW_FILES.map((end) => `${end.replace(/\./g, '\\.')}$`),
		},
		{
			...common,
			displayName: 'slow',
			testMatch: SLOW_FILES.map((end) => `<rootDir>/test/unit/**/*${end.replace(/^\//, '')}`),
		},
		{
			...common,
			displayName: 'nodes',
			testMatch: ['<rootDir>/test/nodes/**/*.test.ts'],
			setupFiles: ['<rootDir>/test/nodes/setup.ts'],
		},
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
			slowTestThreshold: 120,
		},
	],
};
