/** A problem+json answer from the API, with its stable `code` (and any extra members, e.g. mfaToken). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Record<string, unknown>;

  constructor(status: number, problem: Record<string, unknown>) {
    super(String(problem.detail ?? problem.title ?? `HTTP ${status}`));
    this.status = status;
    this.code = String(problem.code ?? 'UNKNOWN');
    this.problem = problem;
  }
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * The public REST API, nothing else. Holds the session's tokens, refreshes the access token a
 * minute before it expires (and once on a 401 TOKEN_EXPIRED), and tells its owner when the
 * session ends. The refresh token is kept in sessionStorage so a reload keeps the tab signed in;
 * it is never shared with other tabs and dies with the tab.
 */
export class ApiClient {
  private accessToken: string | undefined;
  private refreshToken: string | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<boolean> | undefined;
  private readonly onSignedOut: () => void;

  constructor(onSignedOut: () => void) {
    this.onSignedOut = onSignedOut;
    this.refreshToken = sessionStorage.getItem(REFRESH_KEY) ?? undefined;
  }

  get hasSession(): boolean {
    return this.refreshToken !== undefined;
  }

  /** The current access token (for the live socket); refreshed first if none is held. */
  async token(): Promise<string> {
    if (!this.accessToken && !(await this.refresh())) throw new ApiError(401, { code: 'UNAUTHENTICATED' });
    return this.accessToken!;
  }

  adopt(tokens: Tokens): void {
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
    sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
    clearTimeout(this.refreshTimer);
    // In the background, a minute before expiry; a token living less than four minutes, at three
    // quarters of its life (a fixed floor would refresh a short-lived token after it expired).
    const inMs = Math.max(tokens.expiresIn - 60, tokens.expiresIn * 0.75) * 1000;
    this.refreshTimer = setTimeout(() => void this.refresh(), inMs);
  }

  /** A step-up answers a new access token in the same session (refresh token unchanged). */
  adoptAccessToken(accessToken: string): void {
    this.accessToken = accessToken;
  }

  /** Exchanges the refresh token for a new pair; false (and signed out) when it is refused. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.refreshToken;
      if (!refreshToken) return false;
      try {
        this.adopt(await this.send<Tokens>('POST', '/v1/auth/refresh', { refreshToken }, false));
        return true;
      } catch (error) {
        // Only a refusal ends the session; a network failure may pass.
        if (error instanceof ApiError && error.status === 401) this.forget();
        return false;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  async signOut(): Promise<void> {
    if (this.accessToken) await this.send('POST', '/v1/auth/logout', undefined, true).catch(() => {});
    this.forget();
  }

  /** Drops the tokens without a request (refused session, or not staff after logout). */
  forget(): void {
    const had = this.refreshToken !== undefined;
    clearTimeout(this.refreshTimer);
    this.accessToken = undefined;
    this.refreshToken = undefined;
    sessionStorage.removeItem(REFRESH_KEY);
    if (had) this.onSignedOut();
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path, undefined, true);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body, true);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PATCH', path, body, true);
  }

  /** Every page of a list (`{ items, nextCursor }`), for lists a branch keeps short. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: { items: T[]; nextCursor: string | null } = await this.get(
        `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  private async send<T>(method: string, path: string, body: unknown, authed: boolean): Promise<T> {
    const response = await this.fetch(method, path, body, authed);
    if (response.status === 401 && authed && this.refreshToken) {
      const problem = await response
        .clone()
        .json()
        .catch(() => ({}));
      // An expired or revoked token (a role change revokes older tokens): refresh once and retry.
      if (
        ['TOKEN_EXPIRED', 'TOKEN_REVOKED', 'UNAUTHENTICATED'].includes(problem.code) &&
        (await this.refresh())
      )
        return this.read<T>(await this.fetch(method, path, body, authed));
    }
    return this.read<T>(response);
  }

  private fetch(method: string, path: string, body: unknown, authed: boolean): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (authed && this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    return fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
    });
  }

  private async read<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, data as Record<string, unknown>);
    return data as T;
  }
}

const REFRESH_KEY = 'nxg-staff.refresh';
