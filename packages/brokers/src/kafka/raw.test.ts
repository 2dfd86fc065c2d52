import type { InboundRecord, OutboundRecord } from '@sluice/core';
import fc from 'fast-check';
import type { KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { decodePayloads } from '../payloads.js';
import { isPoison } from '../wire.js';
import { decodeKafkaRecords, encodeKafkaFrame, encodeKafkaMessage, KAFKA_HEADER } from './codec.js';
import {
  decodeKafkaPayload,
  decodeKafkaPayloadGenerally,
  kafkaMessageLines,
  packKafkaMessages,
} from './raw.js';

const shippedAt = Date.UTC(2026, 0, 2, 3, 4, 5);
function record(i: number, line = `GET /${i} HTTP/1.1`): OutboundRecord {
  return {
    id: `id-${i}`,
    line,
    source: '/var/log/app.log',
    offset: i * 10,
    shippedAt,
    fields: { 'host.name': 'web-1', tags: ['edge'] },
  };
}

/** A message as kafkajs hands it to the consumer: Buffers for value, key and header values. */
function received(message: Message, offset: number): KafkaMessage {
  const buf = (v: unknown) => (v === null || v === undefined ? null : Buffer.from(v as string));
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = buf(v) as Buffer;
  return {
    key: buf(message.key),
    value: buf(message.value),
    headers,
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
  } as KafkaMessage;
}

describe('Kafka messages as raw payloads', () => {
  it('decode in a worker to exactly what decodeKafkaRecords gives per message, poison included', () => {
    const messages = [
      encodeKafkaMessage(record(1)),
      encodeKafkaFrame([record(2), record(3, 'café ✓'), record(4)]),
      encodeKafkaMessage(record(5), 'beats'),
      { value: 'a plain line' },
      { value: '{"broken', headers: { 'content-type': 'application/json' } },
      { value: null },
      {
        value: 'x',
        headers: { [KAFKA_HEADER.id]: 'id-7', [KAFKA_HEADER.fields]: 'not json' },
      },
      encodeKafkaMessage({ ...record(8), fields: {} }),
    ].map((m, i) => received(m as Message, 100 + i));
    const raw = packKafkaMessages(messages, 'logs', 2);
    expect(raw.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const expectedRecords = [];
    const expectedPoison = [];
    for (const [i, m] of messages.entries()) {
      const d = decodeKafkaRecords('logs', 2, m);
      if (isPoison(d)) expectedPoison.push({ payload: i, reason: d.reason });
      else expectedRecords.push(...d);
    }
    const { records, poison } = decodePayloads(raw);
    expect(records).toEqual(expectedRecords);
    expect(poison).toEqual(expectedPoison);
    expect(records.map((r) => r.id).slice(0, 4)).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
    expect(records[2]?.origin).toBe('logs/2@101#1');
    expect(poison.map((p) => p.payload)).toEqual([4, 5, 6]);
  });

  it('packs what kafkajs can hand over: repeated headers (the first counts), string values, no headers', () => {
    const base = received(encodeKafkaMessage(record(1)), 7);
    const messages = [
      {
        ...base,
        headers: { ...base.headers, [KAFKA_HEADER.id]: [Buffer.from('first'), Buffer.from('second')] },
      },
      { ...base, offset: '8', headers: { ...base.headers, [KAFKA_HEADER.id]: 'as a string' } },
      { ...base, offset: '9', headers: { ...base.headers, [KAFKA_HEADER.id]: [] } },
      { ...base, offset: '10', headers: undefined },
    ] as unknown as KafkaMessage[];
    const expected = messages.flatMap((m) => {
      const d = decodeKafkaRecords('logs', 0, m);
      return isPoison(d) ? [] : d;
    });
    const { records, poison } = decodePayloads(packKafkaMessages(messages, 'logs', 0));
    expect(poison).toEqual([]);
    expect(records).toEqual(expected);
    expect(records.map((r) => r.id).slice(0, 2)).toEqual(['first', 'as a string']);
  });

  it('counts a frame’s lines from its header, anything else as one line', () => {
    expect(kafkaMessageLines(received(encodeKafkaFrame([record(1), record(2)]), 0))).toBe(2);
    expect(kafkaMessageLines(received(encodeKafkaMessage(record(1)), 0))).toBe(1);
    expect(kafkaMessageLines(received({ value: 'x' }, 0))).toBe(1);
  });

  it('reads Sluice messages straight from their parts: the same records, key order and poison as the general way', () => {
    const bytes = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }).map((t) => Buffer.from(t)),
      fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)),
    );
    const header = (value: fc.Arbitrary<Buffer>) => fc.option(value, { nil: undefined });
    const fieldsText = fc.oneof(
      fc.constantFrom(
        '{"host.name":"vm","agent.id":"bench"}',
        '{"__proto__":{"a":1},"tags":["x"],"n":1.5e3}',
        '{"7":1,"a":2}',
        '[1]',
        'null',
        '"text"',
        '{"broken',
        '',
      ),
      fc.json(),
    );
    const message = fc.record({
      value: fc.option(bytes, { nil: null }),
      key: fc.option(bytes, { nil: null }),
      id: header(fc.oneof(fc.constant(Buffer.from('id-1')), fc.constant(Buffer.alloc(0)), bytes)),
      source: header(bytes),
      offset: header(
        fc.oneof(
          fc.constantFrom('0', '17', '', '1e3', '-2', 'x', ' 5').map((t) => Buffer.from(t)),
          bytes,
        ),
      ),
      shippedAt: header(fc.constantFrom('1796450751438', '', 'NaN').map((t) => Buffer.from(t))),
      fields: header(fieldsText.map((t) => Buffer.from(t))),
      frame: fc.option(fc.constant(Buffer.from('1')), { nil: undefined, freq: 8 }),
    });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), (parts) => {
        const messages = parts.map((p, i) => {
          const headers: Record<string, Buffer> = {};
          if (p.id !== undefined) headers[KAFKA_HEADER.id] = p.id;
          if (p.source !== undefined) headers[KAFKA_HEADER.source] = p.source;
          if (p.offset !== undefined) headers[KAFKA_HEADER.offset] = p.offset;
          if (p.shippedAt !== undefined) headers[KAFKA_HEADER.shippedAt] = p.shippedAt;
          if (p.fields !== undefined) headers[KAFKA_HEADER.fields] = p.fields;
          if (p.frame !== undefined) headers[KAFKA_HEADER.frame] = p.frame;
          return { key: p.key, value: p.value, headers, offset: String(i) } as unknown as KafkaMessage;
        });
        const raw = packKafkaMessages(messages, 'logs', 3);
        for (let i = 0; i < messages.length; i++) {
          const fast = decodeKafkaPayload(raw, i);
          const general = decodeKafkaPayloadGenerally(raw, i);
          expect(fast).toEqual(general);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives each record its own fields, though the header repeats', () => {
    const messages = [1, 2].map((i) => received(encodeKafkaMessage(record(i)), i));
    const raw = packKafkaMessages(messages, 'logs', 0);
    const [a] = decodeKafkaPayload(raw, 0) as InboundRecord[];
    const [b] = decodeKafkaPayload(raw, 1) as InboundRecord[];
    expect(a?.fields).toEqual({ 'host.name': 'web-1', tags: ['edge'] });
    expect(b?.fields).toEqual(a?.fields);
    expect(b?.fields).not.toBe(a?.fields);
    expect(b?.fields?.tags).not.toBe(a?.fields?.tags);
  });
});
