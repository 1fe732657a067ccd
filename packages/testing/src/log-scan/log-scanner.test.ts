import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggerOptions } from '@nxg/platform';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { fixtureSecrets } from '../fixture-secrets.ts';
import { scanLogDir, scanLogText } from './log-scanner.ts';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjF9.c2lnbmF0dXJlLXZhbHVlLXNpZ25lZA';
/** What a careless service could write: each line leaks one thing. */
const leaky = {
  jwt: JSON.stringify({ level: 30, msg: `verified ${jwt}` }),
  bearer: JSON.stringify({ level: 30, headers: { auth: 'Bearer abcdefgh12345678' } }),
  otpauth: JSON.stringify({ level: 30, uri: 'otpauth://totp/NXG:a?secret=JBSWY3DPEHPK3PXP' }),
  'fixture secret': `plain text line with ${fixtureSecrets.memberPassword} in it`,
  'secret key body.refreshToken': JSON.stringify({ level: 30, body: { refreshToken: 'rt-0123456789' } }),
  'health figure data.body.bodyFatPct': JSON.stringify({ level: 30, data: { body: { bodyFatPct: 18.5 } } }),
};

/** The lines a platform logger writes for the same objects. */
function platformLines(objects: object[]): string {
  const lines: string[] = [];
  const logger = pino(loggerOptions('scan-test', 'info', { pretty: false }), {
    write: (line: string) => void lines.push(line),
  });
  for (const object of objects) logger.info(object, 'something happened');
  return lines.join('');
}

describe('the log scanner', () => {
  it('finds every planted leak, each by its rule', () => {
    for (const [rule, line] of Object.entries(leaky)) {
      const findings = scanLogText(`{"level":30,"msg":"clean"}\n${line}\n`, 'planted.log');
      expect(
        findings.map((f) => f.rule),
        rule,
      ).toEqual([rule]);
      expect(findings[0]).toMatchObject({ file: 'planted.log', line: 2 });
    }
  });

  it('finds nothing in what the platform logger writes for the same objects', () => {
    const text = platformLines([
      { token: jwt, headers: { authorization: `Bearer ${jwt}` } },
      { body: { password: fixtureSecrets.memberPassword, refreshToken: 'rt-0123456789' } },
      {
        data: { body: { bodyFatPct: 18.5, weightKg: 80 } },
        uri: 'otpauth://totp/NXG:a?secret=JBSWY3DPEHPK3PXP',
      },
    ]);
    expect(text).toContain('something happened');
    expect(scanLogText(text, 'platform.log')).toEqual([]);
  });

  it('looks for the secrets a run recorded, in every log file of the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nxg-scan-test-'));
    try {
      mkdirSync(join(dir, 'secrets'));
      writeFileSync(join(dir, 'secrets', '1-0.txt'), 'generated-data-key-AAAA\n');
      writeFileSync(join(dir, 'services-1-0.log'), '{"level":30,"msg":"clean"}\n');
      writeFileSync(join(dir, 'processes-1-0.log'), 'started with generated-data-key-AAAA\n');
      const { files, findings } = scanLogDir(dir);
      expect(files).toBe(2);
      expect(findings).toEqual([
        expect.objectContaining({ file: 'processes-1-0.log', rule: 'fixture secret' }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
