/** What the sync remembers between executions: the customer identity index, confirmed-record fingerprints and the ledger. */
export * from './identity';
export * from './backend';
export * from './store';
export * from './ledger';
export * from './ledger-report';
export * from './ledger-summary';
export * from './ledger-totals';
export { attemptsInWords } from './ledger-attempts';
export * from './errors';
