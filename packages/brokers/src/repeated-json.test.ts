import type { JsonValue } from '@sluice/core';
import { cloneJson } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { copierFor, RepeatedJson } from './repeated-json.js';

/** Objects and arrays of `a` that `b` also holds (a copy must share none). */
function shared(a: unknown, b: unknown, found: unknown[] = []): unknown[] {
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return found;
  if (a === b) found.push(a);
  for (const key of Object.keys(a))
    shared((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], found);
  return found;
}

/**
 * `json.parse(text)` twice gives what JSON.parse gives (value and key order) or throws what it
 * throws, and the two results share no object.
 */
function parsesAsJsonParse(json: RepeatedJson, text: string): void {
  let expected: unknown;
  try {
    expected = JSON.parse(text);
  } catch (error) {
    expect(() => json.parse(text)).toThrow((error as Error).constructor as ErrorConstructor);
    return;
  }
  const first = json.parse(text);
  const second = json.parse(text);
  expect(first).toEqual(expected);
  expect(JSON.stringify(first)).toBe(JSON.stringify(expected));
  expect(JSON.stringify(second)).toBe(JSON.stringify(expected));
  expect(shared(first, second)).toEqual([]);
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
          for (const text of texts) parsesAsJsonParse(json, text);
        },
      ),
    );
  });

  it('parses as JSON.parse does when only a trailing whole number changes, hostile heads included', () => {
    const head = fc.oneof(
      fc.constantFrom(
        '{"host.name":"vm","agent.id":"bench","event.created":"2026-12-05T10:54:11.615Z"',
        '{"log.offset":1,"a":2', // the key already there: first place, last value
        '{"__proto__":{"a":1},"b":2',
        '{"7":1,"a":{"k":1}',
        '{"a":"x,\\"log.offset\\":5"',
        '{"a":[1,{"b":2}]',
        '{"a":1, "b":2', // whitespace
        '{',
        '[1',
        '{"a":{"b":1',
      ),
      fc
        .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
        .map((o) => JSON.stringify(o).slice(0, -1)),
    );
    const key = fc.constantFrom('log.offset', 'a', '7', '__proto__', 'k\\"q', '');
    const number = fc.oneof(
      fc.nat().map(String),
      fc.constantFrom('0', '00', '01', '-1', '1.5', '1e3', '9007199254740993', '123456789012345', ''),
    );
    const json = new RepeatedJson();
    fc.assert(
      fc.property(head, key, fc.array(number, { minLength: 1, maxLength: 5 }), (h, k, ns) => {
        for (const n of ns) parsesAsJsonParse(json, `${h},"${k}":${n}}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('parses a Kafka fields header once while only its log.offset changes', () => {
    const json = new RepeatedJson();
    const head = '{"host.name":"vm","agent.type":"sluice","event.created":"2026-12-05T10:54:11.615Z"';
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const values = [0, 181, 362, 543].map((offset) => json.parse(`${head},"log.offset":${offset}}`));
      // The first text, then its head; none for the three after.
      expect(parse).toHaveBeenCalledTimes(2);
      expect(values.map((v) => (v as { 'log.offset': number })['log.offset'])).toEqual([0, 181, 362, 543]);
      expect(Object.keys(values[3] as object)).toEqual([
        'host.name',
        'agent.type',
        'event.created',
        'log.offset',
      ]);
    } finally {
      parse.mockRestore();
    }
  });
});
