import type { OutboundRecord } from '@sluice/core';
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
