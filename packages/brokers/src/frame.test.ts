import type { OutboundRecord } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeFrame,
  FRAME_KEY,
  frameGroups,
  isFramePayload,
  MAX_FRAME_LINES,
} from './frame.js';

const shippedAt = Date.UTC(2026, 0, 2, 3, 4, 5);
const base = { 'host.name': 'web-1', 'agent.type': 'sluice', tags: ['edge'] };

function line(i: number, extra: Partial<OutboundRecord> = {}): OutboundRecord {
  return {
    id: `id-${i}`,
    line: `10.0.0.${i} - - "GET /${i} HTTP/1.1" 200 ${i}`,
    source: '/var/log/nginx/access.log',
    offset: i * 100,
    shippedAt,
    fields: { ...base, 'log.offset': i * 100 },
    ...extra,
  };
}

/** What the Kafka decoder makes of the same record sent one per message: the frame must match it. */
function expected(r: OutboundRecord, origin: string) {
  return {
    id: r.id,
    line: r.line,
    source: r.source,
    ...(r.offset !== undefined ? { offset: r.offset } : {}),
    shippedAt: r.shippedAt,
    format: 'sluice',
    ...(r.fields ? { fields: r.fields } : {}),
    origin,
  };
}

describe('frames', () => {
  it('round-trips lines with their own ids, offsets and fields; shared values are written once', () => {
    const records = [line(1), line(2), line(3)];
    const payload = encodeFrame(records);
    expect(isFramePayload(payload)).toBe(true);
    const json = JSON.parse(payload);
    expect(json).toEqual({
      [FRAME_KEY]: 1,
      ids: ['id-1', 'id-2', 'id-3'],
      lines: records.map((r) => r.line),
      source: '/var/log/nginx/access.log',
      offsets: [100, 200, 300],
      shipped_at: shippedAt,
      fields: base,
      each: { 'log.offset': [100, 200, 300] },
    });
    expect(decodeFrame(payload, 't/0@7')).toEqual(records.map((r, i) => expected(r, `t/0@7#${i}`)));
  });

  it('keeps per-line sources, times, missing offsets and fields that only some lines have', () => {
    const records = [
      line(1, { source: 'a.log', shippedAt: 1 }),
      line(2, { source: 'b.log', offset: undefined, fields: { ...base, tags: ['other'] } }),
      line(3, { fields: { 'host.name': 'web-1', extra: true } }),
      line(4, { fields: undefined }),
    ];
    // `offset: undefined` above stands for a record without one.
    const clean = records.map((r) =>
      Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)),
    ) as unknown as OutboundRecord[];
    const decoded = decodeFrame(encodeFrame(clean), 'list');
    expect(decoded).toEqual(clean.map((r, i) => expected(r, `list#${i}`)));
  });

  it('a single line with no fields has none after the trip', () => {
    const r: OutboundRecord = { id: 'x', line: 'hello\nworld', source: 'stdin', shippedAt };
    expect(decodeFrame(encodeFrame([r]), 'o')).toEqual([
      { id: 'x', line: 'hello\nworld', source: 'stdin', shippedAt, format: 'sluice', origin: 'o#0' },
    ]);
  });

  it('keeps fields named like Object.prototype members (__proto__, constructor), shared or varying', () => {
    // A config file's fields come from JSON.parse, which makes `__proto__` an own key.
    const fields = (value: number) =>
      JSON.parse(`{"__proto__":{"p":${value}},"constructor":"c","a":1}`) as Record<string, never>;
    for (const records of [
      [line(1, { fields: fields(1) }), line(2, { fields: fields(1) })],
      [line(1, { fields: fields(1) }), line(2, { fields: fields(2) })],
    ]) {
      const decoded = decodeFrame(encodeFrame(records), 'o') as { fields?: object }[];
      for (const [i, record] of decoded.entries()) {
        // Shared fields come first, then varying ones: compare them in any order.
        const entries = (o: object | undefined) =>
          Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
        expect(entries(record.fields)).toEqual(entries(records[i]?.fields));
        expect(Object.keys(record.fields ?? {})).toHaveLength(3);
      }
    }
  });

  it('cuts frames by lines and by characters, never leaving one empty', () => {
    const records = Array.from({ length: 10 }, (_, i) => line(i));
    expect(frameGroups(records, 4, 1e9).map((g) => g.length)).toEqual([4, 4, 2]);
    const width = (records[0] as OutboundRecord).line.length;
    expect(frameGroups(records, 100, width * 3).map((g) => g.length)).toEqual([3, 3, 3, 1]);
    // A line longer than the cap travels alone.
    expect(frameGroups(records.slice(0, 2), 100, 1).map((g) => g.length)).toEqual([1, 1]);
    expect(() => encodeFrame([])).toThrow(RangeError);
    expect(() => encodeFrame(Array.from({ length: MAX_FRAME_LINES + 1 }, (_, i) => line(i)))).toThrow(
      /at most/,
    );
  });

  it('a frame that does not parse or whose columns do not line up is poison as a whole', () => {
    const good = JSON.parse(encodeFrame([line(1), line(2)]));
    const cases: [unknown, RegExp][] = [
      [{ ...good, [FRAME_KEY]: 2 }, /version 2 .*upgrade the consumer/],
      [{ ...good, ids: ['a'] }, /equal length/],
      [{ ...good, ids: [], lines: [] }, /non-empty/],
      [{ ...good, ids: ['a', 7] }, /line 1 has no string id/],
      [{ ...good, lines: ['a', null] }, /line 1 is not a string/],
      [{ ...good, source: ['a'] }, /source must be a string or an array of 2/],
      [{ ...good, shipped_at: 'now' }, /shipped_at must be a number/],
      [{ ...good, offsets: [1] }, /offsets must be an array/],
      [{ ...good, fields: [1] }, /fields must be a JSON object/],
      [{ ...good, each: { 'log.offset': [1] } }, /each\.log\.offset must be an array/],
    ];
    for (const [frame, reason] of cases) {
      const decoded = decodeFrame(JSON.stringify(frame), 'o');
      expect(decoded, JSON.stringify(frame)).toMatchObject({ poison: true });
      expect((decoded as { reason: string }).reason).toMatch(reason);
    }
    expect(decodeFrame(`{"${FRAME_KEY}":1,"ids":[`, 'o')).toMatchObject({
      poison: true,
      reason: expect.stringMatching(/does not parse/),
    });
    expect(isFramePayload('{"sluice":{"id":"x"},"message":"m"}')).toBe(false);
  });
});

