import { EXIT_CONFIG } from '@nxg/platform';
import { manifestEntry } from '@nxg/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor } from './supervisor.ts';

describe('the launcher supervisor', () => {
  let supervisor: Supervisor | undefined;
  afterEach(() => supervisor?.stopAll());

  it('does not restart a service that exits because of its configuration, and says so', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor(
      { PATH: process.env.PATH, LOG_LEVEL: 'loud' },
      (line) => void lines.push(line),
    );
    const workout = manifestEntry('workout');
    await expect(supervisor.start(workout.name, workout.main, 0)).rejects.toThrow(
      /cannot start as configured/,
    );
    await new Promise((r) => setTimeout(r, 1500)); // a restart would have been scheduled by now
    expect(supervisor.exitCodes('workout')).toEqual([EXIT_CONFIG]);
    expect(lines.join('\n')).toMatch(/LOG_LEVEL/);
    expect(lines.join('\n')).toMatch(/not restarting/);
  });
});
