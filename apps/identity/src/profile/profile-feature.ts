import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { profileBindings } from './profile-handlers.ts';

/** The member's profile, sealed body composition and its history, and the data export. */
export const profileFeature = defineFeature<IdentityDeps>({ name: 'profile', operations: profileBindings });
