// The API's shapes, from the contracts the gateway serves (types only: nothing of them is bundled).
export type {
  ActiveLink,
  Branch,
  BranchLiveData,
  Challenge,
  ChallengeLeaderboard,
  Machine,
  MachineStatus,
  MaintenanceEntry,
  MemberInGym,
  User,
} from '@nxg/contracts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
