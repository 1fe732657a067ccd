import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { Modal } from '../app/modal.tsx';
import type { BoardMachine } from '../board/board-state.ts';
import { CredentialsPanel, type MachineCredentials } from './credentials-panel.tsx';

/** Gives a machine a new secret: its old secret and tokens stop at once, its socket closes. */
export function RotateSecretDialog(props: {
  api: ApiClient;
  machine: BoardMachine;
  guard: <T>(action: () => Promise<T>) => Promise<T>;
  onClose: () => void;
}) {
  const [credentials, setCredentials] = useState<MachineCredentials>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const rotate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await props.guard(() =>
        props.api.post<{ credentials: MachineCredentials }>(`/v1/machines/${props.machine.id}/secret`),
      );
      setCredentials(answer.credentials);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Rotating the secret failed');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={`Rotate the secret of ${props.machine.name}`} onClose={props.onClose}>
      {credentials ? (
        <CredentialsPanel credentials={credentials} machineName={props.machine.name} />
      ) : (
        <>
          <p>
            The machine's current secret and every token it holds stop working at once; it goes offline until
            the new secret is entered on it.
          </p>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          <button type="button" class="contrast" onClick={rotate} aria-busy={busy} disabled={busy}>
            Rotate secret
          </button>
        </>
      )}
    </Modal>
  );
}
