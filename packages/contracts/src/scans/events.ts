import Type from 'typebox';
import { defineEvent } from '../event.ts';

export const scanCompleted = defineEvent({
  type: 'identity.scan.completed',
  stream: 'IDENTITY',
  dataVersion: 1,
  description:
    "A member's 3D body scan is processed: its measurements are a body-composition entry (the figures stay in identity).",
  data: Type.Object({
    userId: Type.String(),
    scanId: Type.String(),
    measurementId: Type.String(),
    hasAvatar: Type.Boolean(),
    completedAt: Type.String({ format: 'date-time' }),
  }),
});
