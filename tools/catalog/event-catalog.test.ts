import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { events, renderEventCatalog } from './event-catalog.ts';

describe('the event catalog', () => {
  it('is up to date with contracts (run `pnpm catalog` after changing an event)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../docs/events.md', import.meta.url)), 'utf8');
    expect(committed).toBe(renderEventCatalog());
  });

  it('documents every event with its schema and a stream that exists', () => {
    const page = renderEventCatalog();
    for (const event of events) {
      expect(page).toContain(`### ${event.type} (v${event.dataVersion})`);
      expect(page).toContain(`Stream \`${event.stream}\``);
    }
  });
});
