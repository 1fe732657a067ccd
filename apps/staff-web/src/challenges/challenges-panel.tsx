import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import type { Challenge, ChallengeLeaderboard } from '../api/types.ts';
import { metricLabel } from './labels.ts';
import { NewChallengeDialog } from './new-challenge-dialog.tsx';

/** Challenges change slowly (entrants join from their phones): read again this often. */
const CHALLENGES_EVERY_MS = 30_000;

const statusText: Record<Challenge['status'], string> = {
  upcoming: 'Upcoming',
  running: 'Running',
  finished: 'Finished',
};

/**
 * The branch's challenges (`GET /v1/challenges?branchId=`), each with its leaderboard on demand
 * (`GET /v1/challenges/{id}/leaderboard`), and a form to open a new one (any staff of the branch).
 */
export function ChallengesPanel(props: { api: ApiClient; branchId: string }) {
  const { api, branchId } = props;
  const [challenges, setChallenges] = useState<Challenge[]>();
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string>();

  const load = () =>
    api
      .all<Challenge>(`/v1/challenges?branchId=${encodeURIComponent(branchId)}`)
      .then((items) => {
        setChallenges(items);
        setError(undefined);
      })
      .catch((caught: unknown) =>
        setError(caught instanceof Error ? caught.message : 'Loading the challenges failed'),
      );

  useEffect(() => {
    void load();
    const every = setInterval(() => void load(), CHALLENGES_EVERY_MS);
    return () => clearInterval(every);
  }, [branchId]);

  return (
    <section aria-labelledby="challenges-title">
      <div class="board-head">
        <h2 id="challenges-title">Challenges</h2>
        <button type="button" class="secondary" onClick={() => setAdding(true)}>
          New challenge
        </button>
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {challenges === undefined ? (
        <p aria-busy="true">Loading…</p>
      ) : challenges.length === 0 ? (
        <p>No challenge at this branch yet.</p>
      ) : (
        challenges.map((c) => <ChallengeItem key={c.id} api={api} challenge={c} />)
      )}
      {adding && (
        <NewChallengeDialog
          api={api}
          branchId={branchId}
          onCreated={() => void load()}
          onClose={() => setAdding(false)}
        />
      )}
    </section>
  );
}

/** One challenge: what it measures and when; opening it reads its standings. */
function ChallengeItem(props: { api: ApiClient; challenge: Challenge }) {
  const c = props.challenge;
  const [board, setBoard] = useState<ChallengeLeaderboard>();
  const [error, setError] = useState<string>();

  const toggled = (event: Event) => {
    if (!(event.currentTarget as HTMLDetailsElement).open) return;
    props.api
      .get<ChallengeLeaderboard>(`/v1/challenges/${c.id}/leaderboard?limit=10`)
      .then((answer) => {
        setBoard(answer);
        setError(undefined);
      })
      .catch((caught: unknown) =>
        setError(caught instanceof Error ? caught.message : 'Loading the standings failed'),
      );
  };

  return (
    <details class="challenge" data-challenge-id={c.id} onToggle={toggled}>
      <summary>
        <strong>{c.name}</strong> · {metricLabel[c.metric]} · {c.startsAt} to {c.endsAt} ·{' '}
        {statusText[c.status]} ·{' '}
        <span data-entrants>{c.entrants === 1 ? '1 entrant' : `${c.entrants} entrants`}</span>
      </summary>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {board === undefined ? (
        !error && <p aria-busy="true">Loading the standings…</p>
      ) : board.items.length === 0 ? (
        <p>Nobody has joined yet.</p>
      ) : (
        <table class="striped">
          <caption class="visually-hidden">
            Standings of {c.name}
            {board.final ? ' (final)' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Rank</th>
              <th scope="col">Member</th>
              <th scope="col">{metricLabel[c.metric]}</th>
            </tr>
          </thead>
          <tbody>
            {board.items.map((s) => (
              <tr key={s.rank + (s.userId ?? '')}>
                <td>{s.rank}</td>
                <th scope="row">{s.displayName ?? 'A member'}</th>
                <td>{Number.isInteger(s.value) ? s.value : s.value.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
