import { describe, expect, it } from 'vitest';
import { consumerBacklogEmfLine } from './metrics-route.ts';

describe('the consumer-backlog line for CloudWatch', () => {
  it('is one embedded-metric-format JSON line: NXG/ConsumerPending by Service, what the ECS stack scales on', () => {
    const line = consumerBacklogEmfLine('workout', 1234, 1_790_000_000_000);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trim()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: 1_790_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'NXG',
            Dimensions: [['Service']],
            Metrics: [{ Name: 'ConsumerPending', Unit: 'Count' }],
          },
        ],
      },
      Service: 'workout',
      ConsumerPending: 1234,
    });
  });
});
