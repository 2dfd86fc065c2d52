import { describe, expect, it } from 'vitest';
import type { ShipEvent } from './event.js';
import { EventQueue } from './queue.js';

const event = (offset: number, bytes = 10): ShipEvent => ({
  input: 'file',
  text: `line ${offset}`,
  source: 'f',
  idSource: 'f',
  offset,
  bytes,
  readAt: 0,
});

describe('EventQueue.tryPush', () => {
  it('takes events while there is room, then refuses without taking', async () => {
    const q = new EventQueue({ maxEvents: 2, maxBytes: 1_000 });
    expect(q.tryPush(event(0))).toBe(true);
    expect(q.tryPush(event(1))).toBe(true);
    expect(q.tryPush(event(2))).toBe(false);
    expect(q.size).toBe(2);
    expect((await q.take(10, 1_000, 0)).map((e) => e.offset)).toEqual([0, 1]);
    expect(q.tryPush(event(3, 2_000))).toBe(true); // an oversized event still enters an empty queue
  });

  it('never overtakes a pusher that is waiting for room', async () => {
    const q = new EventQueue({ maxEvents: 1, maxBytes: 1_000 });
    expect(q.tryPush(event(0))).toBe(true);
    const waiting = q.push(event(1));
    expect(q.tryPush(event(2))).toBe(false);
    expect((await q.take(10, 1_000, 0)).map((e) => e.offset)).toEqual([0]);
    // Room again, but the waiting pusher goes first.
    expect(q.tryPush(event(2))).toBe(false);
    await waiting;
    expect((await q.take(10, 1_000, 0)).map((e) => e.offset)).toEqual([1]);
    expect(q.tryPush(event(2))).toBe(true);
  });

  it('throws once closed, as push does', () => {
    const q = new EventQueue();
    q.close();
    expect(() => q.tryPush(event(0))).toThrow('event queue is closed');
  });
});
