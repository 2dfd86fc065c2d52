import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toFloat, toInt } from './applier.js';
import { applyCapturesGeneric, compilePattern, Grok, parsePatternDefinitions } from './compiler.js';
import { loadPatternsDir } from './patterns-dir.js';

const match = (pattern: string, line: string, definitions?: Record<string, string>) =>
  new Grok([pattern], definitions ? { definitions } : {}).match(line);

describe('grok references', () => {
  test('%{SYNTAX} matches without capturing, %{SYNTAX:name} captures a string', () => {
    expect(match('%{WORD} %{WORD:second}', 'hello world')).toEqual({ second: 'world' });
  });

  test('%{SYNTAX:name:int} and :float convert; a value that is not a number stays a string', () => {
    expect(match('%{INT:a:int} %{NUMBER:b:float}', 'x -42 3.25')).toEqual({ a: -42, b: 3.25 });
    expect(match('%{WORD:w:int}', 'abc')).toEqual({ w: 'abc' });
  });

  test('nested names in bracket and dotted form set the same nested field', () => {
    expect(match('%{WORD:[http][request][method]} %{NOTSPACE:url.original}', 'GET /x')).toEqual({
      http: { request: { method: 'GET' } },
      url: { original: '/x' },
    });
    expect(match('(?<[source][address]>\\d+\\.\\d+) (?<log.level>\\w+)', '1.2 warn')).toEqual({
      source: { address: '1.2' },
      log: { level: 'warn' },
    });
  });

  test('captures inside referenced patterns are fields too, at any depth', () => {
    expect(match('%{OUTER}', 'k=v', { OUTER: '%{INNER}', INNER: '%{WORD:key}=%{WORD:value}' })).toEqual({
      key: 'k',
      value: 'v',
    });
  });

  test('several patterns: tried in order, the first that matches wins', () => {
    const grok = new Grok(['^%{INT:n:int}$', '^%{WORD:w}$', '%{GREEDYDATA:rest}']);
    expect(grok.match('12')).toEqual({ n: 12 });
    expect(grok.match('abc')).toEqual({ w: 'abc' });
    expect(grok.match('a b')).toEqual({ rest: 'a b' });
    expect(new Grok(['^%{INT:n}$']).match('x')).toBeNull();
  });

  test('a search, not anchored, unless the pattern anchors', () => {
    expect(match('%{INT:n:int}', 'abc 7 def')).toEqual({ n: 7 });
    expect(match('^%{INT:n:int}', 'abc 7')).toBeNull();
  });

  test('empty and non-participating captures set no field; the first capture of a shared name wins', () => {
    expect(match('(?<a>x?)(?<b>y)', 'y')).toEqual({ b: 'y' });
    expect(match('(?:%{INT:v:int}|%{WORD:v})', 'abc')).toEqual({ v: 'abc' });
    expect(match('(?:%{INT:v:int}|%{WORD:v})', '12')).toEqual({ v: 12 });
  });

  test('a field captured twice in one match collects both values, as Logstash does', () => {
    expect(match('%{WORD:q} %{WORD:q}', 'a b')).toEqual({ q: ['a', 'b'] });
    expect(match('%{WORD:[x][q]} %{WORD:[x][q]} %{INT:[x][q]:int}', 'a b 3')).toEqual({
      x: { q: ['a', 'b', 3] },
    });
    // A typed first value is not a string: Logstash keeps it and drops the later ones.
    expect(match('%{INT:n:int} %{INT:n:int}', '1 2')).toEqual({ n: 1 });
    // Only captures that matched count: an empty second one leaves the first alone.
    expect(match('%{WORD:q} (?<q>x?)y', 'a y')).toEqual({ q: 'a' });
  });

  test('custom definitions override built-ins and may use them', () => {
    expect(match('%{WORD:x}', 'a1', { WORD: '[a-z]\\d' })).toEqual({ x: 'a1' });
    expect(match('%{PAIR:p}', 'GET 1.2.3.4', { PAIR: '%{WORD} %{IP}' })).toEqual({ p: 'GET 1.2.3.4' });
  });
});

