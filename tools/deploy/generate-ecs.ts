/** Writes deploy/ecs/*.task.json from the manifest of services: `pnpm deploy:ecs`. */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeployedServices, repoRoot } from './deployed-services.ts';
import { renderEcsFiles } from './ecs-task-definitions.ts';

const dir = join(repoRoot, 'deploy/ecs');
const files = renderEcsFiles(await loadDeployedServices());
for (const [name, content] of files) writeFileSync(join(dir, name), content);
// A service taken out of the manifest loses its task definition too.
for (const name of readdirSync(dir).filter((f) => f.endsWith('.task.json') && !files.has(f))) {
  rmSync(join(dir, name));
  console.log(`removed deploy/ecs/${name}`);
}
console.log(`wrote ${[...files.keys()].map((f) => `deploy/ecs/${f}`).join(', ')}`);
