import { readdirSync, readFileSync } from 'node:fs';
import { compileIndexName, itemCount, itemText, type JsonObject, type LogEvent } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toFloat, toInt } from '../grok/applier.js';
import { floatJson, intJson } from '../grok/writer.js';
import { modules, resolveModule } from '../modules/index.js';
import { type CompiledPipeline, compilePipeline, type ProcessorSpec } from '../pipeline/compile.js';
import { BulkWriter } from './bulk-writer.js';
import { directEncoderFor } from './direct.js';
import { encodeRecords, recycleBody } from './encode.js';
import { type RecordInput, runRecord } from './event.js';

const indexName = compileIndexName('logs-%{+yyyy.MM.dd}');
const encoder = new TextEncoder();
const NOW = Date.UTC(2024, 5, 1, 12);

function written(write: (w: BulkWriter) => void): number[] {
  const w = new BulkWriter(8);
  write(w);
  return Array.from(w.take());
}

/** Code units drawn at random, so lone surrogates, pairs and control characters all occur. */
const anyText = fc.oneof(
  fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
    .map((units) => String.fromCharCode(...units)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\ud800', '\udc00', 'é', '€', 'a'),
  }),
  fc.string({ unit: 'binary', minLength: 250, maxLength: 600 }),
  // Long printable ASCII, with now and then one character to escape or encode.
  fc
    .tuple(
      fc.stringMatching(/^[ -~]{30,300}$/),
      fc.constantFrom('', '"', '\\', '\n', '\u007f', 'é', '\ud800'),
      fc.nat(),
    )
    .map(([text, odd, at]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + odd + text.slice(i);
    }),
);

describe('BulkWriter writes what TextEncoder makes of JSON.stringify', () => {
  test('strings: escapes, multi-byte characters, lone surrogates, long text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(written((w) => w.string(text))).toEqual(Array.from(encoder.encode(JSON.stringify(text))));
      }),
      { numRuns: 2000 },
    );
  });

  test('text: any string as TextEncoder encodes it (lone surrogates as U+FFFD), growing the buffer', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 6 }), (texts) => {
        const bytes = written((w) => {
          for (const t of texts) w.text(t);
        });
        // Each piece on its own: a surrogate pair split between two writes is two lone halves.
        expect(bytes).toEqual(texts.flatMap((t) => Array.from(encoder.encode(t))));
      }),
      { numRuns: 1000 },
    );
  });

  test('json text and numbers, growing the buffer from a few bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyText, fc.double(), fc.integer())), (values) => {
        const bytes = written((w) => {
          for (const v of values) {
            if (typeof v === 'number') w.number(v);
            else w.json(JSON.stringify(v));
          }
        });
        const expected = values.map((v) => JSON.stringify(v)).join('');
        expect(bytes).toEqual(Array.from(encoder.encode(expected)));
      }),
    );
  });
});

