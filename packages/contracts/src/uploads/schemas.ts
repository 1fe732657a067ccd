import Type, { type Static } from 'typebox';

/** An image the gateway checked, cleaned and stored, as it tells the owning service (DESIGN D9: the key, never the bytes). */
export const StoredImage = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 512, description: 'Object storage key' }),
    contentType: Type.Literal('image/jpeg'),
    bytes: Type.Integer({ minimum: 1 }),
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    /** sha256 of the stored bytes, hex. */
    hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);
export type StoredImage = Static<typeof StoredImage>;
