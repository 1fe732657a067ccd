import { useState } from 'preact/hooks';
import { ApiError, type ApiClient, type Tokens } from '../api/api-client.ts';
import type { User } from '../api/types.ts';

type AuthResult = Tokens & { user: User };

const messageFor = (error: unknown): string => {
  if (!(error instanceof ApiError)) return 'The server did not answer. Check the connection and try again.';
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'That email or username and password do not match.';
    case 'LOGIN_LOCKED':
    case 'MFA_LOCKED':
    case 'RATE_LIMITED':
      return 'Too many attempts. Wait a few minutes and try again.';
    case 'MFA_CODE_INVALID':
      return 'That code is not right. Enter the current code from your authenticator app, or a recovery code.';
    case 'MFA_TOKEN_INVALID':
      return 'The sign-in took too long. Start again.';
    default:
      return error.message;
  }
};

/**
 * Sign-in: email or username and password, then the authenticator code when the account has MFA
 * (login answers 401 MFA_REQUIRED with an mfaToken, finished by POST /v1/auth/mfa).
 */
export function SignIn(props: { api: ApiClient; onSignedIn: (user: User) => void; notice?: string }) {
  const [mfaToken, setMfaToken] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const finish = (result: AuthResult) => {
    props.api.adopt(result);
    props.onSignedIn(result.user);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      if (mfaToken) {
        finish(
          await props.api.post<AuthResult>('/v1/auth/mfa', {
            mfaToken,
            code: String(form.get('code')).trim(),
          }),
        );
      } else {
        finish(
          await props.api.post<AuthResult>('/v1/auth/login', {
            login: String(form.get('login')).trim(),
            password: String(form.get('password')),
          }),
        );
      }
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'MFA_REQUIRED') {
        setMfaToken(String(caught.problem.mfaToken));
      } else {
        if (caught instanceof ApiError && caught.code === 'MFA_TOKEN_INVALID') setMfaToken(undefined);
        setError(messageFor(caught));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="container narrow">
      <article>
        <header>
          <h1>Staff sign-in</h1>
          <p>NXG Connect front desk: your branch's machines, live.</p>
        </header>
        {props.notice && (
          <p role="alert" class="notice">
            {props.notice}
          </p>
        )}
        <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
          {mfaToken ? (
            <label>
              Authenticator code
              <input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                minLength={6}
                maxLength={32}
                autoFocus
              />
              <small>The six digits your authenticator app shows now, or one of your recovery codes.</small>
            </label>
          ) : (
            <>
              <label>
                Email or username
                <input name="login" autoComplete="username" required autoFocus />
              </label>
              <label>
                Password
                <input name="password" type="password" autoComplete="current-password" required />
              </label>
            </>
          )}
          {error && (
            <p id="sign-in-error" role="alert" class="error">
              {error}
            </p>
          )}
          <button type="submit" aria-busy={busy} disabled={busy}>
            {mfaToken ? 'Verify' : 'Sign in'}
          </button>
        </form>
      </article>
    </main>
  );
}
