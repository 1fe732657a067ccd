import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { branchBindings } from './branch-handlers.ts';

/** Branches and their staff roles. */
export const branchesFeature = defineFeature<IdentityDeps>({ name: 'branches', operations: branchBindings });
