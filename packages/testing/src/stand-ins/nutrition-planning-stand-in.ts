import { fixtureSecrets } from '../fixture-secrets.ts';
import { startStandIn, type StandIn } from './stand-in-server.ts';

// The nutrition planning service of the seed ("External APIs"): API key with an HMAC request
// signature, 2000 requests per day per key, POST /plans/generate and POST /macros/calculate, all
// under /v1. Plans are built from a fixed menu scaled to the targets asked for, so tests can check
// what they asked for and what came back.

type MealType = 'breakfast' | 'lunch' | 'snack' | 'dinner';

interface Dish {
  name: string;
  /** Per 100 g. */
  kcal: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
  ingredients: string[];
}

const dish = (name: string, figures: [number, number, number, number], ingredients: string[]): Dish => ({
  name,
  kcal: figures[0],
  proteinG: figures[1],
  carbsG: figures[2],
  fatG: figures[3],
  ingredients,
});

/**
 * The stand-in's menu. Some dishes hide an allergen in their ingredients only (pad thai's
 * peanuts, pesto's pine nuts and cheese), as real recipes do.
 */
export const nutritionStandInMenu: Record<MealType, Dish[]> = {
  breakfast: [
    dish('Peanut butter toast', [330, 12, 38, 15], ['wholegrain wheat bread', 'peanut butter']),
    dish('Greek yogurt with berries', [95, 8, 11, 2], ['greek yogurt', 'blueberries', 'honey']),
    dish('Scrambled eggs on rye', [210, 12, 15, 11], ['eggs', 'rye bread', 'butter']),
    dish('Overnight oats', [150, 6, 22, 4], ['rolled oats', 'almond milk', 'chia seeds']),
    dish('Tofu scramble with potatoes', [140, 9, 13, 6], ['firm tofu', 'potatoes', 'olive oil', 'turmeric']),
  ],
  lunch: [
    dish('Pad thai', [190, 9, 24, 7], ['rice noodles', 'peanuts', 'egg', 'fish sauce', 'bean sprouts']),
    dish('Chicken and quinoa bowl', [150, 14, 15, 4], ['chicken breast', 'quinoa', 'spinach', 'olive oil']),
    dish('Pesto pasta', [230, 8, 30, 9], ['wheat pasta', 'basil', 'pine nuts', 'parmesan', 'olive oil']),
    dish('Lentil and rice salad', [140, 7, 22, 3], ['lentils', 'brown rice', 'tomatoes', 'olive oil']),
    dish('Tuna nicoise salad', [120, 11, 7, 6], ['tuna', 'egg', 'green beans', 'potatoes', 'olives']),
  ],
  snack: [
    dish('Mixed nuts', [600, 18, 21, 52], ['almonds', 'cashews', 'hazelnuts']),
    dish('Apple with cheddar', [150, 6, 12, 9], ['apple', 'cheddar cheese']),
    dish('Hummus and carrots', [120, 4, 13, 6], ['chickpeas', 'tahini', 'carrots']),
    dish('Banana', [89, 1, 23, 0.3], ['banana']),
  ],
  dinner: [
    dish('Shrimp stir-fry with noodles', [150, 12, 16, 4], ['shrimp', 'egg noodles', 'soy sauce', 'peppers']),
    dish('Grilled salmon with sweet potato', [160, 12, 12, 7], ['salmon', 'sweet potato', 'broccoli']),
    dish('Beef chili with rice', [150, 10, 16, 5], ['lean beef', 'kidney beans', 'rice', 'tomatoes']),
    dish('Chickpea curry with rice', [140, 5, 22, 4], ['chickpeas', 'coconut milk', 'rice', 'spinach']),
    dish('Roast chicken with potatoes', [140, 13, 11, 5], ['chicken', 'potatoes', 'carrots', 'olive oil']),
  ],
};

const shares: Array<[MealType, number, string]> = [
  ['breakfast', 0.25, '07:30'],
  ['lunch', 0.3, '12:30'],
  ['snack', 0.1, '16:00'],
  ['dinner', 0.35, '19:00'],
];

