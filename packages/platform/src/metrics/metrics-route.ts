import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from './service-metrics.ts';

/**
 * `GET /metrics` (Prometheus text format) on the service's health port. Prometheus scrapes a
 * task's own address; a request that came through a load balancer (it adds X-Forwarded-For) is
 * answered 404, so the gateway's and the hub's public ports do not publish them.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: ServiceMetrics): void {
  app.get('/metrics', { logLevel: 'silent' }, async (request, reply) => {
    if (request.headers['x-forwarded-for'] !== undefined) return reply.callNotFound();
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}

/**
 * One CloudWatch embedded-metric-format line: the largest backlog of the service's durable
 * consumers, which the ECS stack scales on (NXG/ConsumerPending, deploy/cdk/README.md). Shipped
 * by the awslogs driver; CloudWatch turns it into the metric, no agent or SDK call needed.
 */
export function consumerBacklogEmfLine(service: string, pending: number, now = Date.now()): string {
  return `${JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: 'NXG',
          Dimensions: [['Service']],
          Metrics: [{ Name: 'ConsumerPending', Unit: 'Count' }],
        },
      ],
    },
    Service: service,
    ConsumerPending: pending,
  })}\n`;
}
