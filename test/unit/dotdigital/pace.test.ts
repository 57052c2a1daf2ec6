/**
 * Status checks paced by the imports already finished in the run: the first import goes alone and is
 * checked at the usual widening pace; the others are checked first after as long as the slowest took.
 */
import {
	DEFAULT_POLL,
	runImports,
	type Batch,
	type ImportKind,
} from '../../../lib/dotdigital/imports';
import { ImportPace } from '../../../lib/dotdigital/pace';
import type { DotdigitalTransport } from '../../../lib/dotdigital/transport';

const KIND: ImportKind<{ status?: string }> = {
	name: 'contact import',
	submitPath: '/contacts/v3/import',
	statusPath: (id) => `/contacts/v3/import/${id}`,
	open: '{"contacts":[',
	close: ']}',
	maxRecords: 1,
	maxBytes: 1000,
	concurrency: 1,
	progress: (status) => (status?.status === 'Finished' ? 'done' : 'pending'),
};

const batches = (count: number): Batch[] =>
	Array.from({ length: count }, (_, index) => ({ members: [index], parts: ['{}'], bytes: 3 }));

/** A stand-in whose every import takes `importMs` of the waits the client makes after sending it. */
function standIn(importMs: number) {
	const log: string[] = [];
	let inFlight = 0;
	let mostInFlight = 0;
	let sentBeforeFirstEnded = 0;
	let firstEnded = false;
	const waited = new Map<string, number>();
	let current = '';
	const transport = {
		serverTime: () => undefined,
		request: async (method: string, path: string) => {
			await new Promise((resolve) => setImmediate(resolve));
			if (method === 'PUT') {
				current = `import-${log.filter((entry) => entry === 'PUT').length + 1}`;
				log.push('PUT');
				waited.set(current, 0);
				inFlight += 1;
				mostInFlight = Math.max(mostInFlight, inFlight);
				if (!firstEnded) sentBeforeFirstEnded += 1;
				return { status: 202, body: { importId: current }, repeated: false };
			}
			const id = path.split('/').pop()!;
			log.push(`GET ${id}`);
			if ((waited.get(id) ?? 0) < importMs)
				return { status: 200, body: { status: 'NotFinished' }, repeated: false };
			inFlight -= 1;
			firstEnded = true;
			return { status: 200, body: { status: 'Finished' }, repeated: false };
		},
	} as unknown as DotdigitalTransport;
	// One import at a time in these tests, so each wait belongs to the import last sent.
	const sleep = async (ms: number) => {
		waited.set(current, (waited.get(current) ?? 0) + ms);
	};
	return { transport, sleep, log, stats: () => ({ mostInFlight, sentBeforeFirstEnded }) };
}

describe('import pacing', () => {
	it('waits at the usual widening pace until an import has finished, then first as long as the slowest took', () => {
		const pace = new ImportPace();
		const fresh = pace.waits('contact import', DEFAULT_POLL);
		expect([fresh(), fresh(), fresh(), fresh()]).toEqual([5000, 7500, 11250, 16875]);
		pace.ended('contact import', 12_500);
		pace.ended('contact import', 5000);
		const learnt = pace.waits('contact import', DEFAULT_POLL);
		expect([learnt(), learnt(), learnt()]).toEqual([12_500, 3125, 4688]);
		// Another kind has learnt nothing.
		expect(pace.waits('insight import', DEFAULT_POLL)()).toBe(5000);
	});

	it('checks six imports that take 10 s seven times, not twelve: twice for the first, once for each other', async () => {
		const { transport, sleep, log } = standIn(10_000);
		const outcomes: string[] = [];
		await runImports(transport, KIND, batches(6), (_, outcome) => outcomes.push(outcome.kind), {
			sleep,
		});
		expect(outcomes).toEqual(Array(6).fill('done'));
		expect(log.filter((entry) => entry === 'PUT')).toHaveLength(6);
		expect(log.filter((entry) => entry.startsWith('GET'))).toHaveLength(7);
		expect(log.slice(0, 4)).toEqual(['PUT', 'GET import-1', 'GET import-1', 'PUT']);
	});

	it('sends the first import alone, then up to the limit at once; a pace shared by the run keeps what it learnt', async () => {
		const { transport, sleep, stats } = standIn(0);
		const pace = new ImportPace();
		await runImports(transport, { ...KIND, concurrency: 4 }, batches(9), () => undefined, {
			sleep,
			pace,
		});
		expect(stats().sentBeforeFirstEnded).toBe(1);
		expect(stats().mostInFlight).toBeLessThanOrEqual(4);
		expect(pace.waits(KIND.name, DEFAULT_POLL)()).toBe(5000);
	});
});
