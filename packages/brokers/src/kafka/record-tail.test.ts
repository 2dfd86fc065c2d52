import { createRequire } from 'node:module';
import type { OutboundRecord } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { encodeKafkaMessage } from './codec.js';
import { NOT_WRITTEN, RecordTailWriter } from './record-tail.js';

// The tail a RecordTailWriter writes must be the bytes kafkajs (as patched) writes for
// encodeKafkaMessage(record): the record batch writer is given one message of each kind and
// the two batches compared whole (the tail is everything after the record's deltas).
const require = createRequire(import.meta.url);
const encodeRecords = require('kafkajs/src/protocol/recordBatch/record/v0/batch.js') as (
  messages: object[],
  firstTimestamp: number,
  dateNow: number,
) => Buffer;

const now = 1_767_323_045_000;

function viaMessage(record: OutboundRecord): Buffer {
  return Buffer.from(encodeRecords([encodeKafkaMessage(record)], now, now));
}

function viaTail(writer: RecordTailWriter, record: OutboundRecord, out = Buffer.alloc(1 << 20), at = 7) {
  const end = writer.write(record, out, at);
  expect(end).toBeGreaterThan(at);
  const message = { key: record.source, value: null, recordTail: { buffer: out, start: at, end } };
  return Buffer.from(encodeRecords([message], now, now));
}

const base: OutboundRecord = {
  id: 'q3Zr1Tn0cVbEw9aXkLmPoUiYtRe',
  line: '203.0.113.9 - - [05/Dec/2026:06:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8"',
  source: '/var/log/nginx/access.log',
  offset: 4096,
  shippedAt: now,
  fields: {
    'host.name': 'web-1',
    'agent.id': 'web-1',
    'agent.type': 'sluice',
    'log.file.path': '/var/log/nginx/access.log',
    'event.created': '2026-12-05T06:00:00.000Z',
    'log.offset': 4096,
  },
};

describe('RecordTailWriter', () => {
  it("writes the bytes of encodeKafkaMessage's message, record after record of one file", () => {
    const writer = new RecordTailWriter();
    let offset = 0;
    for (let i = 0; i < 300; i++) {
      const line = `${base.line} ${'é'.repeat(i % 4)}${i % 50 === 0 ? '😀' : ''}${'x'.repeat(i * 3)}`;
      const record: OutboundRecord = {
        ...base,
        id: `${base.id.slice(0, 20)}${i}`,
        line,
        offset,
        // A read shares its time: a few reads per file.
        shippedAt: now + Math.floor(i / 40),
        fields: { ...base.fields, 'log.offset': offset },
      };
      expect(viaTail(writer, record), `record ${i}`).toEqual(viaMessage(record));
      offset += Buffer.byteLength(line) + 1;
    }
  });

  it('writes odd records as encodeKafkaMessage does: no offset, no fields, odd values, long and non-ASCII text', () => {
    const writer = new RecordTailWriter();
    const long = 'ü'.repeat(40_000);
    const cases: OutboundRecord[] = [
      { id: 'a', line: '', source: 'stdin', shippedAt: now },
      { id: 'b', line: 'no fields', source: 'stdin', offset: 12, shippedAt: now },
      { id: 'c', line: 'empty fields', source: 'stdin', shippedAt: now, fields: {} },
      { id: 'ид-😀', line: long, source: 'tcp://[::1]:5140 ключ', offset: 2 ** 40, shippedAt: now + 1 },
      { ...base, offset: 1.5, shippedAt: 1.25, fields: { n: -3, f: 0.1, big: 2 ** 60, no: Number.NaN } },
      { ...base, fields: { tags: ['a', 'b'], t: true, s: 'quote " and \\ and \n', 'ключ 😀': 'v' } },
      { ...base, fields: { tags: ['a', 'c'], t: false, s: 'x', 'ключ 😀': 'v' } },
      { ...base, fields: { nested: { a: 1 }, after: 2 } },
      { ...base, fields: { gone: undefined as unknown as string, kept: 'k' } },
      { ...base, fields: { lone: '\ud800 surrogate' }, line: 'lone \udc00 in the line', id: 'x\ud800' },
      { ...base, id: 'i'.repeat(64), source: 's'.repeat(64) },
      { ...base, id: 'i'.repeat(65), source: 's'.repeat(65), line: 'l'.repeat(63) },
      { ...base, line: 'l'.repeat(8191) },
      { ...base, line: 'l'.repeat(8192) },
      { ...base, line: 'é'.repeat(4096) },
    ];
    for (const [i, record] of cases.entries())
      expect(viaTail(writer, record), `case ${i}`).toEqual(viaMessage(record));
    // Fields inherited from a prototype are not the record's (Object.keys, JSON.stringify).
    const inherited = Object.create({ hidden: 'no' }) as Record<string, string>;
    inherited.own = 'yes';
    const record = { ...base, fields: inherited };
    expect(viaTail(writer, record)).toEqual(viaMessage(record));
  });

  it('says when a tail might not fit, and leaves records with values no field holds to encodeKafkaMessage', () => {
    const writer = new RecordTailWriter();
    const out = Buffer.alloc(1_000);
    expect(writer.write(base, out, 0)).toBeGreaterThan(0);
    expect(writer.write({ ...base, line: 'x'.repeat(300) }, out, 0)).toBe(-1);
    const odd = { ...base, fields: { f: (() => 1) as unknown as string } };
    expect(writer.write(odd, Buffer.alloc(4096), 0)).toBe(NOT_WRITTEN);
  });
});
