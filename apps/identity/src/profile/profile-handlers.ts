import { identity, identityEvents, IdentityErrors } from '@nxg/contracts';
import { AppError, bind, enqueueEvent, type Binding, requireUser, uuidv7 } from '@nxg/platform';
import { findUserWithStaff, toUser, type UserRow } from '../accounts/account-store.ts';
import { pseudonymiseAudit, recordAudit } from '../audit/audit-store.ts';
import type { IdentityDeps } from '../deps.ts';
import { requireRecentMfaOf } from '../mfa/recent-mfa.ts';
import { boundTo } from '../crypto/sealed-columns.ts';
import { BodyStore } from './body-store.ts';
import { requireTimeZone } from '../time-zone.ts';
import { deleteRequestedObjects, requestScanObjectDeletions } from '../scans/object-deletions.ts';
import { scansForExport } from '../scans/scan-store.ts';
import { socialExport } from '../social/social-store.ts';

const userGone = () => new AppError(404, IdentityErrors.USER_NOT_FOUND, 'The account no longer exists');

/** The member's own account: profile, body composition, export and erasure. */
export function profileBindings(deps: IdentityDeps): Binding[] {
  const { db, cipher, revocations, sessions, users, mfaStore } = deps;
  const bodies = new BodyStore(cipher);

  const currentUser = async (userId: string) => {
    const cached = users.get(userId);
    if (cached) return cached;
    const found = await findUserWithStaff(db, userId);
    if (!found) throw userGone();
    const user = toUser(found.row, found.staff, cipher);
    users.set(userId, user);
    return user;
  };

  return [
    bind(identity.getMe, async (_input, ctx) => currentUser(requireUser(ctx))),

    bind(identity.updateProfile, async (patch, ctx) => {
      const userId = requireUser(ctx);
      await db.transaction(async (tx) => {
        const [row] = await tx.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [userId]);
        if (!row) throw userGone();
        const { healthConditions, ...fitness } = patch.fitnessProfile ?? {};
        // Each section merges field by field: a patch names only what changes.
        const profile = {
          timezone: patch.timezone ? requireTimeZone(patch.timezone) : (row.profile.timezone ?? 'UTC'),
          demographics: { ...row.profile.demographics, ...patch.demographics },
          fitnessProfile: { ...row.profile.fitnessProfile, ...fitness },
          dietPreferences: { ...row.profile.dietPreferences, ...patch.dietPreferences },
        };
        const health =
          healthConditions === undefined
            ? row.health_sealed
            : cipher.seal({ healthConditions }, boundTo.userHealth(userId));
        const name = patch.name ?? row.name;
        await tx.query(
          'UPDATE users SET name = $2, profile = $3, health_sealed = $4, updated_at = now() WHERE id = $1',
          [userId, name, JSON.stringify(profile), health],
        );
        await enqueueEvent(tx, {
          event: identityEvents.userUpdated,
          subject: userId,
          data: { userId, name, ...profile },
        });
      });
      users.invalidate(userId);
      return currentUser(userId);
    }),

    bind(identity.recordBodyComposition, async (input, ctx) => {
      const userId = requireUser(ctx);
      const { measuredAt, source, ...figures } = input;
      const at = measuredAt ? new Date(measuredAt) : new Date();
      if (at.getTime() > Date.now() + 5 * 60_000) {
        throw new AppError(400, IdentityErrors.MEASURED_IN_FUTURE, 'measuredAt is in the future');
      }
      const entry = await db
        .transaction(async (tx) => {
          const saved = await bodies.insert(tx, {
            id: uuidv7(),
            userId,
            measuredAt: at.toISOString(),
            source: source ?? 'manual',
            figures,
          });
          await enqueueEvent(tx, {
            event: identityEvents.bodyMeasured,
            subject: userId,
            data: { userId, measurementId: saved.id, measuredAt: saved.measuredAt },
          });
          return saved;
        })
        .catch((error: unknown) => {
          // The user row is gone (erased meanwhile): foreign key violation.
          if ((error as { code?: string }).code === '23503') throw userGone();
          throw error;
        });
      return entry;
    }),

    bind(identity.bodyCompositionHistory, async (input, ctx) =>
      bodies.page(db, requireUser(ctx), input.limit ?? 20, input.cursor),
    ),

    // Analytics' trend (callers: analytics only); an unknown or erased member has no measurements.
    bind(identity.bodyCompositionSeries, async ({ userId, from, to }) => ({
      items: await bodies.between(db, userId, from, to),
    })),

    bind(identity.exportMe, async (_input, ctx) => {
      const userId = requireUser(ctx);
      return {
        exportedAt: new Date().toISOString(),
        user: await currentUser(userId),
        bodyComposition: await bodies.all(db, userId),
        sessions: await sessions.list(userId),
        scans: await scansForExport(db, userId),
        social: await socialExport(db, userId),
      };
    }),

    bind(identity.deleteMe, async (_input, ctx) => {
      const userId = requireUser(ctx);
      await requireRecentMfaOf(db, mfaStore, ctx, userId);
      // Sign out everywhere first: if the erasure then fails, the member is signed out, nothing worse.
      await revocations.revokeSessions(await sessions.activeIds(db, userId));
      await db.transaction(async (tx) => {
        // Scan uploads and avatars leave storage with the account (a job retries what fails now).
        await requestScanObjectDeletions(tx, userId);
        const deleted = await tx.query('DELETE FROM users WHERE id = $1 RETURNING id', [userId]);
        if (deleted.length === 0) throw userGone();
        const pseudonym = await pseudonymiseAudit(tx, userId);
        await recordAudit(tx, { type: 'account_erased', userId: pseudonym, ip: ctx.ip });
        await enqueueEvent(tx, {
          event: identityEvents.userDeleted,
          subject: userId,
          data: { userId, deletedAt: new Date().toISOString() },
        });
      });
      users.invalidate(userId);
      await deleteRequestedObjects(db, deps.scans.objects, deps.logger).catch(() => undefined);
    }),
  ];
}
