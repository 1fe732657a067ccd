/** Writes docs/events.md and docs/asyncapi.yaml from contracts: `pnpm catalog`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderAsyncApi } from './asyncapi.ts';
import { renderEventCatalog } from './event-catalog.ts';

for (const [file, render] of [
  ['events.md', renderEventCatalog],
  ['asyncapi.yaml', renderAsyncApi],
] as const) {
  const target = fileURLToPath(new URL(`../../docs/${file}`, import.meta.url));
  writeFileSync(target, render());
  console.log(`wrote ${target}`);
}
