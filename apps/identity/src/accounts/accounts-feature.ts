import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { accountBindings } from './account-handlers.ts';

/** Accounts: register, sign in, refresh, sign out, the JWKS, and erasure. */
export const accountsFeature = defineFeature<IdentityDeps>({ name: 'accounts', operations: accountBindings });
