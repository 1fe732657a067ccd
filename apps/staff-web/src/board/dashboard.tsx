import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import type { ActiveLink, Machine, MemberInGym } from '../api/types.ts';
import { AddMachineDialog } from '../actions/add-machine-dialog.tsx';
import { MaintenanceDialog } from '../actions/maintenance-dialog.tsx';
import { RotateSecretDialog } from '../actions/rotate-secret-dialog.tsx';
import { statusLabel } from '../app/format.ts';
import { ChallengesPanel } from '../challenges/challenges-panel.tsx';
import { InGymNow } from '../gym/in-gym-now.tsx';
import { LiveSocket, type LiveMessage, type LiveState } from '../live/live-socket.ts';
import { applyLive, boardFrom, countByStatus, statuses, type BoardMachine } from './board-state.ts';
import { MachineCard } from './machine-card.tsx';

/** Sessions are not on the live feed: they are read again this often, and when a link starts or ends. */
const SESSIONS_EVERY_MS = 15_000;

const liveText: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Live updates refused: you are not staff of this branch',
};

/** One branch: its live machine board, the members in the gym, its challenges, and the staff actions. */
export function Dashboard(props: {
  api: ApiClient;
  branchId: string;
  manages: boolean;
  guard: <T>(action: () => Promise<T>) => Promise<T>;
}) {
  const { api, branchId } = props;
  const [board, setBoard] = useState<Map<string, BoardMachine>>();
  const [members, setMembers] = useState<MemberInGym[]>();
  const [live, setLive] = useState<LiveState>('connecting');
  const [loadError, setLoadError] = useState<string>();
  const [typeFilter, setTypeFilter] = useState('all');
  const [statusFilter, setStatusFilter] = useState('all');
  const [now, setNow] = useState(Date.now());
  const [dialog, setDialog] = useState<
    { kind: 'add' } | { kind: 'maintenance' | 'rotate'; machineId: string } | undefined
  >();

  // Live messages that arrive while a load is in flight are replayed on top of its result.
  const loading = useRef<LiveMessage[] | undefined>(undefined);
  const reloadSoon = useRef<ReturnType<typeof setTimeout>>(undefined);

  const loadBoard = async () => {
    loading.current ??= [];
    try {
      const [machines, links] = await Promise.all([
        api.all<Machine>(`/v1/branches/${branchId}/machines`),
        api.all<ActiveLink>(`/v1/branches/${branchId}/links`),
      ]);
      let next = boardFrom(machines, links);
      for (const message of loading.current) {
        const applied = applyLive(next, message);
        if (applied !== 'unknown') next = applied;
      }
      setBoard(next);
      setLoadError(undefined);
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : 'Loading the board failed');
    } finally {
      loading.current = undefined;
    }
  };

  const incoming = useRef<LiveMessage[]>([]);
  const applyIncoming = () => {
    const messages = incoming.current.splice(0);
    setBoard((current) => {
      if (!current) return current;
      let next = current;
      for (const message of messages) {
        const applied = applyLive(next, message);
        if (applied === 'unknown')
          scheduleReload(); // a machine added since the last load
        else next = applied;
      }
      return next;
    });
  };

  const loadMembers = () =>
    api
      .all<MemberInGym>(`/v1/branches/${branchId}/sessions/active`)
      .then(setMembers)
      .catch(() => {});

  const scheduleReload = () => {
    clearTimeout(reloadSoon.current);
    reloadSoon.current = setTimeout(() => void loadBoard(), 300);
  };

  useEffect(() => {
    setBoard(undefined);
    setMembers(undefined);
    const socket = new LiveSocket({
      branchId,
      token: () => api.token(),
      refresh: () => api.refresh(),
      onState: setLive,
      // Subscribed: whatever changed while we were away is in a fresh load.
      onReady: () => {
        void loadBoard();
        void loadMembers();
      },
      onMessage: (message) => {
        if (loading.current) loading.current.push(message);
        if (message.type === 'machine.linked' || message.type === 'machine.unlinked') {
          // A link starts a session through the event stream: read now, and again once it has landed.
          void loadMembers();
          setTimeout(() => void loadMembers(), 1500);
        }
        // Applied once per frame: a busy branch sends many figures a second, the screen needs one paint.
        incoming.current.push(message);
        if (incoming.current.length === 1) requestAnimationFrame(applyIncoming);
      },
    });
    socket.start();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    const sessions = setInterval(() => void loadMembers(), SESSIONS_EVERY_MS);
    return () => {
      socket.stop();
      clearInterval(tick);
      clearInterval(sessions);
      clearTimeout(reloadSoon.current);
    };
  }, [branchId]);

  const machines = useMemo(() => [...(board?.values() ?? [])], [board]);
  const types = useMemo(() => [...new Set(machines.map((m) => m.type))].sort(), [machines]);
  const counts = countByStatus(machines);
  const shown = machines.filter(
    (m) =>
      (typeFilter === 'all' || m.type === typeFilter) &&
      (statusFilter === 'all' || m.status === statusFilter),
  );
  const selected = dialog && dialog.kind !== 'add' ? board?.get(dialog.machineId) : undefined;

  return (
    <>
      <p class={`live-state live-${live}`} role="status" aria-live="polite">
        {liveText[live]}
      </p>
      <section aria-labelledby="board-title">
        <div class="board-head">
          <h2 id="board-title">Machines</h2>
          {props.manages && (
            <button type="button" onClick={() => setDialog({ kind: 'add' })}>
              Add machine
            </button>
          )}
        </div>
        <ul class="counts" aria-label="Machines by status">
          {statuses.map((s) => (
            <li data-status={s}>
              <span class="status-badge" data-status={s}>
                {statusLabel[s]}
              </span>{' '}
              <strong data-count={s}>{counts[s]}</strong>
            </li>
          ))}
        </ul>
        <div class="filters" role="group" aria-label="Filter machines">
          <label>
            Type
            <select value={typeFilter} onChange={(e) => setTypeFilter((e.target as HTMLSelectElement).value)}>
              <option value="all">All types</option>
              {types.map((t) => (
                <option value={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select
              value={statusFilter}
              onChange={(e) => setStatusFilter((e.target as HTMLSelectElement).value)}
            >
              <option value="all">All statuses</option>
              {statuses.map((s) => (
                <option value={s}>{statusLabel[s]}</option>
              ))}
            </select>
          </label>
        </div>
        {loadError && (
          <p role="alert" class="error">
            {loadError}
          </p>
        )}
        {board === undefined ? (
          <p aria-busy="true">Loading the board…</p>
        ) : shown.length === 0 ? (
          <p>{machines.length ? 'No machine matches these filters.' : 'This branch has no machines yet.'}</p>
        ) : (
          <div class="board">
            {shown.map((m) => (
              <MachineCard
                key={m.id}
                machine={m}
                now={now}
                manages={props.manages}
                onMaintenance={(x) => setDialog({ kind: 'maintenance', machineId: x.id })}
                onRotate={(x) => setDialog({ kind: 'rotate', machineId: x.id })}
              />
            ))}
          </div>
        )}
      </section>
      <InGymNow members={members} machines={board ?? new Map()} now={now} />
      <ChallengesPanel api={api} branchId={branchId} />
      {dialog?.kind === 'add' && (
        <AddMachineDialog
          api={api}
          branchId={branchId}
          guard={props.guard}
          onAdded={scheduleReload}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'maintenance' && selected && (
        <MaintenanceDialog
          api={api}
          machine={selected}
          guard={props.guard}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'rotate' && selected && (
        <RotateSecretDialog
          api={api}
          machine={selected}
          guard={props.guard}
          onClose={() => setDialog(undefined)}
        />
      )}
    </>
  );
}
