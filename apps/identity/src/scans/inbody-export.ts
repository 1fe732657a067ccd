import { ScanErrors } from '@nxg/contracts';
import { AppError } from '@nxg/platform';
import { parse } from 'csv-parse/sync';
import { plausibleRanges, type Figures } from './figures.ts';

/**
 * InBody exports, read and checked before anything leaves the platform. Two shapes are accepted:
 *
 * - CSV as LookinBody exports it: a header row of known columns, each with its unit in brackets
 *   (`Weight(kg)`, `PBF(%)`, `SMM(lb)`…), and one row per test (the file must hold one test).
 * - JSON: `{ "testDateTime": "…", "measurements": { "weight": { "value": 72.4, "unit": "kg" }, … } }`.
 *
 * Units are converted (lb → kg, kJ → kcal, body water in litres → % of weight); an unknown column,
 * unit or a value a human body cannot have is refused with the field it concerns.
 */

interface FieldError {
  path: string;
  message: string;
}

const malformed = (errors: FieldError[], message = 'The InBody export cannot be read') =>
  new AppError(422, ScanErrors.INBODY_FILE_MALFORMED, message, { details: errors });

const LB_IN_KG = 0.45359237;
const KJ_IN_KCAL = 1 / 4.184;

type Quantity =
  | 'weight'
  | 'percentBodyFat'
  | 'skeletalMuscleMass'
  | 'basalMetabolicRate'
  | 'visceralFatLevel'
  | 'totalBodyWater';

/** Each quantity's accepted units and the factor to ours; `water%` and `waterL` are resolved against weight. */
const units: Record<Quantity, Record<string, number | 'L'>> = {
  weight: { kg: 1, lb: LB_IN_KG },
  percentBodyFat: { '%': 1 },
  skeletalMuscleMass: { kg: 1, lb: LB_IN_KG },
  basalMetabolicRate: { kcal: 1, kj: KJ_IN_KCAL },
  visceralFatLevel: { level: 1, '': 1 },
  totalBodyWater: { '%': 1, l: 'L', kg: 'L', lb: 'L' },
};

/** CSV column names (case-insensitive, without the unit) → quantity. */
const csvColumns: Record<string, Quantity | 'date' | 'ignored'> = {
  weight: 'weight',
  pbf: 'percentBodyFat',
  'percent body fat': 'percentBodyFat',
  smm: 'skeletalMuscleMass',
  'skeletal muscle mass': 'skeletalMuscleMass',
  bmr: 'basalMetabolicRate',
  'basal metabolic rate': 'basalMetabolicRate',
  vfl: 'visceralFatLevel',
  'visceral fat level': 'visceralFatLevel',
  tbw: 'totalBodyWater',
  'total body water': 'totalBodyWater',
  'test date / time': 'date',
  'test date': 'date',
  // Known columns that carry nothing we keep (identity already knows who and how tall).
  id: 'ignored',
  name: 'ignored',
  height: 'ignored',
  gender: 'ignored',
  age: 'ignored',
  bmi: 'ignored',
  icw: 'ignored',
  ecw: 'ignored',
  'body fat mass': 'ignored',
  'lean body mass': 'ignored',
  'dry lean mass': 'ignored',
  'inbody score': 'ignored',
};

const jsonKeys: Record<string, Quantity> = {
  weight: 'weight',
  percentBodyFat: 'percentBodyFat',
  skeletalMuscleMass: 'skeletalMuscleMass',
  basalMetabolicRate: 'basalMetabolicRate',
  visceralFatLevel: 'visceralFatLevel',
  totalBodyWater: 'totalBodyWater',
};

const figureOf: Record<Quantity, keyof Figures> = {
  weight: 'weightKg',
  percentBodyFat: 'bodyFatPercentage',
  skeletalMuscleMass: 'skeletalMuscleMassKg',
  basalMetabolicRate: 'basalMetabolicRateKcal',
  visceralFatLevel: 'visceralFatLevel',
  totalBodyWater: 'bodyWaterPercentage',
};

interface Reading {
  quantity: Quantity;
  value: number;
  unit: string;
  path: string;
}

export interface InBodyReading {
  measuredAt?: string;
  figures: Figures;
}

/** `2026.11.30 07:15:00`, `2026-11-30 07:15`, or ISO 8601 (UTC unless it says otherwise). */
function parseDate(text: string, path: string, errors: FieldError[]): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const local = /^(\d{4})[.\-/](\d{2})[.\-/](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(trimmed);
  const at = local
    ? Date.UTC(+local[1]!, +local[2]! - 1, +local[3]!, +(local[4] ?? 0), +(local[5] ?? 0), +(local[6] ?? 0))
    : Date.parse(trimmed);
  if (Number.isNaN(at)) {
    errors.push({ path, message: `is not a date: ${JSON.stringify(trimmed.slice(0, 40))}` });
    return undefined;
  }
  if (at > Date.now() + 5 * 60_000) {
    errors.push({ path, message: 'is in the future' });
    return undefined;
  }
  return new Date(at).toISOString();
}

