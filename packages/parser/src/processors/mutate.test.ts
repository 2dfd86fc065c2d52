import { ConfigError, getField, type JsonObject, type JsonValue, setField } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutate } from './mutate.js';

const where = 'p.yaml:5: processor 2 (mutate)';
const run = (options: unknown, event: Record<string, unknown>) =>
  mutate(options, { where }).apply(event as never);

describe('mutate', () => {
  it('runs operations in the order written', () => {
    // uppercase before rename: the renamed field is upper-cased; the other order would miss it.
    expect(run({ uppercase: ['a'], rename: { a: 'b' } }, { a: 'x' })).toEqual({ b: 'X' });
    expect(run({ rename: { a: 'b' }, uppercase: ['a'] }, { a: 'x' })).toEqual({ b: 'x' });
    expect(run([{ rename: { a: 'b' } }, { rename: { b: 'c' } }], { a: 1 })).toEqual({ c: 1 });
  });

  it('rename, copy, add with references, remove', () => {
    const event = { a: { b: [1] }, user: 'bob', drop: 1 };
    const out = run(
      {
        copy: { 'a.b': 'copy' },
        rename: { user: 'user.name' },
        add: { 'event.kind': 'event', greeting: 'hi %{user.name} %{[a][b]} %{missing}', n: 3 },
        remove: ['drop', 'not.there'],
      },
      event,
    );
    expect(out).toEqual({
      a: { b: [1] },
      copy: [1],
      user: { name: 'bob' },
      event: { kind: 'event' },
      greeting: 'hi bob [1] %{missing}',
      n: 3,
    });
    (out as { copy: number[] }).copy.push(2);
    expect(out.a).toEqual({ b: [1] });
  });

  it('append collects unique values into a list, skipping absent or empty references', () => {
    const out = run(
      {
        append: {
          'related.user': ['%{user.name}', '%{user.effective.name}', '%{user.target.name}'],
          'related.ip': '%{source.ip}',
          'event.type': 'info',
          tags: ['b', 'a'],
        },
      },
      { user: { name: 'root', effective: { name: 'root' }, target: { name: '' } }, tags: 'a' },
    );
    expect(out).toEqual({
      user: { name: 'root', effective: { name: 'root' }, target: { name: '' } },
      related: { user: ['root'] },
      event: { type: ['info'] },
      tags: ['a', 'b'],
    });
    // Appending to an existing list keeps its order and adds only what is new.
    expect(
      run(
        { append: { 'event.category': ['iam', 'authentication'] } },
        { event: { category: ['authentication'] } },
      ),
    ).toEqual({ event: { category: ['authentication', 'iam'] } });
  });

  it('convert, tagging values that do not convert', () => {
    expect(
      run(
        { convert: { i: 'int', f: 'float', b: 'boolean', s: 'string', l: 'int', absent: 'int' } },
        { i: '42', f: '1.5', b: 'yes', s: 7, l: ['1', '2.9'] },
      ),
    ).toEqual({ i: 42, f: 1.5, b: true, s: '7', l: [1, 2] });
    expect(run({ convert: { i: 'int' } }, { i: 'abc' })).toEqual({ i: 'abc', tags: ['_mutate_error'] });
    expect(run({ convert: { i: 'int' }, tag_on_failure: 'bad' }, { i: '' })).toEqual({
      i: '',
      tags: ['bad'],
    });
  });

  it('lowercase, uppercase, strip, gsub, append, split, join', () => {
    expect(
      run(
        {
          strip: ['s'],
          lowercase: ['l'],
          gsub: ['g', '\\d+', '#', 'h', '(\\w+)@(\\w+)', '$2 at $1'],
          split: { csv: ',' },
          join: { arr: '|' },
        },
        { s: '  x ', l: ['A', 1], g: 'a1b22', h: 'me@host', csv: 'a,b', arr: [1, 'b', { c: 1 }] },
      ),
    ).toEqual({ s: 'x', l: ['a', 1], g: 'a#b#', h: 'host at me', csv: ['a', 'b'], arr: '1|b|{"c":1}' });
    expect(
      run({ gsub: [{ field: 'm', pattern: 'secret', replacement: '***' }] }, { m: 'a secret secret' }),
    ).toEqual({
      m: 'a *** ***',
    });
  });

  it('validates options, naming the operation', () => {
    const msg = (options: unknown) => {
      try {
        mutate(options, { where });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg({})).toBe(
      'p.yaml:5: processor 2 (mutate): needs at least one operation: rename, copy, add, remove, convert, lowercase, uppercase, strip, gsub, append, split, join',
    );
    expect(msg({ convert: { a: 'integer' } })).toBe(
      'p.yaml:5: processor 2 (mutate): "convert.a" must be one of "int", "float", "boolean", "string", got "integer"',
    );
    expect(msg({ gsub: ['a', '('] })).toMatch(
      /"gsub" must be a list of \[field, regex, replacement\] triples/,
    );
    expect(msg({ gsub: ['a', '(', 'x'] })).toMatch(
      /^p\.yaml:5: processor 2 \(mutate\): "gsub" is not a valid regular expression: "\("/,
    );
    expect(msg([{ rename: { a: 'b' } }, { renam: {} }])).toBe(
      'p.yaml:5: processor 2 (mutate): operation 2: unknown option "renam"; valid options: rename, copy, add, remove, convert, lowercase, uppercase, strip, gsub, append, split, join, tag_on_failure',
    );
    expect(msg({ rename: { a: 3 } })).toBe(
      'p.yaml:5: processor 2 (mutate): "rename.a" must be a field name, got 3',
    );
  });
});

describe('mutate append', () => {
  it('creates a list, extends a scalar or a list, and renders references', () => {
    expect(run({ append: { 'related.ip': '%{source.ip}' } }, { source: { ip: '1.2.3.4' } })).toEqual({
      source: { ip: '1.2.3.4' },
      related: { ip: ['1.2.3.4'] },
    });
    expect(run({ append: { a: ['x', '%{b}'] } }, { a: 'first', b: 2 })).toEqual({
      a: ['first', 'x', '2'],
      b: 2,
    });
    expect(run([{ append: { a: 1 } }, { append: { a: 2 } }], {})).toEqual({ a: [1, 2] });
  });
});

describe('mutate remove and rename without delete', () => {
  // The reference: what `delete` gives, key order included.
  const deleted = (event: Record<string, unknown>, path: readonly string[]): string => {
    const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    delete node[path[path.length - 1] as string];
    return JSON.stringify(copy);
  };

  it('writes the same document as delete, key order included', () => {
    const events: Record<string, unknown>[] = [
      { message: 'm', timestamp: 't', '2': 'int key', source: { ip: '1' }, event: { kind: 'e' } },
      { a: { b: 1, c: 2, '10': 3, d: 4 }, e: 5 },
      JSON.parse('{"__proto__":{"x":1},"timestamp":"t","z":1}'),
    ];
    const paths = [['timestamp'], ['a', 'c'], ['a', '10'], ['source', 'ip'], ['__proto__', 'x']];
    for (const event of events) {
      for (const path of paths) {
        const exists = path.reduce<unknown>(
          (node, key) =>
            node !== null && typeof node === 'object' && Object.hasOwn(node, key)
              ? (node as Record<string, unknown>)[key]
              : undefined,
          event,
        );
        const before = JSON.stringify(event);
        const out = run({ remove: [path.join('.')] }, JSON.parse(before));
        expect(JSON.stringify(out)).toBe(exists === undefined ? before : deleted(event, path));
      }
    }
    expect(JSON.stringify(run({ rename: { timestamp: 'when' } }, { a: 1, timestamp: 't', b: 2 }))).toBe(
      '{"a":1,"b":2,"when":"t"}',
    );
  });

  it('returns a new top-level object when a top-level field goes (one that never saw delete)', () => {
    const event = { message: 'm', timestamp: 't' };
    const out = run({ remove: ['timestamp'] }, event);
    expect(out).not.toBe(event);
    expect(out).toEqual({ message: 'm' });
    const untouched = { message: 'm' };
    expect(run({ remove: ['timestamp'] }, untouched)).toBe(untouched);
  });

  it('never follows a path into a prototype', () => {
    run({ remove: ['constructor.prototype.hasOwnProperty', '__proto__.toString'] }, {});
    expect(typeof Object.prototype.hasOwnProperty).toBe('function');
    expect(typeof Object.prototype.toString).toBe('function');
  });

  it('copies a copied object but shares nothing mutable', () => {
    const event = { a: { b: [1] } } as Record<string, unknown>;
    const out = run({ copy: { a: 'c', 'a.b': 'd' } }, event) as Record<string, unknown>;
    expect(out).toEqual({ a: { b: [1] }, c: { b: [1] }, d: [1] });
    expect(out.c).not.toBe(event.a);
    expect(out.d).not.toBe((event.a as Record<string, unknown>).b);
  });
});

describe('mutate add', () => {
  it('gives every event its own copy of an added list', () => {
    const p = mutate({ add: { 'event.category': ['web'] } }, { where });
    const a = p.apply({}) as { event: { category: string[] } };
    const b = p.apply({}) as { event: { category: string[] } };
    a.event.category.push('changed');
    expect(b.event.category).toEqual(['web']);
  });
});

describe('mutate string operations and split: the shortcuts change no output', () => {
  // The event shapes a path may meet: absent, a scalar on the way, a list, `__proto__` keys.
  const text = fc.string({ unit: fc.constantFrom('a', 'B', ',', ' ', '"', '1', '.') });
  const holder = fc.oneof(
    text.map((t): JsonObject => ({ a: { b: t } })),
    text.map((t): JsonObject => ({ a: { b: [t, 1, null] } })),
    text.map(
      (t): JsonObject => JSON.parse(`{"a":{"__proto__":${JSON.stringify(t)},"b":${JSON.stringify(t)}}}`),
    ),
    fc.constant<JsonObject>({ a: 'scalar' }),
    fc.constant<JsonObject>({ a: [{ b: 'x' }] }),
    fc.constant<JsonObject>({}),
  );
  const field = fc.constantFrom('a.b', 'a.__proto__', 'a');

  it('gsub, lowercase and strip write what setField of the result gave', () => {
    fc.assert(
      fc.property(holder, field, fc.constantFrom('gsub', 'lowercase', 'strip'), (event, path, op) => {
        const fn =
          op === 'gsub'
            ? (s: string) => s.replace(/"?\s*,\s*|"?\s+/g, ',')
            : op === 'lowercase'
              ? (s: string) => s.toLowerCase()
              : (s: string) => s.trim();
        const expected = structuredClone(event);
        const value = getField(expected, path);
        if (typeof value === 'string') setField(expected, path, fn(value));
        else if (Array.isArray(value))
          setField(
            expected,
            path,
            value.map((v) => (typeof v === 'string' ? fn(v) : v)),
          );
        const options = op === 'gsub' ? { gsub: [[path, '"?\\s*,\\s*|"?\\s+', ',']] } : { [op]: [path] };
        const out = mutate(options, { where }).apply(structuredClone(event));
        expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
      }),
      { numRuns: 500 },
    );
  });

  it('split gives String.prototype.split', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(',', ' ', ', ', 'a', '"'), (value, sep) => {
        expect(run({ split: { f: sep } }, { f: value })).toEqual({ f: value.split(sep) });
      }),
      { numRuns: 500 },
    );
  });
});

