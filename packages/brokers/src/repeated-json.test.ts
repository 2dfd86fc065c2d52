import type { JsonValue } from '@sluice/core';
import { cloneJson } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copierFor, RepeatedJson } from './repeated-json.js';

/** Objects and arrays of `a` that `b` also holds (a copy must share none). */
function shared(a: unknown, b: unknown, found: unknown[] = []): unknown[] {
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return found;
  if (a === b) found.push(a);
  for (const key of Object.keys(a))
    shared((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], found);
  return found;
}

const awkward = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom<JsonValue>(
    JSON.parse('{"__proto__":{"a":1},"b":2}'),
    JSON.parse('{"a":{"__proto__":[1]}}'),
    { '7': 1, a: 2, '1': { '0': 'x' } },
    { tags: ['a', 'b'], host: { name: 'vm' }, n: null },
    JSON.parse(`${'{"a":'.repeat(12)}1${'}'.repeat(12)}`),
  ),
);

describe('copies of repeated JSON', () => {
  it('copies as cloneJson does: equal, same key order, own __proto__ kept, nothing shared', () => {
    fc.assert(
      fc.property(awkward, (value) => {
        const copy = copierFor(value)(value);
        expect(copy).toEqual(cloneJson(value));
        expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
        expect(shared(copy, value)).toEqual([]);
        if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__'))
          expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
      }),
      { numRuns: 500 },
    );
  });

  it('copies another value of the same shape by the same generated code', () => {
    const a = { host: { name: 'vm' }, tags: ['x'], n: 1 };
    const b = { host: { name: 'other' }, tags: ['y', 'z'], n: 'text' };
    const copy = copierFor(a);
    expect(copierFor(b)).toBe(copy);
    expect(copy(b)).toEqual(b);
    expect(JSON.stringify(copy(b))).toBe(JSON.stringify(b));
  });

  it('parses as JSON.parse does while the text repeats, and throws as it does', () => {
    const json = new RepeatedJson();
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.json(), fc.constantFrom('{"a":1}', '{"a":1}', '{"broken', '')), {
          maxLength: 6,
        }),
        (texts) => {
          for (const text of texts) {
            let expected: unknown;
            try {
              expected = JSON.parse(text);
            } catch (error) {
              expect(() => json.parse(text)).toThrow((error as Error).constructor as ErrorConstructor);
              continue;
            }
            const first = json.parse(text);
            const second = json.parse(text);
            expect(first).toEqual(expected);
            expect(JSON.stringify(second)).toBe(JSON.stringify(expected));
            expect(shared(first, second)).toEqual([]);
          }
        },
      ),
    );
  });
});
