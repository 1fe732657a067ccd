import { createHash, randomUUID } from 'node:crypto';
import { fixtureSecrets } from '../fixture-secrets.ts';
import { startStandIn, type StandIn } from './stand-in-server.ts';

// The meal detection service of the seed ("External APIs"): bearer token, 500 requests per hour
// per token, POST /analyze/image, GET /confidence/score, POST /correction/feedback, all under /v1.
// It "sees" food by the image's hash (deterministic), unless a test tells it what to see.

export interface StandInDetectedItem {
  name: string;
  grams: number;
  confidence: number;
  kcal: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
  alternatives?: { name: string; confidence: number }[];
}

export interface StandInAnalysis {
  analysisId: string;
  imageHash: string;
  model: { name: string; version: string };
  items: StandInDetectedItem[];
}

export const standInModel = { name: 'mealvision', version: '2026.11-standin' };

const item = (
  name: string,
  grams: number,
  per100: [number, number, number, number],
  confidence: number,
  alternatives?: string[],
): StandInDetectedItem => {
  const [kcal, proteinG, carbsG, fatG] = per100.map((v) => Math.round((v * grams) / 10) / 10) as [
    number,
    number,
    number,
    number,
  ];
  return {
    name,
    grams,
    confidence,
    kcal,
    proteinG,
    carbsG,
    fatG,
    ...(alternatives
      ? {
          alternatives: alternatives.map((n, i) => ({
            name: n,
            confidence: Math.round((confidence - 0.1 * (i + 1)) * 100) / 100,
          })),
        }
      : {}),
  };
};

/** What the stand-in sees on a plate: per 100 g kcal, protein, carbs, fat. */
const plates: StandInDetectedItem[][] = [
  [
    item('Grilled chicken breast', 150, [165, 31, 0, 3.6], 0.94),
    item('Rice, white, cooked', 180, [130, 2.7, 28, 0.3], 0.64, ['Rice, brown, cooked', 'Couscous, cooked']),
  ],
  [
    item('Salmon, baked', 140, [206, 22, 0, 12], 0.91),
    item('Broccoli, steamed', 90, [35, 2.4, 7, 0.4], 0.88),
  ],
  [item('Pasta with tomato sauce', 300, [130, 4.5, 24, 2], 0.72, ['Lasagna', 'Pasta with meat sauce'])],
  [item('Unidentified stew', 250, [90, 5, 8, 4], 0.31, ['Goulash', 'Chili con carne'])],
];

/** The plate an image shows: chosen by its hash, so the same image is always the same plate. */
export function plateFor(imageHash: string): StandInDetectedItem[] {
  const index = Number.parseInt(imageHash.slice(0, 8), 16) % plates.length;
  return plates[index]!;
}

export interface MealDetectionStandIn extends StandIn {
  /** Base URL of the API, with its `/v1` prefix. */
  readonly baseUrl: string;
  readonly token: string;
  /** From now on, every image shows these items (null: back to the plate by hash). */
  see(items: StandInDetectedItem[] | null): void;
  /** Feedback received (`POST /v1/correction/feedback`), oldest first. */
  feedback(): { analysisId: string; imageHash: string; mealId?: string; items: unknown[] }[];
}

const analyzeBody = {
  type: 'object',
  required: ['image'],
  properties: {
    image: { type: 'string', minLength: 8 },
    imageHash: { type: 'string', maxLength: 128 },
    contentType: { type: 'string' },
  },
} as const;

const feedbackBody = {
  type: 'object',
  required: ['analysisId', 'items'],
  properties: {
    analysisId: { type: 'string', maxLength: 100 },
    imageHash: { type: 'string', maxLength: 128 },
    mealId: { type: 'string', maxLength: 100 },
    items: { type: 'array', maxItems: 50 },
  },
} as const;

/**
 * The meal detection service, locally: `POST /v1/analyze/image` {image: base64 JPEG, imageHash}
 * → {analysisId, model, items}, `GET /v1/confidence/score?analysisId=`, `POST /v1/correction/feedback`;
 * bearer token; its own limit (500/h unless told); the usual fault controls (`behave`).
 */
export async function startMealDetectionStandIn(
  options: { token?: string; rateLimit?: { limit: number; windowS: number } } = {},
): Promise<MealDetectionStandIn> {
  const token = options.token ?? fixtureSecrets.mealDetectionToken;
  let seen: StandInDetectedItem[] | null = null;
  const analyses = new Map<string, StandInAnalysis>();
  const feedback: ReturnType<MealDetectionStandIn['feedback']> = [];
  const standIn = await startStandIn({
    auth: { kind: 'bearer', token },
    rateLimit: options.rateLimit ?? { limit: 500, windowS: 3600 },
    // Valid JSON, wrong shape: confidence as words, no model.
    garbageBody: '{"analysisId":7,"items":[{"name":"soup","confidence":"high"}]}',
    routes(app) {
      app.post('/v1/analyze/image', { schema: { body: analyzeBody } }, async (request, reply) => {
        const body = request.body as { image: string; imageHash?: string };
        const bytes = Buffer.from(body.image, 'base64');
        // It only looks at JPEGs, as the real one documents.
        if (bytes[0] !== 0xff || bytes[1] !== 0xd8)
          return reply.status(422).send({ error: 'unprocessable', message: 'not a JPEG image' });
        const imageHash = body.imageHash ?? createHash('sha256').update(bytes).digest('hex');
        const analysis: StandInAnalysis = {
          analysisId: `an-${randomUUID()}`,
          imageHash,
          model: standInModel,
          items: seen ?? plateFor(imageHash),
        };
        analyses.set(analysis.analysisId, analysis);
        return analysis;
      });
      app.get('/v1/confidence/score', async (request, reply) => {
        const { analysisId = '' } = request.query as { analysisId?: string };
        const analysis = analyses.get(analysisId);
        if (!analysis) return reply.status(404).send({ error: 'not_found' });
        const scores = analysis.items.map((i) => i.confidence);
        return { analysisId, overall: Math.min(...scores), items: scores };
      });
      app.post('/v1/correction/feedback', { schema: { body: feedbackBody } }, async (request, reply) => {
        feedback.push(request.body as ReturnType<MealDetectionStandIn['feedback']>[number]);
        return reply.status(202).send({ accepted: true });
      });
    },
  });
  const reset = standIn.reset.bind(standIn);
  return Object.assign(standIn, {
    baseUrl: `${standIn.url}/v1`,
    token,
    see(items: StandInDetectedItem[] | null) {
      seen = items;
    },
    feedback: () => [...feedback],
    reset() {
      reset();
      seen = null;
      feedback.length = 0;
    },
  });
}
