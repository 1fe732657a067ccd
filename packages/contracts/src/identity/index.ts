export * as identity from './operations.ts';
export * as identityEvents from './events.ts';
export * from './schemas.ts';
export * from './errors.ts';
