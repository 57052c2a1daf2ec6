/**
 * A fake Khaos Control SOAP web service (KhaosWS / IKosWeb) for tests: real HTTP, the wire format
 * of /work/tmp/khaos-wire.md, data seeded from Khaos's own examples and real responses. It is an
 * independent imitation, deliberately not sharing code with lib/khaos, so it can catch client bugs.
 */
export { startFakeKhaos } from './server';
export { duplicateReason } from './orders';
export type {
	AdvanceExtras,
	CallRecord,
	FakeKhaos,
	FakeKhaosOptions,
	FakeKhaosSeed,
	FakeStockItemInput,
	FakeStockLevel,
	FakeStockPatch,
	FaultKind,
	FaultSpec,
	MailingHistoryEntry,
	StoredInvoice,
	StoredOrder,
	StoredOrderLine,
} from './types';
