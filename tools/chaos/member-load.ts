import { randomUUID } from 'node:crypto';
import type { ApiClient } from '@nxg/testing';

export interface LoadMember {
  id: string;
  token: string;
}

/** What a write became: acknowledged with the set's id, or still unanswered when the load stopped. */
export interface WriteOutcome {
  key: string;
  memberId: string;
  logId?: string;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Members' phones during the chaos: each logs sets (every set under an Idempotency-Key, retried
 * with the same key until it is acknowledged, as the app does) and reads its profile. Writes
 * acknowledged, reads answered and every failure are counted; nothing is retried with a new key.
 */
export class MemberLoad {
  readonly writes: WriteOutcome[] = [];
  readonly reads = { ok: 0, failed: 0 };
  /** Answers that are neither success nor a failure to retry (a 4xx the load never expects). */
  readonly unexpected: string[] = [];
  private running = false;
  private phones: Array<Promise<void>> = [];
  private acks: number[] = [];
  private stopRetryingAt = Infinity;

  private readonly api: ApiClient;
  private readonly members: LoadMember[];

  constructor(api: ApiClient, members: LoadMember[]) {
    this.api = api;
    this.members = members;
  }

  start(phonesPerMember = 2): void {
    this.running = true;
    for (const member of this.members)
      for (let i = 0; i < phonesPerMember; i++) this.phones.push(this.phone(member));
  }

  /** Stops new work; writes in flight keep retrying up to `drainMs`, then are left unanswered. */
  async stop(drainMs = 30_000): Promise<void> {
    this.running = false;
    this.stopRetryingAt = Date.now() + drainMs;
    await Promise.all(this.phones);
  }

  acknowledgedCount(): number {
    return this.acks.length;
  }

  /** Waits for the first write acknowledged after `since` (epoch ms); its time, or undefined. */
  async firstAckAfter(since: number, timeoutMs: number): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.acks.find((at) => at > since);
      if (found !== undefined) return found;
      if (Date.now() > deadline) return undefined;
      await pause(20);
    }
  }

  private async phone(member: LoadMember): Promise<void> {
    while (this.running) {
      if (Math.random() < 0.75) await this.logSet(member);
      else await this.readProfile(member);
    }
  }

  private async logSet(member: LoadMember): Promise<void> {
    const outcome: WriteOutcome = { key: randomUUID(), memberId: member.id };
    this.writes.push(outcome);
    const body = { exerciseId: 'bench-press', reps: 1 + Math.floor(Math.random() * 12), weightKg: 40 };
    while (Date.now() < this.stopRetryingAt) {
      const answer = await this.api
        .send('POST', '/v1/workouts/logs', {
          body,
          token: member.token,
          headers: { 'idempotency-key': outcome.key },
        })
        .catch(() => undefined); // the gateway itself is down: try again
      if (answer?.status === 201) {
        outcome.logId = (answer.body as { id: string }).id;
        this.acks.push(Date.now());
        return;
      }
      const retry = !answer || answer.status >= 500 || answer.status === 409 || answer.status === 429;
      if (!retry) {
        this.unexpected.push(`POST /v1/workouts/logs → ${answer.status} ${JSON.stringify(answer.body)}`);
        return;
      }
      await pause(100);
    }
  }

  private async readProfile(member: LoadMember): Promise<void> {
    const answer = await this.api.get('/v1/me', member.token).catch(() => undefined);
    if (answer?.status === 200) this.reads.ok++;
    else {
      this.reads.failed++;
      await pause(100);
    }
  }
}
