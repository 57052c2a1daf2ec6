/** What the sync remembers between executions: the customer identity index and confirmed-record fingerprints. */
export * from './identity';
export * from './store';
