/** Three projects: plain units, nodes inside n8n's engine, and a real n8n server. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
};

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'nodes', testMatch: ['<rootDir>/test/nodes/**/*.test.ts'], setupFiles: ['<rootDir>/test/nodes/setup.ts'] },
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
			slowTestThreshold: 120,
		},
	],
};
