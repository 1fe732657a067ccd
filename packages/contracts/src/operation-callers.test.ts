import { describe, expect, it } from 'vitest';
import { identity, machines, workout } from './index.ts';
import { serviceManifest } from './services.ts';

const operations = [...identity.all, ...machines.all, ...workout.all];
const services = new Set(serviceManifest.map((s) => s.name));

describe('operation callers', () => {
  it('are declared by every internal operation, since its service refuses any other caller', () => {
    const internal = operations.filter((op) => !op.http);
    expect(internal.length).toBeGreaterThan(0);
    const undeclared = internal.filter((op) => op.callers.length === 0).map((op) => op.name);
    expect(undeclared, 'internal operations without callers').toEqual([]);
  });

  it('name services of the manifest, never the operation’s own', () => {
    for (const op of operations) {
      for (const caller of op.callers) {
        expect(services.has(caller), `${op.name}: ${caller}`).toBe(true);
        expect(caller, op.name).not.toBe(op.service);
      }
    }
  });
});
