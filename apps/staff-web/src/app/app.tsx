import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from '../api/api-client.ts';
import type { Branch, User } from '../api/types.ts';
import { SignIn } from '../auth/sign-in.tsx';
import { isStaff, managesBranch, watchableBranch } from '../auth/staff-access.ts';
import { useStepUp } from '../auth/step-up.tsx';
import { Dashboard } from '../board/dashboard.tsx';

const BRANCH_KEY = 'nxg-staff.branch';
const NOT_STAFF =
  'This account is not on any branch’s staff, so the dashboard is not for it. Members use the NXG Connect app; ask your branch admin if you should be staff.';

type Phase =
  { kind: 'starting' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; user: User };

/** Sign-in, then the chosen branch's dashboard; only staff get past the first step. */
export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const api = useMemo(
    () =>
      new ApiClient(() =>
        setPhase((p) =>
          p.kind === 'signed-in' ? { kind: 'signed-out', notice: 'Your session ended. Sign in again.' } : p,
        ),
      ),
    [],
  );
  const { guard, dialog } = useStepUp(api);

  const admit = async (user: User) => {
    if (isStaff(user)) return setPhase({ kind: 'signed-in', user });
    await api.signOut();
    setPhase({ kind: 'signed-out', notice: NOT_STAFF });
  };

  // A reload keeps the tab's session: its refresh token is in sessionStorage.
  useEffect(() => {
    if (!api.hasSession) return setPhase({ kind: 'signed-out' });
    void (async () => {
      if (!(await api.refresh())) return setPhase({ kind: 'signed-out' });
      try {
        await admit(await api.get<User>('/v1/me'));
      } catch {
        setPhase({ kind: 'signed-out' });
      }
    })();
  }, []);

  if (phase.kind === 'starting') return <p aria-busy="true">Loading…</p>;
  if (phase.kind === 'signed-out')
    return <SignIn api={api} notice={phase.notice} onSignedIn={(user) => void admit(user)} />;
  return (
    <>
      <StaffHome
        api={api}
        user={phase.user}
        guard={guard}
        onSignOut={async () => {
          await api.signOut();
          setPhase({ kind: 'signed-out', notice: 'You are signed out.' });
        }}
      />
      {dialog}
    </>
  );
}

function StaffHome(props: {
  api: ApiClient;
  user: User;
  guard: <T>(action: () => Promise<T>) => Promise<T>;
  onSignOut: () => void;
}) {
  const { api, user } = props;
  const [branches, setBranches] = useState<Branch[]>();
  const [branchId, setBranchId] = useState<string | undefined>(localStorage.getItem(BRANCH_KEY) ?? undefined);

  useEffect(() => {
    void api
      .all<Branch>('/v1/branches')
      .then((all) => {
        const mine = all.filter((b) => watchableBranch(user, b.id));
        setBranches(mine);
        setBranchId((current) => (current && mine.some((b) => b.id === current) ? current : mine[0]?.id));
      })
      .catch(() => setBranches([]));
  }, [user.id]);

  const choose = (id: string) => {
    localStorage.setItem(BRANCH_KEY, id);
    setBranchId(id);
  };

  return (
    <>
      <header class="container-fluid app-header">
        <nav>
          <ul>
            <li>
              <strong>NXG Connect · Staff</strong>
            </li>
          </ul>
          <ul>
            {branches && branches.length > 0 && (
              <li>
                <label class="branch-picker">
                  Branch
                  <select value={branchId} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
                    {branches.map((b) => (
                      <option value={b.id}>{b.name}</option>
                    ))}
                  </select>
                </label>
              </li>
            )}
            <li>{user.profile.name || user.username}</li>
            <li>
              <button type="button" class="secondary" onClick={props.onSignOut}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main class="container-fluid">
        <h1 class="visually-hidden">Branch dashboard</h1>
        {branches === undefined ? (
          <p aria-busy="true">Loading your branches…</p>
        ) : !branchId ? (
          <p>No branch to show yet.</p>
        ) : (
          <Dashboard
            key={branchId}
            api={api}
            branchId={branchId}
            manages={managesBranch(user, branchId)}
            guard={props.guard}
          />
        )}
      </main>
    </>
  );
}
