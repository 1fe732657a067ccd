/**
 * Least-privilege NATS: one user per manifest service, authenticated by its NKEY, allowed only the
 * subjects its contracts give it. Rendered from the manifest, the operations (their service and
 * `callers`), the streams, durable consumers and KV buckets of `@nxg/contracts`, so a new service
 * is covered by its manifest line and its contracts. `pnpm deploy:nats` writes the result to
 * deploy/nats/authorization.conf; a test fails when the committed file is stale.
 */
import * as contracts from '@nxg/contracts';
import {
  buckets,
  consumers,
  hubMachineSubject,
  identityEvents,
  liveSubjects,
  serviceManifest,
  streams,
  type Operation,
} from '@nxg/contracts';
import { namespace, serviceInboxPrefix, type Namespace } from '@nxg/platform';

export interface ServicePermissions {
  service: string;
  publish: string[];
  subscribe: string[];
}

/** Every operation declared in contracts, found by its shape among the package's exports. */
export function declaredOperations(): Operation[] {
  const found = new Map<string, Operation>();
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object') return;
    const candidate = value as Partial<Operation>;
    if (
      typeof candidate.subject === 'string' &&
      candidate.subject.startsWith('svc.') &&
      typeof candidate.service === 'string' &&
      Array.isArray(candidate.callers)
    ) {
      found.set(candidate.name!, candidate as Operation);
      return;
    }
    if (depth < 3) for (const inner of Object.values(value)) visit(inner, depth + 1);
  };
  visit(contracts, 0);
  return [...found.values()];
}

/**
 * Calls made for a member that `callers` does not name, since `callers` lists only the services
 * that may call on their own behalf: machine-hub greets a linking member by name (DESIGN.md §6).
 * The gateway, which routes every REST operation, needs no line here.
 */
const callsForUsers: Record<string, string[]> = {
  'machine-hub': [contracts.identity.getMe.name],
};

/** Core NATS subjects (not JetStream) a service publishes or listens to, from contracts. */
const coreSubjects: Record<string, { publish?: string[]; subscribe?: string[] }> = {
  identity: {
    // Identity's replicas drop a cached user view together.
    publish: [identityEvents.userViewInvalidationSubject],
    subscribe: [identityEvents.userViewInvalidationSubject],
  },
  'machine-hub': {
    publish: [liveSubjects.user('*'), liveSubjects.branch('*'), hubMachineSubject('*')],
    subscribe: [hubMachineSubject('*')],
  },
  gateway: { subscribe: [liveSubjects.user('*'), liveSubjects.branch('*')] },
  // Awards, achievements and feed items reach members' live feeds; so does every notification.
  analytics: { publish: [liveSubjects.user('*')] },
  notification: { publish: [liveSubjects.user('*')] },
};

/** The service a durable consumer belongs to: its name starts `<service>_` (dashes as underscores). */
export function consumerOwner(durable: string): string | undefined {
  const owners = serviceManifest
    .map((s) => s.name)
    .filter((name) => durable.startsWith(`${name.replaceAll('-', '_')}_`))
    .sort((a, b) => b.length - a.length);
  return owners[0];
}

/** What reading a KV bucket (open, status, get, watch) asks of the JetStream API. */
const bucketReading = (kvStream: string) => [
  `$JS.API.STREAM.INFO.${kvStream}`,
  `$JS.API.STREAM.MSG.GET.${kvStream}`,
  `$JS.API.DIRECT.GET.${kvStream}`,
  `$JS.API.DIRECT.GET.${kvStream}.>`,
  // A watch is an ordered consumer of the bucket's stream, made and remade as it needs.
  `$JS.API.CONSUMER.CREATE.${kvStream}`,
  `$JS.API.CONSUMER.CREATE.${kvStream}.>`,
  `$JS.API.CONSUMER.INFO.${kvStream}.>`,
  `$JS.API.CONSUMER.DELETE.${kvStream}.>`,
  `$JS.FC.${kvStream}.>`,
];

/** What fetching from and acknowledging on one durable consumer asks of the JetStream API. */
const consuming = (stream: string, durable: string) => [
  `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
  `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
  `$JS.ACK.${stream}.${durable}.>`,
];

