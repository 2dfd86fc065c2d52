import { describe, expect, it } from 'vitest';
import { addTag, exceedsDepth, getField, type JsonObject, setField } from './event.js';

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
