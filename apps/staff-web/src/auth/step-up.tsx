import { useRef, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../api/api-client.ts';
import { Modal } from '../app/modal.tsx';

/**
 * Staff machine actions want a recent second factor when the account has MFA (403
 * STEP_UP_REQUIRED). `guard(action)` runs the action; on that answer it asks for a code, proves it
 * (POST /v1/auth/mfa/step-up → a new access token in the same session) and runs the action again.
 */
export function useStepUp(api: ApiClient) {
  const [asking, setAsking] = useState(false);
  const pending = useRef<{ resolve: (ok: boolean) => void }>(undefined);

  const askForCode = () =>
    new Promise<boolean>((resolve) => {
      pending.current = { resolve };
      setAsking(true);
    });

  async function guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'STEP_UP_REQUIRED') throw error;
      if (!(await askForCode())) throw new ApiError(403, { code: 'STEP_UP_CANCELLED', detail: 'Cancelled' });
      return action();
    }
  }

  const settle = (ok: boolean) => {
    setAsking(false);
    pending.current?.resolve(ok);
    pending.current = undefined;
  };

  const dialog = asking ? <StepUpDialog api={api} onDone={settle} /> : null;
  return { guard, dialog };
}

function StepUpDialog(props: { api: ApiClient; onDone: (ok: boolean) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const done = useRef(false);
  const finish = (ok: boolean) => {
    if (done.current) return;
    done.current = true;
    props.onDone(ok);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget as HTMLFormElement).get('code')).trim();
    setBusy(true);
    try {
      const { accessToken } = await props.api.post<{ accessToken: string }>('/v1/auth/mfa/step-up', { code });
      props.api.adoptAccessToken(accessToken);
      finish(true);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.code === 'MFA_CODE_INVALID'
          ? 'That code is not right; enter the current one.'
          : caught instanceof Error
            ? caught.message
            : 'Verification failed',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Confirm it is you" onClose={() => finish(false)}>
      <form onSubmit={submit}>
        <p>Machine changes need a fresh code from your authenticator app.</p>
        <label>
          Authenticator code
          <input name="code" inputMode="numeric" autoComplete="one-time-code" required autoFocus />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" aria-busy={busy} disabled={busy}>
          Confirm
        </button>
      </form>
    </Modal>
  );
}
