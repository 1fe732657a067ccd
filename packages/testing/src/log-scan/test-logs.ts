import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import pino from 'pino';

/** The directory a test run's service logs are written to (set by the log scan's global setup). */
export const LOG_DIR_VARIABLE = 'NXG_TEST_LOG_DIR';

export const testLogDir = (): string | undefined => process.env[LOG_DIR_VARIABLE] || undefined;

let destination: pino.DestinationStream | undefined;

/**
 * This test worker's log file, shared by every service it starts: debug lines and up (info, and
 * one line per request), written synchronously (cheap at that volume) so none is lost when the
 * worker ends.
 */
export function testLogDestination(): pino.DestinationStream | undefined {
  const dir = testLogDir();
  if (!dir) return undefined;
  if (!destination) {
    mkdirSync(dir, { recursive: true });
    destination = pino.destination({
      dest: join(dir, `services-${process.pid}-${threadId}.log`),
      sync: true,
    });
  }
  return destination;
}

/** Appends raw output (a service process's stdout) to this worker's log file. */
export function appendTestLog(text: string): void {
  const dir = testLogDir();
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `processes-${process.pid}-${threadId}.log`), text);
}

/** A secret made for this run (a generated data key): the scan looks for it too. */
export function recordTestSecret(value: string): void {
  const dir = testLogDir();
  if (!dir) return;
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  appendFileSync(join(dir, 'secrets', `${process.pid}-${threadId}.txt`), `${value}\n`);
}
