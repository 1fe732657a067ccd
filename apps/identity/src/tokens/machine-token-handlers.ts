import { identity } from '@nxg/contracts';
import { bind, type Binding } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';

/**
 * Machine tokens: machine-hub checks the machine's secret (it owns machines), identity signs, so
 * gateway and hub verify machines and members against one JWKS. `sid` = `machine-<id>` lets every
 * token of one machine be revoked at once.
 */
export function machineTokenBindings({ issuer }: IdentityDeps): Binding[] {
  return [
    bind(identity.issueMachineToken, async ({ machineId, branchId }) => {
      const token = await issuer.issue(
        { id: machineId, roles: ['machine'], branchRoles: {} },
        `machine-${machineId}`,
        {
          bid: branchId,
        },
        'machine',
      );
      return { accessToken: token.token, expiresIn: token.expiresIn };
    }),
  ];
}