describe('grok errors name the problem', () => {
  const error = (fn: () => unknown): ConfigError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return e as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  test('unknown pattern, with the chain that referenced it', () => {
    expect(error(() => compilePattern('%{NOPE:x}')).message).toBe(
      'unknown grok pattern %{NOPE} in "%{NOPE:x}"',
    );
    expect(
      error(() => compilePattern('%{A}', { definitions: { A: 'x%{B}', B: '%{MISSING}' } })).message,
    ).toBe('unknown grok pattern %{MISSING} (referenced from A -> B) in "%{A}"');
  });

  test('cyclic references', () => {
    expect(error(() => compilePattern('%{A}', { definitions: { A: '%{B}', B: 'x%{A}' } })).message).toBe(
      'grok pattern %{A} refers to itself: A -> B -> A',
    );
  });

  test('invalid regular expressions and unknown types', () => {
    expect(error(() => compilePattern('(?<x>[a-')).message).toMatch(
      /^invalid grok pattern "\(\?<x>\[a-": missing "\]"/,
    );
    expect(error(() => compilePattern('a{2,1}')).message).toMatch(/^invalid grok pattern "a\{2,1\}": /);
    expect(error(() => compilePattern('%{INT:n:bignum}')).message).toBe(
      'grok capture %{INT:n:bignum} has unknown type "bignum"',
    );
    expect(error(() => compilePattern('(?<x>a)\\1')).message).toMatch(/numbered backreference/);
  });

  test('an unclosed or malformed reference is an error, not literal text that never matches', () => {
    expect(error(() => compilePattern('%{WORD')).message).toBe(
      'unclosed grok reference "%{WORD" in "%{WORD"',
    );
    expect(error(() => compilePattern('%{WORD:verb} %{INT:n')).message).toBe(
      'unclosed grok reference "%{INT:n" in "%{WORD:verb} %{INT:n"',
    );
    expect(error(() => compilePattern('%{WORD:a:b:c}')).message).toBe(
      'malformed grok reference "%{WORD:a:b:c}" in "%{WORD:a:b:c}"',
    );
    expect(error(() => compilePattern('%{A}', { definitions: { A: 'x %{WORD' } })).message).toBe(
      'unclosed grok reference "%{WORD" (in the definition of %{A}) in "%{A}"',
    );
    expect(error(() => compilePattern('%{WORD')).hint).toMatch(/%\{NAME:field\}/);
    // Not references: a quantifier on "%", and an escaped brace.
    expect(compilePattern('^5%{2,3}$').regex.test('5%%')).toBe(true);
    expect(compilePattern('100\\%\\{x').regex.test('100%{x')).toBe(true);
  });

  test('the location prefix comes first', () => {
    expect(error(() => compilePattern('%{NOPE}', { where: 'p.yaml:3: processor 1 (grok)' })).message).toMatch(
      /^p\.yaml:3: processor 1 \(grok\): unknown grok pattern/,
    );
  });
});

