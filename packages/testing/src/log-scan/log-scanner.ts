import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthKey, isSecretKey, REDACTED } from '@nxg/platform';
import { fixtureSecrets, typedPasswords } from '../fixture-secrets.ts';

export interface LogFinding {
  file: string;
  line: number;
  /** What was found: `jwt`, `bearer`, `otpauth`, `fixture secret`, `secret key password`, `health figure weightKg`… */
  rule: string;
  /** The start of the line, to find it again. */
  excerpt: string;
}

/** Shapes a credential has wherever it is written. */
const patterns: [string, RegExp][] = [
  ['jwt', /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/],
  ['bearer', /\bBearer\s+(?!\[redacted)[\w.~+/=-]{8,}/i],
  ['otpauth', /otpauth:\/\/(?!\[redacted)/i],
];

const isRedacted = (value: unknown) => value === REDACTED || value === '' || value === null;

/** Keys of a parsed log line whose value is a secret or a health figure left in clear. */
function sensitiveValues(value: unknown, path: string[], found: string[], depth = 0): void {
  if (depth > 20 || value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (isSecretKey(key) && typeof item === 'string' && !isRedacted(item))
      found.push(`secret key ${[...path, key].join('.')}`);
    else if (
      healthKey.test(key.toLowerCase().replace(/[\s_-]/g, '')) &&
      item !== undefined &&
      !isRedacted(item)
    )
      found.push(`health figure ${[...path, key].join('.')}`);
    else sensitiveValues(item, [...path, key], found, depth + 1);
  }
}

/**
 * Everything in a log text that should not be there: credentials by their shape (JWTs, Bearer
 * values, otpauth URIs), the passwords and keys the fixtures use and the secrets a run made, and
 * in JSON lines, a secret-named key or a health field with its value in clear.
 */
export function scanLogText(text: string, file: string, known: readonly string[] = []): LogFinding[] {
  const literals = [...Object.values(fixtureSecrets), ...typedPasswords, ...known].filter(
    (s) => s.length >= 6,
  );
  const findings: LogFinding[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const rules: string[] = [];
    for (const [rule, pattern] of patterns) if (pattern.test(line)) rules.push(rule);
    for (const literal of literals) if (line.includes(literal)) rules.push('fixture secret');
    if (line.startsWith('{')) {
      try {
        sensitiveValues(JSON.parse(line), [], rules);
      } catch {
        // not a JSON line (a process's stderr): the patterns above still apply
      }
    }
    for (const rule of new Set(rules))
      findings.push({ file, line: index + 1, rule, excerpt: line.slice(0, 160) });
  });
  return findings;
}

/** Scans every log file a run wrote under `dir`, with the secrets the run recorded. */
export function scanLogDir(dir: string): { files: number; findings: LogFinding[] } {
  if (!existsSync(dir)) return { files: 0, findings: [] };
  const secretsDir = join(dir, 'secrets');
  const known = existsSync(secretsDir)
    ? readdirSync(secretsDir).flatMap((f) =>
        readFileSync(join(secretsDir, f), 'utf8').split('\n').filter(Boolean),
      )
    : [];
  const logs = readdirSync(dir).filter((f) => f.endsWith('.log'));
  const findings = logs.flatMap((f) => scanLogText(readFileSync(join(dir, f), 'utf8'), f, known));
  return { files: logs.length, findings };
}

export function describeFindings(findings: LogFinding[], limit = 30): string {
  const shown = findings.slice(0, limit).map((f) => `  ${f.file}:${f.line} ${f.rule}\n    ${f.excerpt}`);
  const more = findings.length > limit ? [`  … and ${findings.length - limit} more`] : [];
  return [...shown, ...more].join('\n');
}
