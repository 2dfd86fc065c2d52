import { describe, expect, it } from 'vitest';
import { InFlightBudget } from './budget.js';

describe('InFlightBudget', () => {
  it('pauses once when either limit is reached and resumes below the low-water mark', () => {
    const calls: string[] = [];
    const budget = new InFlightBudget(
      { maxEvents: 100, maxBytes: 10_000 },
      () => calls.push('pause'),
      () => calls.push('resume'),
    );
    budget.acquire(60, 600);
    expect(calls).toEqual([]);
    budget.acquire(40, 400);
    budget.acquire(10, 100);
    expect(calls).toEqual(['pause']);
    budget.release(60, 600);
    expect(calls).toEqual(['pause']); // 50 events left: not below 50% yet
    budget.release(1, 10);
    expect(calls).toEqual(['pause', 'resume']);
    expect(budget.events).toBe(49);
    expect(budget.bytes).toBe(490);
  });

  it('pauses on bytes alone', () => {
    const calls: string[] = [];
    const budget = new InFlightBudget(
      { maxEvents: 1_000, maxBytes: 1_000 },
      () => calls.push('pause'),
      () => calls.push('resume'),
    );
    budget.acquire(1, 1_000);
    expect(budget.paused).toBe(true);
    budget.release(1, 1_000);
    expect(budget.paused).toBe(false);
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('rejects limits that cannot hold a single event', () => {
    expect(
      () =>
        new InFlightBudget(
          { maxEvents: 0, maxBytes: 1 },
          () => {},
          () => {},
        ),
    ).toThrow('maxEvents must be at least 1, got 0');
  });
});
