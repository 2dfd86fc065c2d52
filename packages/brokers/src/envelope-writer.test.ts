import type { OutboundRecord } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EventBytesWriter,
  encodeEnvelopeObject,
  writeBeatsEventUtf8,
  writeEnvelopeUtf8,
} from './wire.js';

/** The byte path's output for one record, through a buffer of `size` bytes (null: did not fit). */
function viaBytes(write: EventBytesWriter, record: OutboundRecord, size = 1 << 20, at = 3): Buffer | null {
  const out = Buffer.alloc(size + at, 0x7e);
  const end = write(record, out, at, out.length);
  return end < 0 ? null : out.subarray(at, end);
}

const base: OutboundRecord = {
  id: 'Qx3vKk',
  line: '1.2.3.4 - "GET /a?b=\\"c\\" HTTP/1.1" 200 5 \u00e9 \u2028 \t',
  source: '/var/log/app.log',
  offset: 4096,
  shippedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  fields: {
    'host.name': 'web-1',
    'agent.id': 'web-1',
    'agent.type': 'sluice',
    'log.file.path': '/var/log/app.log',
    'event.created': '2026-01-02T03:04:05.006Z',
    'log.offset': 4096,
    tags: ['edge'],
  },
};

function expectSameBytes(record: OutboundRecord, why: string): void {
  expect(viaBytes(writeEnvelopeUtf8, record)?.toString('utf8'), why).toBe(encodeEnvelopeObject(record));
  expect(viaBytes(writeBeatsEventUtf8, record)?.toString('utf8'), why).toBe(
    encodeEnvelopeObject(record, 'beats'),
  );
  // Byte for byte, not only as text: the UTF-8 of the plain string.
  expect(viaBytes(writeEnvelopeUtf8, record), why).toEqual(Buffer.from(encodeEnvelopeObject(record), 'utf8'));
}

describe('envelope byte writers', () => {
  it('write the bytes of the object form, line after line, as values change or stay', () => {
    const tags = ['a', 'b'];
    const records: OutboundRecord[] = [
      base,
      { ...base, line: 'next', offset: 4200, id: 'i2' },
      // A cached run's values change: host, timestamp, shipped_at, path.
      { ...base, shippedAt: base.shippedAt + 1, fields: { ...base.fields, 'host.name': 'web-2' } },
      { ...base, source: '/var/log/other.log' },
      // The same array, changed in place between two lines: must not reuse the old bytes.
      { ...base, fields: { ...base.fields, tags } },
      (() => {
        tags.push('c');
        return { ...base, fields: { ...base.fields, tags } };
      })(),
      { ...base, fields: { ...base.fields, tags: ['x', 'y'] } },
      // Hostile text in every value.
      { ...base, line: '\ud800 lone \udc00 pair 😀 "q" \\ \u0000\u001f\u007f \u2028\u2029', id: 'é"\\' },
      { ...base, line: 'ü'.repeat(100_000), source: 'ключ 😀' },
      { ...base, line: '', offset: 0, shippedAt: 0 },
      { ...base, offset: Number.NaN },
      { ...base, offset: undefined },
      { ...base, fields: undefined },
      { ...base, fields: {} },
      { ...base, fields: { message: 'no', '@timestamp': 'early', sluice: 'x', 'sluice.id': 'y' } },
      { ...base, fields: { a: 1, 'a.b': 2, 'c.d': true, c: 'flat', n: Number.NaN, z: -0 } },
      { ...base, fields: JSON.parse('{"__proto__":"own","q":"\\ue000-1\\ue001"}') },
      // Values the template path does not take: the plain path, same bytes.
      { ...base, fields: { gone: undefined, kept: 'k' } as unknown as OutboundRecord['fields'] },
      { ...base, fields: { nested: { a: 1 } } as unknown as OutboundRecord['fields'] },
      base,
    ];
    for (const pass of [1, 2])
      for (const [i, r] of records.entries()) expectSameBytes(r, `pass ${pass}, #${i}`);
  });

  it('say when the buffer is too small, and fit once it is not', () => {
    const text = encodeEnvelopeObject(base);
    expect(viaBytes(writeEnvelopeUtf8, base, 10)).toBeNull();
    expect(viaBytes(writeEnvelopeUtf8, base, text.length * 3 + 64)?.toString()).toBe(text);
  });

  it('never write past the buffer, whatever the escapes cost (null or the exact bytes at every size)', () => {
    // Control characters take 6 bytes each escaped, more than the 3 per character a line is
    // first given: the line's escapes must not eat the room of the segments after it.
    const records: OutboundRecord[] = [
      { ...base, line: '\u0001'.repeat(40), id: '"'.repeat(10) },
      { ...base, line: '"\r\n'.repeat(30), id: '\u0000\u001f' },
      { ...base, line: 'a\ud800\u0002', offset: 12_345_678_901 },
    ];
    for (const record of records) {
      const want = Buffer.from(encodeEnvelopeObject(record), 'utf8');
      for (let size = want.length - 8; size < want.length * 3 + 64; size++) {
        const out = Buffer.alloc(size + 16, 0x7e);
        const end = writeEnvelopeUtf8(record, out, 3, size + 3);
        if (end >= 0) expect(out.subarray(3, end)).toEqual(want);
        // Nothing past the end it was given.
        expect(out.subarray(size + 3).every((b) => b === 0x7e)).toBe(true);
      }
    }
  });

  it('write the same bytes for CRLF, empty, very long and unicode lines, offsets of every size', () => {
    const lines = [
      '',
      '\r',
      'line\r',
      '\n\r\n',
      'é'.repeat(3000),
      `${'x'.repeat(70_000)}"`,
      '😀'.repeat(500),
    ];
    const offsets = [
      0,
      9,
      10,
      99,
      1_000_000,
      2 ** 31,
      Number.MAX_SAFE_INTEGER,
      -1,
      1.5,
      Number.POSITIVE_INFINITY,
    ];
    for (const line of lines)
      for (const offset of offsets)
        expectSameBytes({ ...base, line, offset }, `${line.slice(0, 9)} @${offset}`);
  });

  it('match the object form on arbitrary lines and field values', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.integer(),
      fc.boolean(),
      fc.array(fc.string({ unit: 'binary', maxLength: 5 }), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            line: fc.string({ unit: 'binary', maxLength: 200 }),
            id: fc.string({ unit: 'binary', maxLength: 30 }),
            source: fc.constantFrom('/a.log', 'stdin', 'é😀'),
            offset: fc.option(fc.nat(), { nil: undefined }),
            shippedAt: fc.constantFrom(0, 1_767_323_045_000, 1_767_323_045_001),
            host: value,
            extra: fc.option(value, { nil: undefined }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (lines) => {
          for (const l of lines) {
            const fields: Record<string, unknown> = { 'host.name': l.host, 'agent.type': 'sluice' };
            if (l.extra !== undefined) fields['labels.extra'] = l.extra;
            const record = {
              id: l.id,
              line: l.line,
              source: l.source,
              ...(l.offset === undefined ? {} : { offset: l.offset }),
              shippedAt: l.shippedAt,
              fields,
            } as OutboundRecord;
            expectSameBytes(record, JSON.stringify(l));
          }
        },
      ),
    );
  });
});