describe('typed captures are written as the applier value serialises', () => {
  const numeric = fc.oneof(
    fc.stringMatching(/^-?[0-9]{1,40}$/),
    fc.stringMatching(/^-?[0-9]{0,20}\.[0-9]{0,20}$/),
    fc.constantFrom(
      '-0',
      '0',
      '00',
      '007',
      '-',
      '',
      '1e5',
      'Infinity',
      '-Infinity',
      ' 12',
      '12abc',
      '9007199254740993',
    ),
    anyText,
  );
  test('int', () => {
    fc.assert(
      fc.property(numeric, (v) => {
        expect(intJson(v)).toBe(JSON.stringify(toInt(v)));
      }),
      { numRuns: 2000 },
    );
  });
  test('float', () => {
    fc.assert(
      fc.property(numeric, (v) => {
        expect(floatJson(v)).toBe(JSON.stringify(toFloat(v)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('spent bodies are recycled', () => {
  const take = (w: BulkWriter, text: string): Uint8Array => {
    w.text(text);
    return w.take();
  };

  test('a recycled buffer carries the next body that fits, and only the new bytes are in view', () => {
    const w = new BulkWriter(8);
    const first = take(w, 'x'.repeat(1000));
    const buffer = first.buffer;
    w.recycle(buffer);
    const second = take(w, 'second body');
    expect(second.buffer).toBe(buffer);
    expect(Buffer.from(second).toString()).toBe('second body');
    // Not recycled: the next body has a buffer of its own.
    const third = take(w, 'third');
    expect(third.buffer).not.toBe(buffer);
    expect(Buffer.from(second).toString()).toBe('second body');
  });

  test('the smallest spare that fits is used; a body bigger than every spare gets a new buffer', () => {
    const w = new BulkWriter(8);
    const small = take(w, 'a'.repeat(10)).buffer;
    const big = take(w, 'b'.repeat(200_000)).buffer;
    expect(big.byteLength).toBeGreaterThan(small.byteLength);
    w.recycle(big);
    w.recycle(small);
    expect(take(w, 'c').buffer).toBe(small);
    expect(take(w, 'd'.repeat(300_000)).buffer).not.toBe(big);
    expect(take(w, 'e').buffer).toBe(big);
  });

  test('a buffer recycled twice is kept once; a detached one is ignored', () => {
    const w = new BulkWriter(8);
    const body = take(w, 'once');
    w.recycle(body.buffer);
    w.recycle(body.buffer);
    expect(take(w, 'a').buffer).toBe(body.buffer);
    expect(take(w, 'b').buffer).not.toBe(body.buffer);
    const moved = take(w, 'moved');
    structuredClone(moved.buffer, { transfer: [moved.buffer] });
    expect(moved.buffer.byteLength).toBe(0);
    w.recycle(moved.buffer);
    expect(take(w, 'c').buffer.byteLength).toBeGreaterThan(0);
  });

  test('encodeRecords writes the same bytes into a recycled body', () => {
    const pipeline = compilePipeline([{ grok: { patterns: ['^%{WORD:a} %{INT:n:int}$'] } }]);
    const records = recordsOf(['one 1', 'two 2', 'three x']);
    const first = encodeRecords(records, { pipeline, indexName, now: NOW, indexReadsFields: false });
    const expected = Buffer.from(first.body).toString();
    recycleBody(first.body);
    const second = encodeRecords(records, { pipeline, indexName, now: NOW, indexReadsFields: false });
    expect(second.body.buffer).toBe(first.body.buffer);
    expect(Buffer.from(second.body).toString()).toBe(expected);
  });
});

interface Item {
  readonly action: unknown;
  readonly source: LogEvent;
}

function items(
  records: readonly RecordInput[],
  pipeline: CompiledPipeline,
  indexReadsFields: boolean,
): Item[] {
  const batch = encodeRecords(records, { pipeline, indexName, now: NOW, indexReadsFields });
  expect(batch.starts[itemCount(batch)]).toBe(batch.body.length);
  return Array.from({ length: itemCount(batch) }, (_, i) => {
    const text = itemText(batch, i);
    const [action, source, rest] = text.split('\n');
    expect(rest).toBe('');
    return { action: JSON.parse(action as string), source: JSON.parse(source as string) as LogEvent };
  });
}

/**
 * What the encoder must produce, computed the way it was before compiled encoding: the
 * pipeline's event serialised by JSON.stringify (and parsed back, so both sides compare as
 * Elasticsearch would read them).
 */
function reference(records: readonly RecordInput[], pipeline: CompiledPipeline): Item[] {
  const out: Item[] = [];
  for (const record of records) {
    const event = runRecord(pipeline, structuredClone(record), true, NOW);
    if (event === null) continue;
    out.push({
      action: { create: { _index: indexName(event), _id: record.id } },
      source: JSON.parse(JSON.stringify(event)) as LogEvent,
    });
  }
  return out;
}

/** Both encodings of `records` equal the reference, and say whether the direct path was compiled. */
function checkBothPaths(records: readonly RecordInput[], specs: readonly ProcessorSpec[]): boolean {
  const pipeline = () => compilePipeline(specs, { resolveModule });
  // Separate pipelines: grok statistics and sampling state must not depend on the other run.
  const expected = reference(records, pipeline());
  const compiled = pipeline();
  expect(items(records, compiled, false)).toEqual(expected);
  expect(items(records, pipeline(), true)).toEqual(expected);
  return directEncoderFor(compiled) !== undefined;
}

interface Fixture {
  readonly module: string;
  readonly cases: readonly { readonly line: string }[];
}
const fixtureDir = new URL('../modules/fixtures/', import.meta.url);
const fixtures: Fixture[] = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, fixtureDir), 'utf8')) as Fixture);

function recordsOf(lines: readonly string[], extra: Partial<RecordInput> = {}): RecordInput[] {
  return lines.map((line, i) => ({ id: `id-${i}`, line, format: 'raw', shippedAt: NOW - 1000, ...extra }));
}

describe('module fixtures: both encodings give the documents the pipeline built', () => {
  test.each(fixtures.map((f) => [f.module, f] as const))('%s: whole module', (_name, fixture) => {
    const lines = fixture.cases.map((c) => c.line);
    checkBothPaths(recordsOf(lines), [{ module: fixture.module }]);
    checkBothPaths(recordsOf(lines, { fields: { 'host.name': 'web-1', 'log.file.path': '/var/log/x' } }), [
      { module: fixture.module },
    ]);
  });

  // Each grok step of a module on its own (message as its field): the patterns modules
  // rely on, written directly from their captures, against the same fixture lines.
  test.each(fixtures.map((f) => [f.module, f] as const))('%s: its grok steps alone', (_name, fixture) => {
    const definition = modules[fixture.module];
    expect(definition).toBeDefined();
    const lines = fixture.cases.map((c) => c.line);
    let direct = 0;
    for (const step of definition?.steps ?? []) {
      const grok = step.grok as JsonObject | undefined;
      if (grok === undefined || (grok.field !== undefined && grok.field !== 'message')) continue;
      for (const extra of [
        {},
        { shippedAt: undefined },
        { fields: { 'service.name': 'shop', env: 'prod' } },
      ]) {
        if (checkBothPaths(recordsOf(lines, extra), [{ grok }])) direct++;
      }
    }
    // Every module but docker (a JSON log) starts with a grok step on message.
    if (fixture.module !== 'docker') expect(direct).toBeGreaterThan(0);
  });
});

describe('random captures: both encodings give the documents the pipeline built', () => {
  // Strings, an int, a float and nested fields sharing a parent; `|` separates them.
  const pattern =
    '^(?<[a]>[^|]*)\\|(?<[n]>[^|]*)\\|%{DATA:[x][y]}\\|(?<[x][z][w]>[^|]*)\\|(?<[f]>[^|]*)\\|(?<[message]>[^|]*)$';
  const typed = `^(?<a>[^|]*)\\|%{DATA:n:int}\\|%{DATA:[x][y]}\\|(?<[x][z][w]>[^|]*)\\|%{DATA:f:float}\\|(?<message>[^|]*)$`;
  const field = fc.oneof(
    anyText.map((t) => t.replaceAll('|', '/')),
    fc.stringMatching(/^-?[0-9]{1,30}(\.[0-9]{1,20})?$/),
    fc.constant(''),
  );
  const line = fc.oneof(
    fc.array(field, { minLength: 6, maxLength: 6 }).map((parts) => parts.join('|')),
    anyText,
  );
  const fields = fc.option(
    fc.oneof(
      fc.dictionary(fc.constantFrom('host.name', 'service.name', 'env', 'labels.team'), anyText),
      // Fields the pattern also writes, or that finishing an event writes: generic path.
      fc.dictionary(fc.constantFrom('x.q', 'a', '@timestamp', 'tags', 'message'), anyText),
      // A shipper's fields: `event.created` and the like, which finishing the event updates in place.
      fc.dictionary(
        fc.constantFrom('host.name', 'event.created', 'event.dataset', 'log.offset', 'agent.id'),
        fc.oneof(anyText, fc.nat()),
      ),
      fc.record({
        event: fc.oneof(
          fc.record({ created: anyText, kind: anyText }, { requiredKeys: [] }),
          anyText,
          fc.constant(null),
          fc.constant([1]),
        ),
        'log.offset': fc.nat(),
      }),
    ),
    { nil: undefined },
  );
  const record = fc.record(
    {
      line,
      fields,
      shippedAt: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: undefined }),
    },
    { requiredKeys: ['line'] },
  );
  test.each([
    ['untyped', pattern],
    ['typed', typed],
  ])('%s captures', (_name, p) => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (drawn) => {
        const records: RecordInput[] = drawn.map((r, i) => ({
          id: `id-"${i}"-\u00e9`,
          line: r.line,
          format: 'raw',
          ...(r.shippedAt === undefined ? {} : { shippedAt: r.shippedAt }),
          ...(r.fields === undefined ? {} : { fields: r.fields }),
        }));
        expect(checkBothPaths(records, [{ grok: { patterns: [p] } }])).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('records as a shipper sends them take the compiled path, event.created and all', () => {
    const pipeline = compilePipeline([{ grok: { patterns: ['%{COMBINEDAPACHELOG}'] } }]);
    const direct = directEncoderFor(pipeline);
    const line =
      '1.2.3.4 - - [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0 (X11; Linux x86_64)"';
    const kafka: RecordInput = {
      id: 'k',
      line,
      format: 'sluice',
      shippedAt: NOW - 1000,
      fields: {
        'host.name': 'web-1',
        'agent.type': 'sluice',
        'log.file.path': '/var/log/a.log',
        'event.created': '2026-01-15T10:00:00.000Z',
        'log.offset': 181,
      },
    };
    const envelope: RecordInput = {
      ...kafka,
      id: 'r',
      fields: {
        host: { name: 'web-1' },
        event: { created: '2026-01-15T10:00:00.000Z' },
        log: { file: { path: '/var/log/a.log' }, offset: 181 },
      },
    };
    expect(direct?.accepts(kafka)).toBe(true);
    expect(direct?.accepts(envelope)).toBe(true);
    expect(typeof direct?.source(structuredClone(kafka), new Date(NOW - 1000).toISOString(), NOW)).toBe(
      'string',
    );
    expect(checkBothPaths([kafka, envelope], [{ grok: { patterns: ['%{COMBINEDAPACHELOG}'] } }])).toBe(true);
    // A pattern capturing under `event` would merge with the record's: it is never compiled.
    expect(directEncoderFor(compilePipeline([{ grok: { patterns: ['^%{WORD:[event][action]} '] } }]))).toBe(
      undefined,
    );
  });

  test('a field captured twice: compiled, and a line where both captures match is built as an array', () => {
    const twice = '^(?<a>\\w+)(?: (?<a>\\w+))?$';
    const batch = items(recordsOf(['one two']), compilePipeline([{ grok: { patterns: [twice] } }]), false);
    expect(batch[0]?.source.a).toEqual(['one', 'two']);
    expect(checkBothPaths(recordsOf(['one two', 'one', 'x y']), [{ grok: { patterns: [twice] } }])).toBe(
      true,
    );
  });

  test('alternatives capturing one field: whichever matched is written', () => {
    const alternatives = '^(?:(?<[x][a]>\\d+)|(?<[x][a]>[a-z]+)|%{DATA:[x][a]:int}!)(?: (?<[x][b]>\\w+))?$';
    expect(
      checkBothPaths(recordsOf(['12', 'ab', '12 z', 'ab z', '7!', 'q!', '! z']), [
        { grok: { patterns: [alternatives] } },
      ]),
    ).toBe(true);
  });

  test('nested objects whose first members are absent still open and close right', () => {
    const nested =
      '^(?<[h][r][m]>[a-z]*),(?<[h][v]>[a-z]*),(?<[h][s][c]>[0-9]*),%{DATA:[h][s][b][n]:int},(?<[u]>[a-z]*)$';
    const lines = ['a,b,1,2,c', ',b,1,2,c', ',,1,2,', ',,,2,', ',,,,', 'a,,,,', ',b,,,', ',,1,,c'];
    expect(checkBothPaths(recordsOf(lines), [{ grok: { patterns: [nested] } }])).toBe(true);
  });

  test('a field that is also a parent is not compiled, and still encodes', () => {
    const parent = '^(?<a>\\w+) (?<[a][b]>\\w+)?$';
    expect(checkBothPaths(recordsOf(['one two', 'one ']), [{ grok: { patterns: [parent] } }])).toBe(false);
  });

  test('an index name that reads fields keeps every record on the generic path', () => {
    const pipeline = compilePipeline([{ grok: { patterns: ['^%{WORD:[service][name]}'] } }]);
    const byService = compileIndexName('logs-%{[service][name]}');
    const batch = encodeRecords(recordsOf(['shop a', 'cart b']), {
      pipeline,
      indexName: byService,
      indexReadsFields: true,
      now: NOW,
    });
    expect(itemText(batch, 0).split('\n')[0]).toBe('{"create":{"_index":"logs-shop","_id":"id-0"}}');
    expect(itemText(batch, 1).split('\n')[0]).toBe('{"create":{"_index":"logs-cart","_id":"id-1"}}');
  });
});
