import { SpanKind, stepSpan } from '../bus/trace.ts';

/** `INSERT INTO outbox …` → `INSERT`: the span's name, low in cardinality as OpenTelemetry asks. */
const operationOf = (sql: string) =>
  /^\s*(?:WITH\b[\s\S]*?\)\s*)?([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';

/**
 * A CLIENT span for one SQL statement of a recorded trace, or none. The statement's text goes with
 * it (parameters never do: they are members' data).
 */
export const sqlSpan = (database: string, sql: string, statementName?: string) =>
  stepSpan(statementName ?? `${operationOf(sql)} ${database}`, SpanKind.CLIENT, {
    'db.system.name': 'postgresql',
    'db.namespace': database,
    'db.query.text': sql.length > 2000 ? `${sql.slice(0, 2000)}…` : sql,
    ...(statementName ? { 'db.query.summary': statementName } : {}),
  });
