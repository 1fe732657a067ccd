import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { identity } from '@nxg/contracts';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bind, serveOperations, type ServedOperations } from '../bus/rpc.ts';
import { signedAs, silentLogger, testBackends } from '../test-support.ts';
import { inNamespace, namespace } from '../bus/namespace.ts';
import { uniqueSuffix } from '../test-support.ts';
import { tokenAudience } from './audience.ts';
import { JwksKeys } from './jwks-keys.ts';
import { RevocationWatch } from './revocation-watch.ts';
import { TokenVerifier } from './token-verifier.ts';

const ISSUER = 'nxg-identity';
const AUDIENCE = 'nxg';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

const newKey = (): SigningKey => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
};

/** A token as identity would sign it, with `claims` changed (undefined drops one). */
const tokenOf = (key: SigningKey, claims: Record<string, unknown> = {}) => {
  const payload: Record<string, unknown> = {
    sub: 'user-1',
    jti: randomUUID(),
    sid: 'session-1',
    typ: 'access',
    roles: ['member'],
    br: {},
    iss: ISSUER,
    aud: AUDIENCE,
    exp: Math.floor(Date.now() / 1000) + 300,
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const sign = createSigner({
    key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    algorithm: 'RS256',
    kid: key.kid,
  });
  return sign(payload);
};

describe('token verification', () => {
  const ns = namespace(`tv${uniqueSuffix()}`);
  let raw: NatsConnection;
  let served: ServedOperations;
  let published: SigningKey[];
  const first = newKey();
  const second = newKey();

  const verifier = (kind: 'member' | 'machine', keys = new JwksKeys(signedAs(raw, 'gateway'))) =>
    new TokenVerifier(keys, new RevocationWatch(), {
      issuer: ISSUER,
      audience: tokenAudience(AUDIENCE, kind),
    });

  beforeAll(async () => {
    raw = inNamespace(await connect({ servers: testBackends.natsUrl }), ns);
    published = [first];
    served = serveOperations(
      signedAs(raw, 'identity'),
      [bind(identity.jwks, async () => ({ keys: published.map((k) => k.jwk) as never }))],
      silentLogger,
    );
    await raw.flush();
  });
  afterAll(async () => {
    await served?.stop();
    await raw?.drain();
  });

  it('takes a token with its issuer and audience', async () => {
    const caller = await verifier('member').authenticateToken(tokenOf(first));
    expect(caller).toMatchObject({ userId: 'user-1', roles: ['member'] });
  });

  it('refuses a token without iss or without aud, or with others', async () => {
    const check = verifier('member');
    for (const claims of [
      { iss: undefined },
      { aud: undefined },
      { iss: 'someone-else' },
      { aud: 'other' },
    ]) {
      await expect(
        check.authenticateToken(tokenOf(first, claims)),
        JSON.stringify(claims),
      ).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
    }
  });

  it('never takes a machine token as a member token, nor the reverse', async () => {
    const machineToken = tokenOf(first, {
      sub: 'machine-1',
      roles: ['machine'],
      aud: tokenAudience(AUDIENCE, 'machine'),
    });
    await expect(verifier('member').authenticateToken(machineToken)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    await expect(verifier('machine').authenticateToken(machineToken)).resolves.toMatchObject({
      userId: 'machine-1',
    });
    await expect(verifier('machine').authenticateToken(tokenOf(first))).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('stops trusting a key identity no longer publishes, even for a token it verified before', async () => {
    const keys = new JwksKeys(signedAs(raw, 'gateway'));
    const check = verifier('member', keys);
    const token = tokenOf(first);
    await expect(check.authenticateToken(token)).resolves.toBeDefined();
    published = [second];
    try {
      await keys.refresh();
      await expect(check.authenticateToken(token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
      await expect(check.authenticateToken(tokenOf(second))).resolves.toBeDefined();
    } finally {
      published = [first];
    }
  });

  it('takes keys only from identity: a rogue responder’s key verifies nothing', async () => {
    const rogueKey = newKey();
    const rogue = raw.subscribe(identity.jwks.subject, {
      callback: (_error, msg) =>
        void msg.respond(JSON.stringify({ ok: true, data: { keys: [rogueKey.jwk] } })),
    });
    try {
      await raw.flush();
      const keys = new JwksKeys(signedAs(raw, 'gateway'));
      await keys.refresh();
      const check = verifier('member', keys);
      await expect(
        check.authenticateToken(tokenOf(rogueKey, { roles: ['platform_admin'] })),
      ).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
      await expect(check.authenticateToken(tokenOf(first))).resolves.toBeDefined();
    } finally {
      rogue.unsubscribe();
    }
  });
});
