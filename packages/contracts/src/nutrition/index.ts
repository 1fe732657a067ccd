export * as nutrition from './operations.ts';
export * as nutritionEvents from './events.ts';
export * from './schemas.ts';
export * from './errors.ts';
