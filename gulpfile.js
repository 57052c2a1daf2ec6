/**
 * tsc compiles the TypeScript; everything else the package ships at run time is copied here:
 * node icons and codex files, and the template workflows.
 */
const { src, dest, parallel } = require('gulp');

function nodeAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

function templates() {
	return src('workflows-templates/**/*.json', { base: '.' }).pipe(dest('dist'));
}

exports.build = parallel(nodeAssets, templates);
exports.default = exports.build;
