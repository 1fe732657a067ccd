import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerDefinition, EventDefinition, EventEnvelope } from '@nxg/contracts';
import type { Static } from 'typebox';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { validatorFor } from '../validation.ts';
import { busIdentityOf } from './bus-identity.ts';
import { eventSigner } from './event-signature.ts';
import { namespaceOf } from './namespace.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { contextFromHeaders, inSpan, SpanKind } from './trace.ts';

export interface ConsumerRunner {
  stop(): Promise<void>;
}

/** Thrown by a handler for a failure that will not go away on retry: the message is terminated. */
export class PermanentFailure extends Error {
  override name = 'PermanentFailure';
}

export interface ConsumerOptions<E extends EventDefinition> {
  consumer: ConsumerDefinition;
  event: E;
  handle: (event: EventEnvelope<Static<E['data']>>, msg: JsMsg) => Promise<void>;
  /**
   * Handles the messages delivered meanwhile together, in stream order, one batch after another
   * (at most `max`): for read models that apply a batch in one transaction with set-based
   * statements. A batch that fails is retried message by message, so one bad message is settled
   * on its own and the others still go through. Takes the place of `handle` and `concurrency`.
   */
  batch?: ConsumerBatching<E>;
  logger: Logger;
  /** Delay before a failed message is offered again. */
  retryDelayMs?: number;
  /**
   * Handle up to `max` messages at once, those with the same `keyOf` one after another in stream
   * order (e.g. one member's events), the others side by side. Absent: one message at a time.
   */
  concurrency?: ConsumerConcurrency;
  /** Backlog, redeliveries and outcomes, for /metrics. */
  metrics?: Pick<ServiceMetrics, 'consumed' | 'settled'>;
}

export interface ConsumerBatching<E extends EventDefinition = EventDefinition> {
  max: number;
  handle: (events: EventEnvelope<Static<E['data']>>[]) => Promise<void>;
}

export interface ConsumerConcurrency {
  max: number;
  keyOf: (event: EventEnvelope) => string;
}

/**
 * Runs a provisioned durable consumer: acks what was handled, terms what can never be handled
 * (not JSON, not the declared schema, a PermanentFailure), naks with a delay what failed for now.
 * An event not signed by the service its `source` names is dropped unhandled (acked, logged).
 * Terms carry no reason (the log has it): NATS 2.9 ignores a `+TERM` with a reason, so the
 * message would come back until max_deliver.
 */
