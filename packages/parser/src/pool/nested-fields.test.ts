import type { JsonObject, JsonValue } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RecordInput, recordFields } from './event.js';
import { forgetNesters, nestedFields } from './nested-fields.js';

/** recordFields' general walk: a record it never nests by generated code (not owned, values cloned). */
function walked(fields: JsonObject): JsonObject {
  return recordFields({ id: 'r', line: '', format: 'sluice', fields } as RecordInput, false);
}

const segment = fc.constantFrom(
  'host',
  'name',
  'log',
  'file',
  'path',
  'offset',
  '7',
  '0',
  '',
  '__proto__',
  'a b',
);
const key = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.')),
  fc.constantFrom('[log][offset]', '[a.b]', 'tags', 'host'),
);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(undefined),
  fc.constant({ nested: { x: 1 } }),
);

describe('nested record fields', () => {
  it('builds what setField of each key in order builds, or leaves the keys to it', () => {
    forgetNesters();
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 6 }), fc.nat(3), (entries, repeat) => {
        const fields: JsonObject = {};
        for (const [k, v] of entries)
          Object.defineProperty(fields, k, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        // The same keys again (the cached path), with other values for the same shape.
        for (let r = 0; r <= repeat; r++) {
          const expected = walked(structuredClone(fields));
          const nested = nestedFields(structuredClone(fields));
          if (nested === undefined) continue;
          expect(nested).toEqual(expected);
          expect(JSON.stringify(nested)).toBe(JSON.stringify(expected));
          expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('nests a Kafka record’s dotted keys by generated code, values taken as they are', () => {
    forgetNesters();
    const tags: JsonValue = ['edge'];
    const fields: JsonObject = {
      'host.name': 'vm',
      'agent.id': 'bench',
      'agent.type': 'sluice',
      'log.file.path': '/var/log/a.log',
      'event.created': '2026-12-05T10:54:11.615Z',
      'log.offset': 181,
      tags,
    };
    const nested = nestedFields(fields);
    expect(nested).toEqual({
      host: { name: 'vm' },
      agent: { id: 'bench', type: 'sluice' },
      log: { file: { path: '/var/log/a.log' }, offset: 181 },
      event: { created: '2026-12-05T10:54:11.615Z' },
      tags: ['edge'],
    });
    expect(nested?.tags).toBe(tags);
    expect(Object.keys(nested?.log as object)).toEqual(['file', 'offset']);
  });

  it('leaves conflicting, repeated and prototype-naming paths to the walk', () => {
    forgetNesters();
    expect(nestedFields({ host: { ip: '1.2.3.4' }, 'host.name': 'vm' })).toBeUndefined();
    expect(nestedFields({ 'host.name': 'vm', host: 'x' })).toBeUndefined();
    expect(nestedFields({ 'a.__proto__.b': 1 })).toBeUndefined();
    expect(nestedFields({ '[log][offset]': 1 })).toBeUndefined();
    expect(nestedFields({ 'a.b': undefined as unknown as JsonValue })).toBeUndefined();
    expect(nestedFields({})).toBeUndefined();
  });
});
