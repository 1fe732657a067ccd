/**
 * The member of `--demo`: registered once through the gateway, their password kept beside the
 * machines' credentials (mode 0600) so the next demo logs the same member in. Also the member's
 * side of linking: redeeming the QR code the machine shows, and unlinking.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ApiError, callApi } from './http.ts';

interface StoredMember {
  gatewayUrl: string;
  email: string;
  username: string;
  password: string;
  name: string;
}

export interface SignedInMember {
  userId: string;
  name: string;
  accessToken: string;
}

interface AuthAnswer {
  user: { id: string; profile?: { name?: string } };
  accessToken: string;
}

async function register(gatewayUrl: string, name: string): Promise<StoredMember & { auth: AuthAnswer }> {
  const suffix = randomBytes(4).toString('hex');
  const member = {
    gatewayUrl,
    email: `demo.${suffix}@example.com`,
    username: `demo_${suffix}`,
    password: randomBytes(12).toString('base64url'),
    name,
  };
  const auth = await callApi<AuthAnswer>(gatewayUrl, 'POST', '/v1/auth/register', {
    body: { email: member.email, username: member.username, password: member.password, name },
  });
  return { ...member, auth };
}

/** The demo member, signed in: the one in `file` if the platform still knows them, else a new one. */
export async function demoMember(
  gatewayUrl: string,
  file: string,
  name = 'Ada Lovelace',
): Promise<SignedInMember> {
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredMember;
    try {
      const auth = await callApi<AuthAnswer>(gatewayUrl, 'POST', '/v1/auth/login', {
        body: { login: stored.email, password: stored.password },
      });
      return { userId: auth.user.id, name: stored.name, accessToken: auth.accessToken };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      // the platform's data was reset: register again
    }
  }
  const { auth, ...member } = await register(gatewayUrl, name);
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(member, null, 2)}\n`, { mode: 0o600 });
  return { userId: auth.user.id, name, accessToken: auth.accessToken };
}

/** `POST /v1/machines/link`: what the app does when the member scans the machine's QR code. */
export async function linkByQr(
  gatewayUrl: string,
  accessToken: string,
  qrToken: string,
): Promise<{ linkId: string; machine: { id: string; name: string; status: string } }> {
  return callApi(gatewayUrl, 'POST', '/v1/machines/link', { token: accessToken, body: { qrToken } });
}

/** `POST /v1/machines/unlink`; false when the member was not linked to that machine. */
export async function unlinkMember(
  gatewayUrl: string,
  accessToken: string,
  machineId: string,
): Promise<boolean> {
  try {
    await callApi(gatewayUrl, 'POST', '/v1/machines/unlink', { token: accessToken, body: { machineId } });
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}
