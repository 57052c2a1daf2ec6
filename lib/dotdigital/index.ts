/** The Dotdigital side of the package: transport, data fields, contacts, insight data and the sync that ties them together. */
export * from './address-books';
export { identifierKey } from './contact-import';
export type { ContactEntry, ContactMode, ContactSendSettings, Keyed } from './contact-plan';
export * from './contact-sync';
export * from './contacts';
export * from './data-fields';
export * from './delta';
export * from './errors';
export * from './imports';
export * from './insight';
export * from './registry';
export * from './results';
export * from './sync';
export * from './transport';
