import type { SyncState } from './sync-state';

/**
 * The sync state itself (the SQLite file or the Postgres schema) could not be opened, read or
 * written. Nobody's data is at fault: the owner is "system" (whoever runs n8n and its storage).
 */
export class SyncStateError extends Error {
	readonly owner = 'system' as const;

	constructor(where: string, cause: unknown) {
		super(
			`Could not read or write the sync state (${where}): ${cause instanceof Error ? cause.message : String(cause)}`,
			{ cause },
		);
		this.name = 'SyncStateError';
	}
}

/** The same state, whose every failing call throws a SyncStateError naming where the state is kept. */
export function guardSyncState(state: SyncState): SyncState {
	const wrap = (caught: unknown): never => {
		throw caught instanceof SyncStateError ? caught : new SyncStateError(state.where, caught);
	};
	return new Proxy(state, {
		get(target, property, receiver) {
			const value: unknown = Reflect.get(target, property, receiver);
			if (typeof value !== 'function') return value;
			return (...args: unknown[]) => {
				try {
					const result: unknown = value.apply(target, args);
					return result instanceof Promise ? result.catch(wrap) : result;
				} catch (caught) {
					return wrap(caught);
				}
			};
		},
	});
}
