import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import type { MaintenanceEntry, Page } from '../api/types.ts';
import { Modal } from '../app/modal.tsx';
import type { BoardMachine } from '../board/board-state.ts';

const types = ['inspection', 'cleaning', 'repair', 'calibration', 'other'];

/**
 * Into maintenance (the hub ends any link and the machine refuses new ones) or back into service,
 * with a note in the machine's maintenance log, which is shown below.
 */
export function MaintenanceDialog(props: {
  api: ApiClient;
  machine: BoardMachine;
  guard: <T>(action: () => Promise<T>) => Promise<T>;
  onClose: () => void;
}) {
  const m = props.machine;
  const entering = m.status !== 'maintenance';
  const [log, setLog] = useState<MaintenanceEntry[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const loadLog = () =>
    props.api
      .get<Page<MaintenanceEntry>>(`/v1/machines/${m.id}/maintenance?limit=10`)
      .then((page) => setLog(page.items))
      .catch(() => setLog([]));
  useEffect(() => void loadLog(), [m.id]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const notes = String(form.get('notes')).trim();
    setBusy(true);
    setError(undefined);
    try {
      await props.guard(async () => {
        await props.api.patch(`/v1/machines/${m.id}`, { status: entering ? 'maintenance' : 'available' });
        await props.api.post(`/v1/machines/${m.id}/maintenance`, {
          type: String(form.get('type')),
          notes: notes || (entering ? 'Put into maintenance' : 'Back in service'),
        });
      });
      props.onClose();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The change failed');
      setBusy(false);
    }
  };

  return (
    <Modal title={`${entering ? 'Maintenance' : 'Back in service'}: ${m.name}`} onClose={props.onClose}>
      <form onSubmit={submit}>
        {entering && m.status === 'occupied' && (
          <p role="note">{m.link?.displayName ?? 'A member'} is on this machine: their workout on it ends.</p>
        )}
        <label>
          Kind of work
          <select name="type">
            {types.map((t) => (
              <option value={t}>{t[0]!.toUpperCase() + t.slice(1)}</option>
            ))}
          </select>
        </label>
        <label>
          Note
          <textarea name="notes" maxLength={2000} rows={3} placeholder="What was done or what is wrong" />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" aria-busy={busy} disabled={busy}>
          {entering ? 'Put into maintenance' : 'Put back in service'}
        </button>
      </form>
      <section aria-labelledby="maintenance-log-title">
        <h3 id="maintenance-log-title">Maintenance log</h3>
        {log === undefined ? (
          <p aria-busy="true">Loading…</p>
        ) : log.length === 0 ? (
          <p>No entries yet.</p>
        ) : (
          <ul class="maintenance-log">
            {log.map((e) => (
              <li>
                <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> · {e.type}: {e.notes}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Modal>
  );
}
