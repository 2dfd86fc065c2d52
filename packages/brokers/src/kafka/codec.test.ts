import type { OutboundRecord } from '@sluice/core';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isPoison } from '../wire.js';
import {
  decodeKafkaMessage,
  decodeKafkaRecords,
  encodeKafkaFrame,
  encodeKafkaMessage,
  KAFKA_HEADER,
} from './codec.js';

const record: OutboundRecord = {
  id: 'abc123',
  line: '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
  source: '/var/log/nginx/access.log',
  offset: 4096,
  shippedAt: 1_700_000_000_000,
  fields: { 'host.name': 'web-1' },
};

/** What kafkajs hands the consumer for a produced message. */
function received(
  value: string | null,
  headers: IHeaders = {},
  key: string | null = null,
  offset = '7',
): KafkaMessage {
  const asBuffers: IHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') asBuffers[k] = Buffer.from(v);
  return {
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    timestamp: '0',
    attributes: 0,
    offset,
    headers: asBuffers,
  } as KafkaMessage;
}

describe('Kafka wire format', () => {
  it('puts the raw line in the value, the source in the key, the id and coordinates in headers', () => {
    const m = encodeKafkaMessage(record);
    expect(m.value).toBe(record.line);
    expect(m.key).toBe(record.source);
    expect(m.headers).toEqual({
      [KAFKA_HEADER.id]: 'abc123',
      'x-sluice-source': record.source,
      'x-sluice-offset': '4096',
      'x-sluice-shipped-at': '1700000000000',
      'x-sluice-fields': '{"host.name":"web-1"}',
    });
  });

  it('writes the fields header as JSON.stringify would, for any field set, one after another', () => {
    const sets: OutboundRecord['fields'][] = [
      { 'host.name': 'web-1', 'log.offset': 4096, tags: ['a', 'b'], ok: true },
      { 'host.name': 'web-2', 'log.offset': 5000, tags: [], ok: false },
      { 'we"ird\\name': 'x\n"y"', n: Number.NaN },
      JSON.parse('{"__proto__":"own","after":1}'),
      { gone: undefined, kept: 'k' } as unknown as OutboundRecord['fields'],
      { nested: { a: 1 } } as unknown as OutboundRecord['fields'],
      { 'host.name': 'web-3', 'log.offset': 1, tags: ['c'], ok: true },
      // Same names again: values the same as the last line's, then changed, then NaN and -0.
      { 'host.name': 'web-3', 'log.offset': 2, tags: ['c'], ok: true },
      { 'host.name': 'web-4', 'log.offset': 2, tags: ['c'], ok: false },
      {
        'host.name': 'web-4',
        'log.offset': Number.NaN,
        tags: ['c'],
        ok: -0,
      } as unknown as OutboundRecord['fields'],
    ];
    for (const fields of sets) {
      const m = encodeKafkaMessage({ ...record, fields });
      expect(m.headers?.[KAFKA_HEADER.fields], JSON.stringify(fields)).toBe(JSON.stringify(fields));
    }
    expect(encodeKafkaMessage({ ...record, fields: {} }).headers).not.toHaveProperty(KAFKA_HEADER.fields);
    // One array changed in place between two lines: its text must follow.
    const shared = ['x'];
    const fieldsHeaderOf = () =>
      encodeKafkaMessage({ ...record, fields: { 'host.name': 'web-4', tags: shared } }).headers?.[
        KAFKA_HEADER.fields
      ];
    expect(fieldsHeaderOf()).toBe('{"host.name":"web-4","tags":["x"]}');
    shared.push('y');
    expect(fieldsHeaderOf()).toBe('{"host.name":"web-4","tags":["x","y"]}');
  });

  it('round-trips a Sluice record', () => {
    const m = encodeKafkaMessage(record);
    const decoded = decodeKafkaMessage(
      'logs',
      2,
      received(m.value as string, m.headers, m.key as string, '41'),
    );
    expect(decoded).toEqual({
      id: 'abc123',
      line: record.line,
      source: record.source,
      offset: 4096,
      shippedAt: 1_700_000_000_000,
      format: 'sluice',
      fields: { 'host.name': 'web-1' },
      origin: 'logs/2@41',
    });
  });

  it('reads a Filebeat event written by its Kafka output, with an id from the coordinates', () => {
    const event = JSON.stringify({
      '@timestamp': '2024-01-01T00:00:00.000Z',
      '@metadata': { beat: 'filebeat', type: '_doc', version: '8.19.0' },
      message: 'hello',
      log: { file: { path: '/var/log/app.log' }, offset: 12 },
    });
    const decoded = decodeKafkaMessage('logs', 0, received(event, {}, null, '99'));
    expect(isPoison(decoded)).toBe(false);
    expect(decoded).toMatchObject({
      id: 'logs/0@99',
      line: 'hello',
      source: '/var/log/app.log',
      offset: 12,
      format: 'beats',
    });
  });

  it('takes a plain line without headers as a raw record', () => {
    expect(decodeKafkaMessage('t', 1, received('just a line', {}, null, '3'))).toEqual({
      id: 't/1@3',
      line: 'just a line',
      format: 'raw',
      origin: 't/1@3',
    });
  });

  it('the beats form is what Filebeat writes: a JSON event carrying the id in @metadata._id', () => {
    const m = encodeKafkaMessage(record, 'beats');
    const decoded = decodeKafkaMessage('logs', 0, received(m.value as string, m.headers as IHeaders));
    expect(decoded).toMatchObject({
      id: 'abc123',
      line: record.line,
      source: record.source,
      format: 'beats',
    });
  });

  it('routes malformed payloads to the dead letters instead of throwing', () => {
    const cases: [KafkaMessage, string][] = [
      [received(null), 'message has no value (tombstone)'],
      [received('{"message": "x", broken'), 'payload looks like JSON but does not parse'],
      [
        received('plain', { 'content-type': 'application/json' }),
        'payload looks like JSON but does not parse',
      ],
      [
        received('line', { [KAFKA_HEADER.id]: 'x', [KAFKA_HEADER.fields]: '{nope' }),
        'x-sluice-fields header is not valid JSON',
      ],
      [
        received('line', { [KAFKA_HEADER.id]: 'x', [KAFKA_HEADER.fields]: '[1]' }),
        'x-sluice-fields header is not a JSON object',
      ],
    ];
    for (const [message, reason] of cases) {
      const decoded = decodeKafkaMessage('t', 0, message);
      expect(isPoison(decoded) && decoded.reason.startsWith(reason)).toBe(true);
    }
  });
});

