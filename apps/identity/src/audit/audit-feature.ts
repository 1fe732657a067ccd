import { identity, machineEvents } from '@nxg/contracts';
import { bind, consume, defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { listAudit, recordAudit } from './audit-store.ts';

/**
 * The security audit log: identity writes its own entries beside each change; staff actions on
 * machines arrive as machine-hub's events. Platform admins read it.
 */
export const auditFeature = defineFeature<IdentityDeps>({
  name: 'audit',
  operations: ({ db }) => [
    bind(identity.listAudit, async ({ limit = 50, ...filter }) => listAudit(db, { limit, ...filter })),
  ],
  consumers: ({ db }) => [
    consume('identity_machine_secret_rotated', machineEvents.machineSecretRotated, async (event) => {
      await recordAudit(db, {
        type: 'machine_secret_rotated',
        actorId: event.data.actorId,
        details: { machineId: event.data.machineId, branchId: event.data.branchId },
        sourceEventId: event.id,
        at: event.data.at,
      });
    }),
    consume('identity_machine_decommissioned', machineEvents.machineDecommissioned, async (event) => {
      await recordAudit(db, {
        type: 'machine_decommissioned',
        actorId: event.data.actorId,
        details: { machineId: event.data.machineId, branchId: event.data.branchId },
        sourceEventId: event.id,
        at: event.data.at,
      });
    }),
  ],
});
