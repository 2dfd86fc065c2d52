import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredLiterals as required } from './regex-literals.js';
import { parseUapYaml } from './user-agent.js';

/** Variants of a string with ASCII letters' case flipped at random (for `i` regexes). */
function flipCase(text: string, seed: number): string {
  let s = seed >>> 0;
  let out = '';
  for (const c of text) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out += s & 0x10000 ? c.toUpperCase() : c.toLowerCase();
  }
  return out;
}

/** The literals alone (lowercase when folded). */
function requiredLiterals(source: string, ignoreCase: boolean, common?: readonly string[]) {
  return required(source, ignoreCase, common)?.literals;
}

/** True when the prefilter lets `text` through: the invariant is that every match does. */
function passes(source: string, ignoreCase: boolean, text: string): boolean {
  const found = required(source, ignoreCase, ['Mozilla/5.0 (Linux; Android 13) Chrome/1']);
  if (found === undefined) return true;
  const hay = found.folded ? text.toLowerCase() : text;
  return found.literals.some((l) => hay.includes(l));
}

/**
 * Strings the regex matches, from fast-check's generator (which knows neither `\b` nor the
 * `i` flag: it generates for the pattern without them, and what the real regex does not
 * match is dropped).
 */
function matchingSamples(source: string, ignoreCase: boolean, count: number, seed: number): string[] {
  const re = new RegExp(source, ignoreCase ? 'i' : '');
  let generator: RegExp;
  try {
    generator = new RegExp(source.replaceAll('\\b', ''));
    return fc
      .sample(fc.stringMatching(generator), { numRuns: count, seed })
      .map((s, i) => (ignoreCase ? flipCase(s, seed + i) : s))
      .filter((s) => re.test(s));
  } catch {
    return [];
  }
}

