import type { NatsConnection } from '@nats-io/transport-node';
import { identity } from '@nxg/contracts';
import { callOperation } from '@nxg/platform';

const CACHE_MS = 5 * 60_000;
const systemContext = { requestId: 'analytics-branch-lookup', roles: [], branchRoles: {} };

/**
 * A branch's time zone, asked of identity (which owns branches and announces no branch events)
 * and kept a few minutes. An unknown branch is identity's 404; identity unavailable: the last
 * answer if there was one, else the caller gets identity's 503.
 */
export function branchTimeZones(nc: NatsConnection) {
  const known = new Map<string, { timeZone: string; fetchedAt: number }>();
  return async (branchId: string): Promise<string> => {
    const cached = known.get(branchId);
    if (cached && Date.now() - cached.fetchedAt < CACHE_MS) return cached.timeZone;
    try {
      const branch = await callOperation(nc, identity.getBranch, { branchId }, systemContext, {
        timeoutMs: 2000,
      });
      known.set(branchId, { timeZone: branch.timezone, fetchedAt: Date.now() });
      return branch.timezone;
    } catch (error) {
      if (cached && (error as { status?: number }).status !== 404) return cached.timeZone;
      throw error;
    }
  };
}
