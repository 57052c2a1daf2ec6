/**
 * Khaos Order's Update Mailing Preference: each input item a consent change from Dotdigital (email
 * and status); unsubscribes and suppressions become the customer's Khaos mailing status, nothing
 * else is written. The domain is lib/khaos/mailing-update.ts.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	CustomerFinder,
	DEFAULT_MAILING_TARGETS,
	MAILING_STATUS_NAMES,
	MailingUpdateError,
	NO_MARKETING_STATUSES,
	applyConsentChange,
	isNoMarketingStatus,
	khaosSystemFault,
	mailingErrorOwner,
	type CustomerLookup,
	type MailingTargets,
} from '../../lib/khaos';
import { checkReadOncePerRun, READ_ONCE_PER_RUN } from '../shared/once-per-run';
import {
	errorJson,
	khaosNodeError,
	splitCodes,
	type KhaosConnection,
} from '../shared/khaos-common';

const mailingOnly = { show: { operation: ['updateMailingPreference'] } };

const statusChoices = NO_MARKETING_STATUSES.map((code) => ({
	name: `${code} - ${MAILING_STATUS_NAMES[code]}`,
	value: code,
}));

export const mailingPreferenceProperties: INodeProperties[] = [
	{
		displayName:
			'Each input item is one consent change, as Dotdigital Consent Changes lists them (split its changes into items ' +
			"with a Split Out node): an email and a status. Unsubscribes and suppressions set the customer's mailing status " +
			'in Khaos; any other status is left alone. Dotdigital owns consent: this never opts anyone in, and a customer ' +
			'whose status in Khaos already allows as little mailing is not written. Running it again is safe.',
		name: 'mailingNotice',
		type: 'notice',
		default: '',
		displayOptions: mailingOnly,
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		default: '={{ $json.email }}',
		placeholder: 'name@email.com',
		required: true,
		description: "The customer's email address. By default each input item's email.",
		displayOptions: mailingOnly,
	},
	{
		displayName: 'Consent Status',
		name: 'consentStatus',
		type: 'string',
		default: '={{ $json.status }}',
		required: true,
		description:
			"Dotdigital's status for the contact: unsubscribed or suppressed are written, anything else is left alone. By default each input item's status.",
		displayOptions: mailingOnly,
	},
	{
		displayName: 'Find the Customer By',
		name: 'findCustomerBy',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Email',
				value: 'email',
				description:
					"Any email on the customer's addresses or contacts. Reads every customer from Khaos once per run.",
			},
			{
				name: 'Email as Web Name',
				value: 'webUser',
				description: "Quicker, for shops whose customers' Web Name in Khaos is their email",
			},
			{
				name: 'Khaos Customer Code',
				value: 'code',
				description: 'The customer code each item carries',
			},
		],
		default: 'email',
		description: `Khaos finds customers by code, not by email. ${READ_ONCE_PER_RUN}.`,
		displayOptions: mailingOnly,
	},
	{
		displayName: 'Customer Code',
		name: 'customerCode',
		type: 'string',
		default: '={{ $json.customer_code }}',
		required: true,
		description: 'The Khaos customer code (URN) of the customer the change is about',
		displayOptions: { show: { operation: ['updateMailingPreference'], findCustomerBy: ['code'] } },
	},
	{
		displayName: 'Options',
		name: 'mailingOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: `${READ_ONCE_PER_RUN}: these apply to every item of the run`,
		displayOptions: mailingOnly,
		options: [
			{
				displayName: 'Leave Out Customer Codes',
				name: 'excludeCodes',
				type: 'string',
				default: 'EPOS, *TEST*',
				description:
					'Accounts Khaos keeps for itself, never updated when finding by email (* matches anything)',
			},
			{
				displayName: 'Mailing Status for Suppressed',
				name: 'suppressedStatus',
				type: 'options',
				options: statusChoices,
				default: 5,
				description:
					'What a suppression (a bounce, a complaint, the suppression list) sets, as numbered in Khaos',
			},
			{
				displayName: 'Mailing Status for Unsubscribed',
				name: 'unsubscribedStatus',
				type: 'options',
				options: statusChoices,
				default: 5,
				description: 'What an unsubscribe sets, as numbered in Khaos',
			},
		],
	},
];

/** One item out per item in, paired with it: what was done, or (continuing on error) why not and who fixes it. */
export async function updateMailingPreferences(
	ctx: IExecuteFunctions,
	{ client }: KhaosConnection,
): Promise<INodeExecutionData[]> {
	checkReadOncePerRun(ctx, ['mailingOptions'], mailingPreferenceProperties);
	const lookup = ctx.getNodeParameter('findCustomerBy', 0, 'email') as CustomerLookup;
	const options = ctx.getNodeParameter('mailingOptions', 0, {}) as IDataObject;
	const targets = mailingTargets(ctx, options);
	const finder = new CustomerFinder(client, lookup, {
		excludeCodes:
			options.excludeCodes === undefined ? undefined : splitCodes(String(options.excludeCodes)),
	});
	const output: INodeExecutionData[] = [];
	let systemFault: IDataObject | undefined;
	const items = ctx.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const email = String(ctx.getNodeParameter('email', itemIndex, '') ?? '');
		const status = String(ctx.getNodeParameter('consentStatus', itemIndex, '') ?? '');
		// Khaos out of reach or refusing the login: the rest of the run is not tried again one by one.
		if (systemFault) {
			output.push({ json: { email, ...systemFault }, pairedItem: { item: itemIndex } });
			continue;
		}
		try {
			const customerCode =
				lookup === 'code'
					? String(ctx.getNodeParameter('customerCode', itemIndex, '') ?? '')
					: undefined;
			const outcome = await applyConsentChange(
				client,
				finder,
				{ email, status, customerCode },
				targets,
			);
			output.push({ json: outcome as unknown as IDataObject, pairedItem: { item: itemIndex } });
		} catch (caught) {
			const owner = mailingErrorOwner(caught);
			const error =
				caught instanceof MailingUpdateError
					? new NodeOperationError(ctx.getNode(), caught.message, {
							itemIndex,
							description: ownerHelp(owner),
						})
					: khaosNodeError(ctx.getNode(), caught, itemIndex);
			if (!ctx.continueOnFail()) throw error;
			const json = { ...errorJson(error), owner };
			if (khaosSystemFault(caught)) systemFault = json;
			output.push({ json: { email, ...json }, pairedItem: { item: itemIndex } });
		}
	}
	return output;
}

function mailingTargets(ctx: IExecuteFunctions, options: IDataObject): MailingTargets {
	const pick = (name: string, fallback: number) => {
		const value = Number(options[name] ?? fallback);
		if (!isNoMarketingStatus(value))
			throw new NodeOperationError(
				ctx.getNode(),
				`${value} is not a mailing status that stops marketing`,
				{
					itemIndex: 0,
					description: `Owner: mapping. Choose one of ${NO_MARKETING_STATUSES.join(', ')}: consent changes never opt anyone in.`,
				},
			);
		return value;
	};
	return {
		unsubscribed: pick('unsubscribedStatus', DEFAULT_MAILING_TARGETS.unsubscribed),
		suppressed: pick('suppressedStatus', DEFAULT_MAILING_TARGETS.suppressed),
	};
}

function ownerHelp(owner: string): string {
	if (owner === 'mapping')
		return 'Owner: mapping. Check what this node reads from each item (Email, Consent Status, Customer Code).';
	if (owner === 'till')
		return 'Owner: till. Correct the customer in Khaos Control, then retry this execution: a change already in Khaos is not written twice.';
	return 'Owner: system. Once Khaos answers again, retry this execution: a change already in Khaos is not written twice.';
}
