/** Whose tokens a service takes: members' and staff's (gateway) or machines' (machine-hub). */
export type TokenKind = 'member' | 'machine';

/**
 * The `aud` of a token of this kind. Machine tokens have an audience of their own, so one is never
 * taken where a member's is expected, nor the reverse, though one JWKS verifies both.
 */
export const tokenAudience = (audience: string, kind: TokenKind): string =>
  kind === 'machine' ? `${audience}:machine` : audience;
