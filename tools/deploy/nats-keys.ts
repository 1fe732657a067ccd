/**
 * New NKEYs for every service of the manifest and the provisioning job: `pnpm deploy:nats-keys`.
 * Prints, per user, the public key for the NATS servers' environment and the seed for the
 * service's secret (`nxg/<service>-nats-nkey-seed`, read as NATS_NKEY_SEED). Nothing is written.
 */
import { nkeys } from '@nats-io/transport-node';
import { serviceManifest } from '@nxg/contracts';
import { nkeyVariable, provisionUser } from './nats-permissions.ts';

for (const user of [...serviceManifest.map((s) => s.name), provisionUser]) {
  const pair = nkeys.createUser();
  console.log(`# ${user}`);
  console.log(`${nkeyVariable(user)}=${pair.getPublicKey()}`);
  console.log(`nxg/${user}-nats-nkey-seed=${new TextDecoder().decode(pair.getSeed())}\n`);
}