function toFigures(readings: Reading[], errors: FieldError[]): Figures {
  const figures: Figures = {};
  const weight = readings.find((r) => r.quantity === 'weight');
  const weightKg = weight ? weight.value * (units.weight[weight.unit] as number) : undefined;
  for (const reading of readings) {
    const factor = units[reading.quantity][reading.unit];
    if (factor === undefined) {
      errors.push({
        path: reading.path,
        message: `has an unknown unit ${JSON.stringify(reading.unit)} (known: ${Object.keys(units[reading.quantity]).filter(Boolean).join(', ')})`,
      });
      continue;
    }
    let value: number;
    if (factor === 'L') {
      // Water weighs a kilogram a litre: as a share of body weight.
      if (!weightKg) {
        errors.push({ path: reading.path, message: 'in litres needs the weight beside it' });
        continue;
      }
      const litres = reading.unit === 'lb' ? reading.value * LB_IN_KG : reading.value;
      value = (litres / weightKg) * 100;
    } else value = reading.value * factor;
    figures[figureOf[reading.quantity]] = Math.round(value * 10) / 10;
  }
  if (readings.length === 0) errors.push({ path: '/', message: 'holds no measurement we know' });
  return figures;
}

/** Values a human body can have (the same ranges `PUT /v1/me/body-composition` accepts). */
export function implausible(figures: Figures): FieldError[] {
  const problems: FieldError[] = [];
  for (const [name, value] of Object.entries(figures) as [keyof Figures, number][]) {
    const [min, max] = plausibleRanges[name];
    if (!Number.isFinite(value) || value < min || value > max)
      problems.push({ path: `/${name}`, message: `${value} is outside ${min}–${max}` });
  }
  if (figures.weightKg && figures.skeletalMuscleMassKg && figures.skeletalMuscleMassKg >= figures.weightKg)
    problems.push({ path: '/skeletalMuscleMassKg', message: 'is not less than the body weight' });
  return problems;
}

function parseCsv(text: string): { readings: Reading[]; measuredAt?: string; errors: FieldError[] } {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    throw malformed([{ path: '/', message: `is not valid CSV: ${(error as Error).message.slice(0, 200)}` }]);
  }
  if (rows.length < 2) throw malformed([{ path: '/', message: 'needs a header row and one test row' }]);
  if (rows.length > 2)
    throw malformed([{ path: '/', message: `holds ${rows.length - 1} tests; upload one test per file` }]);
  const [header, row] = rows as [string[], string[]];
  const errors: FieldError[] = [];
  const readings: Reading[] = [];
  let measuredAt: string | undefined;
  header.forEach((column, i) => {
    const match = /^(.*?)\s*(?:\(([^)]*)\))?$/.exec(column.trim())!;
    const name = match[1]!.toLowerCase();
    const unit = (match[2] ?? '').trim().toLowerCase();
    const path = `/${column}`;
    const known = csvColumns[name];
    if (!known) {
      errors.push({ path, message: 'is not a column of an InBody export' });
      return;
    }
    const cell = row[i] ?? '';
    if (known === 'ignored') return;
    if (known === 'date') {
      measuredAt = parseDate(cell, path, errors);
      return;
    }
    if (cell === '' || cell === '-') return; // not measured by this device
    const value = Number(cell.replace(',', '.'));
    if (!Number.isFinite(value)) {
      errors.push({ path, message: `is not a number: ${JSON.stringify(cell.slice(0, 40))}` });
      return;
    }
    readings.push({ quantity: known, value, unit, path });
  });
  return { readings, ...(measuredAt ? { measuredAt } : {}), errors };
}

function parseJson(text: string): { readings: Reading[]; measuredAt?: string; errors: FieldError[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed([{ path: '/', message: 'is not valid JSON' }]);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw malformed([{ path: '/', message: 'must be an object with `measurements`' }]);
  const errors: FieldError[] = [];
  const { measurements, testDateTime, ...rest } = doc as Record<string, unknown>;
  for (const key of Object.keys(rest))
    if (!['device', 'serialNumber', 'exportedAt'].includes(key))
      errors.push({ path: `/${key}`, message: 'is not a field of an InBody export' });
  const measuredAt =
    typeof testDateTime === 'string' ? parseDate(testDateTime, '/testDateTime', errors) : undefined;
  if (testDateTime !== undefined && typeof testDateTime !== 'string')
    errors.push({ path: '/testDateTime', message: 'must be a date string' });
  if (typeof measurements !== 'object' || measurements === null || Array.isArray(measurements))
    throw malformed([...errors, { path: '/measurements', message: 'must be an object' }]);
  const readings: Reading[] = [];
  for (const [key, entry] of Object.entries(measurements)) {
    const path = `/measurements/${key}`;
    const quantity = jsonKeys[key];
    if (!quantity) {
      errors.push({ path, message: 'is not a measurement of an InBody export' });
      continue;
    }
    const { value, unit } = (entry ?? {}) as { value?: unknown; unit?: unknown };
    if (typeof value !== 'number' || !Number.isFinite(value) || typeof unit !== 'string') {
      errors.push({ path, message: 'must be { "value": <number>, "unit": <string> }' });
      continue;
    }
    readings.push({ quantity, value, unit: unit.toLowerCase(), path });
  }
  return { readings, ...(measuredAt ? { measuredAt } : {}), errors };
}

/** Reads an InBody export (CSV or JSON, by its content type), or throws the problem with the fields at fault. */
export function readInBodyExport(text: string, contentType: string): InBodyReading {
  const parsed = contentType === 'application/json' ? parseJson(text) : parseCsv(text);
  const errors = [...parsed.errors];
  const figures = toFigures(parsed.readings, errors);
  if (errors.length) throw malformed(errors);
  const absurd = implausible(figures);
  if (absurd.length)
    throw new AppError(
      422,
      ScanErrors.INBODY_VALUE_IMPLAUSIBLE,
      'A value of the InBody export is outside what a human body can measure',
      { details: absurd },
    );
  return { figures, ...(parsed.measuredAt ? { measuredAt: parsed.measuredAt } : {}) };
}
