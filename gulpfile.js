/**
 * tsc compiles the TypeScript; everything else the package ships at run time is made here:
 * node icons and codex files, the template workflows, and the mapping template workbook, which is
 * generated from the compiled schema so that it always matches what the code accepts.
 */
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { src, dest, parallel } = require('gulp');

function nodeAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function templates() {
	return src('workflows-templates/**/*.json', { base: '.' }).pipe(dest('dist'));
}

async function mappingTemplate() {
	const { buildMappingTemplate, TEMPLATE_FILE_NAME } = require('./dist/lib/mapping/workbook');
	writeFileSync(join('dist', TEMPLATE_FILE_NAME), buildMappingTemplate());
}

exports.build = parallel(nodeAssets, templates, mappingTemplate);
exports.default = exports.build;
