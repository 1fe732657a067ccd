import type { Logger } from 'pino';
import type { Job } from './define-service.ts';

export interface JobRunner {
  /** No new runs; resolves once the runs under way have finished. */
  stop(): Promise<void>;
}

/**
 * Runs each job every `everyMs`, one run at a time per job, logging a failed run and carrying on.
 * Runs started before stop() are waited for, so a job never works on a closed database.
 */
export function startJobs(jobs: Job[], logger: Logger): JobRunner {
  let stopping = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const schedule = (job: Job) => {
    if (stopping) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = job
        .run()
        .catch((err: unknown) => logger.error({ err, job: job.name }, 'job run failed'))
        .finally(() => {
          running.delete(run);
          schedule(job);
        });
      running.add(run);
    }, job.everyMs);
    timer.unref();
    timers.add(timer);
  };
  for (const job of jobs) schedule(job);

  return {
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(running);
    },
  };
}