describe('mutate append of a lone reference', () => {
  it('appends what the template renders: strings as they are, other values as JSON; absent, null and "" skipped', () => {
    const value = fc.oneof(
      fc.constantFrom<JsonValue | undefined>(undefined, null, '', 'a', 0, 1.5, true, false, [], ['a'], {}),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>,
    );
    const existing = fc.constantFrom<JsonValue | undefined>(undefined, 'a', ['a', '1'], 7, ['{}']);
    fc.assert(
      fc.property(value, existing, (v, before) => {
        const event: JsonObject = { s: {} };
        if (v !== undefined) setField(event, 's.f', v);
        if (before !== undefined) event.list = structuredClone(before);
        const rendered =
          v === undefined || v === null || v === ''
            ? undefined
            : typeof v === 'string'
              ? v
              : JSON.stringify(v);
        const expected = structuredClone(event);
        const list = before === undefined ? [] : Array.isArray(before) ? [...before] : [before];
        const changed = !Array.isArray(before) || (rendered !== undefined && !list.includes(rendered));
        if (rendered !== undefined && !list.includes(rendered)) list.push(rendered);
        if (changed && list.length > 0) expected.list = list;
        const out = run({ append: { list: '%{s.f}' } }, event);
        expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
      }),
      { numRuns: 500 },
    );
  });
});