describe('Kafka frames', () => {
  const second: OutboundRecord = { ...record, id: 'def456', offset: 4200, line: 'second line' };

  it('one message per frame, keyed by the source, lines decoded with their own ids', () => {
    const m = encodeKafkaFrame([record, second]);
    expect(m.key).toBe(record.source);
    expect(m.headers).toEqual({
      [KAFKA_HEADER.frame]: '2',
      'content-type': 'application/vnd.sluice.frame+json',
    });
    const decoded = decodeKafkaRecords('logs', 1, received(m.value as string, m.headers, record.source, '9'));
    expect(decoded).toEqual(
      [record, second].map((r, i) => ({
        id: r.id,
        line: r.line,
        source: r.source,
        offset: r.offset,
        shippedAt: r.shippedAt,
        format: 'sluice',
        fields: r.fields,
        origin: `logs/1@9#${i}`,
      })),
    );
  });

  it('a message without the frame header is one record, as before; a broken frame is poison whole', () => {
    const m = encodeKafkaMessage(record);
    const one = decodeKafkaRecords('logs', 0, received(m.value as string, m.headers, record.source));
    expect(one).toEqual([
      decodeKafkaMessage('logs', 0, received(m.value as string, m.headers, record.source)),
    ]);
    const broken = decodeKafkaRecords(
      'logs',
      0,
      received('{"sluice_frame":1,"ids":[', { [KAFKA_HEADER.frame]: '3' }),
    );
    expect(broken).toMatchObject({ poison: true, reason: expect.stringMatching(/does not parse/) });
    expect(decodeKafkaRecords('logs', 0, received(null, { [KAFKA_HEADER.frame]: '1' }))).toMatchObject({
      poison: true,
      reason: expect.stringMatching(/tombstone/),
    });
  });
});
