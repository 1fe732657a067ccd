export * as machines from './operations.ts';
export * as machineEvents from './events.ts';
export * from './schemas.ts';
export * from './protocol.ts';
export * from './live.ts';
export * from './errors.ts';