describe('requiredLiterals', () => {
  it('finds the literal runs every match needs, and picks the best', () => {
    expect(requiredLiterals('(Firefox)/(\\d+)\\.(\\d+)', false)).toEqual(['Firefox']);
    expect(requiredLiterals('(?:Firefox|Fennec)/(\\d+) M', false)).toEqual(['Firefox', 'Fennec']);
    expect(requiredLiterals('(?:Chromium|Chrome)/(\\d+)', false)).toEqual(['Chromium', 'Chrome']);
    // Escaped punctuation is literal; an optional character ends a run.
    expect(requiredLiterals('Mobile\\.Safari ?/x', false)).toEqual(['Mobile.Safari']);
    // A quantifier repeats only the last character of the run before it.
    expect(requiredLiterals('abcd+e', false)).toEqual(['abcd']);
    expect(requiredLiterals('abcdef{0,2}g', false)).toEqual(['abcde']);
    // `i`: lowercase, to look for in the lowercased input.
    expect(required('GoogleBot/(\\d+)', true)).toEqual({ literals: ['googlebot/'], folded: true });
    // A class of one letter in both cases reads as that letter in the lowercased input.
    expect(required('(?:[Ss][Pp]ider|[Cc]rawl)er', false)).toEqual({
      literals: ['spider', 'crawl'],
      folded: true,
    });
    expect(required('Firefox', false)).toEqual({ literals: ['Firefox'], folded: false });
    // Of two requirements, the one fewer common inputs contain.
    expect(
      requiredLiterals('; (MOB-[^;/]+)(?: Build|\\) AppleWebKit)', false, ['Android 13; X Build/T']),
    ).toEqual(['MOB-']);
    expect(requiredLiterals('; (MOB-[^;/]+)(?: Build|\\) AppleWebKit)', false)).toEqual([
      ' Build',
      ') AppleWebKit',
    ]);
  });

  it('gives nothing it cannot vouch for', () => {
    for (const [source, ignoreCase] of [
      ['(a|)b?', false], // an empty alternative
      ['(?:abc)?x*', false], // nothing mandatory
      ['.{0,200}[Sx][0-9]', false], // classes only (and `.`)
      ['(?=abc)\\d', false], // a lookahead is not consumed: not followed
      ['\\d+(?<=abc)', false],
      ['(abc)\\1', false], // back-references and other letter escapes are not read at all
      ['\\x41bc', false],
      ['\\tabc', false],
      ['abc{', false], // a literal brace (Annex B)
      ['abc}', false],
      ['abc]', false],
      ['(?i)abc', false],
      ['a(bc', false],
      ['abc)', false],
      ['abc\\', false],
      ['\\bé\\b', true], // non-ASCII: case folding is not toLowerCase's
      ['a\\b+c', false], // a quantified assertion
      ['+abc', false],
    ] as const)
      expect(requiredLiterals(source, ignoreCase), source).toBeUndefined();
    expect(requiredLiterals('x(?=abc)yz', false)).toEqual(['yz']);
    expect(requiredLiterals('^ab\\bcd$', false)).toEqual(['ab']);
  });

  it("is found in every string each of uap-core's regexes matches", () => {
    const text = readFileSync(createRequire(import.meta.url).resolve('uap-core/regexes.yaml'), 'utf8');
    const data = parseUapYaml(text);
    expect(data).toBeDefined();
    let rules = 0;
    let withLiterals = 0;
    let checked = 0;
    for (const list of Object.values(data ?? {}))
      for (const [n, rule] of list.entries()) {
        rules++;
        const source = rule.regex as string;
        const ignoreCase = rule.regex_flag === 'i';
        if (required(source, ignoreCase) === undefined) continue;
        withLiterals++;
        for (const sample of matchingSamples(source, ignoreCase, 8, n)) {
          checked++;
          expect(passes(source, ignoreCase, sample), `${source} ${JSON.stringify(sample)}`).toBe(true);
        }
      }
    // Not vacuous: nearly every rule has a prefilter, and most were exercised.
    expect(rules).toBeGreaterThan(1000);
    expect(withLiterals / rules).toBeGreaterThan(0.98);
    expect(checked).toBeGreaterThan(6 * rules);
  });

  it('holds for generated patterns: whatever a regex matches contains one of its literals', () => {
    // Patterns over a small alphabet so that literals, classes, groups, alternation,
    // quantifiers and assertions meet in every combination.
    const atom: fc.Arbitrary<string> = fc.letrec<{ pattern: string; atom: string }>((tie) => ({
      atom: fc.oneof(
        { depthSize: 'small', maxDepth: 3 },
        fc.constantFrom(
          'a',
          'b',
          'c',
          'A',
          '\\.',
          '\\-',
          ' ',
          '\\d',
          '\\w',
          '[ab]',
          '[^a]',
          '[Aa]',
          '[bB]',
          '.',
          '\\b',
          '^',
          '$',
        ),
        tie('pattern').map((p) => `(${p})`),
        tie('pattern').map((p) => `(?:${p})`),
        tie('pattern').map((p) => `(?=${p})`),
      ),
      pattern: fc
        .array(
          fc.tuple(
            tie('atom'),
            fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{0,2}', '{1,3}', '+?', '{1}', '{0}'),
          ),
          { minLength: 1, maxLength: 5 },
        )
        .chain((terms) =>
          fc
            .array(fc.constantFrom('a', 'bc', 'ab', ''), { maxLength: 2 })
            .map((alts) => [terms.map(([a, q]) => a + q).join(''), ...alts].join('|')),
        ),
    })).pattern;
    let checked = 0;
    fc.assert(
      fc.property(atom, fc.boolean(), fc.integer(), (source, ignoreCase, seed) => {
        let re: RegExp;
        try {
          re = new RegExp(source, ignoreCase ? 'i' : '');
        } catch {
          return; // `^*` and the like: not a pattern
        }
        if (required(source, ignoreCase) === undefined) return;
        const inputs = [
          ...matchingSamples(source, ignoreCase, 8, seed),
          'abc',
          'a.b-c 1',
          'AB',
          'bcbc',
          'Ab',
        ];
        for (const input of inputs)
          if (re.test(input)) {
            checked++;
            expect(passes(source, ignoreCase, input), `${source} ${JSON.stringify(input)}`).toBe(true);
          }
      }),
      // A fixed seed: random nested quantifiers can backtrack for minutes on some inputs.
      { numRuns: 5000, seed: 1205 },
    );
    expect(checked).toBeGreaterThan(1000);
  });
});
