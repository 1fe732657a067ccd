import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { accountBindings } from './account-handlers.ts';
import { passwordBindings } from './password-handlers.ts';

/** Accounts: register, sign in, refresh, sign out, password change, and the JWKS. */
export const accountsFeature = defineFeature<IdentityDeps>({
  name: 'accounts',
  operations: (deps) => [...accountBindings(deps), ...passwordBindings(deps)],
});
