export * from './backends.ts';
export * from './free-port.ts';
export * from './service-process.ts';
export * from './platform.ts';
export * from './http-client.ts';
export * from './events.ts';
export * from './socket-client.ts';
export * from './wait-for.ts';
