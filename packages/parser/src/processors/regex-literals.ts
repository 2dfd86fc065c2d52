/**
 * Literal prefilters for regexes: strings a regex cannot match without. The user_agent
 * processor tries about 1,200 of uap-core's regexes in order, and V8 compiles each one the
 * first time it runs; most of them name a product (`Firefox`, `Googlebot`, `SM-G`...) that
 * a given user agent does not contain. Testing for that name with `includes` first skips
 * the regex, and never compiles one whose literal never shows up (ua-parser's Rust port
 * does the same).
 *
 * The reading is conservative: a part it cannot vouch for adds no requirement, and syntax
 * it does not follow (or that reads differently across regex modes) gives no prefilter for
 * the whole regex, so a literal is only returned when every match contains it.
 *
 * Each worker reads all of uap-core's regexes (82 KB of pattern) at start-up, mostly in V8's
 * interpreter: so each pattern is cut into tokens by one native `split` and the loop runs per
 * token (a stretch of plain literal text is one), allocating only per literal run and group.
 * That is still about 40 ms per worker on a loaded 2-core machine; a recursive parser with
 * an object per atom cost about 100.
 */

/** Literals of which every match of a regex contains at least one. */
export interface RequiredLiterals {
  readonly literals: readonly string[];
  /**
   * True when they are lowercase, to look for in the lowercased input: the regex has the
   * `i` flag, or spells case in classes (`[Ss]pider`).
   */
  readonly folded: boolean;
}

/**
 * Literals of which every match of `source` contains at least one as a substring of the
 * input; undefined when no such set is known. `source` is read as a pattern without the
 * `u` or `v` flag. `common` are typical inputs: of the requirements the regex has, the one
 * found in fewest of them is chosen (then the longest), so that the prefilter rules out
 * most inputs.
 */
export function requiredLiterals(
  source: string,
  ignoreCase: boolean,
  common: readonly string[] = [],
): RequiredLiterals | undefined {
  // With `i`, JS folds case for non-ASCII characters in ways toLowerCase does not mirror;
  // none of uap-core's regexes has any, and with `u` absent a non-BMP character is two
  // units: no prefilter rather than reasoning about either.
  if (NON_ASCII.test(source)) return undefined;
  const state = { folded: ignoreCase };
  const found = parse(source, joined(common, ignoreCase), state);
  if (found === undefined) return undefined;
  // Lowercasing is always safe for ASCII literals: where the input has one, its lowercase
  // has the literal's lowercase.
  const literals = state.folded ? found.literals.map((l) => l.toLowerCase()) : found.literals;
  return { literals: [...new Set(literals)], folded: state.folded };
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * The common inputs as one text (lowercased for `i`), looked into with one `includes` per
 * literal: cold, a loop over the inputs cost more than the searches.
 */
const joinedCache = new WeakMap<readonly string[], { exact: string; lower: string }>();
function joined(common: readonly string[], lower: boolean): string {
  let out = joinedCache.get(common);
  if (out === undefined) {
    const exact = common.join('\n');
    out = { exact, lower: exact.toLowerCase() };
    joinedCache.set(common, out);
  }
  return lower ? out.lower : out.exact;
}

/** What every match contains one of, and how it was scored (see better). */
interface Requirement {
  readonly literals: readonly string[];
  /** How many of the literals the common inputs contain: lower is better. */
  readonly hits: number;
  /** The length of the shortest literal, at most 8: higher is better. */
  readonly length: number;
}

/** The better of two requirements: fewer found in common inputs, then longer, then fewer alternatives. */
function better(a: Requirement | undefined, b: Requirement | undefined): Requirement | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.hits !== b.hits) return a.hits < b.hits ? a : b;
  if (a.length !== b.length) return a.length > b.length ? a : b;
  return b.literals.length < a.literals.length ? b : a;
}

function requirement(literals: readonly string[], common: string): Requirement {
  let hits = 0;
  let length = 8;
  for (const l of literals) {
    if (common.includes(l)) hits++;
    if (l.length < length) length = l.length;
  }
  return { literals, hits, length };
}

/**
 * Splits a pattern into what lies between special tokens (plain literal characters) and
 * the tokens themselves, in one native call: an escape (or a trailing `\`), a bracket class
 * (`[Ss]`-style pairs included), a group opening with its `?:`/lookaround/name prefix, `)`,
 * `|`, `.`, `^`, `$`, a quantifier with its lazy `?`, or a stray `{`, `}`, `]` (literals in
 * Annex B only, not followed).
 */
const TOKENS =
  /(\\[\s\S]?|\[\^?(?:\\[\s\S]|[^\]\\])+\]|\((?:\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>))?|[)|.^$]|(?:[?*+]|\{\d+(?:,\d*)?\})\??|[{}\]])/;

// The atom read last, not yet added to its sequence: a quantifier may follow it.
const NONE = 0;
const CHAR = 1;
const OTHER = 2;
const ASSERTION = 3;
const GROUP = 4;

/**
 * The requirement of the whole pattern, or undefined. Per nesting level (index d) it keeps
 * the alternatives finished so far (`branches`, null once one has no requirement), whether
 * the group is a lookaround, the best requirement of the alternative being read and its
 * current literal run.
 */
