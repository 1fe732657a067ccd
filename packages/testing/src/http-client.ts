import { fixtureSecrets } from './fixture-secrets.ts';

// Tests read arbitrary JSON bodies: `any` keeps assertions short, the status and schema checks keep them honest.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small JSON client for tests: every call returns status, headers and the parsed body. */
export function apiClient(baseUrl: string) {
  const send = async (
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(baseUrl + path, { method, headers, body: payload });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // leave non-JSON bodies as text
    }
    return { status: response.status, headers: response.headers, body };
  };
  return {
    get: (path: string, token?: string) => send('GET', path, { token }),
    delete: (path: string, token?: string) => send('DELETE', path, { token }),
    post: (path: string, body?: unknown, token?: string) => send('POST', path, { body, token }),
    put: (path: string, body?: unknown, token?: string) => send('PUT', path, { body, token }),
    patch: (path: string, body?: unknown, token?: string) => send('PATCH', path, { body, token }),
    send,
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

let counter = 0;

/** Registers a fresh member and returns the tokens and the client bound to them. */
export async function registerMember(
  api: ApiClient,
  overrides: Partial<{
    email: string;
    username: string;
    password: string;
    name: string;
    timezone: string;
  }> = {},
) {
  const unique = `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const body = {
    email: `member-${unique}@example.test`,
    username: `m_${unique}`,
    password: fixtureSecrets.memberPassword,
    name: 'Test Member',
    ...overrides,
  };
  const response = await api.post('/v1/auth/register', body);
  if (response.status !== 201)
    throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
  return {
    ...body,
    ...(response.body as { user: { id: string }; accessToken: string; refreshToken: string }),
  };
}
