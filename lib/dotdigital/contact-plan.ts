/** A contact on its way to Dotdigital: how it goes (bulk or real time), and what the calls learn on the way. */
import type { MatchIdentifier, MergeOption, PreparedContact } from './contacts';

export type ContactMode = 'bulk' | 'realtime';

export interface ContactSendSettings {
	mode: ContactMode;
	mergeOption: MergeOption;
	identifier: MatchIdentifier;
}

export interface Keyed {
	index: number;
	key: string;
}

export type ContactEntry = Keyed & PreparedContact;

/** A contact as it goes out: `known` when Dotdigital holds it, and the request that suits that. */
export type Planned = ContactEntry & { known: boolean };

/** What the calls learn on the way: the contacts Dotdigital created, and those sent more than once (from when). */
export interface Seen {
	created: Set<number>;
	repeated: Array<{ contact: Planned; since: number }>;
}
