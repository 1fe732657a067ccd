import type { Static, TSchema } from 'typebox';

/** A versioned domain event type. The NATS subject is the type unless `subjectOf` says otherwise. */
export interface EventDefinition<D extends TSchema = TSchema> {
  type: string;
  stream: string;
  dataVersion: number;
  data: D;
  description: string;
}

export function defineEvent<D extends TSchema>(def: EventDefinition<D>): EventDefinition<D> {
  return def;
}

export type EventData<E extends EventDefinition> = Static<E['data']>;

/** A JetStream stream owned by one service. */
export interface StreamDefinition {
  name: string;
  subjects: string[];
  owner: string;
  maxAgeDays: number;
  /** Oldest messages go first once the stream holds this many bytes (absent: no byte limit). */
  maxBytes?: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped: covers a relay that dies between publish and mark. */
  duplicateWindowS: number;
}

/** A durable consumer: `<consumer-service>_<handler>`, one filter subject (NATS 2.9). */
export interface ConsumerDefinition {
  stream: string;
  durable: string;
  filterSubject: string;
  ackWaitS: number;
  maxDeliver: number;
  /** Where a newly created consumer starts: `new` skips history it has no use for. Fixed once created. */
  deliverPolicy: 'all' | 'new';
  /**
   * Durables of the same stream and subject this one takes over from: when it is created it starts
   * where the furthest behind of them had everything acknowledged, and provisioning then deletes them.
   */
  replaces?: string[];
}

/** Messages a stream once took in and no longer should: purged by provisioning. */
export interface StreamPurge {
  stream: string;
  filterSubject: string;
  why: string;
}

/** A key-value bucket on JetStream, with a time to live for every entry. */
export interface BucketDefinition {
  bucket: string;
  owner: string;
  /**
   * Services other than the owner that write some of its keys: service → the keys (a NATS subject
   * pattern, `sid.>`). Their NATS permissions allow those keys only (deploy/nats).
   */
  writers?: Record<string, string>;
  ttlS: number;
  description: string;
}
