export * as social from './operations.ts';
export * as socialEvents from './events.ts';
export * from './schemas.ts';
export * from './errors.ts';
