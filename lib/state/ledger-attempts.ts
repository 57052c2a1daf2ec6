/**
 * One line per file: executions of a file that stopped (a refused login, an outage, a file that could
 * not be mapped) are tries of the same file, folded into the line of the execution that came after
 * them, with the last error's cause in words.
 */
import { systemFaultOf } from '../files/system-fault';
import type { LedgerLine } from './ledger-line';

/** The run stopped before the file's records got anywhere: why, in words; undefined for a run that went through. */
export function stopCause(line: LedgerLine): string | undefined {
	const stopped = line.failed_by_reason.runFailed;
	if (stopped && line.failed === stopped.count && !line.accepted && !line.unchanged)
		return causeInWords(line.file, stopped.example ?? '');
	if (line.sent_as !== null) return undefined;
	return line.problems.find(
		(problem) =>
			problem.startsWith('The file could not be mapped') ||
			/ records were mapped but never sent/.test(problem),
	);
}

/** "Dotdigital refused the login (Dotdigital … failed: HTTP 401 …)" from a failed record's example. */
function causeInWords(file: string, example: string): string {
	const detail = example.startsWith(file)
		? example.slice(example.indexOf(': ', file.length) + 2)
		: example;
	const fault = systemFaultOf({ message: detail });
	return fault ? `${fault.cause} (${detail})` : detail;
}

/** Folds each file's stopped executions (per workflow) into the next line for it; lines stay in recorded order. */
export function foldAttempts(lines: readonly LedgerLine[]): LedgerLine[] {
	const folded: Array<LedgerLine | undefined> = [];
	const stoppedAt = new Map<string, number>();
	for (const line of lines) {
		if (line.skipped) {
			folded.push(line);
			continue;
		}
		const key = JSON.stringify([line.workflow, line.file]);
		const earlier = stoppedAt.get(key);
		const cause = stopCause(line);
		const previous = earlier === undefined ? undefined : folded[earlier];
		if (earlier !== undefined) folded[earlier] = undefined;
		const entry: LedgerLine = {
			...line,
			attempts: (previous?.attempts ?? 0) + 1,
			last_error: cause ?? previous?.last_error ?? null,
			first_tried_at: previous?.first_tried_at ?? line.recorded_at,
		};
		if (previous && !cause)
			entry.problems = entry.problems.filter(
				(problem) => !/ records were mapped but never sent/.test(problem),
			);
		entry.balanced = entry.problems.length === 0;
		folded.push(entry);
		if (cause) stoppedAt.set(key, folded.length - 1);
		else stoppedAt.delete(key);
	}
	return folded.filter((line): line is LedgerLine => line !== undefined);
}

/** "tried 3 times; last error: …", or "" for a file that went through at its first try. */
export function attemptsInWords(line: Pick<LedgerLine, 'attempts' | 'last_error'>): string {
	if (line.attempts === 1 && !line.last_error) return '';
	const tries = line.attempts === 1 ? 'tried once' : `tried ${line.attempts} times`;
	return line.last_error ? `${tries}; last error: ${line.last_error}` : tries;
}
