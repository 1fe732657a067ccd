import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import type { Machine } from '../api/types.ts';
import { Modal } from '../app/modal.tsx';
import { CredentialsPanel, type MachineCredentials } from './credentials-panel.tsx';

/** Adds a machine to the branch, then shows its credentials once. */
export function AddMachineDialog(props: {
  api: ApiClient;
  branchId: string;
  guard: <T>(action: () => Promise<T>) => Promise<T>;
  onAdded: () => void;
  onClose: () => void;
}) {
  const [created, setCreated] = useState<{ machine: Machine; credentials: MachineCredentials }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        name: String(form.get('name')).trim(),
        type: String(form.get('type')),
        location: String(form.get('location')).trim(),
      };
      setCreated(
        await props.guard(() =>
          props.api.post<{ machine: Machine; credentials: MachineCredentials }>(
            `/v1/branches/${props.branchId}/machines`,
            body,
          ),
        ),
      );
      props.onAdded();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Adding the machine failed');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Add a machine" onClose={props.onClose}>
      {created ? (
        <CredentialsPanel credentials={created.credentials} machineName={created.machine.name} />
      ) : (
        <form onSubmit={submit}>
          <label>
            Name
            <input name="name" required maxLength={100} autoFocus />
          </label>
          <label>
            Type
            <select name="type" required>
              <option value="cardio">Cardio</option>
              <option value="strength">Strength</option>
              <option value="functional">Functional</option>
            </select>
          </label>
          <label>
            Location
            <input name="location" required maxLength={200} placeholder="e.g. Floor 1, by the window" />
          </label>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          <button type="submit" aria-busy={busy} disabled={busy}>
            Add machine
          </button>
        </form>
      )}
    </Modal>
  );
}
