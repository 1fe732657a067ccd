import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serviceManifest } from '@nxg/contracts';
import { loadDefinition } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The manifest is what the launcher, tests and deployment follow: it must say what the services say. */
describe('the manifest of services', () => {
  it.each(serviceManifest.map((entry) => [entry.name, entry] as const))(
    '%s: its definition has the same name, port variable and default, and database',
    async (_name, entry) => {
      const definition = await loadDefinition(entry);
      expect(definition.name).toBe(entry.name);
      expect(definition.port).toBe(entry.portVariable);
      expect((definition.config[entry.portVariable] as { default?: number }).default).toBe(entry.port);
      expect(Boolean(definition.migrations)).toBe(entry.database);
      expect(readFileSync(`${root}/${entry.main}`, 'utf8')).toContain('runService(');
    },
  );

  it('gives every service a port of its own', () => {
    const ports = serviceManifest.map((s) => s.port);
    expect(new Set(ports).size).toBe(ports.length);
  });
});
