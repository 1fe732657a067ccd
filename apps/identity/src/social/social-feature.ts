import { defineFeature } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { socialBindings } from './social-handlers.ts';

/** Follows (with approval where privacy asks for it), blocks and privacy settings; each change is an event. */
export const socialFeature = defineFeature<IdentityDeps>({ name: 'social', operations: socialBindings });
