/**
 * A customer file large enough that Mapping Apply hands its records on in batches, mapped and sent
 * to the fake Dotdigital inside n8n's engine, against the same rows in a small file: the same contacts
 * with the same consent, the same ledger lines, Failed one item per record in both; only Records and
 * Done are shaped differently (a batch item per 5,000 records, and Done as counts per file).
 */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { DotdigitalApi } from '../../credentials/DotdigitalApi.credentials';
import { BATCH_PROPERTY, RECORDS_PER_BATCH } from '../../lib/files';
import { RECORDS_PER_SEND } from '../../nodes/shared/record-input';
import {
	defaultStatePath,
	SyncStateStore,
	type MappingCounts,
	type SendingCounts,
} from '../../lib/state';
import { DotdigitalUpsert } from '../../nodes/DotdigitalUpsert/DotdigitalUpsert.node';
import { MappingApply } from '../../nodes/MappingApply/MappingApply.node';
import { DEFAULT_DATA_FIELDS } from '../fakes/dotdigital/state';
import { startFakeDotdigital, type FakeDotdigital } from '../fakes/dotdigital';
import { errorOf, outputOf, runWorkflow } from './harness/engine';

jest.setTimeout(240_000);

/** More than Dotdigital Upsert sends in one go (RECORDS_PER_SEND), so the file is sent in two parts. */
const BIG = RECORDS_PER_SEND + 2000;
/** The big file's customers are others than the small file's: the fake is emptied between the two. */
const FIRST_BIG_ROW = 1000;
let fake: FakeDotdigital;

beforeAll(async () => {
	fake = await startFakeDotdigital({
		importMs: 200,
		seed: {
			dataFields: [
				...DEFAULT_DATA_FIELDS,
				{ name: 'POINTS', type: 'Numeric', visibility: 'Private', defaultValue: null },
			],
		},
	});
});

afterAll(async () => {
	await fake.stop();
});

/** Row i: every 50th has no usable email (rejected by the mapping), every 40th has points Dotdigital refuses. */
function customersCsv(count: number, firstRow = 0): string {
	const lines = ['Customer No,Email,First Name,Points,Opt In'];
	for (let row = firstRow; row < firstRow + count; row++) {
		const email = row % 50 === 7 ? 'not-an-email' : `shopper${row}@example.com`;
		const points = row % 40 === 3 ? 'lots' : String(row % 300);
		lines.push(`C${100000 + row},${email},Jo${row},${points},${row % 10 < 7 ? 'Y' : 'N'}`);
	}
	return `${lines.join('\n')}\n`;
}

function fileItem(csv: string, fileName: string): INodeExecutionData {
	return {
		json: { name: fileName },
		binary: { data: { data: Buffer.from(csv).toString('base64'), mimeType: 'text/csv', fileName } },
	};
}

const MAPPING: INodeParameters = {
	feed: 'customer',
	mappingSource: 'fields',
	fields: {
		field: [
			{ target: 'customer_id', source: 'Customer No' },
			{ target: 'email', source: 'Email' },
			{ target: 'first_name', source: 'First Name' },
			{ target: 'marketing_opt_in', source: 'Opt In' },
			{ target: 'custom', customName: 'points', source: 'Points' },
		],
	},
};

const UPSERT: INodeParameters = {
	resource: 'contact',
	operation: 'upsert',
	mode: 'bulk',
	dataFields: { field: [{ field: 'custom.points', dataField: 'POINTS' }] },
};

/**
 * Passes Mapping Apply's items on with one batch cut off in the middle of a record, as a disk that
 * lost the end of the file would leave it.
 */
class CutBatch implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Cut Batch',
		name: 'cutBatch',
		group: ['transform'],
		version: 1,
		description: 'Cuts one batch short',
		defaults: { name: 'Cut Batch' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Item', name: 'item', type: 'number', default: 0 }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const cut = this.getNodeParameter('item', 0) as number;
		const items = this.getInputData();
		const whole = await this.helpers.getBinaryDataBuffer(cut, BATCH_PROPERTY);
		const half = await this.helpers.prepareBinaryData(
			whole.subarray(0, Math.floor(whole.length / 2)),
			'records.ndjson',
			'application/x-ndjson',
		);
		return [
			items.map((item, index) => ({
				...item,
				...(index === cut ? { binary: { [BATCH_PROPERTY]: half } } : {}),
				pairedItem: { item: index },
			})),
		];
	}
}

