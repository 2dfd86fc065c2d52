import type { EncodedBatch, RecordRefs } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { RequestBodies } from './request-bodies.js';
import { type BatchState, requestBody, type Span } from './spans.js';

/** A batch whose items are the given NDJSON pairs, and a span over items [from, to). */
function batchOf(items: readonly string[]): BatchState {
  const parts = items.map((item) => Buffer.from(item, 'utf8'));
  const body = new Uint8Array(Buffer.concat(parts));
  const starts = new Int32Array(items.length + 1);
  let at = 0;
  parts.forEach((part, i) => {
    starts[i] = at;
    at += part.length;
  });
  starts[items.length] = at;
  const batch: EncodedBatch = {
    body,
    starts,
    recordIndex: Int32Array.from(items.keys()),
    dropped: 0,
    failures: {},
  };
  const records: RecordRefs = { length: items.length, at: () => undefined };
  return {
    batch,
    records,
    remaining: items.length,
    indexed: 0,
    duplicates: 0,
    deadLettered: 0,
    deadLetteredItems: [],
    settled: false,
    resolve: () => {},
    reject: () => {},
  };
}

const span = (state: BatchState, from: number, to: number): Span => ({ state, from, to, attempts: 0 });

const item = (id: string, doc: string) => `{"create":{"_id":"${id}"}}\n${doc}\n`;

describe('requestBody', () => {
  it('joins spans of several batches byte for byte, unicode and lone surrogates included', () => {
    const a = batchOf([item('a1', '{"m":"é ✓ 😀"}'), item('a2', '{"m":"\\ud800"}')]);
    const b = batchOf([
      item('b1', '{"m":"\\"quoted\\" \\\\ back"}'),
      item('b2', `{"m":"${'x'.repeat(70_000)}"}`),
    ]);
    const spans = [span(a, 1, 2), span(b, 0, 2)];
    const expected = Buffer.concat([
      Buffer.from(a.batch.body.subarray(a.batch.starts[1], a.batch.starts[2])),
      Buffer.from(b.batch.body),
    ]);
    const bodies = new RequestBodies(4, 1 << 24);
    const body = requestBody(spans, bodies);
    expect(body.equals(expected)).toBe(true);
    // Reused after it was given back: the same memory, rewritten for the next request.
    bodies.give(body);
    const again = requestBody([span(b, 1, 2), span(a, 0, 2)], bodies);
    expect(again.buffer).toBe(body.buffer);
    expect(
      again.equals(
        Buffer.concat([Buffer.from(b.batch.body.subarray(b.batch.starts[1])), Buffer.from(a.batch.body)]),
      ),
    ).toBe(true);
  });

  it('sends one span as a view on its batch, which is never taken into the pool', () => {
    const a = batchOf([item('a1', '{"m":1}'), item('a2', `{"m":"${'y'.repeat(100_000)}"}`)]);
    const bodies = new RequestBodies(4, 1 << 24);
    const body = requestBody([span(a, 0, 2)], bodies);
    expect(body.buffer).toBe(a.batch.body.buffer);
    bodies.give(body);
    const next = bodies.take(1_000);
    expect(next.buffer).not.toBe(a.batch.body.buffer);
    next.fill(0);
    expect(Buffer.from(a.batch.body).toString('utf8')).toContain('"a2"');
  });
});

describe('RequestBodies', () => {
  it('keeps at most maxFree buffers, none above maxBytes, and hands each out once', () => {
    const bodies = new RequestBodies(2, 256 * 1024);
    const taken = [bodies.take(70_000), bodies.take(70_000), bodies.take(70_000)];
    for (const body of taken) bodies.give(body);
    const first = bodies.take(70_000);
    const second = bodies.take(70_000);
    const third = bodies.take(70_000);
    expect(new Set([first.buffer, second.buffer, third.buffer]).size).toBe(3);
    expect(taken.map((b) => b.buffer)).toContain(first.buffer);
    expect(taken.map((b) => b.buffer)).toContain(second.buffer);
    expect(taken.map((b) => b.buffer)).not.toContain(third.buffer);
    const big = bodies.take(300_000);
    bodies.give(big);
    expect(bodies.take(300_000).buffer).not.toBe(big.buffer);
  });

  it('does not hand a large buffer to a small request', () => {
    const bodies = new RequestBodies(4, 1 << 24);
    const large = bodies.take(1 << 20);
    bodies.give(large);
    expect(bodies.take(1_000).buffer).not.toBe(large.buffer);
    expect(bodies.take(600_000).buffer).toBe(large.buffer);
  });
});