function parse(source: string, common: string, state: { folded: boolean }): Requirement | undefined {
  const ignoreCase = state.folded;
  const fold = (run: string) => requirement([ignoreCase ? run.toLowerCase() : run], common);
  const branches: (string[] | null)[] = [[]];
  const lookaround: boolean[] = [false];
  const best: (Requirement | undefined)[] = [undefined];
  const runs: string[] = [''];
  let d = 0;
  let pending = NONE;
  let pendingChar = '';
  let pendingGroup: Requirement | undefined;
  const parts = source.split(TOKENS);
  // parts alternate: plain text (maybe empty), token, plain text, ..., plain text.
  for (let k = 0; k <= parts.length; k++) {
    const part = k < parts.length ? (parts[k] as string) : ')';
    if (part === '') continue;
    const c = part.charCodeAt(0);
    // A quantifier: [min, max] for the pending atom.
    let min = 1;
    let max = 1;
    let quantified = (k & 1) === 1;
    if (quantified && c === 0x3f /* ? */) min = 0;
    else if (quantified && c === 0x2a /* * */) {
      min = 0;
      max = Number.POSITIVE_INFINITY;
    } else if (quantified && c === 0x2b /* + */) max = Number.POSITIVE_INFINITY;
    else if (quantified && c === 0x7b /* { */ && part.length > 1) {
      const comma = part.indexOf(',');
      const close = part.indexOf('}');
      min = Number.parseInt(part.slice(1, comma < 0 ? close : comma), 10);
      max =
        comma < 0
          ? min
          : comma + 1 === close
            ? Number.POSITIVE_INFINITY
            : Number.parseInt(part.slice(comma + 1, close), 10);
    } else quantified = false;
    if (quantified && pending === NONE) return undefined;

    // Add the pending atom, min to max times.
    if (pending === CHAR) {
      if (min > 0) runs[d] += pendingChar;
      if (max !== 1 || min === 0) {
        // A repeated character ends the run ("ab+c": "ab" is certain, then "c" starts anew).
        const run = runs[d] as string;
        if (run !== '') best[d] = better(best[d], fold(run));
        runs[d] = '';
      }
    } else if (pending !== NONE) {
      const run = runs[d] as string;
      if (run !== '') best[d] = better(best[d], fold(run));
      runs[d] = '';
      // `a\bb` still needs "ab", but cutting the run at an assertion loses nothing needed.
      if (pending === ASSERTION && (min !== 1 || max !== 1)) return undefined;
      if (pending === GROUP && min > 0) best[d] = better(best[d], pendingGroup);
    }
    pending = NONE;
    if (quantified) continue;

    if ((k & 1) === 0) {
      // Plain characters: all but the last are certain, a quantifier may follow the last.
      runs[d] += part.slice(0, -1);
      pending = CHAR;
      pendingChar = part.slice(-1);
      continue;
    }

    // The end of an alternative (of the whole pattern after the last part).
    if (c === 0x7c /* | */ || c === 0x29 /* ) */) {
      const run = runs[d] as string;
      if (run !== '') best[d] = better(best[d], fold(run));
      runs[d] = '';
      const done = branches[d] as string[] | null;
      const b = best[d];
      branches[d] = done === null || b === undefined ? null : done.concat(b.literals);
      best[d] = undefined;
      if (c === 0x7c) continue;
      if (k === parts.length) break;
      if (d === 0) return undefined; // an unmatched `)`
      const literals = branches[d] ?? null;
      pending = lookaround[d] ? ASSERTION : GROUP;
      pendingGroup = literals === null || literals.length === 0 ? undefined : requirement(literals, common);
      d--;
      continue;
    }
    switch (c) {
      case 0x5e /* ^ */:
      case 0x24 /* $ */:
        pending = ASSERTION;
        break;
      case 0x2e /* . */:
        pending = OTHER;
        break;
      case 0x5b /* [ */:
        {
          const a = part.charCodeAt(1);
          if (
            part.length === 4 &&
            (a | 0x20) === (part.charCodeAt(2) | 0x20) &&
            a !== part.charCodeAt(2) &&
            (a | 0x20) >= 0x61 &&
            (a | 0x20) <= 0x7a
          ) {
            // `[Ss]`: one letter in either case, which the lowercased input has in lowercase.
            pending = CHAR;
            pendingChar = String.fromCharCode(a | 0x20);
            state.folded = true;
          } else pending = OTHER;
          break;
        }
      case 0x28 /* ( */:
        d++;
        branches[d] = [];
        // `(?=`, `(?!`, `(?<=`, `(?<!`: zero width, and only positive ones need their text.
        lookaround[d] = part.length > 2 && part !== '(?:' && (part[2] !== '<' || part.length === 4);
        best[d] = undefined;
        runs[d] = '';
        break;
      case 0x5c /* \ */:
        {
          const e = part.charCodeAt(1);
          if (part.length === 1) return undefined; // a trailing backslash
          if (e === 0x62 /* b */ || e === 0x42 /* B */) pending = ASSERTION;
          else if (e === 0x64 || e === 0x44 || e === 0x77 || e === 0x57 || e === 0x73 || e === 0x53)
            pending = OTHER; // dDwWsS
          // \1, \x41, \t, \k<n>...: each reads differently in a different mode.
          else if ((e >= 0x30 && e <= 0x39) || ((e | 0x20) >= 0x61 && (e | 0x20) <= 0x7a)) return undefined;
          else {
            pending = CHAR;
            pendingChar = part[1] as string;
          }
          break;
        }
      default:
        return undefined; // a stray `{`, `}` or `]`, or a quantifier after nothing
    }
  }
  if (d !== 0) return undefined;
  const literals = branches[0] ?? null;
  if (literals === null || literals.length === 0) return undefined;
  return requirement(literals, common);
}