export interface PermissionInputs {
  /** Services that verify tokens (their definition's `auth`): they watch the revocation bucket. */
  verifiesTokens: string[];
  /** NATS_PREFIX of the platform (empty in production; a test's own namespace otherwise). */
  prefix?: string;
}

export function servicePermissions(service: string, inputs: PermissionInputs): ServicePermissions {
  const ns: Namespace = namespace(inputs.prefix);
  const operations = declaredOperations();
  const publish = new Set<string>();
  const subscribe = new Set<string>();
  // Requests: the operations it calls (the gateway routes every REST one).
  for (const op of operations) {
    const calls =
      op.service !== service &&
      ((service === 'gateway' && op.http) ||
        op.callers.includes(service) ||
        callsForUsers[service]?.includes(op.name));
    if (calls) publish.add(ns.subject(op.subject));
  }
  // Token verifiers fetch identity's public keys (JWKS) themselves.
  if (inputs.verifiesTokens.includes(service)) publish.add(ns.subject(contracts.identity.jwks.subject));
  // Answers: its own operations (replies go to the caller's inbox: allow_responses).
  subscribe.add(ns.subject(`svc.${service}.>`));
  // Replies to its calls and JetStream's answers arrive in inboxes only it may read.
  subscribe.add(`${serviceInboxPrefix(service)}.>`);
  // Events: its own streams' subjects only.
  for (const stream of streams.filter((s) => s.owner === service))
    for (const subject of stream.subjects) publish.add(ns.subject(subject));
  // Its durable consumers.
  for (const consumer of consumers.filter((c) => consumerOwner(c.durable) === service))
    for (const subject of consuming(ns.stream(consumer.stream), consumer.durable)) publish.add(subject);
  // KV buckets: the owner writes, its declared writers their keys, token verifiers read.
  for (const bucket of buckets) {
    const name = ns.bucket(bucket.bucket);
    const owns = bucket.owner === service;
    const writes = bucket.writers?.[service];
    if (owns || writes || inputs.verifiesTokens.includes(service)) {
      for (const subject of bucketReading(`KV_${name}`)) publish.add(subject);
    }
    if (owns) publish.add(`$KV.${name}.>`);
    else if (writes) publish.add(`$KV.${name}.${writes}`);
  }
  for (const subject of coreSubjects[service]?.publish ?? []) publish.add(ns.subject(subject));
  for (const subject of coreSubjects[service]?.subscribe ?? []) subscribe.add(ns.subject(subject));
  return { service, publish: [...publish].sort(), subscribe: [...subscribe].sort() };
}

/** `IDENTITY` → `NXG_NKEY_IDENTITY`: the server reads each public key from its environment. */
export const nkeyVariable = (user: string) => `NXG_NKEY_${user.toUpperCase().replaceAll('-', '_')}`;

/** The provisioning job (tools/provision.ts) manages streams, consumers and buckets: the JetStream API only. */
export const provisionUser = 'provision';

const quoted = (subjects: string[]) => subjects.map((s) => `          "${s}"`).join('\n');

/** deploy/nats/authorization.conf: an `authorization` block for nats-server. */
export function renderAuthorization(inputs: PermissionInputs): string {
  const users = serviceManifest.map(({ name }) => {
    const p = servicePermissions(name, inputs);
    return `    # ${name}
    {
      nkey: $${nkeyVariable(name)}
      permissions: {
        publish: { allow: [
${quoted(p.publish)}
        ] }
        subscribe: { allow: [
${quoted(p.subscribe)}
        ] }
        # Replies to the requests it receives: one message to each reply subject.
        allow_responses: true
      }
    }`;
  });
  users.push(`    # ${provisionUser}: tools/provision.ts
    {
      nkey: $${nkeyVariable(provisionUser)}
      permissions: {
        publish: { allow: ["$JS.API.>"] }
        subscribe: { allow: ["_INBOX.>"] }
      }
    }`);
  return `# Generated by \`pnpm deploy:nats\` from packages/contracts: do not edit by hand.
#
# One user per service of the manifest, known by its NKEY's public key. The server reads each key
# from its environment (${nkeyVariable('identity')}, …): it holds no secret, and a missing key stops it
# at start. Each service holds its own seed in NATS_NKEY_SEED. See deploy/nats/README.md.
authorization {
  users = [
${users.join('\n')}
  ]
}
`;
}
