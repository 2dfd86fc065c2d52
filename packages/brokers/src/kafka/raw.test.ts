import type { OutboundRecord } from '@sluice/core';
import type { KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { decodePayloads } from '../payloads.js';
import { isPoison } from '../wire.js';
import { decodeKafkaRecords, encodeKafkaFrame, encodeKafkaMessage, KAFKA_HEADER } from './codec.js';
import { kafkaMessageLines, packKafkaMessages } from './raw.js';

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
});
