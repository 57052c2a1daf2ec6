import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	ledgerSummary,
	exceptionsByReason,
	ledgerLines,
	periodFor,
	type LedgerBook,
	type PeriodChoice,
} from '../../lib/state';
import { openState } from '../shared/sync-state';
import { syncLedgerProperties } from './properties';

type Operation = 'summary' | 'files' | 'exceptions';

export class SyncLedger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sync Ledger',
		name: 'syncLedger',
		icon: { light: 'file:syncLedger.svg', dark: 'file:syncLedger.dark.svg' },
		group: ['input'],
		version: [1],
		subtitle:
			'={{ { summary: "Summary", files: "Files", exceptions: "Records to fix" }[$parameter["operation"]] }}',
		description:
			'Reports what each POS file contained and what became of it in Dotdigital, for the daily check and the weekly review',
		defaults: { name: 'Sync Ledger' },
		inputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		outputs: [NodeConnectionTypes.Main],
		properties: syncLedgerProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			const state = await openState(this);
			try {
				return [(await report(this, state)).map((json) => ({ json, pairedItem: { item: 0 } }))];
			} finally {
				await state.close();
			}
		} catch (caught) {
			const error =
				caught instanceof NodeOperationError
					? caught
					: new NodeOperationError(this.getNode(), caught as Error, { itemIndex: 0 });
			if (!this.continueOnFail()) throw error;
			return [
				[
					{
						json: {
							error: error.message,
							...(error.description ? { description: error.description } : {}),
						},
						pairedItem: { item: 0 },
					},
				],
			];
		}
	}
}

async function report(ctx: IExecuteFunctions, ledger: LedgerBook): Promise<IDataObject[]> {
	const operation = ctx.getNodeParameter('operation', 0) as Operation;
	const timeZone = ctx.getTimezone();
	let period;
	try {
		period = periodFor(ctx.getNodeParameter('period', 0) as PeriodChoice, {
			now: new Date(),
			timeZone,
			from: String(ctx.getNodeParameter('from', 0, '') ?? ''),
			to: String(ctx.getNodeParameter('to', 0, '') ?? ''),
		});
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			itemIndex: 0,
			description: 'Set From (and To) to dates, e.g. 2026-11-01.',
		});
	}
	if (operation === 'summary') {
		const chartDays = Math.max(1, Number(ctx.getNodeParameter('chartDays', 0, 14)) || 14);
		const expectedFeeds = ctx.getNodeParameter('expectedFeeds', 0, []) as string[];
		return [
			(await ledgerSummary(ledger, { period, chartDays, expectedFeeds })) as unknown as IDataObject,
		];
	}
	const lines = ledgerLines(await ledger.ledgerSteps(period.from, period.to), timeZone);
	if (operation === 'exceptions') return exceptionsByReason(lines) as unknown as IDataObject[];
	const onlyNotBalanced = ctx.getNodeParameter('onlyNotBalanced', 0, false) as boolean;
	return lines.filter((line) => !onlyNotBalanced || !line.balanced) as unknown as IDataObject[];
}
