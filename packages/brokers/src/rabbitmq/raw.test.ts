import type { InboundRecord, OutboundRecord, PayloadPoison } from '@sluice/core';
import type { ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { decodePayloads } from '../payloads.js';
import { HEADER, isPoison } from '../wire.js';
import {
  type AmqpMessage,
  decodeAmqp,
  decodeAmqpBatch,
  encodeAmqp,
  encodeAmqpBatch,
  NDJSON,
} from './codec.js';
import { packAmqpMessages } from './raw.js';

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

/** A delivery as amqplib hands it to the consumer: properties parsed, headers a table. */
function delivered(
  content: Buffer | string,
  properties: { messageId?: string; contentType?: string; headers?: Record<string, unknown> } = {},
): ConsumeMessage {
  return {
    content: typeof content === 'string' ? Buffer.from(content) : content,
    fields: { deliveryTag: 1, redelivered: false, exchange: '', routingKey: 'q', consumerTag: 't' },
    properties: {
      contentType: properties.contentType,
      contentEncoding: undefined,
      headers: properties.headers,
      deliveryMode: undefined,
      priority: undefined,
      correlationId: undefined,
      replyTo: undefined,
      expiration: undefined,
      messageId: properties.messageId,
      timestamp: undefined,
      type: undefined,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
    },
  } as ConsumeMessage;
}

function fromEncoded(m: AmqpMessage): ConsumeMessage {
  return delivered(m.body, { messageId: m.messageId, contentType: m.contentType, headers: m.headers });
}

/** What the consumer decodes on its own thread (consumer.ts `decode`), in the workers' shape. */
function decodedOnMainThread(messages: readonly ConsumeMessage[], queue: string) {
  const context = { origin: `amqp:${queue}`, stream: queue };
  const records: InboundRecord[] = [];
  const poison: PayloadPoison[] = [];
  for (const [i, msg] of messages.entries()) {
    if (msg.properties.contentType === NDJSON) {
      for (const { line, decoded } of decodeAmqpBatch(msg.content, context)) {
        if (isPoison(decoded)) poison.push({ payload: i, reason: decoded.reason, line });
        else records.push(decoded);
      }
      continue;
    }
    const decoded = decodeAmqp(msg.content, msg.properties, context);
    if (isPoison(decoded)) poison.push({ payload: i, reason: decoded.reason });
    else records.push(decoded);
  }
  return { records, poison };
}

describe('AMQP messages as raw payloads', () => {
  it('decode in a worker to exactly what decodeAmqp / decodeAmqpBatch give, poison included', () => {
    const batch = encodeAmqpBatch([record(20), record(21, 'naïve ☃ 🚀'), record(22)]);
    const lines = batch.body.toString().split('\n');
    const poisonInTheMiddle = [lines[0], '{"not": "an envelope', lines[1], 'plain text', lines[2]].join('\n');
    const messages = [
      fromEncoded(encodeAmqp(record(1))),
      fromEncoded(encodeAmqp(record(2, 'café ✓ 日本語 \u0000 end'))),
      fromEncoded(encodeAmqp({ ...record(3), fields: {}, offset: undefined })),
      fromEncoded(encodeAmqp(record(4), 'beats')),
      // Foreign messages: plain text with and without a message id, declared JSON that does not parse.
      delivered('a plain line', { messageId: 'm-5', contentType: 'text/plain' }),
      delivered('a plain line without properties'),
      delivered('{"broken', { contentType: 'application/json' }),
      delivered('{"message":"logstash event","host":"h"}', { contentType: 'application/json' }),
      delivered('{"message":"undeclared json"}'),
      // Missing or odd headers: no message id, an empty one, bad fields, numbers as strings or bigints.
      delivered('no id', { headers: { [HEADER.source]: '/var/log/x.log' } }),
      delivered('empty id', { messageId: '', headers: { [HEADER.source]: '/var/log/x.log' } }),
      delivered('fields not json', {
        messageId: 'm-12',
        headers: { [HEADER.source]: '/s', [HEADER.fields]: 'not json' },
      }),
      delivered('fields an array', {
        messageId: 'm-13',
        headers: { [HEADER.source]: '/s', [HEADER.fields]: '[1]' },
      }),
      delivered('fields null', {
        messageId: 'm-14',
        headers: { [HEADER.source]: '/s', [HEADER.fields]: null },
      }),
      delivered('fields bytes', {
        messageId: 'm-15',
        headers: { [HEADER.source]: '/s', [HEADER.fields]: Buffer.from('{"a.b":"ü"}') },
      }),
      delivered('numbers as text', {
        messageId: 'm-16',
        headers: { [HEADER.source]: 'ünï', [HEADER.offset]: '42', [HEADER.shippedAt]: 12345678901234n },
      }),
      delivered('odd numbers', {
        messageId: 'm-17',
        headers: { [HEADER.source]: '/s', [HEADER.offset]: 'x', [HEADER.shippedAt]: Number.NaN },
      }),
      delivered('source not a string', { messageId: 'm-18', headers: { [HEADER.source]: 7 } }),
      delivered('late unicode', { messageId: 'abcdefé', headers: { [HEADER.source]: '/var/log/naïve.log' } }),
      delivered('long source', {
        messageId: 'm-19b',
        headers: { [HEADER.source]: `/var/log/${'d/'.repeat(40)}ü.log` },
      }),
      // Empty bodies.
      delivered(''),
      delivered('', { messageId: 'm-20', headers: { [HEADER.source]: '/s' } }),
      delivered('', { contentType: NDJSON }),
      // NDJSON batches: whole, a poison line in the middle, nothing but poison.
      fromEncoded(batch),
      delivered(poisonInTheMiddle, { contentType: NDJSON, headers: { 'x-sluice-records': 5 } }),
      delivered('oops\n\n{"x":1}\n', { contentType: NDJSON }),
      delivered(Buffer.alloc(100_000, 'y'), { messageId: 'm-25', contentType: 'text/plain' }),
    ];
    const raw = packAmqpMessages(messages, 'logs');
    expect(raw.codec).toBe('amqp');
    expect(raw.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(raw.ends.length).toBe(messages.length);
    const expected = decodedOnMainThread(messages, 'logs');
    const { records, poison } = decodePayloads(raw);
    expect(records).toEqual(expected.records);
    expect(poison).toEqual(expected.poison);
    // The differential test is only as good as its cases: they do reach every branch.
    expect(records.map((r) => r.id).slice(0, 3)).toEqual(['id-1', 'id-2', 'id-3']);
    expect(records[1]?.line).toBe('café ✓ 日本語 \u0000 end');
    expect(records.find((r) => r.line === 'numbers as text')).toMatchObject({
      source: 'ünï',
      offset: 42,
      shippedAt: 12345678901234,
    });
    expect(records.find((r) => r.line === 'fields bytes')?.fields).toEqual({ a: { b: 'ü' } });
    expect(records.filter((r) => r.line.includes('naïve ☃ 🚀'))).toHaveLength(2);
    expect(poison.map((p) => [p.payload, p.line !== undefined])).toEqual([
      [6, false],
      [11, false],
      [12, false],
      [13, false],
      [24, true],
      [24, true],
      [25, true],
    ]);
    expect(records.find((r) => r.line === 'late unicode')).toMatchObject({ source: '/var/log/naïve.log' });
    expect(poison[4]?.line).toBe('{"not": "an envelope');
  });

  it('packs an empty batch', () => {
    const { records, poison } = decodePayloads(packAmqpMessages([], 'logs'));
    expect(records).toEqual([]);
    expect(poison).toEqual([]);
  });
});
