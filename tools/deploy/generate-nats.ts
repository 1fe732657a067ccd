/** Writes deploy/nats/authorization.conf from the manifest and contracts: `pnpm deploy:nats`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeployedServices, repoRoot } from './deployed-services.ts';
import { renderAuthorization } from './nats-permissions.ts';

const services = await loadDeployedServices();
const file = join(repoRoot, 'deploy/nats/authorization.conf');
const verifiesTokens = services.filter((s) => s.definition.auth).map((s) => s.name);
writeFileSync(file, renderAuthorization({ verifiesTokens }));
console.log('wrote deploy/nats/authorization.conf');
