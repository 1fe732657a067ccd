/**
 * deploy/grafana/nxg-services.json reads only metrics the services export: a renamed metric
 * breaks this test rather than leaving an empty panel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServiceMetrics } from '@nxg/platform';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './deployed-services.ts';

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

const dashboard = JSON.parse(
  readFileSync(join(repoRoot, 'deploy/grafana/nxg-services.json'), 'utf8'),
) as Dashboard;

/** Metric names as Prometheus sees them: histograms add _bucket, _sum and _count. */
async function exportedNames(): Promise<Set<string>> {
  const metrics = createServiceMetrics('probe');
  metrics.outboxBacklog(async () => 0);
  // The apps' own: machine-hub's sockets and frames, the gateway's live feeds (their services register them).
  metrics.gauge('nxg_hub_sockets', 'probe', () => 0);
  metrics.counter('nxg_hub_frames_total', 'probe', 'type')('hello');
  metrics.gauge('nxg_gateway_live_sockets', 'probe', () => 0);
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

describe('the Grafana dashboard', () => {
  it('reads only metrics the services export', async () => {
    const names = await exportedNames();
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/nxg_\w+/g) ?? []));
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((name) => !names.has(name))).toEqual([]);
  });

  it('shows RED per operation, consumers, the outbox, external calls and sockets', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of [
      'nxg_operation_duration_seconds_count',
      'nxg_operation_duration_seconds_bucket',
      'nxg_consumer_pending_messages',
      'nxg_consumer_redeliveries_total',
      'nxg_outbox_backlog',
      'nxg_external_calls_total',
      'nxg_hub_sockets',
      'nxg_hub_frames_total',
      'nxg_gateway_live_sockets',
    ])
      expect(exprs).toContain(metric);
  });
});