describe('Oniguruma syntax', () => {
  test('only \\n ends a line: a lone CR, U+2028 and U+2029 are ordinary characters for ., ^ and $', () => {
    expect(match('^%{WORD:a} %{GREEDYDATA:b}$', 'hello wo\rrld')).toEqual({ a: 'hello', b: 'wo\rrld' });
    expect(match('^(?<b>.*)$', 'a\u2028b\u2029c')).toEqual({ b: 'a\u2028b\u2029c' });
    expect(match('^(?<b>x)', 'a\rx')).toBeNull();
    expect(match('^(?<b>x)$', 'a\nx\nb')).toEqual({ b: 'x' });
    expect(match('(?m)^(?<b>.*)$', 'a\nb')).toEqual({ b: 'a\nb' });
  });

  test('atomic groups do not give back what they matched', () => {
    expect(match('^(?>a+)a', 'aaa')).toBeNull();
    expect(match('^(?<x>(?>a|ab))c', 'abc')).toBeNull();
    expect(match('^(?<x>(?>ab|a))c', 'abc')).toEqual({ x: 'ab' });
    expect(match('^(?<x>(?>a+))b', 'aaab')).toEqual({ x: 'aaa' });
  });

  test('possessive quantifiers are atomic', () => {
    expect(match('^a++a', 'aaa')).toBeNull();
    expect(match('^(?<x>a*+)b', 'aab')).toEqual({ x: 'aa' });
    expect(match('^(?<x>[ab]?+)b', 'ab')).toEqual({ x: 'a' });
    expect(match('^(?<x>a{1,2}+)a$', 'aa')).toBeNull();
    expect(match('^(?<x>a{1,2}+)a$', 'aaa')).toEqual({ x: 'aa' });
  });

  test('a quantifier after an atomic group or possessive atom repeats all of it', () => {
    // Each repetition commits to its first alternative that fits: "ab", then "a".
    expect(match('^(?<x>(?>ab|a)*)$', 'aba')).toEqual({ x: 'aba' });
    expect(match('^(?<x>(?>ab|a){2})$', 'aba')).toEqual({ x: 'aba' });
    expect(match('^(?<x>(?:ab)?+)(?<y>a)$', 'aba')).toEqual({ x: 'ab', y: 'a' });
  });

  test('captures after atomic groups keep their numbers', () => {
    expect(match('(?>(?<a>x))(?<b>y)(?>z)(?<c>w)', 'xyzw')).toEqual({ a: 'x', b: 'y', c: 'w' });
  });

  test('^ and $ are line anchors; \\A and \\z anchor the whole input', () => {
    expect(match('^%{WORD:w}$', 'one\ntwo')).toEqual({ w: 'one' });
    expect(match('\\A%{WORD:w}\\z', 'one\ntwo')).toBeNull();
    expect(match('\\A(?<w>[\\s\\S]+)\\z', 'one\ntwo')).toEqual({ w: 'one\ntwo' });
    expect(match('(?<w>\\w+)\\Z', 'one two\n')).toEqual({ w: 'two' });
  });

  test('(?m) at the start is dotall, (?i) ignores case', () => {
    expect(match('(?m)^(?<all>.+)$', 'a\nb')).toEqual({ all: 'a\nb' });
    expect(match('(?i)^(?<w>get)$', 'GET')).toEqual({ w: 'GET' });
  });

  test('\\h, POSIX classes, {,n} and a leading ] in a class', () => {
    expect(match('(?<h>\\h+)', 'xyz 0aF9 q')).toEqual({ h: '0aF9' });
    expect(match('(?<w>[[:alpha:]]+)', '12 abC 3')).toEqual({ w: 'abC' });
    expect(match('^(?<d>\\d{,2})', '123')).toEqual({ d: '12' });
    expect(match('(?<b>[]x]+)', 'a]x]b')).toEqual({ b: ']x]' });
  });

  test('constructs JavaScript cannot run are rejected by name', () => {
    expect(() => compilePattern('a(?i:b)')).toThrow(/inline modifier "\(\?i:" is not supported/);
    expect(() => compilePattern('\\Gab')).toThrow(/\\G is not supported/);
    expect(() => compilePattern('[a[b]]')).toThrow(/nested character class/);
    expect(() => compilePattern('\\p{L}+')).toThrow(/Unicode property \\p\{\.\.\.\} is not supported/);
  });
});

describe('patterns files', () => {
  test('NAME regex per line, comments and blank lines ignored; a directory is read in name order', () => {
    expect(parsePatternDefinitions('# comment\n\nFOO [a-z]+\nBAR %{FOO}:\\d+\n', 'x')).toEqual({
      FOO: '[a-z]+',
      BAR: '%{FOO}:\\d+',
    });
    expect(() => parsePatternDefinitions('FOO\n', 'file.grok')).toThrow(
      /^file\.grok:1: expected "NAME regex"/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'grok-'));
    writeFileSync(join(dir, 'a'), 'ID [A-Z]{3}\n');
    writeFileSync(join(dir, 'b'), 'ID [A-Z]{2}-\\d+\nREQ %{ID:id} %{WORD:verb}\n');
    const definitions = loadPatternsDir(dir);
    expect(match('%{REQ}', 'AB-12 go', definitions)).toEqual({ id: 'AB-12', verb: 'go' });
    expect(() => loadPatternsDir(join(dir, 'missing'))).toThrow(/cannot read patterns directory/);
  });
});

