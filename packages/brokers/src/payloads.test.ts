import type { InboundRecord, OutboundRecord } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, isFramePayload } from './frame.js';
import { decodePayloads, packPayloads, payloadBytes, releasePayloads } from './payloads.js';
import { decodeEntry } from './redis-stream/entry.js';
import { decodePayload, encodeBeatsEvent, encodeEnvelope, isPoison } from './wire.js';

const shippedAt = Date.UTC(2026, 0, 2, 3, 4, 5);

function record(i: number, line = `10.0.0.${i} - - "GET /${i} HTTP/1.1" 200 ${i}`): OutboundRecord {
  return {
    id: `id-${i}`,
    line,
    source: '/var/log/app.log',
    offset: i * 10,
    shippedAt,
    fields: { 'host.name': 'web-1', tags: ['edge'] },
  };
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** What the Redis list consumer makes of each element one by one (its decoded path). */
function oneByOne(payloads: readonly string[], stream: string, origin: string) {
  const records: InboundRecord[] = [];
  const poison: Array<{ payload: number; reason: string }> = [];
  payloads.forEach((payload, i) => {
    const decoded = isFramePayload(payload)
      ? decodeFrame(payload, origin)
      : decodePayload(payload, { origin, stream });
    if (Array.isArray(decoded)) records.push(...decoded);
    else if (isPoison(decoded)) poison.push({ payload: i, reason: decoded.reason });
    else records.push(decoded);
  });
  return { records, poison };
}

describe('decodePayloads', () => {
  it('gives the records and poison the one-by-one decoding gives, in the same order, for every wire form', () => {
    const payloads = [
      encodeEnvelope(record(1)),
      encodeFrame([record(2), record(3, 'café — 東京 ✓'), record(4)]),
      '{"not json',
      encodeBeatsEvent(record(5)),
      'a plain line, no JSON',
      '{"@version":"1","message":"from logstash","host":"h"}',
      encodeEnvelope(record(6, 'ünïcödé line 🚀')),
      '{"sluice_frame":1,"ids":["a"],"lines":[]}',
    ];
    const raw = packPayloads(payloads.map(utf8), { codec: 'list', stream: 'logs', origin: 'redis:logs' });
    expect(raw.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const { framed, ...decoded } = decodePayloads(raw);
    expect(decoded).toEqual(oneByOne(payloads, 'logs', 'redis:logs'));
    // The frame's three lines share its field values: the workers copy them before mutating.
    expect(framed).toBe(true);
    const single = packPayloads([encodeEnvelope(record(1)), encodeFrame([record(2)])].map(utf8), {
      codec: 'list',
      stream: 'logs',
      origin: 'redis:logs',
    });
    expect(decodePayloads(single).framed).toBe(false);
    expect(decoded.records.map((r) => r.id).slice(0, 4)).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
    expect(decoded.records[2]?.line).toBe('café — 東京 ✓');
    expect(decoded.poison.map((p) => p.payload)).toEqual([2, 7]);
    // Each payload's bytes come back as they went in (the adapter dead-letters them so).
    payloads.forEach((p, i) => {
      expect(Buffer.from(payloadBytes(raw, i)).toString('utf8')).toBe(p);
    });
  });

  it('decodes stream entries as decodeEntry does, with the entry id as coordinate', () => {
    const payloads = [encodeEnvelope(record(1)), 'plain line', '{"broken'];
    const ids = ['1-0', '1-1', '2-0'];
    const raw = packPayloads(payloads.map(utf8), {
      codec: 'stream',
      stream: 'events',
      origin: 'redis-stream:events',
      coordinates: ids,
    });
    const { records, poison } = decodePayloads(raw);
    const expected = payloads.map((p, i) => decodeEntry('events', ids[i] as string, ['data', p]));
    expect(records).toEqual(expected.filter((d) => !isPoison(d)));
    expect(poison).toEqual([{ payload: 2, reason: (expected[2] as { reason: string }).reason }]);
  });

  it('packs chunks that hold several payloads each, by their lengths, as it packs the payloads one by one', () => {
    const payloads = ['é', 'plain', encodeEnvelope(record(1))];
    const shape = { codec: 'list', stream: 'logs', origin: 'redis:logs' } as const;
    const one = packPayloads(payloads.map(utf8), shape);
    const chunked = packPayloads(
      [utf8(payloads[0] as string), utf8(payloads.slice(1).join(''))],
      shape,
      payloads.map((p) => utf8(p).length),
    );
    expect(Array.from(chunked.ends)).toEqual(Array.from(one.ends));
    expect(Buffer.from(chunked.bytes).equals(Buffer.from(one.bytes))).toBe(true);
    expect(() => packPayloads([utf8('abc')], shape, [2])).toThrow(
      'payload lengths add up to 2 bytes, the chunks hold 3',
    );
  });

  it('reuses a settled batch’s SharedArrayBuffer for the next batch of a like size, and only after release', () => {
    const shape = { codec: 'list', stream: 'logs', origin: 'redis:logs' } as const;
    const first = packPayloads([Buffer.alloc(70_000, 'a')], shape);
    const second = packPayloads([Buffer.alloc(70_000, 'b')], shape);
    expect(second.bytes.buffer).not.toBe(first.bytes.buffer);
    releasePayloads(first);
    const third = packPayloads([Buffer.alloc(80_000, 'c')], shape);
    expect(third.bytes.buffer).toBe(first.bytes.buffer);
    expect(third.bytes.byteLength).toBe(80_000);
    expect(Buffer.from(payloadBytes(third, 0)).equals(Buffer.alloc(80_000, 'c'))).toBe(true);
  });

  it('an empty batch is no records and no poison', () => {
    const raw = packPayloads([], { codec: 'list', stream: 'logs', origin: 'redis:logs' });
    expect(decodePayloads(raw)).toEqual({ records: [], poison: [], framed: false });
  });
});
