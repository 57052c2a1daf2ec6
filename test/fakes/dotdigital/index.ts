/**
 * A fake Dotdigital API for tests: real HTTP on one port with the three regions under /r1, /r2 and
 * /r3, v2 account-info and data fields, v3 contacts and insight data, imports that finish later,
 * rate limits and injected faults; built from Dotdigital's OpenAPI files and the notes in
 * /work/shared/reference/dotdigital. It is an independent imitation, deliberately not sharing code
 * with lib/dotdigital, so it can catch client bugs.
 */
export { startFakeDotdigital } from './server';
export type { StatusChange } from './contacts';
export type {
	CallRecord,
	EmailChannelStatus,
	FakeConsentRecord,
	FakeContact,
	FakeDataField,
	FakeDotdigital,
	FakeDotdigitalOptions,
	FakeDotdigitalSeed,
	FakeFaults,
	FakeInsightCollection,
	FakeInsightRecord,
	FakeList,
	InjectedKind,
	Intercept,
	Region,
	ScriptedFault,
} from './types';
