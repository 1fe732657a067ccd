export * as notification from './operations.ts';
export * as notificationEvents from './events.ts';
export * from './schemas.ts';
export * from './errors.ts';
