/** n8n's own lint rules for community packages, nodes and credentials (eslint-plugin-n8n-nodes-base). */
const n8nNodesBase = require('eslint-plugin-n8n-nodes-base');
const tsParser = require('@typescript-eslint/parser');

const languageOptions = { parser: tsParser, parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] } };
const plugins = { 'n8n-nodes-base': n8nNodesBase };

module.exports = [
	{ ignores: ['dist/**', '.build/**', 'node_modules/**'] },
	{
		files: ['package.json'],
		languageOptions,
		plugins,
		rules: {
			...n8nNodesBase.configs.community.rules,
			// The package is not published to a repository yet.
			'n8n-nodes-base/community-package-json-repository-url-still-default': 'off',
		},
	},
	{ files: ['credentials/**/*.ts'], languageOptions, plugins, rules: n8nNodesBase.configs.credentials.rules },
	{
		files: ['nodes/**/*.ts'],
		languageOptions,
		plugins,
		rules: n8nNodesBase.configs.nodes.rules,
	},
];
