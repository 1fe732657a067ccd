import { errorCatalog } from '@nxg/contracts';
import { describe, expect, it } from 'vitest';
import { ExternalError, ExternalErrorCodes } from './external-errors.ts';

describe('external error codes', () => {
  it('of the external client kit are all declared, each with the status the kit answers', () => {
    for (const code of Object.values(ExternalErrorCodes)) {
      expect(new ExternalError('planner', code).status, code).toBe(errorCatalog[code].status);
    }
  });
});
