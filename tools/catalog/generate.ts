/** Writes docs/events.md from contracts: `pnpm catalog`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderEventCatalog } from './event-catalog.ts';

const target = fileURLToPath(new URL('../../docs/events.md', import.meta.url));
writeFileSync(target, renderEventCatalog());
console.log(`wrote ${target}`);
