import Type, { type Static } from 'typebox';

const at = Type.String({ format: 'date-time' });
/** A calendar date in the member's time zone (checked for a real date by the service). */
export const NutritionDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 });

export const mealTypes = ['breakfast', 'lunch', 'dinner', 'snack'] as const;
export const MealType = Type.Enum(mealTypes);
export type MealType = Static<typeof MealType>;

/** `logged`: entered by the member; the others come from a photo's detection. */
export const mealStatuses = ['logged', 'detected', 'needs_confirmation', 'manual_entry_needed'] as const;
export const MealStatus = Type.Enum(mealStatuses);
export type MealStatus = Static<typeof MealStatus>;

/** Where a meal's items came from. */
export const mealSources = ['manual', 'photo', 'plan'] as const;
export const MealSource = Type.Enum(mealSources);
export type MealSource = Static<typeof MealSource>;

/** Figures that may be unknown for a reference food (SR28 has no figure: unknown is not zero). */
const maybe = Type.Union([Type.Number(), Type.Null()]);

export const FoodFigures = Type.Object({
  kcal: maybe,
  proteinG: maybe,
  carbsG: maybe,
  fatG: maybe,
  fibreG: maybe,
});
export type FoodFigures = Static<typeof FoodFigures>;

/** A reference food (USDA SR28): per 100 g and per household portion. */
export const Food = Type.Object({
  id: Type.String(),
  name: Type.String(),
  foodGroup: Type.String(),
  per100g: FoodFigures,
  portions: Type.Array(
    Type.Object({ label: Type.String(), grams: Type.Number(), ...FoodFigures.properties }),
  ),
});
export type Food = Static<typeof Food>;

/** Grams of one item: more than 0, at most 5 kg (more is a typing mistake, not a meal). */
export const ItemGrams = Type.Number({ exclusiveMinimum: 0, maximum: 5000 });

/** Another reading of a detected item, or a food-search suggestion for one to enter by hand. */
export const MealItemAlternative = Type.Object({
  name: Type.String(),
  foodId: Type.Optional(Type.String()),
  confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  grams: Type.Optional(Type.Number()),
  kcal: Type.Optional(Type.Number()),
});
export type MealItemAlternative = Static<typeof MealItemAlternative>;

export const MealItem = Type.Object({
  name: Type.String(),
  /** The reference food it was computed from, when there is one. */
  foodId: Type.Optional(Type.String()),
  grams: Type.Union([Type.Number(), Type.Null()]),
  kcal: Type.Number(),
  proteinG: Type.Number(),
  carbsG: Type.Number(),
  fatG: Type.Number(),
  fibreG: Type.Optional(Type.Number()),
  /** Detection's confidence (photo meals). */
  confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  alternatives: Type.Optional(Type.Array(MealItemAlternative)),
});
export type MealItem = Static<typeof MealItem>;

export const Totals = Type.Object({
  kcal: Type.Number(),
  proteinG: Type.Number(),
  carbsG: Type.Number(),
  fatG: Type.Number(),
  fibreG: Type.Number(),
});
export type Totals = Static<typeof Totals>;

export const Meal = Type.Object({
  id: Type.String(),
  mealType: MealType,
  eatenAt: at,
  /** The calendar day it was eaten, in the member's time zone when it was logged. */
  localDate: NutritionDate,
  status: MealStatus,
  source: MealSource,
  /** The detection model and version that produced the items (photo meals). */
  model: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  modelVersion: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  hasPhoto: Type.Boolean(),
  items: Type.Array(MealItem),
  totals: Totals,
  createdAt: at,
});
export type Meal = Static<typeof Meal>;

/** A reference food by weight (macros computed by the service) or a free entry with its figures. */
export const FoodEntry = Type.Object(
  { foodId: Type.String({ minLength: 1, maxLength: 20 }), grams: ItemGrams },
  { additionalProperties: false },
);
export const FreeEntry = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    grams: Type.Optional(ItemGrams),
    kcal: Type.Number({ minimum: 0, maximum: 10_000 }),
    proteinG: Type.Number({ minimum: 0, maximum: 1000 }),
    carbsG: Type.Number({ minimum: 0, maximum: 1000 }),
    fatG: Type.Number({ minimum: 0, maximum: 1000 }),
    fibreG: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export const MealEntry = Type.Union([FoodEntry, FreeEntry]);
export type MealEntry = Static<typeof MealEntry>;

export const targetMethods = ['mifflin_st_jeor', 'reference_intake'] as const;
export const Targets = Type.Object({
  kcal: Type.Integer(),
  proteinG: Type.Integer(),
  carbsG: Type.Integer(),
  fatG: Type.Integer(),
  /** `mifflin_st_jeor` from the member's figures; `reference_intake`: a 2,000 kcal adult reference. */
  method: Type.Enum(targetMethods),
  /** `profile` when the member's figures were used, `defaults` when some were missing. */
  source: Type.Union([Type.Literal('profile'), Type.Literal('defaults')]),
  /** Profile figures that were missing or assumed (e.g. `demographics.weightKg`, `demographics.activityLevel`). */
  assumed: Type.Array(Type.String()),
});
export type Targets = Static<typeof Targets>;

export const MealPlanSource = Type.Union([
  Type.Literal('ai'),
  Type.Literal('cache'),
  Type.Literal('fallback'),
]);
export type MealPlanSource = Static<typeof MealPlanSource>;

export const PlannedItem = Type.Object({
  name: Type.String(),
  foodId: Type.Optional(Type.String()),
  grams: Type.Number(),
  kcal: Type.Number(),
  proteinG: Type.Number(),
  carbsG: Type.Number(),
  fatG: Type.Number(),
});
export type PlannedItem = Static<typeof PlannedItem>;

export const PlannedMeal = Type.Object({
  mealType: MealType,
  /** Suggested local time (HH:MM, the member's time zone). */
  time: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
  items: Type.Array(PlannedItem),
  totals: Totals,
});
export type PlannedMeal = Static<typeof PlannedMeal>;

export const PlanDay = Type.Object({
  date: NutritionDate,
  meals: Type.Array(PlannedMeal),
  totals: Totals,
});
export type PlanDay = Static<typeof PlanDay>;

export const MealPlan = Type.Object({
  id: Type.String(),
  source: MealPlanSource,
  /** What the plan aims at per day. */
  targets: Targets,
  /** Allergies declared when it was made: no item contains them. */
  excludedAllergens: Type.Array(Type.String()),
  timezone: Type.String(),
  startsOn: NutritionDate,
  days: Type.Array(PlanDay),
  createdAt: at,
});
export type MealPlan = Static<typeof MealPlan>;

const DayMeal = Type.Object({
  mealType: MealType,
  planned: Type.Union([Totals, Type.Null()]),
  eaten: Totals,
  /** The meals eaten of this type on the day. */
  mealIds: Type.Array(Type.String()),
});

export const DayView = Type.Object({
  date: NutritionDate,
  timezone: Type.String(),
  targets: Targets,
  /** The active plan's meals for this day, if the plan covers it. */
  planId: Type.Union([Type.String(), Type.Null()]),
  meals: Type.Array(DayMeal),
  total: Type.Object({ planned: Type.Union([Totals, Type.Null()]), eaten: Totals }),
});
export type DayView = Static<typeof DayView>;
