import {
  compileIndexName,
  itemCount,
  itemText,
  type JsonObject,
  type JsonValue,
  type LogEvent,
  setField,
  setOwn,
} from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compilePipeline } from '../pipeline/compile.js';
import { encodeRecords } from './encode.js';
import type { RecordInput } from './event.js';
import { startEvent } from './event.js';

const indexName = compileIndexName('logs-%{+yyyy.MM.dd}');

/** `{"a":{"a":...1...}}` nested `levels` deep: 50,000 levels is a 300 KB line that overflows every recursive walk. */
function deepJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

function deepValue(levels: number): LogEvent {
  let value: LogEvent = { a: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('a poison record does not fail its batch', () => {
  test('json: a document past max_depth is tagged and the healthy line beside it is indexed', async () => {
    const pipeline = compilePipeline([{ json: { field: 'message' } }]);
    const records: RecordInput[] = [deepJson(50_000), '{"ok":true}'].map((line, i) => ({
      id: `id${i}`,
      line,
      format: 'raw',
      shippedAt: 0,
    }));
    const batch = encodeRecords(records, { pipeline, indexName, now: 0 });
    expect(itemCount(batch)).toBe(2);
    const [deep, ok] = [0, 1].map((i) => JSON.parse(itemText(batch, i).split('\n')[1] as string) as LogEvent);
    expect(deep?.tags).toEqual(['_jsonparsefailure']);
    expect(deep?.message).toBe(records[0]?.line);
    expect(ok?.ok).toBe(true);
    expect(batch.failures).toEqual({ _jsonparsefailure: 1 });
  });

  test('json max_depth is configurable: 3 levels pass at 3 and fail at 2', () => {
    const at = (max: number) =>
      compilePipeline([{ json: { field: 'message', max_depth: max } }])({ message: '{"a":{"b":[1]}}' });
    expect(at(3)).toMatchObject({ a: { b: [1] } });
    expect(at(2)?.tags).toEqual(['_jsonparsefailure']);
  });

  test('an event too deep to serialise becomes a _processorfailure event with the reason; the batch goes on', () => {
    const records: RecordInput[] = ['deep', 'fine'].map((line, i) => ({
      id: `id${i}`,
      line,
      format: 'raw',
      shippedAt: 0,
    }));
    const batch = encodeRecords(records, {
      // A pipeline (a processor bug) that leaves a value no recursive walk can handle.
      pipeline: (event) => (event.message === 'deep' ? { ...event, nested: deepValue(50_000) } : event),
      indexName,
      now: 0,
    });
    expect(itemCount(batch)).toBe(2);
    const deep = JSON.parse(itemText(batch, 0).split('\n')[1] as string) as LogEvent;
    expect(deep.message).toBe('deep');
    expect(deep.tags).toEqual(['_processorfailure']);
    expect(deep.sluice).toEqual({
      failure: { processor: 'encoder', reason: 'RangeError: Maximum call stack size exceeded' },
    });
    expect(deep.nested).toBeUndefined();
    expect(itemText(batch, 1)).toContain('"message":"fine"');
    expect(batch.failures).toEqual({ _processorfailure: 1 });
  });

  test('fields from a Filebeat event nested too deep still leave the line indexed', () => {
    const batch = encodeRecords(
      [{ id: 'x', line: 'hello', format: 'beats', shippedAt: 0, fields: { deep: deepValue(50_000) } }],
      { pipeline: (event) => event, indexName, now: 0 },
    );
    const event = JSON.parse(itemText(batch, 0).split('\n')[1] as string) as LogEvent;
    expect(event).toMatchObject({ message: 'hello', tags: ['_processorfailure'] });
  });
});

describe('encodeRecords', () => {
  test('drops leave no item; starts and recordIndex map items back to records', () => {
    const records: RecordInput[] = ['a', 'b', 'c', 'd'].map((line, i) => ({
      id: `id${i}`,
      line,
      format: 'raw',
      shippedAt: 0,
    }));
    const batch = encodeRecords(records, {
      pipeline: (event) => (event.message === 'b' || event.message === 'd' ? null : event),
      indexName,
      now: 0,
    });
    expect(batch.dropped).toBe(2);
    expect(itemCount(batch)).toBe(2);
    expect(Array.from(batch.recordIndex)).toEqual([0, 2]);
    expect(batch.starts).toHaveLength(3);
    expect(batch.starts[2]).toBe(batch.body.length);
    expect(itemText(batch, 1)).toBe(
      '{"create":{"_index":"logs-1970.01.01","_id":"id2"}}\n{"message":"c","@timestamp":"1970-01-01T00:00:00.000Z","event":{"created":"1970-01-01T00:00:00.000Z"}}\n',
    );
  });

  test('non-ASCII lines and ids: starts are byte offsets into the UTF-8 body', () => {
    const lines = ['café ☕', 'plain', '日本語 🚀', 'ok'];
    const records: RecordInput[] = lines.map((line, i) => ({
      id: `ïd${i}`,
      line,
      format: 'raw',
      shippedAt: 0,
    }));
    const batch = encodeRecords(records, { pipeline: (e) => e, indexName, now: 0 });
    expect(batch.body).toBeInstanceOf(Uint8Array);
    expect(batch.starts[itemCount(batch)]).toBe(batch.body.length);
    lines.forEach((line, i) => {
      const [action, source] = itemText(batch, i).split('\n');
      expect(JSON.parse(action as string)).toEqual({ create: { _index: 'logs-1970.01.01', _id: `ïd${i}` } });
      expect((JSON.parse(source as string) as LogEvent).message).toBe(line);
    });
  });

  test("@timestamp: the pipeline's, else the shipped event's, else shippedAt, else now", () => {
    const run = (record: RecordInput, pipeline = (e: LogEvent) => e) => {
      const batch = encodeRecords([record], { pipeline, indexName, now: Date.UTC(2024, 5, 1) });
      return JSON.parse(itemText(batch, 0).split('\n')[1] as string) as LogEvent;
    };
    const shippedAt = Date.UTC(2024, 0, 2);
    expect(
      run({ id: '1', line: 'x', format: 'raw', shippedAt }, (e) => ({
        ...e,
        '@timestamp': '2023-01-01T00:00:00.000Z',
      }))['@timestamp'],
    ).toBe('2023-01-01T00:00:00.000Z');
    expect(
      run({
        id: '1',
        line: 'x',
        format: 'beats',
        shippedAt,
        fields: { '@timestamp': '2022-01-01T00:00:00.000Z' },
      })['@timestamp'],
    ).toBe('2022-01-01T00:00:00.000Z');
    expect(run({ id: '1', line: 'x', format: 'raw', shippedAt })['@timestamp']).toBe(
      '2024-01-02T00:00:00.000Z',
    );
    expect(run({ id: '1', line: 'x', format: 'raw' })).toEqual({
      message: 'x',
      '@timestamp': '2024-06-01T00:00:00.000Z',
    });
  });

  test('failure tags are counted by tag; the skip set emits records unparsed with _groktimeout', () => {
    const records: RecordInput[] = ['a', 'b', 'c'].map((line, i) => ({ id: `${i}`, line, format: 'raw' }));
    const batch = encodeRecords(records, {
      pipeline: (event) => ({ ...event, tags: ['_grokparsefailure', 'mine'] }),
      indexName,
      skip: new Set([1]),
    });
    expect(batch.failures).toEqual({ _grokparsefailure: 2, _groktimeout: 1 });
    expect(itemText(batch, 1)).toContain('"tags":["_groktimeout"]');
  });
});

describe('action lines', () => {
  test('ids and index names that need escaping give valid action lines', () => {
    const batch = encodeRecords([{ id: 'a"b\\c', line: 'x', format: 'raw', shippedAt: 0 }], {
      pipeline: (event) => event,
      indexName: () => 'logs-"odd"',
      now: 0,
    });
    const [action] = itemText(batch, 0).split('\n');
    expect(JSON.parse(action as string)).toEqual({ create: { _index: 'logs-"odd"', _id: 'a"b\\c' } });
  });
});

describe('startEvent', () => {
  test('shipper metadata with dotted keys becomes nested; foreign events stay as they are; parsed fields win', () => {
    expect(
      startEvent(
        {
          id: '1',
          line: 'l',
          format: 'sluice',
          fields: { 'host.name': 'web-1', 'log.offset': 42, tags: ['a'] },
        },
        false,
      ),
    ).toEqual({
      host: { name: 'web-1' },
      log: { offset: 42 },
      tags: ['a'],
      message: 'l',
    });
    const beats = { '@timestamp': 't', agent: { type: 'filebeat' }, message: 'l', 'odd.key': 1 };
    const event = startEvent({ id: '1', line: 'l', format: 'beats', fields: beats }, false);
    expect(event).toEqual(beats);
    (event.agent as { type: string }).type = 'changed';
    expect(beats.agent.type).toBe('filebeat');
  });
});

describe('startEvent: dotted keys split once and remembered', () => {
  // The reference: setField with the key as a string, as before the keys were remembered.
  function reference(fields: JsonObject, line: string): string {
    const event: JsonObject = {};
    for (const key of Object.keys(fields)) {
      const value = fields[key] as JsonValue;
      if (key.includes('.')) setField(event, key, structuredClone(value));
      else setOwn(event, key, structuredClone(value));
    }
    event.message = line;
    return JSON.stringify(event);
  }
  const key = fc.oneof(
    fc.constantFrom(
      'host.name',
      'host',
      'log.file.path',
      'log.offset',
      'a..b',
      '.a',
      'a.',
      '[a][b.c]',
      '__proto__.x',
      'x.__proto__',
      'a.b.c.d',
    ),
    fc.string({ unit: fc.constantFrom('a', 'b', '.', '_'), minLength: 1, maxLength: 6 }),
  );
  const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant({ nested: [1] }));

  test('gives what setField of each key gave, over many records and more keys than are remembered', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(key, value), { minLength: 1, maxLength: 20 }), (batch) => {
        for (const fields of batch) {
          const record: RecordInput = {
            id: '1',
            line: 'l',
            format: 'sluice',
            fields: JSON.parse(JSON.stringify(fields)),
          };
          expect(JSON.stringify(startEvent(record, false))).toBe(reference(fields, 'l'));
        }
      }),
      { numRuns: 300 },
    );
    // Past the bound the remembered keys start over; the events stay the same.
    for (let i = 0; i < 3000; i++) {
      const fields = { [`k${i}.x`]: i, 'host.name': 'h' };
      expect(JSON.stringify(startEvent({ id: '1', line: 'l', format: 'sluice', fields }, false))).toBe(
        reference(fields, 'l'),
      );
    }
  });
});
