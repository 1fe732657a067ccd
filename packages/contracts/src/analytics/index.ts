export * as analytics from './operations.ts';
export * as analyticsEvents from './events.ts';
export * from './schemas.ts';
export * from './errors.ts';
