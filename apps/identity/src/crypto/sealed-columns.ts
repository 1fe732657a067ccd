/** Subkey purposes (HKDF info): a value sealed for one never opens as another. */
export const SealPurposes = {
  fields: 'identity.fields',
  signingKeys: 'identity.signing-keys',
} as const;

/** What each sealed value is bound to (its additional authenticated data): table, column and row. */
export const boundTo = {
  userHealth: (userId: string) => `users.health_sealed:${userId}`,
  bodyFigures: (measurementId: string) => `body_measurements.sealed:${measurementId}`,
  signingKey: (kid: string) => `signing_keys.private_sealed:${kid}`,
  totpSecret: (userId: string) => `mfa_totp.secret_sealed:${userId}`,
  scanInput: (scanId: string) => `scans.input_sealed:${scanId}`,
  scanResult: (scanId: string) => `scans.result_sealed:${scanId}`,
};

export interface SealedColumn {
  table: string;
  column: string;
  /** The row's key column, as text in `bind`. */
  key: string;
  purpose: (typeof SealPurposes)[keyof typeof SealPurposes];
  bind: (key: string) => string;
}

/** Every column identity keeps sealed: what a key rotation re-seals and its progress counts. */
export const sealedColumns: SealedColumn[] = [
  {
    table: 'users',
    column: 'health_sealed',
    key: 'id',
    purpose: SealPurposes.fields,
    bind: boundTo.userHealth,
  },
  {
    table: 'body_measurements',
    column: 'sealed',
    key: 'id',
    purpose: SealPurposes.fields,
    bind: boundTo.bodyFigures,
  },
  {
    table: 'mfa_totp',
    column: 'secret_sealed',
    key: 'user_id',
    purpose: SealPurposes.fields,
    bind: boundTo.totpSecret,
  },
  {
    table: 'scans',
    column: 'input_sealed',
    key: 'id',
    purpose: SealPurposes.fields,
    bind: boundTo.scanInput,
  },
  {
    table: 'scans',
    column: 'result_sealed',
    key: 'id',
    purpose: SealPurposes.fields,
    bind: boundTo.scanResult,
  },
  {
    table: 'signing_keys',
    column: 'private_sealed',
    key: 'kid',
    purpose: SealPurposes.signingKeys,
    bind: boundTo.signingKey,
  },
];
