import { defineFeature } from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { linkBindings } from './link-handlers.ts';

/** Members linking to a machine by its QR code, and unlinking. */
export const linkingFeature = defineFeature<HubDeps>({ name: 'linking', operations: linkBindings });
