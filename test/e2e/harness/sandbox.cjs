/**
 * Sets up a running n8n the way a consultant would for the demo shop: the two credentials, named
 * as the templates expect and pointing at the fakes; the shop's mapping workbook and POS folders;
 * then every template imported and active. `npm start` and the template tests both use it.
 */
const fs = require('node:fs');
const path = require('node:path');

const { demoMappingWorkbook } = require('../../fixtures/demo-shop/index.cjs');
const { localise, placeholders, readTemplates } = require('./templates.cjs');

const FEED_FOLDERS = ['customers', 'products', 'transactions', 'signups'];

/**
 * @param {import('./instance.cjs').N8nInstance} instance
 * @param {{
 *   filesRoot: string,
 *   dotdigital: { user: string, password: string, baseUrl: string },
 *   khaosWsdlUrl: string,
 *   storeUrl: string,
 *   welcomeListId: string,
 *   checkEverySeconds?: number,
 *   settleSeconds?: number,
 * }} shop
 * @returns {Promise<{ credentials: Record<string, {id: string, name: string}>, workflows: Array<{file: string, id: string, workflow: any}> }>}
 */
async function setUpDemoShop(instance, shop) {
	const pos = path.join(shop.filesRoot, 'pos');
	for (const folder of [...FEED_FOLDERS, 'mapping', 'reports']) fs.mkdirSync(path.join(pos, folder), { recursive: true });
	fs.writeFileSync(path.join(pos, 'mapping', 'shop-mapping.xlsx'), demoMappingWorkbook());

	const credentials = {
		dotdigitalApi: await instance.createCredential(placeholders.credentials.dotdigitalApi, 'dotdigitalApi', {
			user: shop.dotdigital.user,
			password: shop.dotdigital.password,
			region: 'auto',
			baseUrl: shop.dotdigital.baseUrl,
		}),
		khaosControlApi: await instance.createCredential(placeholders.credentials.khaosControlApi, 'khaosControlApi', {
			url: shop.khaosWsdlUrl,
			authentication: 'none',
			allowSelfSigned: false,
			siteId: -1,
			stockMappingType: 1,
			salesSource: 'Web',
			websiteName: 'Main Website',
		}),
	};

	const workflows = [];
	for (const { file, workflow } of readTemplates()) {
		const local = localise(workflow, shop);
		const id = await instance.createWorkflow(local);
		await instance.activate(id);
		workflows.push({ file, id, workflow: local });
	}
	return { credentials, workflows };
}

module.exports = { setUpDemoShop, FEED_FOLDERS };
