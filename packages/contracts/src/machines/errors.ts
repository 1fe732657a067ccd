import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Every error code machine-hub answers with over REST, beyond the common ones. */
export const hubErrorCatalog = {
  MACHINE_NOT_FOUND: { status: 404, description: 'No such machine (or not one of the caller’s branches)' },
  INVALID_MACHINE_CREDENTIALS: { status: 401, description: 'The machine id or secret is not right' },
  QR_TOKEN_INVALID: { status: 400, description: 'This is not a QR code of ours' },
  QR_TOKEN_EXPIRED: { status: 410, description: 'The QR code has expired; scan the new one' },
  QR_TOKEN_USED: { status: 409, description: 'The QR code was already used; scan the new one' },
  MACHINE_UNAVAILABLE: { status: 409, description: 'The machine is offline or in maintenance' },
  MACHINE_OCCUPIED: { status: 409, description: 'Someone else is linked to the machine' },
  ALREADY_LINKED: { status: 409, description: 'The member is linked to another machine; unlink it first' },
  NOT_LINKED: { status: 404, description: 'The member is not linked to this machine' },
  MACHINE_DECOMMISSIONED: {
    status: 410,
    description: 'The machine was decommissioned: it keeps its history but takes no more changes',
  },
} as const satisfies ErrorCatalog;
export const HubErrors = codesOf(hubErrorCatalog);
