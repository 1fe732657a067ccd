import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { identityEvents, type User } from '@nxg/contracts';

const INVALIDATE_SUBJECT = identityEvents.userViewInvalidationSubject;

/**
 * `GET /v1/me` is the hottest read: the assembled view of an account is kept in process for a
 * minute. Identity's own writes invalidate it here and, over core NATS, on every other replica;
 * a lost invalidation is bounded by the time to live.
 */
export class UserViewCache {
  private readonly entries = new Map<string, { user: User; expiresAt: number }>();
  private readonly nc: NatsConnection;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private subscription: Subscription | undefined;

  constructor(nc: NatsConnection, ttlMs = 60_000, maxEntries = 10_000) {
    this.nc = nc;
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  start(): void {
    this.subscription = this.nc.subscribe(INVALIDATE_SUBJECT, {
      callback: (error, msg) => {
        if (!error) this.entries.delete(msg.string());
      },
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  get(userId: string): User | undefined {
    const entry = this.entries.get(userId);
    if (!entry) return undefined;
    if (entry.expiresAt < Date.now()) {
      this.entries.delete(userId);
      return undefined;
    }
    return entry.user;
  }

  set(userId: string, user: User): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(userId, { user, expiresAt: Date.now() + this.ttlMs });
  }

  /** After a write: forget the account here and on every replica. */
  invalidate(userId: string): void {
    this.entries.delete(userId);
    this.nc.publish(INVALIDATE_SUBJECT, userId);
  }
}
