import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A service's Prometheus metrics, served at `GET /metrics` on its health port (names in README's
 * operations section). One registry per service instance, so services built in one process (tests)
 * keep their figures apart.
 */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** RED: one observation per NATS operation answered, by operation and outcome (`ok` or the error code). */
  operation(operation: string, outcome: string, seconds: number): void;
  /** A message a durable consumer took: what JetStream still holds for it, and whether it is a redelivery. */
  consumed(consumer: string, pending: number, redelivered: boolean): void;
  /** How a consumer settled a message: `ack`, `term`, `nak` or `dropped`. */
  settled(consumer: string, outcome: 'ack' | 'term' | 'nak' | 'dropped'): void;
  /** The largest backlog among this service's consumers, as last seen: what autoscaling reads. */
  largestConsumerBacklog(): number;
  /** Rows waiting in the outbox, read when scraped. */
  outboxBacklog(read: () => Promise<number>): void;
  /** A gauge read when scraped (the hub's sockets, the gateway's live feeds). */
  gauge(name: string, help: string, read: () => number): void;
  /** A counter by one label (frames by type, say). */
  counter(name: string, help: string, label: string): (value: string, by?: number) => void;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'nxg_process_' });
  externalCallsMetric(registry);
  const operations = new Histogram({
    name: 'nxg_operation_duration_seconds',
    help: 'NATS operations answered by this service: rate, errors (outcome other than ok) and duration',
    labelNames: ['operation', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const pending = new Gauge({
    name: 'nxg_consumer_pending_messages',
    help: 'Messages JetStream holds for a durable consumer not yet delivered to it, as of its last delivery',
    labelNames: ['consumer'],
    registers: [registry],
  });
  const redeliveries = new Counter({
    name: 'nxg_consumer_redeliveries_total',
    help: 'Messages a durable consumer received again (not acknowledged in time, or nak-ed)',
    labelNames: ['consumer'],
    registers: [registry],
  });
  const settled = new Counter({
    name: 'nxg_consumer_messages_total',
    help: 'Messages a durable consumer settled, by outcome (ack, term, nak, dropped)',
    labelNames: ['consumer', 'outcome'],
    registers: [registry],
  });
  const backlogs = new Map<string, number>();
  return {
    registry,
    operation: (operation, outcome, seconds) => operations.observe({ operation, outcome }, seconds),
    consumed(consumer, count, redelivered) {
      pending.set({ consumer }, count);
      backlogs.set(consumer, count);
      if (redelivered) redeliveries.inc({ consumer });
    },
    settled: (consumer, outcome) => settled.inc({ consumer, outcome }),
    largestConsumerBacklog: () => Math.max(0, ...backlogs.values()),
    outboxBacklog(read) {
      new Gauge({
        name: 'nxg_outbox_backlog',
        help: 'Events written to the outbox and not yet published to JetStream',
        registers: [registry],
        async collect() {
          this.set(await read().catch(() => Number.NaN));
        },
      });
    },
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
    counter(name, help, label) {
      const counter = new Counter({ name, help, labelNames: [label], registers: [registry] });
      // One child per label value, found by a Map lookup: `inc({ label: value })` hashes the
      // labels object on every call (the hub counts every frame a machine sends).
      const children = new Map<string, ReturnType<typeof counter.labels>>();
      return (value, by = 1) => {
        let child = children.get(value);
        if (!child) children.set(value, (child = counter.labels(value)));
        child.inc(by);
      };
    },
  };
}

/** What an external-service client reports (packages/external), collected from every live client. */
export interface ExternalCallCounts {
  service: string;
  successes: number;
  failuresByCode: Record<string, number>;
}

const externalSources = new Set<() => ExternalCallCounts>();

/**
 * External clients register how to read their counts here; every service's `/metrics` reports
 * them as `nxg_external_calls_total{external, outcome}`. Process-wide: in production a process is
 * one service (in tests several share one, and so these figures).
 */
export function reportExternalCalls(read: () => ExternalCallCounts): () => void {
  externalSources.add(read);
  return () => externalSources.delete(read);
}

function externalCallsMetric(registry: Registry): void {
  new Gauge({
    // A gauge set from the clients' own monotonic counts: Prometheus' rate() reads it as a counter.
    name: 'nxg_external_calls_total',
    help: 'Calls to services we do not own, by external service and outcome (ok or the error code)',
    labelNames: ['external', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const read of externalSources) {
        const counts = read();
        this.inc({ external: counts.service, outcome: 'ok' }, counts.successes);
        for (const [code, count] of Object.entries(counts.failuresByCode))
          this.inc({ external: counts.service, outcome: code }, count);
      }
    },
  });
}
