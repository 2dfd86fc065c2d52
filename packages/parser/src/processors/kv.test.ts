import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kv } from './kv.js';

const where = 'p.yaml:2: processor 1 (kv)';

describe('kv', () => {
  it('splits pairs, honours quotes and keeps words without values out', () => {
    const p = kv({}, { where });
    expect(p.apply({ message: 'user=bob action="log in" lonely ip=1.2.3.4 empty=' })).toEqual({
      message: 'user=bob action="log in" lonely ip=1.2.3.4 empty=',
      user: 'bob',
      action: 'log in',
      ip: '1.2.3.4',
      empty: '',
    });
  });

  it('custom separators, trims, include/exclude, prefix, target, duplicates', () => {
    const p = kv(
      {
        field_split: '&;',
        value_split: ':',
        trim_value: ' ',
        trim_key: '_',
        include_keys: ['a', 'b', 'c'],
        exclude_keys: ['c'],
        prefix: 'q_',
        target: 'url.query',
      },
      { where },
    );
    expect(p.apply({ message: '_a_: 1 &b:2;c:3&a:4&d:5' })).toEqual({
      message: '_a_: 1 &b:2;c:3&a:4&d:5',
      url: { query: { q_a: ['1', '4'], q_b: '2' } },
    });
    const last = kv({ allow_duplicate_values: false }, { where });
    expect(last.apply({ message: 'a=1 a=2' })).toMatchObject({ a: '2' });
  });

  it('ignores text without pairs and non-strings', () => {
    const p = kv({}, { where });
    expect(p.apply({ message: 'nothing here' })).toEqual({ message: 'nothing here' });
    expect(p.apply({ message: 3 })).toEqual({ message: 3 });
  });

  it('validates options', () => {
    expect(() => kv({ field_split: '' }, { where })).toThrow(
      'p.yaml:2: processor 1 (kv): "field_split" must be one or more separator characters, got ""',
    );
    expect(() => kv({ field_split: '=', value_split: '=' }, { where })).toThrow(
      'p.yaml:2: processor 1 (kv): "value_split" and "field_split" share the character "="',
    );
    expect(() => kv({ include_keys: 'a' }, { where })).not.toThrow();
    expect(() => kv({ include_keys: [1] }, { where })).toThrow(
      '"include_keys" must be a list of strings, got [1]',
    );
  });

  it('recovers generated pairs without quote or bracket characters (property)', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    const p = kv({}, { where });
    fc.assert(
      fc.property(
        fc.dictionary(word, fc.stringMatching(/^[^ ="'()[\]<>]{0,10}$/), { maxKeys: 8 }),
        (dict) => {
          const line = Object.entries(dict)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ');
          const out = p.apply({ message: line });
          for (const [k, v] of Object.entries(dict)) {
            expect(out[k]).toBe(v);
          }
        },
      ),
    );
  });
});
