import { AppError } from '@nxg/platform';
import { describe, expect, it } from 'vitest';
import { readInBodyExport } from './inbody-export.ts';
import { inbodyCsv } from './scans.test-support.ts';

/** The problem a refused export answers with: its code and the fields it names. */
function refusal(text: string, type = 'text/csv') {
  try {
    readInBodyExport(text, type);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, paths: (error.details as { path: string }[]).map((d) => d.path) };
  }
  throw new Error('the export was accepted');
}

describe('reading InBody exports', () => {
  it('reads a LookinBody CSV row into our figures and units', () => {
    expect(readInBodyExport(inbodyCsv(), 'text/csv')).toEqual({
      measuredAt: '2026-11-29T07:15:00.000Z',
      figures: {
        weightKg: 78.4,
        // 44.7 L of water in 78.4 kg
        bodyWaterPercentage: 57,
        skeletalMuscleMassKg: 35.2,
        bodyFatPercentage: 18.6,
        basalMetabolicRateKcal: 1712,
        visceralFatLevel: 6,
      },
    });
  });

  it('converts pounds and kilojoules, and leaves out what the device did not measure', () => {
    const { figures } = readInBodyExport(
      'Weight(lb),SMM(lb),BMR(kJ),PBF(%),VFL\n172.8,77.6,7163,21.0,-\n',
      'text/csv',
    );
    expect(figures).toEqual({
      weightKg: 78.4,
      skeletalMuscleMassKg: 35.2,
      basalMetabolicRateKcal: 1712,
      bodyFatPercentage: 21,
    });
  });

  it('reads the JSON export with its units', () => {
    const read = readInBodyExport(
      JSON.stringify({
        device: 'InBody 770',
        testDateTime: '2026-11-28T18:00:00+01:00',
        measurements: {
          weight: { value: 64, unit: 'kg' },
          totalBodyWater: { value: 52.5, unit: '%' },
          visceralFatLevel: { value: 4, unit: 'level' },
        },
      }),
      'application/json',
    );
    expect(read).toEqual({
      measuredAt: '2026-11-28T17:00:00.000Z',
      figures: { weightKg: 64, bodyWaterPercentage: 52.5, visceralFatLevel: 4 },
    });
  });

  it('refuses unknown columns, units and fields, naming each', () => {
    expect(refusal(inbodyCsv({}, { 'Shoe Size': '44' }))).toEqual({
      code: 'INBODY_FILE_MALFORMED',
      paths: ['/Shoe Size'],
    });
    expect(refusal('Weight(st),PBF(%)\n12,20\n').paths).toEqual(['/Weight(st)']);
    expect(
      refusal(
        JSON.stringify({ owner: 'x', measurements: { height: { value: 1, unit: 'm' } } }),
        'application/json',
      ).paths,
    ).toEqual(['/owner', '/measurements/height', '/']);
  });

  it('refuses broken files, several tests in one file, water in litres without a weight and future dates', () => {
    expect(refusal('Weight(kg),PBF(%)\n"78,20\n').code).toBe('INBODY_FILE_MALFORMED');
    expect(refusal('Weight(kg)\n70\n71\n').code).toBe('INBODY_FILE_MALFORMED');
    expect(refusal('Weight(kg)\n').code).toBe('INBODY_FILE_MALFORMED');
    expect(refusal('TBW(L)\n40\n').paths).toEqual(['/TBW(L)']);
    expect(refusal(inbodyCsv({ 'Test Date / Time': '2999.01.01 00:00:00' })).paths).toEqual([
      '/Test Date / Time',
    ]);
    expect(refusal('[1,2]', 'application/json').code).toBe('INBODY_FILE_MALFORMED');
  });

  it('refuses values no human body has', () => {
    expect(refusal(inbodyCsv({ 'Weight(kg)': '4' }))).toEqual({
      code: 'INBODY_VALUE_IMPLAUSIBLE',
      paths: ['/weightKg', '/bodyWaterPercentage', '/skeletalMuscleMassKg'],
    });
    expect(refusal(inbodyCsv({ 'BMR(kcal)': '90000' })).paths).toEqual(['/basalMetabolicRateKcal']);
    expect(refusal(inbodyCsv({ 'SMM(kg)': '80' })).paths).toEqual(['/skeletalMuscleMassKg']);
  });
});
