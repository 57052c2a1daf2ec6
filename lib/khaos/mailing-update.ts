/**
 * Consent changes read back from Dotdigital, written to Khaos as the customer's mailing status.
 *
 * Khaos matches neither ImportCompany nor ExportCompany on email (the guide's "Matching Customer
 * Records": company ID, code, other ref, web user, then invoice name and address; ExportCompany looks
 * up by code, other ref, web name, company name or sales source). So the customer is found first,
 * by one of three ways, and then updated by its customer code with ImportCompany Method 2, which
 * "updates existing records without creating new customers":
 * - email: every customer's addresses and contacts, read once per run (GetCompanyList, ExportCompany);
 * - web user: ExportCompany by web name, for shops whose web name is the customer's email;
 * - customer code: the Khaos customer code the item carries.
 *
 * Only unsubscribes and suppressions are written, and only ever to a status that allows less
 * mailing than the one Khaos holds: nobody is opted in. Re-applying a change finds the status
 * already set and sends nothing, so a run can always be repeated.
 */
import type { KhaosClient } from './client';
import { chunked } from './codes';
import { DEFAULT_SYSTEM_ACCOUNTS, isSystemAccount } from './customers';
import { KhaosError, KhaosFaultError, KhaosNetworkError, khaosSystemFault } from './errors';
import { KHAOS_ZERO_TIME } from './feed-cursor';
import {
	buildMailingStatusXml,
	parseCustomerImportResult,
	parseMailingRecords,
	raisesMailingStatus,
	recordProblem,
	type MailingRecord,
	type NoMarketingStatus,
} from './mailing-status';

export type CustomerLookup = 'email' | 'webUser' | 'code';
export type ConsentKind = 'unsubscribed' | 'suppressed';
export type MailingOwner = 'till' | 'mapping' | 'system';

/** The status each kind of change sets; the guide's 5 (order correspondence only) unless set. */
export interface MailingTargets {
	unsubscribed: NoMarketingStatus;
	suppressed: NoMarketingStatus;
}

export const DEFAULT_MAILING_TARGETS: MailingTargets = { unsubscribed: 5, suppressed: 5 };

export interface MailingChange {
	email: string;
	/** Dotdigital's status: unsubscribed or suppressed; anything else is left alone. */
	status: string;
	/** For the customer-code look-up. */
	customerCode?: string;
}

export interface MailingOutcome {
	email: string;
	consent: string;
	result: 'updated' | 'already_set' | 'not_in_khaos' | 'left_alone';
	mailing_status: NoMarketingStatus | null;
	customers: Array<{ customer_code: string; was: number | null; now: number | null }>;
	message: string;
}

/** A change that cannot be written, and who can fix it. */
export class MailingUpdateError extends Error {
	constructor(
		message: string,
		readonly owner: MailingOwner,
	) {
		super(message);
		this.name = 'MailingUpdateError';
	}
}

/** Who fixes an error from applyConsentChange. */
export function mailingErrorOwner(error: unknown): MailingOwner {
	if (error instanceof MailingUpdateError) return error.owner;
	if (khaosSystemFault(error)) return 'system';
	return error instanceof KhaosFaultError ? 'till' : 'system';
}

const EMAIL = /^[^\s@,]+@[^\s@,]+$/;

/** Finds the Khaos customers a change is about; one per node run, so the email index is read once. */
export class CustomerFinder {
	private byEmail: Map<string, MailingRecord[]> | undefined;

	constructor(
		private readonly client: KhaosClient,
		readonly lookup: CustomerLookup,
		private readonly options: { excludeCodes?: readonly string[]; chunkSize?: number } = {},
	) {}

	async find(change: MailingChange, email: string): Promise<MailingRecord[]> {
		if (this.lookup === 'code') {
			const code = (change.customerCode ?? '').trim();
			if (code === '' || code.includes(','))
				throw new MailingUpdateError(
					`"${code}" is not a Khaos customer code: give the item's customer code`,
					'mapping',
				);
			return this.export([code], 1);
		}
		if (this.lookup === 'webUser')
			return (await this.export([email], 3)).filter((record) => record.emails.includes(email));
		return [...((await this.emailIndex()).get(email) ?? [])];
	}

	/** The customers as Khaos holds them now, read again by code. */
	async reread(codes: readonly string[]): Promise<MailingRecord[]> {
		return this.export(codes, 1);
	}

	/** Keeps the run's email index in step with what was written. */
	remember(code: string, status: number): void {
		for (const [email, records] of this.byEmail ?? [])
			this.byEmail?.set(
				email,
				records.map((record) =>
					record.code === code ? { ...record, mailingStatus: status } : record,
				),
			);
	}

	private async export(codes: readonly string[], mappingType: 1 | 3): Promise<MailingRecord[]> {
		const records: MailingRecord[] = [];
		for (const chunk of chunked(codes, this.options.chunkSize ?? 15)) {
			const xml = await this.client.text('ExportCompany', [
				['CompanyCode', chunk.join(','), 'string'],
				['MappingType', mappingType, 'int'],
			]);
			records.push(...parseMailingRecords(xml).filter((record) => !record.hidden));
		}
		return records;
	}

