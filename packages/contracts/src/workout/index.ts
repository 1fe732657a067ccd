export * as workout from './operations.ts';
export * as workoutEvents from './events.ts';
export * from './schemas.ts';
export * from './errors.ts';
