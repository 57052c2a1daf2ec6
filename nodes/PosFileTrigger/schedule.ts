import type { CronExpression, INodeProperties, ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export type ScheduleChoice = 'arrival' | 'minutes' | 'hourly' | 'daily' | 'cron';

/** The "Check for Files" part of the node UI, written for whoever changes the schedule later. */
export const scheduleProperties: INodeProperties[] = [
	{
		displayName: 'Check for Files',
		name: 'schedule',
		type: 'options',
		options: [
			{
				name: 'As Soon As They Arrive',
				value: 'arrival',
				description: 'Look in the folder every few seconds',
			},
			{ name: 'Custom (Cron)', value: 'cron' },
			{ name: 'Every Day', value: 'daily' },
			{ name: 'Every Few Minutes', value: 'minutes' },
			{ name: 'Every Hour', value: 'hourly' },
		],
		default: 'arrival',
		description:
			'When to look for new files. Polling works on network shares and Docker volumes too.',
	},
	{
		displayName: 'Look Every (Seconds)',
		name: 'checkEverySeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 3600 },
		default: 30,
		displayOptions: { show: { schedule: ['arrival'] } },
	},
	{
		displayName: 'Every (Minutes)',
		name: 'everyMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1440 },
		default: 45,
		displayOptions: { show: { schedule: ['minutes'] } },
	},
	{
		displayName: 'At Hour',
		name: 'atHour',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 23 },
		default: 6,
		description: 'Hour of the day (0-23), in the workflow time zone',
		displayOptions: { show: { schedule: ['daily'] } },
	},
	{
		displayName: 'At Minute',
		name: 'atMinute',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 59 },
		default: 0,
		displayOptions: { show: { schedule: ['hourly', 'daily'] } },
	},
	{
		displayName: 'Cron Expression',
		name: 'cronExpression',
		type: 'string',
		default: '0 7-19 * * 1-6',
		placeholder: '0 7-19 * * 1-6',
		description:
			'Minute, hour, day of month, month, day of week. The example runs on the hour from 7:00 to 19:00, Monday to Saturday.',
		displayOptions: { show: { schedule: ['cron'] } },
	},
];

function toCron(ctx: ITriggerFunctions, choice: ScheduleChoice): string {
	const minute = ctx.getNodeParameter('atMinute', 0) as number;
	if (choice === 'hourly') return `0 ${minute} * * * *`;
	if (choice === 'daily') return `0 ${minute} ${ctx.getNodeParameter('atHour', 6) as number} * * *`;
	const fields = (ctx.getNodeParameter('cronExpression', '') as string).trim().split(/\s+/);
	if (fields.length === 5) return `0 ${fields.join(' ')}`;
	if (fields.length === 6) return fields.join(' ');
	throw new NodeOperationError(ctx.getNode(), `"${fields.join(' ')}" is not a cron expression`, {
		description:
			'Use five fields: minute, hour, day of month, month, day of week. For example 0 7-19 * * 1-6.',
	});
}

/**
 * Calls `onTick` on the chosen schedule and returns a function that stops it.
 * "As soon as they arrive" also looks once straight away, so files that came while n8n was down
 * are picked up without waiting.
 */
export function checkSchedule(
	choice: ScheduleChoice,
	ctx: ITriggerFunctions,
	onTick: () => void,
): () => void {
	if (choice === 'arrival' || choice === 'minutes') {
		const ms =
			choice === 'arrival'
				? (ctx.getNodeParameter('checkEverySeconds', 30) as number) * 1000
				: (ctx.getNodeParameter('everyMinutes', 45) as number) * 60_000;
		// Timers past 2^31 ms fire at once; the UI caps the values, this guards imported workflows.
		const timer = setInterval(onTick, Math.min(Math.max(ms, 1000), 24 * 3_600_000));
		const first = choice === 'arrival' ? setTimeout(onTick, 0) : undefined;
		return () => {
			clearInterval(timer);
			if (first) clearTimeout(first);
		};
	}
	ctx.helpers.registerCron({ expression: toCron(ctx, choice) as CronExpression }, () => onTick());
	// n8n removes a workflow's cron jobs itself when it is deactivated.
	return () => undefined;
}