export interface NutritionPlanRequest {
  userId?: string;
  startDate: string;
  days: number;
  timezone?: string;
  targets: { calories: number; proteinG: number; carbsG: number; fatG: number };
  goal?: string;
  allergies?: string[];
  meals?: MealType[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const addDays = (day: string, n: number) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
};

/**
 * A plan from the menu: one dish per meal, rotating by day, each portioned to its meal's share of
 * the calories. With `honourAllergies`, dishes naming an allergy in their name or ingredients are
 * skipped (by plain words: the real service's filtering is not something to rely on).
 */
export function planFromMenu(request: NutritionPlanRequest, honourAllergies: boolean) {
  const allergies = honourAllergies ? (request.allergies ?? []).map((a) => a.toLowerCase()) : [];
  const safe = (d: Dish) =>
    !allergies.some((a) => [d.name, ...d.ingredients].some((text) => text.toLowerCase().includes(a)));
  return {
    planId: `np-${request.startDate}-${Math.round(request.targets.calories)}`,
    days: Array.from({ length: request.days }, (_, dayIndex) => ({
      date: addDays(request.startDate, dayIndex),
      meals: shares.flatMap(([mealType, share, time]) => {
        const options = nutritionStandInMenu[mealType].filter(safe);
        const chosen = options[dayIndex % Math.max(1, options.length)];
        if (!chosen) return [];
        const grams = round1(((request.targets.calories * share) / chosen.kcal) * 100);
        return [
          {
            mealType,
            time,
            items: [
              {
                name: chosen.name,
                grams,
                calories: round1((chosen.kcal * grams) / 100),
                proteinG: round1((chosen.proteinG * grams) / 100),
                carbsG: round1((chosen.carbsG * grams) / 100),
                fatG: round1((chosen.fatG * grams) / 100),
                ingredients: chosen.ingredients,
              },
            ],
          },
        ];
      }),
    })),
    generatedAt: new Date().toISOString(),
  };
}

const generateBody = {
  type: 'object',
  required: ['startDate', 'days', 'targets'],
  properties: {
    userId: { type: 'string', maxLength: 100 },
    startDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    days: { type: 'integer', minimum: 1, maximum: 14 },
    timezone: { type: 'string', maxLength: 64 },
    targets: {
      type: 'object',
      required: ['calories', 'proteinG', 'carbsG', 'fatG'],
      properties: {
        calories: { type: 'number', minimum: 800, maximum: 6000 },
        proteinG: { type: 'number', minimum: 0 },
        carbsG: { type: 'number', minimum: 0 },
        fatG: { type: 'number', minimum: 0 },
      },
    },
    goal: { type: 'string', maxLength: 40 },
    allergies: { type: 'array', maxItems: 30, items: { type: 'string', maxLength: 100 } },
    meals: { type: 'array', maxItems: 8, items: { type: 'string' } },
  },
} as const;

export interface NutritionPlanningStandIn extends StandIn {
  /** Base URL of the API, with its `/v1` prefix. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly secret: string;
}

/**
 * The nutrition planning service, standing in: every request must carry the API key and a valid
 * HMAC signature over method, path, timestamp, nonce and body hash (refused with 401 otherwise,
 * recorded with the reason); 2000 requests a day per key; the fault controls of every stand-in.
 */
export async function startNutritionPlanningStandIn(
  options: {
    apiKey?: string;
    secret?: string;
    rateLimit?: { limit: number; windowS: number };
    /** Leave out dishes that name a declared allergy (default: ignore allergies, as a careless service might). */
    honourAllergies?: boolean;
  } = {},
): Promise<NutritionPlanningStandIn> {
  const apiKey = options.apiKey ?? fixtureSecrets.nutritionPlanningApiKey;
  const secret = options.secret ?? fixtureSecrets.nutritionPlanningSecret;
  const standIn = await startStandIn({
    auth: { kind: 'hmac', apiKey, secret },
    rateLimit: options.rateLimit ?? { limit: 2000, windowS: 86_400 },
    // Valid JSON, wrong shape: what a half-deployed upstream sends.
    garbageBody: '{"plan":{"days":"soon","meals":null}}',
    routes(app) {
      app.post('/v1/plans/generate', { schema: { body: generateBody } }, async (request) => ({
        plan: planFromMenu(request.body as NutritionPlanRequest, options.honourAllergies ?? false),
      }));
      app.post('/v1/macros/calculate', async (request) => {
        const { calories = 2000 } = (request.body ?? {}) as { calories?: number };
        return {
          calories,
          proteinG: Math.round((calories * 0.25) / 4),
          carbsG: Math.round((calories * 0.45) / 4),
          fatG: Math.round((calories * 0.3) / 9),
        };
      });
    },
  });
  return Object.assign(standIn, { baseUrl: `${standIn.url}/v1`, apiKey, secret });
}