/** Runs the file through Mapping Apply and Dotdigital Upsert, with one batch cut short on the way when `cutItem` is given. */
function mapAndSend(csv: string, fileName: string, cutItem?: number) {
	const cutting = cutItem !== undefined;
	const afterMapping = cutting ? 'Cut Batch' : 'Dotdigital Upsert';
	return runWorkflow({
		nodes: [
			{
				name: 'Input',
				type: 'testInput',
				parameters: { items: JSON.stringify([fileItem(csv, fileName)]) },
			},
			{ name: 'Mapping Apply', type: 'n8n-nodes-pos-sync.mappingApply', parameters: MAPPING },
			...(cutting
				? [
						{
							name: 'Cut Batch',
							type: 'n8n-nodes-pos-sync.cutBatch',
							parameters: { item: cutItem },
						},
					]
				: []),
			{
				name: 'Dotdigital Upsert',
				type: 'n8n-nodes-pos-sync.dotdigitalUpsert',
				parameters: UPSERT,
				credentials: { dotdigitalApi: { id: 'dd-1', name: 'Dotdigital (fake)' } },
			},
		],
		connections: {
			Input: { main: [[{ node: 'Mapping Apply', type: 'main', index: 0 }]] },
			'Mapping Apply': { main: [[{ node: afterMapping, type: 'main', index: 0 }]] },
			...(cutting
				? { 'Cut Batch': { main: [[{ node: 'Dotdigital Upsert', type: 'main', index: 0 }]] } }
				: {}),
		},
		nodeTypes: {
			mappingApply: new MappingApply(),
			dotdigitalUpsert: new DotdigitalUpsert(),
			cutBatch: new CutBatch(),
		},
		credentialTypes: { dotdigitalApi: new DotdigitalApi() },
		credentials: {
			dotdigitalApi: {
				user: fake.user,
				password: fake.password,
				region: 'auto',
				baseUrl: fake.regionUrl('r1'),
			},
		},
	});
}

async function send(csv: string, fileName: string) {
	const run = await mapAndSend(csv, fileName);
	return {
		records: outputOf(run, 'Mapping Apply', 0),
		rejected: outputOf(run, 'Mapping Apply', 1),
		done: outputOf(run, 'Dotdigital Upsert', 0),
		failed: outputOf(run, 'Dotdigital Upsert', 1),
		summary: outputOf(run, 'Dotdigital Upsert', 2)[0].json,
		ledger: await ledgerOf(fileName),
	};
}

async function ledgerOf(file: string): Promise<{ mapping: MappingCounts; sending: SendingCounts }> {
	const store = SyncStateStore.open(defaultStatePath());
	try {
		const steps = (
			await store.ledgerSteps(new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000))
		).filter((step) => step.file === file);
		const mapping = steps.find((step) => step.counts.step === 'mapping')?.counts as MappingCounts;
		const sending = steps.find((step) => step.counts.step === 'sending')?.counts as SendingCounts;
		expect(steps.filter((step) => step.counts.step === 'inFlight')).toEqual([]);
		return { mapping, sending };
	} finally {
		await store.close();
	}
}

/** What the rows of the generator give: rejected by the mapping, refused by Dotdigital, and the contacts made. */
function expected(count: number, firstRow = 0) {
	const rows = Array.from({ length: count }, (_, index) => firstRow + index);
	const rejected = rows.filter((row) => row % 50 === 7);
	const refused = rows.filter((row) => row % 50 !== 7 && row % 40 === 3);
	const sent = rows.filter((row) => row % 50 !== 7 && row % 40 !== 3);
	return {
		rejected: rejected.length,
		refused,
		sent,
		optedOut: sent.filter((row) => row % 10 >= 7),
	};
}

function checkFake(rows: ReturnType<typeof expected>) {
	for (const row of [rows.sent[0], rows.sent[rows.sent.length - 1], ...rows.optedOut.slice(0, 5)]) {
		const contact = fake.contact('email', `shopper${row}@example.com`);
		expect(contact?.dataFields.POINTS).toBe(row % 300);
		expect(contact?.status).toBe(row % 10 < 7 ? 'subscribed' : 'unsubscribed');
	}
	for (const row of rows.refused.slice(0, 5))
		expect(fake.contact('email', `shopper${row}@example.com`)).toBeUndefined();
	// Nobody who did not opt in was subscribed, not for a moment.
	const subscribedEver = new Set(
		fake
			.statusHistory()
			.filter((change) => change.to === 'subscribed')
			.map((change) => change.contactId),
	);
	const optedOutIds = rows.optedOut.map(
		(row) => fake.contact('email', `shopper${row}@example.com`)?.contactId,
	);
	expect(optedOutIds.filter((id) => subscribedEver.has(id!))).toEqual([]);
}

