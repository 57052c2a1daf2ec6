/**
 * The template workflows as `npm start` and the template tests import them: the same files a
 * consultant imports, with their placeholders pointed at this machine (the demo drop folder, the
 * fake store, the fake account's welcome list) and the POS folders checked every few seconds.
 */
const fs = require('node:fs');
const path = require('node:path');

const placeholders = require('../../../scripts/template-placeholders.json');

const PACKAGE_NAME = 'n8n-nodes-pos-sync';
const templatesDir = path.resolve(__dirname, '..', '..', '..', 'workflows-templates');

/** @returns {Array<{file: string, workflow: any}>} every template, in file order */
function readTemplates() {
	return fs
		.readdirSync(templatesDir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({
			file,
			workflow: JSON.parse(fs.readFileSync(path.join(templatesDir, file), 'utf8')),
		}));
}

/**
 * @param {any} workflow a template
 * @param {{filesRoot: string, storeUrl: string, welcomeListId: string, checkEverySeconds?: number, settleSeconds?: number}} local
 */
function localise(workflow, local) {
	const inJson = (text) => JSON.stringify(text).slice(1, -1);
	const text = JSON.stringify(workflow)
		.split(inJson(placeholders.filesRoot))
		.join(inJson(local.filesRoot))
		.split(inJson(placeholders.storeUrl))
		.join(inJson(local.storeUrl));
	const copy = JSON.parse(text);
	for (const node of copy.nodes) {
		if (node.type === `${PACKAGE_NAME}.posFileTrigger`) {
			node.parameters.schedule = 'arrival';
			node.parameters.checkEverySeconds = local.checkEverySeconds ?? 5;
			node.parameters.settleSeconds = local.settleSeconds ?? 2;
		}
		const lists = node.parameters.lists;
		if (
			node.type === `${PACKAGE_NAME}.dotdigitalUpsert` &&
			Array.isArray(lists) &&
			lists.includes(placeholders.welcomeList)
		) {
			node.parameters.lists = lists.map((list) =>
				list === placeholders.welcomeList ? local.welcomeListId : list,
			);
		}
		if (node.type === `${PACKAGE_NAME}.khaosProductTrigger`)
			node.parameters.pollTimes = { item: [{ mode: 'everyMinute' }] };
	}
	return copy;
}

module.exports = { readTemplates, localise, placeholders };
