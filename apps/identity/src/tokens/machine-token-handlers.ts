import { identity } from '@nxg/contracts';
import { bind, type Binding } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { machineSessionId } from '@nxg/contracts';

/**
 * Machine tokens: machine-hub checks the machine's secret (it owns machines), identity signs, so
 * gateway and hub verify machines and members against one JWKS. `sid` = `machine-<id>-g<generation>`
 * names the machine's secret generation, so rotating the secret revokes every token the old one got
 * (machine-hub writes that revocation) and no token of the new one.
 */
export function machineTokenBindings({ issuer }: IdentityDeps): Binding[] {
  return [
    bind(identity.issueMachineToken, async ({ machineId, branchId, generation = 1 }) => {
      const token = await issuer.issue(
        { id: machineId, roles: ['machine'], branchRoles: {} },
        machineSessionId(machineId, generation),
        {
          bid: branchId,
        },
        'machine',
      );
      return { accessToken: token.token, expiresIn: token.expiresIn };
    }),
  ];
}
