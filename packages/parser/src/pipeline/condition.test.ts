import { ConfigError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { compileCondition } from './condition.js';

const c = (spec: unknown) => compileCondition(spec, 'here');

describe('compileCondition', () => {
  it('equals compares scalars, numbers also against their decimal string', () => {
    const is404 = c({ field: 'http.response.status_code', equals: 404 });
    expect(is404({ http: { response: { status_code: 404 } } })).toBe(true);
    expect(is404({ http: { response: { status_code: '404' } } })).toBe(true);
    expect(is404({ http: { response: { status_code: '4040' } } })).toBe(false);
    expect(is404({})).toBe(false);
    expect(c({ field: 'a', equals: '' })({ a: 0 })).toBe(false);
    expect(c({ field: 'a', equals: null })({ a: null })).toBe(true);
    expect(c({ field: '[a][b]', equals: true })({ a: { b: true } })).toBe(true);
  });

  it('matches, in, exists, tag', () => {
    expect(c({ field: 'url', matches: '^/health' })({ url: '/healthz' })).toBe(true);
    expect(c({ field: 'url', matches: '^/health' })({ url: '/x/health' })).toBe(false);
    expect(c({ field: 'n', matches: '^4' })({ n: 404 })).toBe(true);
    expect(c({ field: 'n', matches: '.' })({ n: { a: 1 } })).toBe(false);
    expect(c({ field: 'lvl', in: ['debug', 'trace'] })({ lvl: 'trace' })).toBe(true);
    expect(c({ field: 'lvl', in: ['debug', 'trace'] })({ lvl: 'info' })).toBe(false);
    expect(c({ exists: 'a.b' })({ a: { b: null } })).toBe(true);
    expect(c({ exists: 'a.b' })({ a: {} })).toBe(false);
    expect(c({ tag: '_grokparsefailure' })({ tags: ['_grokparsefailure'] })).toBe(true);
    expect(c({ tag: '_grokparsefailure' })({ tags: 'x' })).toBe(false);
  });

  it('not, all, any', () => {
    const cond = c({
      all: [
        { exists: 'a' },
        { not: { field: 'a', equals: 1 } },
        { any: [{ field: 'b', in: [1, 2] }, { tag: 't' }] },
      ],
    });
    expect(cond({ a: 2, b: 2 })).toBe(true);
    expect(cond({ a: 2, tags: ['t'] })).toBe(true);
    expect(cond({ a: 1, b: 2 })).toBe(false);
    expect(cond({ a: 2, b: 3 })).toBe(false);
    expect(c({ all: [] })({})).toBe(true);
    expect(c({ any: [] })({})).toBe(false);
  });

  it('rejects malformed conditions with the position and the value', () => {
    const msg = (spec: unknown) => {
      try {
        c(spec);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg('x')).toBe('here: "if" must be a condition mapping, got "x"');
    expect(msg({ field: 'a' })).toBe(
      'here: "if" with "field" needs exactly one of "equals", "matches", "in", got {"field":"a"}',
    );
    expect(msg({ field: 'a', equals: [1] })).toBe(
      'here: "if" "equals" must be a string, number, boolean or null, got [1]',
    );
    expect(msg({ field: 'a', in: 'x' })).toBe(
      'here: "if" "in" must be a list of strings, numbers, booleans or nulls, got "x"',
    );
    expect(msg({ all: [{ exists: 'a' }, { exists: 3 }] })).toBe(
      'here: "if.all[1]" "exists" must be a field name, got 3',
    );
    expect(msg({ exists: 'a', tag: 'b' })).toMatch(/^here: "if" must have exactly one of/);
  });
});
