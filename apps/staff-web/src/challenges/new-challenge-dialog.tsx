import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import type { Challenge } from '../api/types.ts';
import { Modal } from '../app/modal.tsx';
import { metricLabel } from './labels.ts';

/** YYYY-MM-DD of the browser's day, `plusDays` on: the form's defaults (the API reads them in the branch's time zone). */
const localDate = (plusDays = 0) => {
  const d = new Date();
  d.setDate(d.getDate() + plusDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** Opens a challenge at the branch: a name, what it ranks by, its first and last day. */
export function NewChallengeDialog(props: {
  api: ApiClient;
  branchId: string;
  onCreated: (challenge: Challenge) => void;
  onClose: () => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [startsAt, setStartsAt] = useState(() => localDate());
  const [endsAt, setEndsAt] = useState(() => localDate(6));

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      const created = await props.api.post<Challenge>('/v1/challenges', {
        branchId: props.branchId,
        name: String(form.get('name')).trim(),
        metric: String(form.get('metric')),
        startsAt,
        endsAt,
      });
      props.onCreated(created);
      props.onClose();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Opening the challenge failed');
      setBusy(false);
    }
  };

  return (
    <Modal title="New challenge" onClose={props.onClose}>
      <form onSubmit={submit}>
        <label>
          Name
          <input name="name" required maxLength={100} autoFocus />
        </label>
        <label>
          Ranked by
          <select name="metric">
            {Object.entries(metricLabel).map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <div class="grid">
          <label>
            First day
            <input
              name="startsAt"
              type="date"
              required
              value={startsAt}
              onInput={(e) => setStartsAt((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Last day
            <input
              name="endsAt"
              type="date"
              required
              value={endsAt}
              onInput={(e) => setEndsAt((e.target as HTMLInputElement).value)}
            />
          </label>
        </div>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" aria-busy={busy} disabled={busy}>
          Open the challenge
        </button>
      </form>
    </Modal>
  );
}
