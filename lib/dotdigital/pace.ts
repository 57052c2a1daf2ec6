/**
 * How long to wait before asking Dotdigital about an import, learnt from the imports of the same
 * kind already finished in this run. Imports of one run are alike in size, so the time the slowest
 * finished one took is a good first wait for the next: most are then asked about once.
 *
 * Until the first import of a kind has finished, the others of a run with several batches wait for
 * it, so that a dozen imports sent at once do not each pay the blind checks the first one pays.
 */

interface KindPace {
	/** The longest time an import of this kind was found finished after, in ms since it was sent. */
	slowest?: number;
	first?: Promise<void>;
	settleFirst?: () => void;
}

export interface PollPolicy {
	/** Wait before the first status check. */
	firstMs: number;
	/** The interval grows by half each time, up to this. */
	maxMs: number;
	/** Give up on an import after this long in all. */
	totalMs: number;
}

export class ImportPace {
	private readonly kinds = new Map<string, KindPace>();

	private of(kind: string): KindPace {
		let pace = this.kinds.get(kind);
		if (!pace) {
			pace = {};
			pace.first = new Promise<void>((resolve) => (pace!.settleFirst = resolve));
			this.kinds.set(kind, pace);
		}
		return pace;
	}

	/** Resolves once an import of this kind has ended (finished or failed) in this run. */
	firstEnded(kind: string): Promise<void> {
		return this.of(kind).first!;
	}

	/** An import of this kind ended; `foundDoneAfter` is when its status said finished, in ms since it was sent. */
	ended(kind: string, foundDoneAfter?: number): void {
		const pace = this.of(kind);
		if (foundDoneAfter !== undefined) pace.slowest = Math.max(pace.slowest ?? 0, foundDoneAfter);
		pace.settleFirst!();
	}

	/**
	 * The waits before each status check: the slowest finished import's time first, then a quarter of
	 * it, widening by half each time; the policy's own waits while nothing has finished yet.
	 */
	waits(kind: string, poll: PollPolicy): () => number {
		const learnt = this.of(kind).slowest;
		let first = learnt;
		let interval =
			learnt === undefined
				? poll.firstMs
				: Math.max(Math.round(learnt / 4), Math.round(poll.firstMs / 2));
		return () => {
			if (first !== undefined) {
				const wait = first;
				first = undefined;
				return wait;
			}
			const wait = interval;
			interval = Math.min(Math.round(interval * 1.5), poll.maxMs);
			return wait;
		};
	}
}
