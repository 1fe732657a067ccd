import { ago, statusLabel } from '../app/format.ts';
import type { BoardMachine } from './board-state.ts';

const figure = (value: number | undefined, unit: string, digits = 0) =>
  value === undefined ? '–' : `${value.toFixed(digits)} ${unit}`;

/** One machine: its status, last heartbeat, who is on it and their figures, and what staff may do. */
export function MachineCard(props: {
  machine: BoardMachine;
  now: number;
  manages: boolean;
  onMaintenance: (machine: BoardMachine) => void;
  onRotate: (machine: BoardMachine) => void;
}) {
  const m = props.machine;
  const headingId = `machine-${m.id}`;
  return (
    <article class={`machine status-${m.status}`} aria-labelledby={headingId} data-machine-id={m.id}>
      <header>
        <h3 id={headingId}>{m.name}</h3>
        <span class="status-badge" data-status={m.status}>
          {statusLabel[m.status]}
        </span>
      </header>
      <dl>
        <dt>Type</dt>
        <dd>{m.type}</dd>
        <dt>Location</dt>
        <dd>{m.location}</dd>
        <dt>Last heartbeat</dt>
        <dd>
          <time dateTime={m.lastSeenAt ?? undefined}>{ago(m.lastSeenAt, props.now)}</time>
        </dd>
        {m.link && m.status === 'occupied' && (
          <>
            <dt>Member</dt>
            <dd class="member">{m.link.displayName}</dd>
            <dt>Speed</dt>
            <dd class="figure" data-figure="speed">
              {figure(m.figures?.speedKph, 'km/h', 1)}
            </dd>
            <dt>Heart rate</dt>
            <dd class="figure" data-figure="heart-rate">
              {figure(m.figures?.heartRate, 'bpm')}
            </dd>
            <dt>Power</dt>
            <dd class="figure" data-figure="power">
              {figure(m.figures?.powerW, 'W')}
            </dd>
          </>
        )}
      </dl>
      {props.manages && (
        <footer>
          <button type="button" class="secondary" onClick={() => props.onMaintenance(m)}>
            {m.status === 'maintenance' ? 'Back in service…' : 'Maintenance…'}
            <span class="visually-hidden"> ({m.name})</span>
          </button>
          <button type="button" class="outline secondary" onClick={() => props.onRotate(m)}>
            Rotate secret<span class="visually-hidden"> ({m.name})</span>
          </button>
        </footer>
      )}
    </article>
  );
}
