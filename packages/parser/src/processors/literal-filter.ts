import type { RequiredLiterals } from './regex-literals.js';

/**
 * A text as many literal prefilters look into it: the text, its lowercase, and which pairs
 * of adjacent characters each has. uap-core's rules hold about 2,900 literals; `includes`
 * of each in a 150-character user agent cost about 150 µs per UA, while a bit per
 * character pair rules out nearly all of them at a few nanoseconds each (see LiteralFilter).
 */
export class LiteralScan {
  text = '';
  lower = '';
  private readonly exactPairs = new Int32Array(PAIR_WORDS);
  private readonly lowerPairs = new Int32Array(PAIR_WORDS);

  /** Reads `text`: the scan answers for it until the next reset. */
  reset(text: string): this {
    this.text = text;
    this.lower = text.toLowerCase();
    markPairs(text, this.exactPairs);
    markPairs(this.lower, this.lowerPairs);
    return this;
  }

  /** Drops the text: the UA may be a slice of a whole batch, which it would keep alive. */
  release(): void {
    this.text = '';
    this.lower = '';
  }

  /** False when the text (lowercased when `filter.folded`) contains none of the filter's literals. */
  mayContain(filter: LiteralFilter): boolean {
    const pairs = filter.folded ? this.lowerPairs : this.exactPairs;
    const text = filter.folded ? this.lower : this.text;
    const { literals, keys } = filter;
    for (let i = 0; i < literals.length; i++) {
      const key = keys[i] as number;
      if (key >= 0 && (pairs[key >>> 5]! & (1 << (key & 31))) === 0) continue;
      if (text.includes(literals[i] as string)) return true;
    }
    return false;
  }
}

/** Required literals with, for each, the character pair looked up before `includes` (-1: none). */
export interface LiteralFilter extends RequiredLiterals {
  readonly keys: Int32Array;
}

/** Pairs of 7-bit codes: 2^14 bits. */
const PAIR_WORDS = 1 << 9;

/**
 * The pair key of two characters. A non-ASCII character folds onto an ASCII code: a pair
 * may then be marked that the text does not have (a needless `includes`), never the
 * reverse, since literals are ASCII.
 */
function pairKey(a: number, b: number): number {
  return ((a & 0x7f) << 7) | (b & 0x7f);
}

function markPairs(text: string, pairs: Int32Array): void {
  pairs.fill(0);
  let prev = text.charCodeAt(0);
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const key = pairKey(prev, c);
    pairs[key >>> 5]! |= 1 << (key & 31);
    prev = c;
  }
}

/**
 * Filters for required literals: each literal keyed by its character pair that fewest of
 * the common texts have (lowercased when folded), so that typical texts are ruled out by
 * the bit alone.
 */
export class LiteralFilters {
  private readonly exactCounts: Map<number, number>;
  private readonly lowerCounts: Map<number, number>;

  constructor(common: readonly string[]) {
    this.exactCounts = pairCounts(common);
    this.lowerCounts = pairCounts(common.map((c) => c.toLowerCase()));
  }

  of(required: RequiredLiterals): LiteralFilter {
    const counts = required.folded ? this.lowerCounts : this.exactCounts;
    const keys = new Int32Array(required.literals.length).fill(-1);
    for (let n = 0; n < required.literals.length; n++) {
      const literal = required.literals[n] as string;
      let rarest = Number.POSITIVE_INFINITY;
      for (let i = 1; i < literal.length; i++) {
        const key = pairKey(literal.charCodeAt(i - 1), literal.charCodeAt(i));
        const count = counts.get(key) ?? 0;
        if (count < rarest) {
          rarest = count;
          keys[n] = key;
        }
      }
    }
    return { literals: required.literals, folded: required.folded, keys };
  }
}

/** How many of the texts have each character pair. */
function pairCounts(texts: readonly string[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const text of texts) {
    const seen = new Set<number>();
    for (let i = 1; i < text.length; i++) seen.add(pairKey(text.charCodeAt(i - 1), text.charCodeAt(i)));
    for (const key of seen) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
