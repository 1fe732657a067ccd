export * as scans from './operations.ts';
export * as scanEvents from './events.ts';
export * from './schemas.ts';
export * from './errors.ts';
