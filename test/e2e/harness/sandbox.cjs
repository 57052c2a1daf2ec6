/**
 * Sets up a running n8n the way a consultant would for the demo shop: the two credentials, named
 * as the templates expect and pointing at the fakes; the shop's mapping workbook and POS folders;
 * then every template imported and active. `npm start` and the template tests both use it.
 */
const fs = require('node:fs');
const path = require('node:path');

const { demoMappingWorkbook } = require('../../fixtures/demo-shop/index.cjs');
const { localise, placeholders, readTemplates } = require('./templates.cjs');

const FEED_FOLDERS = ['customers', 'products', 'transactions', 'signups', 'sales', 'new-shop'];
/** The fake Dotdigital account's "Welcome" list, which the sign-up template adds to. */
const WELCOME_LIST_ID = '3';

/**
 * @param {import('./instance.cjs').N8nInstance} instance
 * @param {{
 *   filesRoot: string,
 *   fakes: {
 *     dotdigital: { user: string, password: string, regionUrl(region: 'r1'): string },
 *     khaos: { wsdlUrl: string },
 *     store: { apiUrl: string },
 *   },
 *   checkEverySeconds?: number,
 *   settleSeconds?: number,
 * }} shop
 * @returns {Promise<{ credentials: Record<string, {id: string, name: string}>, workflows: Array<{file: string, id: string, workflow: any}> }>}
 */
async function setUpDemoShop(instance, shop) {
	const pos = path.join(shop.filesRoot, 'pos');
	for (const folder of [...FEED_FOLDERS, 'mapping', 'reports'])
		fs.mkdirSync(path.join(pos, folder), { recursive: true });
	fs.writeFileSync(path.join(pos, 'mapping', 'shop-mapping.xlsx'), demoMappingWorkbook());

	const { dotdigital, khaos, store } = shop.fakes;
	const credentials = {
		dotdigitalApi: await instance.createCredential(
			placeholders.credentials.dotdigitalApi,
			'dotdigitalApi',
			{
				user: dotdigital.user,
				password: dotdigital.password,
				region: 'auto',
				baseUrl: dotdigital.regionUrl('r1'),
			},
		),
		khaosControlApi: await instance.createCredential(
			placeholders.credentials.khaosControlApi,
			'khaosControlApi',
			{
				url: khaos.wsdlUrl,
				authentication: 'none',
				allowSelfSigned: false,
				siteId: -1,
				stockMappingType: 1,
				salesSource: 'Web',
				websiteName: 'Main Website',
			},
		),
	};

	const workflows = [];
	for (const { file, workflow } of readTemplates()) {
		const local = localise(workflow, {
			filesRoot: shop.filesRoot,
			storeUrl: store.apiUrl,
			welcomeListId: WELCOME_LIST_ID,
			checkEverySeconds: shop.checkEverySeconds,
			settleSeconds: shop.settleSeconds,
		});
		const id = await instance.createWorkflow(local);
		await instance.activate(id);
		workflows.push({ file, id, workflow: local });
	}
	return { credentials, workflows };
}

module.exports = { setUpDemoShop, FEED_FOLDERS, WELCOME_LIST_ID };
