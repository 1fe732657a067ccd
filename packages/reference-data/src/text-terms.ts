/** Words that match nearly everything and rank nothing. */
const stopWords = new Set(['a', 'an', 'and', 'or', 'of', 'the']);

/** Splits on anything that is not a letter or digit ("ready-to-eat", "chicken,breast"). */
export const tokenize = (text: string): string[] => text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * One form per word for indexing and querying alike: lower case, accents dropped ("jalapeño" finds
 * "jalapeno"), and a plain plural "s" removed ("eggs" finds "egg", "breast" finds "breasts").
 */
export function normaliseTerm(term: string): string | null {
  const plain = term
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  if (!plain || stopWords.has(plain)) return null;
  return plain.length > 3 && plain.endsWith('s') && !plain.endsWith('ss') ? plain.slice(0, -1) : plain;
}