type FieldValue = NonNullable<OutboundRecord['fields']>[string];

/** encodeFrame as it was first written (one Set lookup per field per line): the reference for its fast path. */
function referenceFrame(records: readonly OutboundRecord[]): string {
  const first = records[0] as OutboundRecord;
  const same = (a: FieldValue | undefined, b: FieldValue | undefined) =>
    a === b ||
    (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]));
  const firstFields = first.fields ?? {};
  const shared = new Set(Object.keys(firstFields));
  const varying = new Set<string>();
  for (const r of records.slice(1)) {
    const fields = r.fields ?? {};
    let present = 0;
    for (const key in fields) {
      if (shared.has(key)) {
        present++;
        if (!same(fields[key], firstFields[key])) {
          shared.delete(key);
          present--;
          varying.add(key);
        }
      } else varying.add(key);
    }
    if (present !== shared.size)
      for (const key of shared)
        if (!Object.hasOwn(fields, key)) {
          shared.delete(key);
          varying.add(key);
        }
  }
  const frame: Record<string, unknown> = {
    [FRAME_KEY]: 1,
    ids: records.map((r) => r.id),
    lines: records.map((r) => r.line),
  };
  frame.source = records.every((r) => r.source === first.source)
    ? first.source
    : records.map((r) => r.source);
  if (records.some((r) => r.offset !== undefined)) frame.offsets = records.map((r) => r.offset ?? null);
  frame.shipped_at = records.every((r) => r.shippedAt === first.shippedAt)
    ? first.shippedAt
    : records.map((r) => r.shippedAt);
  // Own fields, `__proto__` included (a null-prototype object: plain assignment stays a field).
  if (shared.size > 0) {
    const out: Record<string, unknown> = Object.create(null);
    for (const k of shared) out[k] = firstFields[k];
    frame.fields = out;
  }
  if (varying.size > 0) {
    const out: Record<string, unknown> = Object.create(null);
    for (const k of varying)
      out[k] = records.map((r) =>
        // Object.prototype itself is no field: a line without an own `__proto__` has none.
        k === '__proto__' && (r.fields === undefined || !Object.hasOwn(r.fields, k))
          ? null
          : (r.fields?.[k] ?? null),
      );
    frame.each = out;
  }
  return JSON.stringify(frame);
}

describe('encodeFrame on lines whose fields differ', () => {
  it('writes the bytes of the reference encoding, same field names or not', () => {
    const names = ['a', 'b', 'log.offset', 'tags', '__proto__'];
    const value = fc.oneof(
      fc.constantFrom<FieldValue>('x', 'y', 1, 2, true, ['t'], ['t', 'u']),
      fc.constant(undefined),
    );
    const fields = fc.uniqueArray(fc.tuple(fc.constantFrom(...names), value), {
      selector: ([k]) => k,
      maxLength: names.length,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(fields, { nil: undefined }), fc.boolean()), {
          minLength: 1,
          maxLength: 8,
        }),
        (lines) => {
          const records = lines.map(([pairs, reuse], i): OutboundRecord => {
            const own = pairs === undefined ? undefined : Object.create(null);
            for (const [k, v] of pairs ?? [])
              Object.defineProperty(own, k, {
                value: v,
                enumerable: true,
                writable: true,
                configurable: true,
              });
            // Often the first line's fields again, in the same order: the fast path's case.
            const first = lines[0]?.[0];
            const copied =
              reuse && first !== undefined
                ? Object.fromEntries(first.map(([k, v], j) => [k, j === 0 ? i : v]))
                : own;
            return {
              id: `id-${i}`,
              line: `l${i}`,
              source: 's',
              shippedAt: 1,
              ...(copied ? { fields: copied } : {}),
            };
          });
          expect(encodeFrame(records)).toBe(referenceFrame(records));
        },
      ),
      { numRuns: 3000 },
    );
    // Inherited enumerable names are seen by for-in only: such lines take the general path.
    const proto = { inherited: 'p' };
    const withProto = Object.assign(Object.create(proto), { a: 'x' });
    const records = [line(1, { fields: { a: 'x' } }), line(2, { fields: withProto })];
    expect(encodeFrame(records)).toBe(referenceFrame(records));
  });
});
