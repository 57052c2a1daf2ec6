/**
 * n8n's own lint rules for community packages, nodes and credentials: eslint-plugin-n8n-nodes-base,
 * and @n8n/eslint-plugin-community-nodes in its configuration for packages that do not run on n8n
 * Cloud (this one reads local folders). What it still cannot accept is in docs/scanner-findings.md.
 */
const n8nNodesBase = require('eslint-plugin-n8n-nodes-base');
const tsParser = require('@typescript-eslint/parser');
const { n8nCommunityNodesPlugin } = require('@n8n/eslint-plugin-community-nodes');

const languageOptions = {
	parser: tsParser,
	parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
};
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
	{
		files: ['credentials/**/*.ts'],
		languageOptions,
		plugins,
		rules: n8nNodesBase.configs.credentials.rules,
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions,
		plugins,
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// NodeConnectionTypes.Main rather than 'main' (@n8n/community-nodes/node-connection-type-literal), as n8n's scanner has it.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['package.json', 'nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions,
		...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
		rules: {
			...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport.rules,
			// csv-parse, xlsx, fast-xml-parser, … read the tills' files; see docs/scanner-findings.md.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
];