describe('A file large enough to go in batches', () => {
	it('sends the same contacts with the same consent and writes the same ledger lines as a small file, with Records in batches and Done as counts', async () => {
		fake.reset();
		const small = await send(customersCsv(40), 'small.csv');
		const smallRows = expected(40);
		expect(small.records).toHaveLength(40 - smallRows.rejected);
		expect(small.records[0].json).toMatchObject({
			customer_id: 'C100000',
			_source: { file: 'small.csv', lines: [2] },
		});
		expect(small.done).toHaveLength(smallRows.sent.length);
		expect(small.failed).toHaveLength(smallRows.refused.length);
		checkFake(smallRows);

		fake.reset();
		const big = await send(customersCsv(BIG, FIRST_BIG_ROW), 'big.csv');
		const bigRows = expected(BIG, FIRST_BIG_ROW);
		const records = BIG - bigRows.rejected;
		// Records: one item per batch of 5,000, the records kept beside the execution as NDJSON.
		const batches = big.records.map(
			(item) =>
				item.json.record_batch as {
					file: string;
					batch: number;
					records: number;
					first_line: number;
					last_line: number;
				},
		);
		expect(batches).toHaveLength(Math.ceil(records / RECORDS_PER_BATCH));
		expect(batches.map((batch) => batch.records)).toEqual([
			...Array(batches.length - 1).fill(RECORDS_PER_BATCH),
			records - (batches.length - 1) * RECORDS_PER_BATCH,
		]);
		expect(batches.map((batch) => batch.batch)).toEqual(batches.map((_, index) => index + 1));
		expect(batches[0]).toMatchObject({ file: 'big.csv', first_line: 2 });
		expect(batches[batches.length - 1].last_line).toBe(BIG + 1);
		expect(
			big.records.every((item) => item.binary?.records?.mimeType === 'application/x-ndjson'),
		).toBe(true);
		// Rejected and Failed keep one item per row, as for the small file.
		expect(big.rejected).toHaveLength(bigRows.rejected);
		expect(big.failed).toHaveLength(bigRows.refused.length);
		expect(Object.keys(big.failed[0].json).sort()).toEqual(
			Object.keys(small.failed[0].json).sort(),
		);
		expect(big.failed[0].json).toMatchObject({
			code: 'invalidDataFieldValue',
			owner: small.failed[0].json.owner,
			record: {
				customer_id: `C${100000 + bigRows.refused[0]}`,
				_source: { file: 'big.csv', lines: [bigRows.refused[0] - FIRST_BIG_ROW + 2] },
			},
		});
		// Each Failed item pairs with the batch its row is in, on both sides of the 24,000 sent in one go.
		const batchOfLine = (line: number) =>
			batches.findIndex((batch) => batch.first_line <= line && line <= batch.last_line);
		expect(
			big.failed.map((item) => ({
				item: batchOfLine((item.json.record as { _source: { lines: number[] } })._source.lines[0]),
			})),
		).toEqual(big.failed.map((item) => item.pairedItem));
		expect(new Set(big.failed.map((item) => (item.pairedItem as { item: number }).item))).toEqual(
			new Set(batches.map((_, item) => item)),
		);
		// Done: one item for the file, its counts adding up with Failed to every record.
		expect(big.done.map((item) => item.json)).toEqual([
			{
				resource: 'contact',
				action: 'counts per file',
				file: 'big.csv',
				done: bigRows.sent.length,
				created: bigRows.sent.length,
				updated: 0,
				suppressed: 0,
				unchanged: 0,
			},
		]);
		expect(big.done[0].pairedItem).toEqual(batches.map((_, item) => ({ item })));
		expect(big.summary).toMatchObject({
			records,
			done: bigRows.sent.length,
			failed: bigRows.refused.length,
			balanced: true,
		});
		expect(fake.contacts()).toHaveLength(bigRows.sent.length);
		checkFake(bigRows);

		// The ledger: the same lines for both files, with the big file's counts.
		expect(Object.keys(big.ledger.mapping).sort()).toEqual(
			Object.keys(small.ledger.mapping).sort(),
		);
		expect(Object.keys(big.ledger.sending).sort()).toEqual(
			Object.keys(small.ledger.sending).sort(),
		);
		expect(big.ledger.mapping).toMatchObject({
			rows_read: BIG,
			records,
			rejected: bigRows.rejected,
			rows_in_records: records,
		});
		expect(big.ledger.sending).toMatchObject({
			records,
			accepted: bigRows.sent.length,
			failed: bigRows.refused.length,
			unchanged: 0,
		});
		expect(big.ledger.sending.failed_by_reason.invalidDataFieldValue.count).toBe(
			bigRows.refused.length,
		);
		expect(small.ledger.sending).toMatchObject({
			records: 40 - smallRows.rejected,
			accepted: smallRows.sent.length,
			failed: smallRows.refused.length,
		});
	});

	it('a batch that cannot be read back stops the run before anything is sent, owned by system', async () => {
		fake.reset();
		// The 5th batch straddles the end of the first 24,000 records sent in one go.
		const run = await mapAndSend(customersCsv(BIG, FIRST_BIG_ROW), 'cut.csv', 4);
		const error = errorOf(run, 'Dotdigital Upsert');
		expect(error.message).toMatch(/cut\.csv batch 5/);
		expect(error.description).toMatch(/^Owner: system\. Nothing was sent/);
		expect(error.context).toMatchObject({
			posSyncSystemFault: { system: "n8n's binary data storage" },
		});
		expect(fake.calls().filter((call) => call.path.includes('/import'))).toEqual([]);
		expect(fake.contacts()).toEqual([]);
		const ledger = await ledgerOf('cut.csv');
		expect(ledger.mapping).toMatchObject({ rows_read: BIG });
		expect(ledger.sending).toBeUndefined();
	});
});
