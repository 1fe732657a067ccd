/**
 * What never reaches a log line (seed: "no PII, passwords or tokens"; DESIGN D14): secrets and
 * credentials, personal contact data and health figures, under any key at any depth, and tokens
 * written into a message or a string value.
 */
export const REDACTED = '[redacted]';

/** Keys are compared lower-case without `_`, `-` or spaces: `refresh_token` is `refreshtoken`. */
const normalise = (key: string) => key.toLowerCase().replace(/[\s_-]/g, '');

/** Credentials: passwords, secrets, every kind of token, keys, signatures, TOTP and recovery codes. */
const secretKey =
  /password|passwd|passphrase|secret|token$|tokens$|authorization|cookie|apikey|signature|otpauth|totp|recoverycodes?$|privatekey|sealed|datakey|credentials?$/;
/** Personal contact data. */
const personalKey = /^(email|phone|phonenumber)$/;
/** Health figures (body composition, vitals, conditions). */
export const healthKey =
  /weight|bodyfat|heartrate|^bpm$|^bmi$|musclemass|visceralfat|bloodpressure|healthconditions?|bodycomposition|measurements?$|^vo2max$|^restingheartrate$/;

export const isSecretKey = (key: string) => secretKey.test(normalise(key));
export const isSensitiveKey = (key: string) => {
  const k = normalise(key);
  return secretKey.test(k) || personalKey.test(k) || healthKey.test(k);
};

/** Tokens that are recognisable by their shape wherever they appear in a string. */
const inlineSecrets: [RegExp, string][] = [
  [/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/g, '[redacted jwt]'],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]{8,}/gi, '$1 [redacted]'],
  [/otpauth:\/\/[^\s"']+/gi, 'otpauth://[redacted]'],
  // A query parameter that carries a credential (`?access_token=…`, `&secret=…`).
  [/([?&](?:access_token|token|secret|api_key|apikey|password|code)=)[^&\s"']+/gi, `$1${REDACTED}`],
];

export function scrubString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of inlineSecrets) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 12;

/**
 * A copy of a log object with every sensitive key's value replaced and every string scrubbed, at
 * any depth. Errors are left to the `err` serializer; other class instances (Date, Buffer…) are
 * kept as they are. Cycles and very deep values are cut.
 */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSensitiveKey(key) && item !== undefined && item !== null ? REDACTED : scrub(item, depth + 1, seen);
  }
  return out;
}
