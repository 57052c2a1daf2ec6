import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileRegister } from '../../../lib/files/file-register';
import { OutcomeJournal } from '../../../lib/files/outcome-journal';

const at = new Date('2026-11-22T09:00:00Z');
const file = { name: 'Customers_1.csv', size: 10, mtimeMs: at.getTime() };

describe('OutcomeJournal', () => {
	test("an older version's copy (trigger-ledgers/) is still read, and the next write goes to trigger-registers/", async () => {
		const userFolder = mkdtempSync(join(tmpdir(), 'journal-'));
		const env = { N8N_USER_FOLDER: userFolder };
		const old = new FileRegister(undefined, at);
		old.recordProcessed(file, 'sha-old', at);
		const legacyFolder = join(userFolder, '.n8n', 'pos-sync', 'trigger-ledgers');
		mkdirSync(legacyFolder, { recursive: true });
		writeFileSync(join(legacyFolder, 'wf-1-node-1.json'), JSON.stringify(old.toJSON()));

		const journal = OutcomeJournal.forTrigger('wf-1', 'node-1', env);
		expect(journal.path).toBe(
			join(userFolder, '.n8n', 'pos-sync', 'trigger-registers', 'wf-1-node-1.json'),
		);
		const loaded = FileRegister.merge(undefined, await journal.read(), at);
		expect(loaded.isProcessed('sha-old')).toBe(true);

		loaded.recordProcessed({ ...file, name: 'Customers_2.csv' }, 'sha-new', at);
		await journal.write(loaded.toJSON());
		expect(JSON.parse(readFileSync(journal.path, 'utf8'))).toEqual(loaded.toJSON());
		const reread = FileRegister.merge(undefined, await journal.read(), at);
		expect(reread.isProcessed('sha-new')).toBe(true);
	});

	test('no copy anywhere reads as nothing', async () => {
		const env = { N8N_USER_FOLDER: mkdtempSync(join(tmpdir(), 'journal-')) };
		expect(await OutcomeJournal.forTrigger('wf-2', 'node-1', env).read()).toBeUndefined();
	});
});
