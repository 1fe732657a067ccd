import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { mfaBindings } from './mfa-handlers.ts';

/** Two-step sign-in (TOTP and recovery codes), and step-up for sensitive operations. */
export const mfaFeature = defineFeature<IdentityDeps>({ name: 'mfa', operations: mfaBindings });