export async function runConsumer<E extends EventDefinition>(
  nc: NatsConnection,
  options: ConsumerOptions<E>,
): Promise<ConsumerRunner> {
  const { consumer, event, handle, logger, metrics } = options;
  /** Acks, terminates or naks a message, counting the outcome for /metrics. */
  const finish = (msg: JsMsg, outcome: 'ack' | 'term' | 'nak' | 'dropped', delayMs?: number) => {
    if (outcome === 'term') msg.term();
    else if (outcome === 'nak') msg.nak(delayMs);
    else msg.ack();
    metrics?.settled(consumer.durable, outcome);
  };
  const identity = busIdentityOf(nc);
  if (!identity)
    throw new Error('runConsumer needs a connection with a bus identity (buildService gives one)');
  const check = validatorFor(event.data);
  const js = jetstream(nc);
  const source = await js.consumers.get(namespaceOf(nc).stream(consumer.stream), consumer.durable);
  const messages: ConsumerMessages = await source.consume({
    max_messages: Math.max(64, options.batch?.max ?? 0),
  });

  type Checked = { msg: JsMsg; envelope: EventEnvelope<Static<E['data']>> };
  /** Runs checked events' handling (one, or a batch) in the span of the first one's trace. */
  const inConsumerSpan = (first: JsMsg, work: () => Promise<void>) =>
    inSpan(`${consumer.durable} ${event.type}`, SpanKind.CONSUMER, contextFromHeaders(first.headers), work);

  /** Handles a checked event: ack when done, term what can never be handled, nak the rest. */
  const settle = async (msg: JsMsg, envelope: EventEnvelope<Static<E['data']>>) => {
    try {
      await inConsumerSpan(msg, () => handle(envelope, msg));
      finish(msg, 'ack');
    } catch (error) {
      if (error instanceof PermanentFailure || (error instanceof AppError && error.status < 500)) {
        logger.error(
          { err: error, consumer: consumer.durable, eventId: envelope.id },
          'event cannot be handled; terminated',
        );
        finish(msg, 'term');
      } else {
        logger.warn(
          { err: error, consumer: consumer.durable, eventId: envelope.id },
          'event handling failed; will retry',
        );
        finish(msg, 'nak', options.retryDelayMs ?? 1000);
      }
    }
  };
  const batching = options.batch;
  /** Applies a batch and acks it; a batch that fails goes again one message at a time. */
  const settleBatch = async (batch: Checked[]) => {
    if (batch.length === 1) return settle(batch[0]!.msg, batch[0]!.envelope);
    try {
      await inConsumerSpan(batch[0]!.msg, () => batching!.handle(batch.map((c) => c.envelope)));
    } catch (error) {
      logger.warn(
        { err: error, consumer: consumer.durable, events: batch.length },
        'event batch failed; handling its events one by one',
      );
      for (const { msg, envelope } of batch) await settle(msg, envelope);
      return;
    }
    for (const { msg } of batch) finish(msg, 'ack');
  };
  const batches = batching ? batchDispatcher(batching.max, settleBatch) : undefined;
  const keyed = options.concurrency && !batching ? keyedDispatcher(options.concurrency, settle) : undefined;

  const done = (async () => {
    for await (const msg of messages) {
      metrics?.consumed(consumer.durable, msg.info.pending, msg.info.redelivered);
      const signer = eventSigner(nc, identity, msg);
      if (!signer) {
        // Not from a platform service: dropped (acked, so it is not offered again), never handled.
        logger.warn({ consumer: consumer.durable, seq: msg.seq }, 'event without a valid signature; dropped');
        finish(msg, 'dropped');
        continue;
      }
      let envelope: EventEnvelope<Static<E['data']>>;
      try {
        envelope = msg.json();
      } catch {
        logger.error({ consumer: consumer.durable, seq: msg.seq }, 'event is not JSON; terminated');
        finish(msg, 'term');
        continue;
      }
      if (envelope?.type !== event.type || !check.Check(envelope.data)) {
        logger.error(
          { consumer: consumer.durable, seq: msg.seq, type: envelope?.type },
          'event fails its schema; terminated',
        );
        finish(msg, 'term');
        continue;
      }
      if (envelope.source !== signer) {
        logger.warn(
          { consumer: consumer.durable, seq: msg.seq, signer, source: envelope.source },
          'event signed by another service than its source; dropped',
        );
        finish(msg, 'dropped');
        continue;
      }
      if (batches) await batches.add({ msg, envelope });
      else if (keyed) await keyed.add(msg, envelope);
      else await settle(msg, envelope);
    }
  })();
  return {
    async stop() {
      await messages.close();
      await done;
      await batches?.idle();
      await keyed?.idle();
    },
  };
}

/**
 * Gathers what arrives while a batch is applied into the next one (at most `max`), one batch at a
 * time. `add` waits while a whole batch is already waiting: the reader does not run far ahead.
 */
function batchDispatcher<T>(max: number, apply: (batch: T[]) => Promise<void>) {
  const waiting: T[] = [];
  let running: Promise<void> | undefined;
  let applied: (() => void) | undefined;
  const next = () =>
    new Promise<void>((resolve) => {
      applied = resolve;
    });
  const drain = async () => {
    // One turn first: the messages the client already holds join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (waiting.length) {
      await apply(waiting.splice(0, max));
      applied?.();
    }
    running = undefined;
  };
  return {
    async add(item: T): Promise<void> {
      waiting.push(item);
      running ??= drain();
      while (waiting.length >= max && running) await next();
    },
    async idle(): Promise<void> {
      await running;
    },
  };
}

/**
 * Runs work side by side, at most `max` at once, each key's work after the previous of that key.
 * `add` resolves once the work is started (waiting while `max` are running).
 */
function keyedDispatcher<M, V extends EventEnvelope>(
  { max, keyOf }: ConsumerConcurrency,
  work: (msg: M, value: V) => Promise<void>,
) {
  const tails = new Map<string, Promise<void>>();
  let running = 0;
  let freed: (() => void) | undefined;
  return {
    async add(msg: M, value: V): Promise<void> {
      while (running >= max) await new Promise<void>((resolve) => (freed = resolve));
      running += 1;
      const key = keyOf(value);
      const run = (tails.get(key) ?? Promise.resolve()).then(() => work(msg, value));
      const tail = run.finally(() => {
        running -= 1;
        if (tails.get(key) === tail) tails.delete(key);
        freed?.();
        freed = undefined;
      });
      tails.set(key, tail);
    },
    async idle(): Promise<void> {
      await Promise.all(tails.values());
    },
  };
}
