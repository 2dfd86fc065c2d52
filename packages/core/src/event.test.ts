import { describe, expect, it } from 'vitest';
import {
  addTag,
  cloneJson,
  exceedsDepth,
  getField,
  type JsonObject,
  type JsonValue,
  setField,
} from './event.js';

describe('addTag', () => {
  it('keeps a non-list tags value from a JSON document instead of replacing it', () => {
    const scalar: JsonObject = { tags: 'production' };
    addTag(scalar, '_jsonparsefailure');
    expect(scalar.tags).toEqual(['production', '_jsonparsefailure']);
    const object: JsonObject = { tags: { env: 'prod' } };
    addTag(object, '_grokparsefailure');
    expect(object.tags).toEqual(['{"env":"prod"}', '_grokparsefailure']);
    const same: JsonObject = { tags: '_grokparsefailure' };
    addTag(same, '_grokparsefailure');
    expect(same.tags).toEqual(['_grokparsefailure']);
  });
});

describe('exceedsDepth', () => {
  it('counts objects and arrays, not scalars, and is safe far past the stack limit', () => {
    expect(exceedsDepth('x', 0)).toBe(false);
    expect(exceedsDepth({}, 0)).toBe(true);
    expect(exceedsDepth({ a: [1] }, 2)).toBe(false);
    expect(exceedsDepth({ a: [1] }, 1)).toBe(true);
    expect(exceedsDepth({ a: 1, b: { c: [{}] } }, 3)).toBe(true);
    let deep: JsonObject = {};
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(exceedsDepth(deep, 64)).toBe(true);
    // Limits above the recursive walk's bound take the iterative one.
    expect(exceedsDepth(deep, 100_000)).toBe(true);
    expect(exceedsDepth(deep, 300_000)).toBe(false);
  });

  it('gives the exact depth of mixed objects and arrays at every limit, own keys only', () => {
    // Depth 5: object > array > object > array > object.
    const value = { a: 1, b: [2, { c: [{ d: null }], e: 'x' }], f: { g: true } };
    for (let limit = 0; limit <= 6; limit++) expect(exceedsDepth(value, limit)).toBe(limit < 5);
    // A JSON `__proto__` key is an own property: its value is walked, never the prototype.
    const parsed = JSON.parse('{"__proto__": {"x": {"y": {}}}}') as JsonObject;
    expect(exceedsDepth(parsed, 3)).toBe(true);
    expect(exceedsDepth(parsed, 4)).toBe(false);
    const inherited = Object.create({ deep: { deeper: {} } }) as JsonObject;
    expect(exceedsDepth(inherited, 1)).toBe(false);
  });
});

describe('field paths from data never reach Object.prototype', () => {
  it('setField and getField treat __proto__ and constructor as plain field names', () => {
    const event: JsonObject = {};
    setField(event, ['__proto__', 'polluted'], true);
    setField(event, 'constructor.prototype.polluted', true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(getField(event, ['__proto__', 'polluted'])).toBe(true);
    expect(getField({}, 'constructor')).toBeUndefined();
    expect(JSON.parse(JSON.stringify(event))).toEqual(
      JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
    );
  });
});

describe('cloneJson', () => {
  it('copies as structuredClone does, key order included, sharing nothing', () => {
    const values: JsonValue[] = [
      ['web'],
      { b: 1, a: [1, { c: null, '2': 'x' }], d: { e: true } },
      JSON.parse('{"__proto__":{"x":[1]},"y":"z"}'),
      [],
      {},
      'text',
      3.5,
      null,
    ];
    for (const value of values) {
      const copy = cloneJson(value);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(structuredClone(value)));
      if (value !== null && typeof value === 'object') expect(copy).not.toBe(value);
    }
    const nested = { a: { b: [1] } };
    const copy = cloneJson(nested) as typeof nested;
    copy.a.b.push(2);
    expect(nested.a.b).toEqual([1]);
    expect(Object.getPrototypeOf(cloneJson(JSON.parse('{"__proto__":{}}')))).toBe(Object.prototype);
  });
});
