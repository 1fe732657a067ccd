import type { PlanDayDraft } from './planning-service.ts';

/**
 * Which words betray an allergen in a food's name or ingredients. A member declares allergies in
 * their own words ("peanuts", "Shellfish", "lactose"); each is mapped to the allergen group it
 * names (the 14 the EU requires on labels, plus the usual ways of saying them) and the group's
 * words are looked for. An allergy the table does not know is looked for as it is written. The
 * lists err on the side of leaving a safe food out: a missed allergen is the failure that matters.
 */
const groups: Array<{ names: string[]; words: string[] }> = [
  {
    names: ['peanut', 'peanuts', 'groundnut', 'groundnuts'],
    words: ['peanut', 'groundnut', 'arachis', 'satay', 'mixed nuts'],
  },
  {
    names: ['tree nut', 'tree nuts', 'nut', 'nuts'],
    words: [
      'almond',
      'walnut',
      'cashew',
      'pecan',
      'pistachio',
      'hazelnut',
      'filbert',
      'macadamia',
      'brazilnut',
      'brazil nut',
      'pine nut',
      'pinenut',
      'chestnut',
      'praline',
      'marzipan',
      'nougat',
      'gianduja',
      'nutella',
      'mixed nuts',
      'nuts',
      'nut butter',
      'nut,',
    ],
  },
  {
    names: ['milk', 'dairy', 'lactose', 'casein', 'whey', 'cow milk', 'cows milk'],
    words: [
      'milk',
      'cheese',
      'butter',
      'buttermilk',
      'cream',
      'yogurt',
      'yoghurt',
      'whey',
      'casein',
      'lactose',
      'ghee',
      'kefir',
      'curd',
      'dairy',
      'custard',
      'ice cream',
      'parmesan',
      'mozzarella',
      'ricotta',
      'cheddar',
      'paneer',
      'latte',
      'cappuccino',
      'milkfat',
      'pudding',
    ],
  },
  {
    names: ['egg', 'eggs'],
    words: [
      'egg',
      'eggs',
      'mayonnaise',
      'mayo',
      'meringue',
      'albumen',
      'omelet',
      'omelette',
      'eggnog',
      'frittata',
      'quiche',
      'aioli',
    ],
  },
  {
    names: ['fish'],
    words: [
      'fish',
      'salmon',
      'tuna',
      'cod',
      'haddock',
      'halibut',
      'trout',
      'sardine',
      'anchov',
      'mackerel',
      'herring',
      'tilapia',
      'pollock',
      'bass',
      'snapper',
      'catfish',
      'swordfish',
      'sole',
      'flounder',
      'carp',
      'pike',
      'perch',
      'roe',
      'caviar',
      'surimi',
      'worcestershire',
    ],
  },
  {
    names: ['shellfish', 'crustacean', 'crustaceans', 'shrimp', 'prawn', 'prawns', 'crab', 'lobster'],
    words: [
      'shellfish',
      'crustacean',
      'shrimp',
      'prawn',
      'crab',
      'lobster',
      'crayfish',
      'crawfish',
      'langoustine',
      'scampi',
      'krill',
    ],
  },
  {
    names: ['mollusc', 'molluscs', 'mollusk', 'mollusks', 'shellfish'],
    words: [
      'mollusc',
      'mollusk',
      'clam',
      'mussel',
      'oyster',
      'scallop',
      'squid',
      'calamari',
      'octopus',
      'snail',
      'escargot',
      'abalone',
      'cuttlefish',
      'whelk',
      'conch',
    ],
  },
  {
    names: ['gluten', 'wheat', 'coeliac', 'celiac', 'cereals containing gluten'],
    words: [
      'wheat',
      'gluten',
      'bread',
      'pasta',
      'spaghetti',
      'macaroni',
      'noodle',
      'flour',
      'barley',
      'rye',
      'oat',
      'oats',
      'oatmeal',
      'spelt',
      'semolina',
      'couscous',
      'bulgur',
      'farro',
      'durum',
      'seitan',
      'cracker',
      'biscuit',
      'cookie',
      'cake',
      'muffin',
      'bagel',
      'croissant',
      'pita',
      'tortilla, flour',
      'cereal',
      'crouton',
      'breadcrumb',
      'breaded',
      'batter',
      'malt',
      'pastry',
      'pizza',
      'pancake',
      'waffle',
      'dumpling',
      'triticale',
      'kamut',
      'bran',
      'granola',
      'muesli',
      'soy sauce',
    ],
  },
  {
    names: ['soy', 'soya', 'soybean', 'soybeans'],
    words: ['soy', 'soya', 'tofu', 'edamame', 'tempeh', 'miso', 'natto', 'tamari', 'shoyu', 'lecithin'],
  },
  { names: ['sesame'], words: ['sesame', 'tahini', 'hummus', 'halva', 'gomasio', 'benne'] },
  { names: ['celery', 'celeriac'], words: ['celery', 'celeriac'] },
  { names: ['mustard'], words: ['mustard'] },
  { names: ['lupin', 'lupine'], words: ['lupin'] },
  {
    names: ['sulphite', 'sulphites', 'sulfite', 'sulfites', 'sulphur dioxide', 'sulfur dioxide'],
    words: [
      'sulphite',
      'sulfite',
      'sulphur dioxide',
      'sulfur dioxide',
      'wine',
      'dried apricot',
      'dried fruit',
      'raisin',
    ],
  },
];

