import { consumers, streams, type EventDefinition } from '@nxg/contracts';
import { stringify } from 'yaml';
import { events } from './event-catalog.ts';

/**
 * The event catalog as an AsyncAPI 3.1 document: every stream (as a server-side grouping), every
 * subject as a channel, every event type and data version as a message whose payload is the
 * envelope with the event's JSON Schema as `data`, and a receive operation per channel. Generated
 * from contracts (`pnpm catalog`), checked against them by a test.
 */

/** Machine events and telemetry are published per machine; the rest on their type. */
export function addressOf(event: EventDefinition): string {
  if (event.stream === 'TELEMETRY') return 'telemetry.{branchId}.{machineId}';
  if (event.stream === 'MACHINES')
    return `machines.{branchId}.{machineId}.${event.type.split('.').slice(1).join('.')}`;
  return event.type;
}

/** A consumer's filter subject as an address with `*` for each parameter. */
const wildcard = (address: string) => address.replace(/\{[^}]+\}/g, '*');

export const channelIdOf = (event: EventDefinition) => event.type.replaceAll('.', '_');
export const messageIdOf = (event: EventDefinition) => `${channelIdOf(event)}_v${event.dataVersion}`;

/** JSON Schema as plain data (TypeBox keeps its own markers in symbol keys, which YAML must not see). */
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

const envelope = (event: EventDefinition) => ({
  type: 'object',
  required: ['id', 'type', 'source', 'time', 'subject', 'dataVersion', 'data'],
  properties: {
    id: {
      type: 'string',
      format: 'uuid',
      description: 'UUIDv7; also the Nats-Msg-Id (unless the header says otherwise)',
    },
    type: { type: 'string', const: event.type },
    source: {
      type: 'string',
      const: streams.find((s) => s.name === event.stream)?.owner,
      description: 'The service that wrote it, which also signed it',
    },
    time: { type: 'string', format: 'date-time', description: 'When the event was written' },
    subject: { type: 'string', description: 'The user or machine the event is about' },
    dataVersion: { type: 'integer', const: event.dataVersion },
    data: plain(event.data),
  },
});

const headers = {
  type: 'object',
  properties: {
    'Nats-Msg-Id': {
      type: 'string',
      description:
        'The event id, or the id of its cause (machineId:frameId for machine frames): JetStream drops a repeat within the stream’s duplicate window',
    },
    'Nxg-Caller': { type: 'string', description: 'The service that signed the message (equals `source`)' },
    'Nxg-Signature': {
      type: 'string',
      description:
        'HMAC-SHA256 over "evt\\n<subject>\\n" and the payload bytes, with the signing service’s key (HKDF of SERVICE_KEY and its name)',
    },
    traceparent: { type: 'string', description: 'W3C trace context of the change that caused it' },
  },
};

const parameters = (address: string) => {
  const names = [...address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  if (names.length === 0) return undefined;
  return Object.fromEntries(
    names.map((name) => [
      name,
      { description: name === 'branchId' ? 'The branch the machine belongs to' : 'The machine' },
    ]),
  );
};

const ATTACHING = `
## Attaching a durable consumer

Every stream is a JetStream stream (\`nats stream ls\`; in a namespaced environment its name and
subjects carry the \`NATS_PREFIX\`). To read one subject from its first message:

\`\`\`sh
nats consumer add ANALYTICS analyst_points --filter 'analytics.points.awarded' \\
  --deliver all --ack explicit --pull --max-deliver 50 --wait 30s --replay instant
nats consumer next ANALYTICS analyst_points --count 10
\`\`\`

or in code (nats.js): \`jsm.consumers.add('ANALYTICS', { durable_name: 'analyst_points', filter_subject:
'analytics.points.awarded', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All })\`,
then \`(await js.consumers.get('ANALYTICS', 'analyst_points')).consume()\`.

- One filter subject per consumer (the servers run NATS 2.9); use a channel's address with \`*\` for
  its parameters (\`machines.*.*.unlinked\`). Name it \`<team>_<purpose>\`; platform consumers are
  \`<service>_<handler>\` and are listed per channel under \`x-nxg-consumers\`.
- Delivery is at least once: acknowledge after handling, and make handling idempotent by the
  envelope's \`id\` (a redelivered or replayed event keeps its id).
- Check \`type\` and \`dataVersion\`: a new optional field raises the version, a breaking change is a new
  type. Older versions stay in the stream until it ages out (\`x-nxg-retention-days\`).
- \`Nxg-Caller\` and \`Nxg-Signature\` say which service wrote the event; platform services drop what is
  not signed by the service its \`source\` names. Verifying needs the platform's service key.
- Streams keep 30 days (telemetry a day): a consumer created later starts from what is left.
`;

export function renderAsyncApi(): string {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const event of events) {
    const id = channelIdOf(event);
    const address = addressOf(event);
    const stream = streams.find((s) => s.name === event.stream)!;
    const messageId = messageIdOf(event);
    messages[messageId] = {
      name: event.type,
      title: `${event.type} v${event.dataVersion}`,
      summary: event.description,
      contentType: 'application/json',
      headers,
      payload: envelope(event),
      'x-nxg-data-version': event.dataVersion,
    };
    const params = parameters(address);
    channels[id] = {
      address,
      title: event.type,
      description: event.description,
      ...(params ? { parameters: params } : {}),
      messages: { [messageId]: { $ref: `#/components/messages/${messageId}` } },
      'x-nxg-stream': stream.name,
      'x-nxg-retention-days': stream.maxAgeDays,
      'x-nxg-consumers': consumers
        .filter((c) => c.stream === stream.name && c.filterSubject === wildcard(address))
        .map((c) => c.durable),
    };
    operations[`receive_${id}`] = {
      action: 'receive',
      title: `Consume ${event.type}`,
      summary: `A durable consumer on stream ${stream.name} with filter subject ${wildcard(address)}`,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${messageId}` }],
    };
  }
  const document = {
    asyncapi: '3.1.0',
    info: {
      title: 'NXG Connect events',
      version: '1.0.0',
      description:
        'Every event the platform’s services announce on JetStream, generated from packages/contracts by ' +
        '`pnpm catalog` (do not edit by hand). Each message is the envelope `{ id, type, source, time, subject, ' +
        'dataVersion, data }`.\n\n## Streams\n\n' +
        streams
          .map(
            (s) =>
              `- **${s.name}** (\`${s.subjects.join('`, `')}\`): written by ${s.owner}, kept ${s.maxAgeDays} days, duplicate window ${s.duplicateWindowS} s`,
          )
          .join('\n') +
        '\n' +
        ATTACHING,
      license: { name: 'Proprietary' },
    },
    defaultContentType: 'application/json',
    servers: {
      platform: {
        host: 'nats:4222',
        protocol: 'nats',
        description: 'The platform’s NATS servers (JetStream); NATS_URL in each deployment',
      },
    },
    channels,
    operations,
    components: { messages },
  };
  return stringify(document, { lineWidth: 0 });
}
