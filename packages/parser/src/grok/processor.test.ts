import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type LogEvent } from '@sluice/core';
import { describe, expect, test } from 'vitest';
import { grok } from './processor.js';
import { drainPatternStats } from './stats.js';

const where = 'p.yaml:3: processor 1 (grok)';
const make = (options: unknown, patternDefinitions?: Record<string, string>) =>
  grok(options, patternDefinitions ? { where, patternDefinitions } : { where });

describe('grok processor', () => {
  test('matches `message` by default and overwrites fields it captures', () => {
    const p = make({ patterns: ['^%{WORD:verb} %{GREEDYDATA:message}$'] });
    expect(p.apply({ message: 'GET the rest' })).toEqual({ verb: 'GET', message: 'the rest' });
  });

  test('a line no pattern matches keeps its fields and gets _grokparsefailure once', () => {
    const p = make({ patterns: '^%{INT:n:int}$' });
    const event: LogEvent = { message: 'x', tags: ['_grokparsefailure'] };
    expect(p.apply(event)).toEqual({ message: 'x', tags: ['_grokparsefailure'] });
    expect(p.apply({ message: 'y' })).toEqual({ message: 'y', tags: ['_grokparsefailure'] });
  });

  test('field, tag_on_failure, ignore_missing and the Logstash match form', () => {
    const custom = make({ field: 'http.ua', patterns: ['^(?<product>\\w+)/'], tag_on_failure: ['no_ua'] });
    expect(custom.apply({ http: { ua: 'curl/8' } })).toEqual({ http: { ua: 'curl/8' }, product: 'curl' });
    expect(custom.apply({ http: { ua: 42 } })).toEqual({ http: { ua: 42 }, tags: ['no_ua'] });
    expect(custom.apply({})).toEqual({ tags: ['no_ua'] });
    expect(make({ patterns: ['x'], ignore_missing: true, tag_on_failure: [] }).apply({})).toEqual({});
    expect(make({ patterns: ['x'], tag_on_failure: [] }).apply({ message: 'y' })).toEqual({ message: 'y' });
    const logstash = make({ match: { msg: ['^%{INT:n:int}$', '^%{WORD:w}$'] } });
    expect(logstash.apply({ msg: 'abc' })).toEqual({ msg: 'abc', w: 'abc' });
  });

  test('definitions come from the context, patterns_dir and pattern_definitions, the inline ones last', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grok-proc-'));
    writeFileSync(join(dir, 'p'), 'ID [0-9]+\nCODE [A-Z]+\n');
    const p = make(
      {
        patterns: ['^%{ID:id}-%{CODE:code}-%{KIND:kind}$'],
        patterns_dir: dir,
        pattern_definitions: { CODE: '[a-z]+' },
      },
      { KIND: 'x|y', ID: 'never' },
    );
    expect(p.apply({ message: '12-ab-y' })).toEqual({ message: '12-ab-y', id: '12', code: 'ab', kind: 'y' });
  });

  test('counts matches and misses per pattern for the metrics', () => {
    drainPatternStats();
    const p = make({ patterns: ['^%{INT:n}$', '^%{WORD:w}$'] });
    p.apply({ message: '1' });
    p.apply({ message: 'a' });
    const rows = new Map(drainPatternStats().map(([label, matches, misses]) => [label, [matches, misses]]));
    expect(rows.get('^%{INT:n}$')).toEqual([1, 1]);
    expect(rows.get('^%{WORD:w}$')).toEqual([1, 0]);
    expect(drainPatternStats()).toEqual([]);
  });

  test('time is sampled per pattern, from its first exec on: counts exact, every pattern that ran has a time', () => {
    drainPatternStats();
    // A pattern slow enough that a timed exec measures more than zero.
    const slow = `^(?:${'a?'.repeat(18)}${'a'.repeat(18)})$`;
    const p = make({ patterns: [slow, '^%{WORD:w}$'] });
    for (let i = 0; i < 20; i++) p.apply({ message: 'bbb' });
    const rows = new Map(drainPatternStats().map(([label, ...rest]) => [label, rest]));
    const [slowMatches, slowMisses, slowSeconds] = rows.get(slow) as number[];
    const [wordMatches, wordMisses, wordSeconds] = rows.get('^%{WORD:w}$') as number[];
    expect([slowMatches, slowMisses, wordMatches, wordMisses]).toEqual([0, 20, 20, 0]);
    expect(slowSeconds).toBeGreaterThan(0);
    expect(wordSeconds).toBeGreaterThan(0);
  });

  test('bad options are ConfigErrors that start with the location and name the option', () => {
    const message = (options: unknown) => {
      try {
        make(options);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(message({})).toBe(`${where}: "patterns" must be a non-empty list of grok patterns, got nothing`);
    expect(message({ patterns: ['x'], colour: 1 })).toMatch(
      /^p\.yaml:3: processor 1 \(grok\): unknown option "colour"/,
    );
    expect(message({ patterns: ['%{NOPE}'] })).toBe(`${where}: unknown grok pattern %{NOPE} in "%{NOPE}"`);
    expect(message({ match: { a: ['x'], b: ['y'] } })).toMatch(/"match" must be a mapping of one field/);
    expect(message({ match: { a: ['x'] }, patterns: ['y'] })).toMatch(
      /either "match" or "field" \+ "patterns"/,
    );
    expect(message({ patterns: ['x'], pattern_definitions: { A: 1 } })).toMatch(
      /"pattern_definitions" must be a mapping/,
    );
    expect(message({ patterns: ['x'], patterns_dir: '/no/such/dir' })).toMatch(
      /cannot read patterns directory "\/no\/such\/dir"/,
    );
  });
});
