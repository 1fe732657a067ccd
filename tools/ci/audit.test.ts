/**
 * CI's audit step (tools/ci/audit.sh) with a stand-in `pnpm` on PATH that answers as the registry
 * would: clean, advisories found, or the audit endpoint refusing. The step must never pass
 * silently when nothing was audited.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./audit.sh', import.meta.url));

/** Runs the step with `pnpm audit` printing `output` and exiting with `code`. */
function runAudit(output: string, code: number, env: Record<string, string> = {}) {
  const bin = mkdtempSync(join(tmpdir(), 'fake-pnpm-'));
  writeFileSync(join(bin, 'pnpm'), `#!/usr/bin/env bash\ncat <<'OUT'\n${output}\nOUT\nexit ${code}\n`);
  chmodSync(join(bin, 'pnpm'), 0o755);
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      'bash',
      [script],
      { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, output: stdout + stderr }),
    );
  });
}

const refused = 'Error: ERR_PNPM_AUDIT_BAD_RESPONSE\n  The audit endpoint responded with 405:';

describe('the CI audit step', () => {
  it('passes when no advisory reaches high severity', async () => {
    const result = await runAudit('1 vulnerabilities found\nSeverity: 1 low', 0);
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toMatch(/no advisory at high or critical severity/);
  });

  it('fails on a high or critical advisory', async () => {
    const result = await runAudit(
      '│ high │ Prototype pollution in x │\n1 vulnerabilities found\nSeverity: 1 high',
      1,
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/FAILED: advisories at high or critical severity/);
  });

  it('says loudly that nothing was audited when the endpoint refuses, and goes on', async () => {
    const result = await runAudit(refused, 1);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/NOT RUN: .*dependencies are NOT audited in this run/);
  });

  it('fails when the endpoint refuses and the audit is required', async () => {
    const result = await runAudit(refused, 1, { NXG_AUDIT_REQUIRED: '1' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/FAILED: the audit endpoint did not answer/);
  });
});
