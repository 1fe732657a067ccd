import {
  analyticsEvents,
  buckets,
  identityEvents,
  machineEvents,
  notificationEvents,
  nutritionEvents,
  streams,
  workoutEvents,
  type EventDefinition,
} from '@nxg/contracts';

/** Every event type declared in contracts; services add theirs here as they land. */
export const events: EventDefinition[] = [
  ...identityEvents.all,
  ...machineEvents.all,
  ...workoutEvents.all,
  ...analyticsEvents.all,
  ...notificationEvents.all,
  ...nutritionEvents.all,
];

const code = (value: unknown) => '`' + String(value) + '`';

/** The analysts' page: streams, then each event type with its versioned JSON Schema. */
export function renderEventCatalog(): string {
  const lines = [
    '# Event catalog',
    '',
    '<!-- Generated from packages/contracts by `pnpm catalog`; do not edit by hand. -->',
    '',
    'Every event travels as `{ id (uuid v7), type, source, time, subject, dataVersion, data }` with',
    '`Nats-Msg-Id` = `id`, so a consumer can drop what it has seen. A breaking change is a new type.',
    'The same catalog as an AsyncAPI 3 document, with how to attach a durable consumer:',
    '[asyncapi.yaml](asyncapi.yaml).',
    '',
    '## Streams',
    '',
    '| stream | subjects | owner | retention | duplicate window |',
    '|---|---|---|---|---|',
    ...streams.map(
      (s) =>
        `| ${s.name} | ${s.subjects.map(code).join(', ')} | ${s.owner} | ${s.maxAgeDays} days | ${s.duplicateWindowS} s |`,
    ),
    '',
    '## Key-value buckets',
    '',
    '| bucket | owner | entry TTL | holds |',
    '|---|---|---|---|',
    ...buckets.map((b) => `| ${b.bucket} | ${b.owner} | ${b.ttlS} s | ${b.description} |`),
    '',
    '## Events',
  ];
  for (const event of events) {
    lines.push(
      '',
      `### ${event.type} (v${event.dataVersion})`,
      '',
      `Stream ${code(event.stream)}, subject ${code(event.type)}. ${event.description}`,
      '',
      '```json',
      JSON.stringify(event.data, null, 2),
      '```',
    );
  }
  return lines.join('\n') + '\n';
}
