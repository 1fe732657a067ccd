import { nutrition } from '@nxg/contracts';
import { bind, defineFeature, requireUser } from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { findMember } from '../members/member-store.ts';
import { dailyTargets } from './daily-targets.ts';

/** Daily energy and macro targets, always answered (reference defaults when figures are missing). */
export const targetsFeature = defineFeature<NutritionDeps>({
  name: 'targets',
  operations: ({ db }) => [
    bind(nutrition.getTargets, async (_input, ctx) => dailyTargets(await findMember(db, requireUser(ctx)))),
  ],
});
