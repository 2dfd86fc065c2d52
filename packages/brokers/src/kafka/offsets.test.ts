import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetTracker, type Span } from './offsets.js';

describe('OffsetTracker', () => {
  it('commits only up to the highest contiguous acknowledged offset', () => {
    const t = new OffsetTracker();
    const a = t.dispatch(0, 0, 9).span;
    const b = t.dispatch(0, 10, 19).span;
    const c = t.dispatch(0, 20, 29).span;
    expect(t.ack(c)).toBeUndefined();
    expect(t.ack(b)).toBeUndefined();
    expect(t.pending).toBe(1);
    expect(t.ack(a)).toBe(30);
    expect(t.pending).toBe(0);
    expect(t.nextFetch(0)).toBeUndefined();
  });

  it('advances over the leading run only', () => {
    const t = new OffsetTracker();
    const a = t.dispatch(3, 100, 149).span;
    const b = t.dispatch(3, 150, 199).span;
    const c = t.dispatch(3, 200, 249).span;
    expect(t.ack(a)).toBe(150);
    expect(t.ack(c)).toBeUndefined();
    expect(t.nextFetch(3)).toBe(250);
    expect(t.ack(b)).toBe(250);
  });

  it('keeps partitions independent', () => {
    const t = new OffsetTracker();
    const p0 = t.dispatch(0, 0, 4).span;
    const p1 = t.dispatch(1, 0, 4).span;
    expect(t.ack(p1)).toBe(5);
    expect(t.activePartitions()).toEqual([0]);
    expect(t.ack(p0)).toBe(5);
  });

  it('a retried span forgets itself and every later span of its partition', () => {
    const t = new OffsetTracker();
    const a = t.dispatch(0, 0, 9).span;
    const b = t.dispatch(0, 10, 19).span;
    const c = t.dispatch(0, 20, 29).span;
    const other = t.dispatch(1, 0, 9).span;
    expect(t.retry(b)).toBe(10);
    expect(t.isLive(c)).toBe(false);
    expect(t.ack(c)).toBeUndefined();
    expect(t.retry(c)).toBeUndefined();
    expect(t.nextFetch(0)).toBe(10);
    expect(t.ack(a)).toBe(10);
    expect(t.ack(other)).toBe(10);
    // The redelivery is counted as such.
    const again = t.dispatch(0, 10, 29);
    expect(again.redelivered).toBe(20);
    expect(t.ack(again.span)).toBe(30);
  });

  it('acks of revoked partitions are no-ops', () => {
    const t = new OffsetTracker();
    const a = t.dispatch(0, 0, 9).span;
    const b = t.dispatch(1, 0, 9).span;
    t.revoke(0);
    expect(t.ack(a)).toBeUndefined();
    expect(t.ack(b)).toBe(10);
    const c = t.dispatch(1, 10, 19).span;
    t.revokeAll();
    expect(t.ack(c)).toBeUndefined();
    expect(t.pending).toBe(0);
  });

  it('a fetch that goes back supersedes the spans it overlaps', () => {
    const t = new OffsetTracker();
    const a = t.dispatch(0, 0, 9).span;
    const b = t.dispatch(0, 10, 19).span;
    const again = t.dispatch(0, 10, 14);
    expect(again.redelivered).toBe(5);
    expect(t.isLive(b)).toBe(false);
    expect(t.ack(again.span)).toBeUndefined();
    expect(t.ack(a)).toBe(15);
  });

  it('rejects impossible spans', () => {
    const t = new OffsetTracker();
    expect(() => t.dispatch(0, 5, 4)).toThrow('invalid offset span 5..4 on partition 0');
    expect(() => t.dispatch(0, -1, 4)).toThrow(RangeError);
  });

  /**
   * Model: a partition's offsets are dispatched in consecutive spans; acks and retries
   * arrive in any order. Invariants: every committed offset is <= the first offset not yet
   * acknowledged (no unfinished work is committed), and once everything still live is
   * acknowledged, the commit point reaches the end of what was dispatched.
   */
  it('never commits past an unacknowledged offset, whatever the ack order (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('dispatch' as const), size: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const t = new OffsetTracker();
        let next = 0; // fetch position
        let committed = 0;
        const done = new Set<number>(); // offsets acknowledged (of live spans at ack time)
        let inflight: Span[] = [];
        const lowestUnfinished = () => {
          for (let o = committed; o < next; o++) if (!done.has(o)) return o;
          return next;
        };
        for (const o of ops) {
          if (o.kind === 'dispatch') {
            inflight.push(t.dispatch(0, next, next + o.size - 1).span);
            next += o.size;
          } else if (inflight.length > 0) {
            const span = inflight[o.pick % inflight.length] as Span;
            inflight = inflight.filter((s) => s !== span);
            if (o.kind === 'ack') {
              const live = t.isLive(span);
              const c = t.ack(span);
              if (live) for (let x = span.first; x <= span.last; x++) done.add(x);
              if (c !== undefined) {
                expect(c).toBeGreaterThan(committed);
                committed = c;
              }
            } else {
              const seek = t.retry(span);
              if (seek !== undefined) {
                expect(seek).toBe(span.first);
                // Everything from the seek point will be fetched again.
                next = seek;
                for (const x of [...done]) if (x >= seek) done.delete(x);
                inflight = inflight.filter((s) => s.first < seek);
              }
            }
          }
          expect(committed).toBeLessThanOrEqual(lowestUnfinished());
        }
        // Finish: acknowledge what is still in flight, in reverse order.
        for (const span of inflight.reverse()) {
          const c = t.ack(span);
          if (c !== undefined) committed = c;
        }
        expect(t.pending).toBe(0);
        // Nothing live is left unfinished, so the commit point is the fetch position.
        expect(committed).toBe(next);
      }),
      { numRuns: 500 },
    );
  });
});
