import { ConfigError, type LogEvent } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dissect } from './dissect.js';

const where = 'p.yaml:4: processor 1 (dissect)';
const run = (options: unknown, event: LogEvent) => dissect(options, { where }).apply(event);
const message = (options: unknown) => {
  try {
    dissect(options, { where });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return 'no error';
};

describe('dissect', () => {
  it('splits on literal delimiters into nested fields; the last key takes the rest', () => {
    const line = '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a b" 200 5';
    expect(
      run(
        { pattern: '%{source.address} %{} %{user.name} [%{ts}] "%{[http][request][method]} %{rest}' },
        { message: line },
      ),
    ).toEqual({
      message: line,
      source: { address: '1.2.3.4' },
      user: { name: '-' },
      ts: '10/Oct/2000:13:55:36 -0700',
      http: { request: { method: 'GET' } },
      rest: '/a b" 200 5',
    });
  });

  it('prefix literal, skip keys and right padding', () => {
    expect(
      run({ pattern: '[%{ts}] %{level->} %{?thread} %{msg}' }, { message: '[t1] INFO     main hello world' }),
    ).toEqual({
      message: '[t1] INFO     main hello world',
      ts: 't1',
      level: 'INFO',
      msg: 'hello world',
    });
    // Without padding the empty captures between repeated delimiters are kept as "".
    expect(run({ pattern: '%{a} %{b} %{c}' }, { message: 'x  y' })).toMatchObject({ a: 'x', b: '', c: 'y' });
  });

  it('appends with separator and order', () => {
    expect(run({ pattern: '%{a} %{+a} %{b}' }, { message: '1 2 3' })).toMatchObject({ a: '1 2', b: '3' });
    expect(
      run({ pattern: '%{+n/2} %{+n/1} %{+n/3}', append_separator: '-' }, { message: 'b a c' }),
    ).toMatchObject({
      n: 'a-b-c',
    });
  });

  it('reference keys name a field from the data', () => {
    expect(run({ pattern: '%{*k}=%{&k} %{*j}=%{&j}' }, { message: 'user=bob id=7' })).toMatchObject({
      user: 'bob',
      id: '7',
    });
  });

  it('target, convert, field', () => {
    expect(
      run(
        {
          field: 'log.raw',
          pattern: '%{status} %{bytes} %{ok}',
          target: 'parsed',
          convert: { status: 'int', bytes: 'float', ok: 'boolean' },
        },
        { log: { raw: '404 1.5 true' } },
      ),
    ).toEqual({ log: { raw: '404 1.5 true' }, parsed: { status: 404, bytes: 1.5, ok: true } });
  });

  it('tags a line that does not fit and writes nothing', () => {
    expect(run({ pattern: '%{a} [%{b}] %{c}' }, { message: 'x [y z' })).toEqual({
      message: 'x [y z',
      tags: ['_dissectfailure'],
    });
    expect(run({ pattern: 'pre %{a}' }, { message: 'other' })).toEqual({
      message: 'other',
      tags: ['_dissectfailure'],
    });
    expect(run({ pattern: '%{a}' }, {})).toEqual({ tags: ['_dissectfailure'] });
    expect(run({ pattern: '%{a}' }, { message: 5 })).toEqual({ message: 5, tags: ['_dissectfailure'] });
  });

  it('validates the pattern and options', () => {
    expect(message({})).toBe(
      'p.yaml:4: processor 1 (dissect): "pattern" must be a dissect pattern such as "%{a} %{b}", got nothing',
    );
    expect(message({ pattern: 'no keys' })).toBe(
      'p.yaml:4: processor 1 (dissect): "pattern" has no %{key}: "no keys"',
    );
    expect(message({ pattern: '%{a}%{b}' })).toBe(
      'p.yaml:4: processor 1 (dissect): "pattern" has two keys with no delimiter between them near "%{b}": "%{a}%{b}"',
    );
    expect(message({ pattern: '%{*a} %{b}' })).toBe(
      'p.yaml:4: processor 1 (dissect): "pattern" has %{*a} without %{&a} or the other way round: "%{*a} %{b}"',
    );
    expect(message({ pattern: '%{a}', convert: { a: 'date' } })).toBe(
      'p.yaml:4: processor 1 (dissect): "convert.a" must be one of "int", "float", "boolean", got "date"',
    );
  });

  it('recovers any values that do not contain the delimiter (property)', () => {
    const value = fc.string({ maxLength: 20 }).filter((s) => !s.includes('|') && !s.includes('>'));
    const p = dissect({ pattern: '<%{a}|%{b}|%{c}>' }, { where });
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const out = p.apply({ message: `<${a}|${b}|${c}>` });
        expect(out).toMatchObject({ a, b, c });
      }),
    );
  });
});
