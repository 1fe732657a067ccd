import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/**
 * Where a platform's subjects, streams and KV buckets live on a NATS server. Production uses the
 * root (no prefix); each test platform takes a prefix of its own, so many platforms share one
 * server without hearing each other, and test files run in parallel.
 */
export interface Namespace {
  readonly prefix: string;
  subject(subject: string): string;
  stream(name: string): string;
  bucket(name: string): string;
}

const PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

export function namespace(prefix = ''): Namespace {
  if (prefix && !PREFIX.test(prefix)) throw new Error(`NATS prefix "${prefix}" must match ${PREFIX}`);
  const scoped = (separator: string) => (name: string) => (prefix ? `${prefix}${separator}${name}` : name);
  return {
    prefix,
    // The server's own subjects ($JS.API…, $KV…) and reply inboxes are the same for everyone.
    subject: (subject) =>
      !prefix || subject.startsWith('$') || subject.startsWith('_INBOX') ? subject : `${prefix}.${subject}`,
    stream: scoped('_'),
    bucket: scoped('_'),
  };
}

const namespaces = new WeakMap<NatsConnection, Namespace>();
const root = namespace();

/** The namespace a connection was opened in (the root for a plain connection). */
export const namespaceOf = (nc: NatsConnection): Namespace => namespaces.get(nc) ?? root;

/** A view of `nc` (a proxy of it) stays in `nc`'s namespace. */
export function adoptNamespace(view: NatsConnection, nc: NatsConnection): void {
  namespaces.set(view, namespaceOf(nc));
}

/**
 * The connection as seen from inside a namespace: every subject it publishes, requests or
 * subscribes to is put under the prefix, so services and JetStream clients built on it need not
 * know. A root namespace returns the connection itself (no cost in production).
 */
export function inNamespace(nc: NatsConnection, ns: Namespace): NatsConnection {
  if (!ns.prefix) return nc;
  const scoped: Partial<NatsConnection> = {
    publish: (subject, payload, options) => nc.publish(ns.subject(subject), payload, options),
    subscribe: (subject, options): Subscription => nc.subscribe(ns.subject(subject), options),
    request: (subject, payload, options) => nc.request(ns.subject(subject), payload, options),
    requestMany: (subject, payload, options) => nc.requestMany(ns.subject(subject), payload, options),
  };
  const view = new Proxy(nc, {
    get(target, property) {
      if (Object.hasOwn(scoped, property)) return scoped[property as keyof NatsConnection];
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  namespaces.set(view, ns);
  return view;
}