describe('properties', () => {
  // Small regexes over {a, b} whose leftmost-first match a reference can compute with plain RegExp.
  const atom = fc.constantFrom(
    'a',
    'b',
    'a*',
    'b+',
    'a?',
    '(?:a|ab)',
    '(?:ab|a)',
    '[ab]*',
    'a*?',
    '(?:a|b)+?',
  );
  const seq = fc.array(atom, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));
  const subject = fc.stringMatching(/^[ab]{0,8}$/);

  test('an atomic group matches exactly what its body matches first, and never gives it back', () => {
    fc.assert(
      fc.property(seq, seq, subject, (x, y, s) => {
        // Reference semantics of ^(?>X)Y: take X's first match at 0; Y must match right after it.
        const first = new RegExp(`^(?:${x})`).exec(s);
        const expected = first !== null && new RegExp(`^(?:${y})`).test(s.slice(first[0].length));
        expect(compilePattern(`^(?>${x})${y}`, { builtins: false }).regex.test(s)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  test('a possessive quantifier is an atomic group around the quantified atom', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('a', 'b', '[ab]', '(?:ab)'),
        fc.constantFrom('*', '+', '?', '{1,2}'),
        seq,
        subject,
        (x, q, y, s) => {
          const possessive = compilePattern(`^${x}${q}+${y}`, { builtins: false }).regex.test(s);
          const atomic = compilePattern(`^(?>${x}${q})${y}`, { builtins: false }).regex.test(s);
          expect(possessive).toBe(atomic);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('round trip: values written into a line come back from grok with their types', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
    const word = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/);
    const host = fc
      .array(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/), { minLength: 1, maxLength: 3 })
      .map((labels) => labels.join('.'));
    const grok = new Grok([
      '^%{IPV4:[source][ip]} %{INT:[http][response][status_code]:int} %{NUMBER:[event][duration]:float} %{WORD:user.name} %{HOSTNAME:host.hostname} "%{DATA:message}"$',
    ]);
    fc.assert(
      fc.property(
        ipv4,
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }).map((n) => n / 1000),
        word,
        host,
        fc.stringMatching(/^[^"\n]*$/),
        (ip, status, duration, user, hostname, message) => {
          const line = `${ip} ${status} ${duration} ${user} ${hostname} "${message}"`;
          const fields: Record<string, unknown> = {
            source: { ip },
            http: { response: { status_code: status } },
            event: { duration },
            user: { name: user },
            host: { hostname },
          };
          if (message !== '') fields.message = message;
          expect(grok.match(line)).toEqual(fields);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('bracket and dotted field names address the same nested field', () => {
    const segment = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (path) => {
        const bracket = match(`(?<${path.map((p) => `[${p}]`).join('')}>x+)`, 'xx');
        const dotted = match(`%{GREEDYDATA:${path.join('.')}}`, 'xx');
        expect(bracket).toEqual(dotted);
      }),
    );
  });

  test('any literal text, escaped, matches itself and only itself', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const escaped = text.replace(/[\\^$.*+?()[\]{}|/%]/g, (c) => (c === '%' ? '%' : `\\${c}`));
        const pattern = `\\A(?<t>${escaped.replace(/%/g, '\\x25')})\\z`;
        const result = match(pattern, text);
        expect(result).toEqual(text === '' ? {} : { t: text });
      }),
    );
  });

  test('the generated capture writer does exactly what the reference implementation does', () => {
    const segment = fc.constantFrom('a', 'b', 'c', 'keep', 'message', 'x y', 'quote"d', 'back\\slash');
    const path = fc.array(segment, { minLength: 1, maxLength: 3 });
    const capture = fc.record({
      path,
      type: fc.constantFrom('', ':int', ':float'),
      body: fc.constantFrom('\\d*', '[a-z]*', '\\d+\\.?\\d*', '-?\\d+'),
    });
    fc.assert(
      fc.property(
        fc.array(capture, { minLength: 1, maxLength: 5 }),
        fc.stringMatching(/^[a-z0-9.-]{0,12}$/),
        fc.boolean(),
        (captures, text, alternate) => {
          const definitions = Object.fromEntries(captures.map((c, i) => [`P${i}`, c.body]));
          const groups = captures.map((c, i) => `%{P${i}:${c.path.map((p) => `[${p}]`).join('')}${c.type}}`);
          // Alternatives make some captures not participate; a sequence makes all of them try.
          const source = alternate ? `^(?:${groups.join('|')})` : `^${groups.join('')}`;
          const compiled = compilePattern(source, { builtins: false, definitions });
          const m = compiled.regex.exec(text);
          if (m === null) return;
          const start = () => ({ a: 'scalar in the way', keep: { me: 1 } });
          const generated = start();
          const reference = start();
          expect(compiled.apply(generated, m)).toBe(applyCapturesGeneric(reference, compiled, m));
          expect(generated).toEqual(reference);
          // Key order too: it is the order of the fields in the indexed document.
          expect(JSON.stringify(generated)).toBe(JSON.stringify(reference));
        },
      ),
      { numRuns: 400 },
    );
  });

  test('toInt and toFloat read numbers exactly as parseInt(v, 10) and parseFloat do, else keep the text', () => {
    const reference = (x: number, v: string) => (Number.isNaN(x) ? v : x);
    const numeric = fc.oneof(
      fc.stringMatching(/^-?[0-9]{0,20}(\.[0-9]{0,6})?$/),
      fc.stringMatching(/^[-+ .0-9eExa-f]{0,12}$/),
      fc.string({ maxLength: 8 }),
      fc.constantFrom('-0', '-', '.', '0.', '-.5', '9007199254740993', '1e5', 'Infinity', ' 12', '12abc'),
    );
    fc.assert(
      fc.property(numeric, (v) => {
        expect(Object.is(toInt(v), reference(Number.parseInt(v, 10), v))).toBe(true);
        expect(Object.is(toFloat(v), reference(Number.parseFloat(v), v))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('field names that would reach Object.prototype are refused', () => {
    expect(() => compilePattern('%{WORD:__proto__}')).toThrow(/is not a field name/);
    expect(() => compilePattern('(?<[a][constructor]>x)')).toThrow(/is not a field name/);
  });

  test('regexes JavaScript and Oniguruma read alike pass through the translation with the same matches', () => {
    // A small grammar of shared syntax: classes (negated, ranges, escapes), escapes,
    // anchors, groups, alternation, greedy and lazy quantifiers. Plain groups capture in
    // JavaScript and not in grok, so the comparison is on the whole match.
    const leaf = fc.constantFrom(
      'a',
      'b',
      '.',
      '\\d',
      '\\w',
      '\\s',
      '[ab]',
      '[^a]',
      '[a-c]',
      '[\\]a]',
      '\\.',
      '-',
      ' ',
      '\\b',
      '$',
      '^',
    );
    const regex: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('node'), tie('node')).map(([x, y]) => `${x}${y}`),
        fc.tuple(tie('node'), tie('node')).map(([x, y]) => `(?:${x}|${y})`),
        fc
          .tuple(tie('node'), fc.constantFrom('*', '+', '?', '{1,2}', '*?', '+?', '{2}'))
          .map(([x, q]) => `(?:${x})${q}`),
        tie('node').map((x) => `(${x})`),
      ),
    })).node as fc.Arbitrary<string>;
    const subject = fc.stringMatching(/^[ab c.\n-]{0,10}$/);
    fc.assert(
      fc.property(regex, subject, (source, text) => {
        const native = new RegExp(source, 'm').exec(text);
        const translated = compilePattern(source, { builtins: false }).regex.exec(text);
        expect(translated?.[0]).toBe(native?.[0]);
        expect(translated?.index).toBe(native?.index);
      }),
      { numRuns: 500 },
    );
  });
});