	private async emailIndex(): Promise<Map<string, MailingRecord[]>> {
		if (this.byEmail) return this.byEmail;
		const excluded = this.options.excludeCodes ?? DEFAULT_SYSTEM_ACCOUNTS;
		const codes = (await this.client.getCompanyList({ since: KHAOS_ZERO_TIME }))
			.map((entry) => entry.company_code)
			.filter((code) => !isSystemAccount(code, excluded));
		const index = new Map<string, MailingRecord[]>();
		for (const record of await this.export(codes, 1))
			for (const email of record.emails) index.set(email, [...(index.get(email) ?? []), record]);
		this.byEmail = index;
		return index;
	}
}

/**
 * Writes one consent change to Khaos. Every customer the change finds ends with a mailing status at
 * least as strict as the target; customers already there are not written. When the answer to the
 * update is lost, the customers are read again: a write Khaos made counts as done.
 */
export async function applyConsentChange(
	client: KhaosClient,
	finder: CustomerFinder,
	change: MailingChange,
	targets: MailingTargets = DEFAULT_MAILING_TARGETS,
): Promise<MailingOutcome> {
	const email = String(change.email ?? '')
		.trim()
		.toLowerCase();
	const consent = String(change.status ?? '')
		.trim()
		.toLowerCase();
	const outcome = (result: MailingOutcome['result'], message: string): MailingOutcome => ({
		email,
		consent,
		result,
		mailing_status: null,
		customers: [],
		message,
	});
	if (consent !== 'unsubscribed' && consent !== 'suppressed')
		return outcome(
			'left_alone',
			`"${change.status}" is not an unsubscribe or a suppression; Dotdigital owns consent, so only those are written to Khaos`,
		);
	if (finder.lookup !== 'code' && !EMAIL.test(email))
		throw new MailingUpdateError(`"${change.email}" is not an email address`, 'mapping');
	const target = targets[consent];
	const found = await finder.find(change, email);
	if (found.length === 0)
		return outcome('not_in_khaos', `no Khaos customer has ${email || change.customerCode}`);
	const stale = found.filter((record) => raisesMailingStatus(record.mailingStatus, target));
	const done = (result: MailingOutcome['result'], message: string, now: MailingRecord[]) => ({
		...outcome(result, message),
		mailing_status: target,
		customers: found.map((record) => ({
			customer_code: record.code,
			was: record.mailingStatus,
			now: now.find((after) => after.code === record.code)?.mailingStatus ?? record.mailingStatus,
		})),
	});
	if (stale.length === 0)
		return done('already_set', 'Khaos already allows this customer no marketing', found);
	for (const record of stale) {
		const problem = recordProblem(record);
		if (problem) throw new MailingUpdateError(`Khaos cannot be updated: ${problem}`, 'till');
	}
	const xml = buildMailingStatusXml(
		stale.map((record) => ({ record, status: target, reference: record.code })),
	);
	try {
		const answer = parseCustomerImportResult(
			await client.call('ImportCompany', [
				['Customers', xml, 'string'],
				['Method', 2, 'int'],
			]),
		);
		checkAnswer(answer, stale);
	} catch (error) {
		if (!answerLost(error)) throw error;
		const now = await finder.reread(stale.map((record) => record.code));
		const missed = stale.filter((record) =>
			raisesMailingStatus(
				now.find((after) => after.code === record.code)?.mailingStatus ?? null,
				target,
			),
		);
		if (missed.length > 0) throw error;
	}
	const written = found.map((record) =>
		stale.includes(record) ? { ...record, mailingStatus: target } : record,
	);
	for (const record of stale) finder.remember(record.code, target);
	return done('updated', `mailing status set to ${target}`, written);
}

/** The request may have reached Khaos: the connection dropped, or timed out, after it was sent. */
function answerLost(error: unknown): boolean {
	return error instanceof KhaosNetworkError && error.retryable;
}

function checkAnswer(
	answer: ReturnType<typeof parseCustomerImportResult>,
	sent: readonly MailingRecord[],
): void {
	const skipped = answer.skipped[0];
	if (skipped)
		throw new MailingUpdateError(
			`Khaos did not update customer ${skipped.passedReference || skipped.customerRef}: ${skipped.skipReason || 'no reason given'}`,
			'till',
		);
	const created = answer.imported.find((entry) => entry.action.toLowerCase() === 'new');
	if (created || answer.importedCount > 0)
		throw new KhaosError(
			`Khaos created customer ${created?.urn ?? '(unknown)'} when asked only to update; tell Khaos support`,
			'ImportCompany',
			false,
		);
	for (const record of sent)
		if (
			!answer.imported.some(
				(entry) => entry.urn === record.code || entry.passedReference === record.code,
			)
		)
			throw new KhaosError(
				`Khaos did not say whether it updated customer ${record.code}; running again is safe`,
				'ImportCompany',
				true,
			);
}
