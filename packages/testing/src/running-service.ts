import type { FastifyInstance } from 'fastify';

/** A service a test platform started, in this process or as a real process. */
export interface RunningService {
  readonly name: string;
  /** Base URL of its HTTP side, e.g. http://127.0.0.1:34567 */
  readonly url: string;
  readonly env: Record<string, string>;
  /** Its process id (real processes only). */
  readonly pid: number | undefined;
  /** The Fastify instance (in-process services only, while running). */
  readonly app?: FastifyInstance | undefined;
  /** Its log output so far, for a failing test's message. */
  logs(): string;
  /** A graceful stop (SIGTERM for a process). */
  stop(): Promise<void>;
  /** Starts again with the same environment (plus `overrides`) on the same port, until ready. */
  restart(overrides?: Record<string, string>): Promise<void>;
  /** `kill -9`: no graceful stop, nothing flushed (real processes only). */
  kill(): Promise<void>;
}
