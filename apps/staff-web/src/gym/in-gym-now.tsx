import { clock, lasted } from '../app/format.ts';
import type { MemberInGym } from '../api/types.ts';
import type { BoardMachine } from '../board/board-state.ts';

/** Members checked in at the branch now: since when and on which machines. */
export function InGymNow(props: {
  members: MemberInGym[] | undefined;
  machines: Map<string, BoardMachine>;
  now: number;
}) {
  const machineName = (id: string) => props.machines.get(id)?.name ?? 'a machine no longer listed';
  return (
    <section aria-labelledby="in-gym-title">
      <h2 id="in-gym-title">
        In the gym now {props.members && <span class="count">({props.members.length})</span>}
      </h2>
      {props.members === undefined ? (
        <p aria-busy="true">Loading…</p>
      ) : props.members.length === 0 ? (
        <p>Nobody is checked in.</p>
      ) : (
        <div class="overflow-auto">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Since</th>
                <th scope="col">Machines</th>
              </tr>
            </thead>
            <tbody>
              {props.members.map((m) => (
                <tr key={m.sessionId}>
                  <th scope="row">{m.displayName}</th>
                  <td>
                    <time dateTime={m.since}>{clock(m.since)}</time> · {lasted(m.since, props.now)}
                  </td>
                  <td>{m.machinesUsed.length ? m.machinesUsed.map(machineName).join(', ') : 'none yet'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
