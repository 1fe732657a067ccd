import { DeliverPolicy, jetstream, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerDefinition, EventDefinition, EventEnvelope } from '@nxg/contracts';
import { messageSender, namespaceOf, validatorFor } from '@nxg/platform';

export interface Delivered {
  envelope: EventEnvelope;
  msg: JsMsg;
}

/**
 * Reads what a durable consumer's stream holds for its subject, from `fromSeq` to the end as it is
 * when asked, through an ordered consumer of the rebuild's own, and hands over each message the live
 * consumer would handle: signed by the service its `source` names, JSON, of the declared schema
 * (the rest the live consumer dropped or terminated). Resolves with the last sequence read.
 */
export async function replayConsumer(
  nc: NatsConnection,
  consumer: ConsumerDefinition,
  event: EventDefinition,
  fromSeq: number,
  handle: (delivered: Delivered) => Promise<void>,
): Promise<number> {
  const ns = namespaceOf(nc);
  const check = validatorFor(event.data);
  const reader = await jetstream(nc).consumers.get(ns.stream(consumer.stream), {
    filter_subjects: ns.subject(consumer.filterSubject),
    ...(fromSeq > 1
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq }
      : { deliver_policy: DeliverPolicy.All }),
  });
  let last = fromSeq - 1;
  if ((await reader.info()).num_pending === 0) return last;
  const messages = await reader.consume({ max_messages: 1000 });
  try {
    for await (const msg of messages) {
      last = msg.seq;
      const envelope = accepted(nc, msg, event, check);
      if (envelope) await handle({ envelope, msg });
      if (msg.info.pending === 0) break;
    }
  } finally {
    await messages.close();
  }
  return last;
}

function accepted(
  nc: NatsConnection,
  msg: JsMsg,
  event: EventDefinition,
  check: ReturnType<typeof validatorFor>,
): EventEnvelope | undefined {
  const signer = messageSender(nc, msg as unknown as Parameters<typeof messageSender>[1]);
  if (!signer) return undefined;
  let envelope: EventEnvelope;
  try {
    envelope = msg.json();
  } catch {
    return undefined;
  }
  if (envelope?.type !== event.type || !check.Check(envelope.data) || envelope.source !== signer)
    return undefined;
  return envelope;
}
