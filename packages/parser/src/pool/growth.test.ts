import { describe, expect, it } from 'vitest';
import { GROWTH_WINDOW_MS, GrowthWindow } from './growth.js';

/**
 * Drives a window with batches of `seconds` each, back to back on `width` workers from
 * `from` ms, `waiting` saying whether a batch waits as each ends; the first time it says
 * to grow (ms), or undefined.
 */
function run(
  window: GrowthWindow,
  from: number,
  until: number,
  batch: { seconds: number; width: number; waiting: boolean; gapMs?: number },
): number | undefined {
  for (let now = from; now < until; ) {
    if (batch.waiting) window.waited();
    now += batch.seconds * 1000 + (batch.gapMs ?? 0);
    if (window.observe(batch.seconds * batch.width, now, batch.width, batch.waiting)) return now;
  }
  return undefined;
}

describe('growth window', () => {
  it('does not add a worker for one saturated window: a warm-up burst at start-up', () => {
    const window = new GrowthWindow(0);
    // The first worker's start-up: slow batches with others queued, for just over a window.
    expect(run(window, 0, 1_200, { seconds: 0.3, width: 1, waiting: true })).toBeUndefined();
    // Then Elasticsearch sets the pace: a batch now and then, nobody waiting.
    expect(
      run(window, 1_200, 10_000, { seconds: 0.05, width: 1, waiting: false, gapMs: 150 }),
    ).toBeUndefined();
  });

  it('adds one after two saturated windows in a row, and judges the wider pool afresh', () => {
    const window = new GrowthWindow(0);
    const grewAt = run(window, 0, 10_000, { seconds: 0.1, width: 1, waiting: true });
    expect(grewAt).toBeGreaterThanOrEqual(2 * GROWTH_WINDOW_MS);
    expect(grewAt).toBeLessThan(2 * GROWTH_WINDOW_MS + 200);
    // Two workers, still saturated: another two windows before the third.
    const again = run(window, grewAt as number, 20_000, { seconds: 0.1, width: 2, waiting: true });
    expect((again as number) - (grewAt as number)).toBeGreaterThanOrEqual(2 * GROWTH_WINDOW_MS);
  });

  it('needs the windows in a row: a quiet window between two busy ones starts the count again', () => {
    const window = new GrowthWindow(0);
    expect(run(window, 0, 1_050, { seconds: 0.1, width: 1, waiting: true })).toBeUndefined();
    // A quarter busy: not saturated (the batches still queued when it began count as its waits).
    expect(
      run(window, 1_100, 2_200, { seconds: 0.05, width: 1, waiting: false, gapMs: 150 }),
    ).toBeUndefined();
    expect(run(window, 2_200, 3_250, { seconds: 0.1, width: 1, waiting: true })).toBeUndefined();
    expect(run(window, 3_300, 5_000, { seconds: 0.1, width: 1, waiting: true })).toBeDefined();
  });

  it('a worker busy a little over half its time, with waits in every window, stays alone', () => {
    // What a consumer that Elasticsearch holds back looks like on 2 cores: batches arrive in
    // bursts (so some wait), and Elasticsearch's CPU stretches the worker's busy wall time.
    const window = new GrowthWindow(0);
    expect(run(window, 0, 20_000, { seconds: 0.06, width: 1, waiting: true, gapMs: 40 })).toBeUndefined();
  });

  it('waits without much parsing (batches queued behind a short stall) do not count', () => {
    const window = new GrowthWindow(0);
    expect(run(window, 0, 10_000, { seconds: 0.02, width: 1, waiting: true, gapMs: 80 })).toBeUndefined();
  });
});