const normalise = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9,]+/g, ' ')
    .trim();

/** The allergies as declared, tidied (lower case, trimmed, no duplicates), for storing and showing. */
export function declaredAllergens(allergies: readonly string[]): string[] {
  return [...new Set(allergies.map((a) => normalise(a).replace(/,/g, ' ').trim()).filter(Boolean))].sort();
}

/** The words to look for, for the allergies declared. */
export function allergenWords(allergies: readonly string[]): string[] {
  const words = new Set<string>();
  for (const allergy of declaredAllergens(allergies)) {
    const singular = allergy.replace(/(es|s)$/, '');
    const matching = groups.filter((g) => g.names.includes(allergy) || g.names.includes(singular));
    words.add(allergy);
    // An allergy the table does not know, said in the plural: look for the singular as well.
    if (singular.length >= 3) words.add(singular);
    if (allergy.endsWith('ies')) words.add(`${allergy.slice(0, -3)}y`);
    for (const group of matching) for (const word of group.words) words.add(word);
  }
  return [...words];
}

/**
 * A matcher for text that may contain one of the allergies: a word matches at the start of a word
 * of the text (so "peanut" finds "peanuts" and "peanut butter", "egg" finds "eggs" but not
 * "eggplant", which is whitelisted below).
 */
export function allergenMatcher(allergies: readonly string[]): (text: string) => string | undefined {
  const words = allergenWords(allergies);
  if (words.length === 0) return () => undefined;
  const escaped = words.map((w) => normalise(w).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?:^|[^a-z])(${escaped.join('|')})`, 'i');
  return (text) => {
    // Names that look like an allergen and are not one.
    const cleaned = normalise(text).replace(
      /\beggplants?\b|\bbutternut\b|\bnutmeg\b|\bcream of tartar\b|\bbuckwheat\b/g,
      ' ',
    );
    return pattern.exec(cleaned)?.[1];
  };
}

/**
 * The plan without any item whose name or ingredients contain one of `allergies`; a meal left
 * with no item is left out. Applied to every plan, whichever planner made it, before it is stored
 * and again whenever it is read.
 */
export function withoutAllergens(days: PlanDayDraft[], allergies: readonly string[]): PlanDayDraft[] {
  const contains = allergenMatcher(allergies);
  return days.map((day) => ({
    date: day.date,
    meals: day.meals
      .map((meal) => ({
        ...meal,
        items: meal.items.filter((item) => !contains([item.name, ...(item.ingredients ?? [])].join(' | '))),
      }))
      .filter((meal) => meal.items.length > 0),
  }));
}
