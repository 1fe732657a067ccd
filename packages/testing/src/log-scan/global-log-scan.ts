import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFindings, scanLogDir } from './log-scanner.ts';
import { LOG_DIR_VARIABLE } from './test-logs.ts';

/**
 * vitest global setup: every service a test starts writes its logs (info and up) to files under
 * one directory of this run; once every test has finished, they are searched for passwords,
 * tokens, secrets, TOTP secrets and health figures, and the run fails listing what was found.
 */
export function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'nxg-test-logs-'));
  process.env[LOG_DIR_VARIABLE] = dir;
  return () => {
    const { files, findings } = scanLogDir(dir);
    if (findings.length) {
      throw new Error(
        `the services' logs of this test run hold secrets or health figures (${findings.length} findings in ${files} files, kept in ${dir}):\n${describeFindings(findings)}`,
      );
    }
    console.info(`[log scan] ${files} log files of this run searched: no secrets or health figures`);
    // NXG_KEEP_TEST_LOGS=true keeps them, to read what the services said.
    if (process.env.NXG_KEEP_TEST_LOGS === 'true') console.info(`[log scan] kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
