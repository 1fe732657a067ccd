import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

export interface FieldError {
  path: string;
  message: string;
}

interface RawError {
  keyword: string;
  instancePath: string;
  params: unknown;
  message: string;
}

/**
 * Turns TypeBox's raw errors into one readable message per field: missing properties are named,
 * unions of literals list their allowed values, and the noise of failed union branches is dropped.
 */
export function describeErrors(errors: readonly RawError[]): FieldError[] {
  const byPath = new Map<string, string>();
  const allowed = new Map<string, unknown[]>();
  for (const e of errors) {
    if (e.keyword === 'required') {
      const names = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of names) byPath.set(`${e.instancePath}/${name}`, 'is required');
    } else if (e.keyword === 'additionalProperties') {
      const names = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      for (const name of names) byPath.set(`${e.instancePath}/${name}`, 'is not an allowed property');
    } else if (e.keyword === 'const') {
      const list = allowed.get(e.instancePath) ?? [];
      list.push((e.params as { allowedValue?: unknown }).allowedValue);
      allowed.set(e.instancePath, list);
    } else if (e.keyword === 'anyOf' && allowed.has(e.instancePath)) {
      const values = allowed
        .get(e.instancePath)!
        .map((v) => JSON.stringify(v))
        .join(', ');
      byPath.set(e.instancePath, `must be one of ${values}`);
    } else if (!byPath.has(e.instancePath)) {
      byPath.set(e.instancePath, e.message);
    }
  }
  // The raw errors are capped: a union whose summary was cut off still fails, without a list.
  for (const path of allowed.keys())
    if (!byPath.has(path)) byPath.set(path, 'is not one of the allowed values');
  return [...byPath].map(([path, message]) => ({ path: path || '/', message }));
}

const compiled = new WeakMap<TSchema, Validator>();

/** A compiled validator per schema, built once. */
export function validatorFor(schema: TSchema): Validator {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = Compile(schema) as unknown as Validator;
    compiled.set(schema, validator);
  }
  return validator;
}
