/**
 * Metabolic equivalents (MET) of gym activities, each with its code and wording in the 2011
 * Compendium of Physical Activities (Ainsworth et al., Med Sci Sports Exerc 43(8):1575-81). One MET
 * is about 1 kcal per kg of body weight per hour, so an activity burns MET × kg × hours kcal.
 * Facts, not a copied dataset: the figures and codes are cited, the selection is ours.
 */
export interface MetValue {
  /** The activity's code in the Compendium. */
  code: string;
  /** The Compendium's wording. */
  description: string;
  met: number;
  /** Words of an exercise or machine name that point to this activity (lower case, matched at a word's start). */
  keywords: readonly string[];
}

export const metValues = [
  {
    code: '02010',
    description: 'bicycling, stationary, general',
    met: 7.0,
    keywords: ['bike', 'cycle', 'cycling', 'spin'],
  },
  {
    code: '02048',
    description: 'elliptical trainer, moderate effort',
    met: 5.0,
    keywords: ['elliptical', 'cross trainer', 'crosstrainer'],
  },
  {
    code: '02065',
    description: 'stair-treadmill ergometer, general',
    met: 9.0,
    keywords: ['stair', 'stepper', 'step mill', 'stepmill'],
  },
  {
    code: '02070',
    description: 'rowing, stationary ergometer, general, vigorous effort',
    met: 6.0,
    keywords: ['rower', 'rowing', 'erg'],
  },
  { code: '12150', description: 'running', met: 8.0, keywords: ['treadmill', 'run', 'running', 'jog'] },
  {
    code: '02068',
    description: 'rope skipping, general',
    met: 12.3,
    keywords: ['skipping', 'jump rope', 'rope jump'],
  },
  { code: '02080', description: 'ski machine, general', met: 6.8, keywords: ['ski'] },
  {
    code: '02040',
    description:
      'circuit training, including kettlebells, some aerobic movement with minimal rest, general, vigorous intensity',
    met: 8.0,
    keywords: ['circuit', 'kettlebell', 'burpee'],
  },
  {
    code: '02052',
    description: 'resistance (weight) training, squats, slow or explosive effort',
    met: 5.0,
    keywords: ['squat'],
  },
  {
    code: '02050',
    description:
      'resistance training (weight lifting, free weight, nautilus or universal), power lifting or body building, vigorous effort',
    met: 6.0,
    keywords: ['deadlift', 'clean', 'snatch', 'power'],
  },
  {
    code: '02054',
    description: 'resistance (weight) training, multiple exercises, 8-15 repetitions at varied resistance',
    met: 3.5,
    keywords: [],
  },
  {
    code: '02022',
    description: 'calisthenics (e.g., push ups, sit ups, pull-ups, lunges), moderate effort',
    met: 3.8,
    keywords: ['push up', 'push-up', 'pushup', 'pull up', 'pull-up', 'pullup', 'lunge', 'dip', 'chin'],
  },
  {
    code: '02024',
    description: 'calisthenics (e.g., situps, abdominal crunches), light effort',
    met: 2.8,
    keywords: ['crunch', 'sit up', 'sit-up', 'situp', 'plank'],
  },
  { code: '02101', description: 'stretching, mild', met: 2.3, keywords: ['stretch'] },
] as const satisfies readonly MetValue[];

const byCode = new Map<string, MetValue>(metValues.map((m) => [m.code, m]));

/** Weight training in general: what a weighted set no keyword names counts as. */
export const RESISTANCE_TRAINING = byCode.get('02054')!;
/** Bodyweight exercise in general. */
export const CALISTHENICS = byCode.get('02022')!;

/**
 * The activity an exercise or machine name describes, by the first entry with a keyword that
 * starts one of its words ("Treadmill 2", "Rower interval", "Bodyweight squats"); otherwise weight training for a weighted set and calisthenics for the rest.
 */
export function metValueFor(name: string, options: { weighted: boolean }): MetValue {
  const text = ` ${name.toLowerCase().replace(/[^a-z0-9-]+/g, ' ')}`;
  const named = metValues.find((m) => m.keywords.some((k) => text.includes(` ${k}`)));
  return named ?? (options.weighted ? RESISTANCE_TRAINING : CALISTHENICS);
}

/** kcal of an activity: MET × body weight (kg) × hours. */
export const metKcal = (met: number, bodyWeightKg: number, seconds: number): number =>
  (met * bodyWeightKg * seconds) / 3600;
