/**
 * Random sequences of consent changes (unsubscribes, suppressions, and statuses that must be left
 * alone), random targets, and answers lost before or after Khaos acted (each retried, as a repeated
 * run would), against the fake Khaos. Over every customer's whole mailing history: no status is
 * ever lowered (nobody is opted in), no customer is created, and each ends at the strictest of where
 * it began and the targets of its changes: with one target for both kinds, at the last change's.
 */
import { KhaosClient } from '../../../lib/khaos/client';
import type { NoMarketingStatus } from '../../../lib/khaos/mailing-status';
import {
	CustomerFinder,
	applyConsentChange,
	type MailingTargets,
} from '../../../lib/khaos/mailing-update';
import { startFakeKhaos, type FakeKhaos } from '../../fakes/khaos';
import { customersXml, type TestCustomer } from '../../helpers/khaos-customers';
import { mulberry32 } from '../../helpers/random';

const SCENARIOS = 80;
const STARTS: Array<number | ''> = ['', 1, 2, 3, 4, 5, 6, 7, 8];
const CUSTOMERS: TestCustomer[] = STARTS.flatMap((status, index) => [
	{ code: `P${index}A`, email: `p${index}@example.com`, mailingStatus: status },
	{ code: `P${index}B`, email: `p${index}@example.com`, emailOn: 'contact', mailingStatus: status },
]);
const CHANGES = [
	'unsubscribed',
	'suppressed',
	'Unsubscribed',
	'subscribed',
	'softbounced',
	'pendingoptin',
];

let fake: FakeKhaos;
let client: KhaosClient;

beforeAll(async () => {
	fake = await startFakeKhaos({ seed: { customersXml: customersXml(CUSTOMERS) } });
	client = new KhaosClient({ url: fake.wsdlUrl, retry: { attempts: 1 } });
});
afterAll(async () => fake.stop());

const statusOf = (value: string): number => (value.trim() === '' ? 0 : Number(value));

test(`${SCENARIOS} random histories: never opted in, nobody created, each ends where its changes say`, async () => {
	for (let scenario = 0; scenario < SCENARIOS; scenario++) {
		fake.reset();
		const random = mulberry32(7000 + scenario);
		const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
		const oneTarget = scenario % 2 === 0;
		const unsubscribed = pick([4, 5, 6, 7, 8] as const);
		const targets: MailingTargets = {
			unsubscribed,
			suppressed: oneTarget ? unsubscribed : pick([4, 5, 6, 7, 8] as const),
		};
		const finder = new CustomerFinder(client, scenario % 3 === 0 ? 'email' : 'code');
		const expected = new Map<string, number>(
			CUSTOMERS.map((customer) => [customer.code, statusOf(String(customer.mailingStatus ?? ''))]),
		);
		const lastTarget = new Map<string, NoMarketingStatus>();
		for (let step = 0; step < 12; step++) {
			const index = Math.floor(random() * STARTS.length);
			const status = pick(CHANGES);
			const codes =
				finder.lookup === 'email'
					? [`P${index}A`, `P${index}B`]
					: [pick([`P${index}A`, `P${index}B`])];
			const lost = random();
			if (lost < 0.15) fake.injectFault({ method: 'ImportCompany', kind: 'drop-reply' });
			else if (lost < 0.3) fake.injectFault({ method: 'ImportCompany', kind: 'reset' });
			const change = { email: `p${index}@example.com`, status, customerCode: codes[0] };
			// A lost request fails the run; the next run sends the same change again (faults queued
			// for a change that needed no write wait for a later one, so a run may meet several).
			for (let run = 0; ; run++) {
				const ok = await applyConsentChange(
					client,
					run === 0 ? finder : new CustomerFinder(client, finder.lookup),
					change,
					targets,
				).then(
					() => true,
					(error: unknown) => {
						if (run > 12) throw error;
						return false;
					},
				);
				if (ok) break;
			}
			const kind = status.toLowerCase();
			if (kind !== 'unsubscribed' && kind !== 'suppressed') continue;
			const target = targets[kind];
			for (const code of codes) {
				expected.set(code, Math.max(expected.get(code)!, target));
				lastTarget.set(code, target);
			}
		}
		expect(fake.customerCodes()).toEqual(CUSTOMERS.map((customer) => customer.code));
		const history = fake.mailingHistory();
		for (const customer of CUSTOMERS) {
			const seen = history[customer.code].map((entry) => statusOf(entry.status));
			for (let at = 1; at < seen.length; at++) expect(seen[at]).toBeGreaterThan(seen[at - 1]);
			const final = seen[seen.length - 1];
			expect(final).toBe(expected.get(customer.code));
			const last = lastTarget.get(customer.code);
			if (oneTarget && last !== undefined && seen[0] <= last) expect(final).toBe(last);
		}
	}
}, 180_000);
