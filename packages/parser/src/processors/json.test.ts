import { ConfigError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { json } from './json.js';

const where = 'p.yaml:2: processor 1 (json)';

describe('json', () => {
  it('merges an object into the root, keeping existing tags', () => {
    const p = json({}, { where });
    expect(p.apply({ message: '{"a":1,"b":{"c":[true]},"tags":["x"]}', tags: ['t'] })).toEqual({
      message: '{"a":1,"b":{"c":[true]},"tags":["x"]}',
      a: 1,
      b: { c: [true] },
      tags: ['t', 'x'],
    });
  });

  it('writes any JSON value to a target', () => {
    const p = json({ field: 'log.raw', target: 'doc' }, { where });
    expect(p.apply({ log: { raw: '[1,"2"]' } })).toEqual({ log: { raw: '[1,"2"]' }, doc: [1, '2'] });
  });

  it('tags invalid JSON and non-objects without a target, keeps the message', () => {
    const p = json({}, { where });
    expect(p.apply({ message: '{"a":' })).toEqual({ message: '{"a":', tags: ['_jsonparsefailure'] });
    expect(p.apply({ message: '42' })).toEqual({ message: '42', tags: ['_jsonparsefailure'] });
    expect(p.apply({ message: { already: 'object' } })).toEqual({
      message: { already: 'object' },
      tags: ['_jsonparsefailure'],
    });
    expect(p.apply({ other: 1 })).toEqual({ other: 1 });
    expect(json({ tag_on_failure: 'bad_json' }, { where }).apply({ message: 'x' })).toEqual({
      message: 'x',
      tags: ['bad_json'],
    });
  });

  it('validates options', () => {
    expect(() => json({ source: 'x' }, { where })).toThrow(ConfigError);
    expect(() => json({ source: 'x' }, { where })).toThrow(
      'p.yaml:2: processor 1 (json): unknown option "source"; valid options: field, target, tag_on_failure',
    );
    expect(() => json({ target: '' }, { where })).toThrow(
      'p.yaml:2: processor 1 (json): "target" must be a field name such as "message" or "http.request.method", got ""',
    );
  });
});
