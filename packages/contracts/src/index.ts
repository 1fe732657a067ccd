export * from './operation.ts';
export * from './envelope.ts';
export * from './errors.ts';
export * from './event.ts';
export * from './streams.ts';
export * from './identity/index.ts';
export * from './machines/index.ts';
export * from './workout/index.ts';
